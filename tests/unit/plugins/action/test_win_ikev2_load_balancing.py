# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_ikev2_load_balancing against a fake host: IKEEXT (never RemoteAccess) restarts the change."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_ikev2_load_balancing import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import IKEEXT_MISSING_MSG, IKEEXT_PARAMETERS_KEY, IKEEXT_SERVICE_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost


def host_with(parameters: dict | None) -> FakeHost:
    keys: dict = {IKEEXT_SERVICE_KEY: {"Start": ("REG_DWORD", 2)}}
    if parameters is not None:
        keys[IKEEXT_PARAMETERS_KEY] = dict(parameters)
    return FakeHost(keys=keys)


def test_restart_is_of_ikeext_without_forcing_dependents(run_action) -> None:
    result, host = run_action(ActionModule, host_with({}), {"restart": True})
    assert host.modules() == ["win_reg_stat", "win_service", "win_feature_info", "win_regedit", "win_regedit", "win_service", "win_regedit"]
    assert host.calls[5][1] == {"name": "IKEEXT", "state": "restarted", "force_dependent_services": False}
    assert host.keys[IKEEXT_PARAMETERS_KEY] == {"IkeNumEstablishedForInitialQuery": ("REG_DWORD", 50000)}
    assert result["restarted"] is True and result["restart_required"] is False and result["restart_service"] == "IKEEXT"
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"restart": True})
    assert host.modules() == ["win_reg_stat"] and result["changed"] is False and result["restarted"] is False


def test_without_restart_the_warning_names_ikeext_and_the_marker_stays(run_action) -> None:
    result, host = run_action(ActionModule, host_with(None), {"established_for_initial_query": 20000})
    assert host.modules() == ["win_reg_stat", "win_reg_stat", "win_service", "win_feature_info", "win_regedit", "win_regedit"]
    assert host.keys[IKEEXT_PARAMETERS_KEY] == {PENDING_RESTART: ("REG_DWORD", 1), "IkeNumEstablishedForInitialQuery": ("REG_DWORD", 20000)}
    assert result["restart_required"] is True and result["restart_service"] == "IKEEXT"
    # a RemoteAccess restart does not apply it: the RemoteAccess handler must not remove this marker
    assert "restart_pending" not in result["ansible_facts"]["aovpn_rras_host"]
    (warning,) = result["warnings"]
    assert warning.startswith("The IKEEXT service must be restarted") and "RemoteAccess does not depend on IKEEXT" in warning
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"established_for_initial_query": 20000, "restart": True})
    assert result["changed"] is True and result["restart_pending"] is True and result["restarted"] is True
    assert host.modules() == ["win_reg_stat", "win_service", "win_regedit"] and PENDING_RESTART not in host.keys[IKEEXT_PARAMETERS_KEY]


def test_failed_restart_keeps_it_pending(run_action) -> None:
    host = host_with({})
    host.fail_restart = True
    result, host = run_action(ActionModule, host, {"restart": True})
    assert result["failed"] is True and "restarting IKEEXT failed" in result["msg"] and result["restart_required"] is True
    assert PENDING_RESTART in host.keys[IKEEXT_PARAMETERS_KEY]


def test_no_ikeext_fails_clearly(run_action) -> None:
    result, host = run_action(ActionModule, FakeHost(), {})
    assert result["failed"] is True and result["msg"] == IKEEXT_MISSING_MSG and host.modules() == ["win_reg_stat", "win_reg_stat"]


def test_check_mode_and_no_role(run_action) -> None:
    result, host = run_action(ActionModule, host_with({}), {"restart": True}, check_mode=True, diff=True)
    assert "win_regedit" not in host.modules() and result["changed"] is True and result["restarted"] is False
    assert result["diff"] == {"before": {"established_for_initial_query": None}, "after": {"established_for_initial_query": 50000}}
    host = host_with({})
    host.start_mode = "disabled"
    result, host = run_action(ActionModule, host, {"restart": True})
    assert result["failed"] is True and "not configured" in result["msg"] and host.keys[IKEEXT_PARAMETERS_KEY] == {}


@pytest.mark.parametrize(("args", "match"), [({"established_for_initial_query": 0}, "established_for_initial_query must be between 1"),
                                             ({"established_for_initial_query": "lots"}, "established_for_initial_query"),
                                             ({"restart": "maybe"}, "restart")])
def test_bad_arguments_fail_before_touching_the_host(run_action, args: dict, match: str) -> None:
    host = host_with({})
    with pytest.raises(AnsibleActionFail, match=match):
        run_action(ActionModule, host, args)
    assert host.calls == []
