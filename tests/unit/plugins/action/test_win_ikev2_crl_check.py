# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_ikev2_crl_check against a fake host: round trips, the marker, restart, refusals."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_ikev2_crl_check import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY, NOT_INSTALLED_MSG, REMOTE_ACCESS_PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost

ROLE_CHECK = ["win_service", "win_feature_info"]


def rras_host(ikev2: dict | None = None) -> FakeHost:
    keys = {REMOTE_ACCESS_PARAMETERS_KEY: {"RouterType": ("REG_DWORD", 7)}}
    if ikev2 is not None:
        keys[IKEV2_KEY] = dict(ikev2)
    return FakeHost(keys=keys)


def test_enable_writes_marker_then_value_and_second_run_is_one_read(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={}), {"restart": True})
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_regedit", "win_service", "win_regedit"]
    assert host.keys[IKEV2_KEY] == {"CertAuthFlags": ("REG_DWORD", 4)}
    assert result["changed"] is True and result["restarted"] is True and result["restart_required"] is False
    assert result["before"] == {"crl_check": False, "cert_auth_flags": None} and result["after"] == {"crl_check": True, "cert_auth_flags": 4}
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"restart": True})
    assert host.modules() == ["win_reg_stat"] and result["changed"] is False and result["restarted"] is False


def test_enable_without_restart_warns_and_keeps_the_marker(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={"CertAuthFlags": ("REG_DWORD", 2)}), {})
    assert host.keys[IKEV2_KEY] == {"CertAuthFlags": ("REG_DWORD", 4), PENDING_RESTART: ("REG_DWORD", 1)}
    assert result["restart_required"] is True and any("RemoteAccess service must be restarted" in w for w in result["warnings"])


@pytest.mark.parametrize("ikev2", [None, {}, {"CertAuthFlags": ("REG_DWORD", 2)}])
def test_disabled_where_not_enforced_writes_nothing(run_action, ikev2: dict | None) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2=ikev2), {"state": "disabled", "restart": True})
    assert "win_regedit" not in host.modules() and "win_service" not in host.modules()
    assert result["changed"] is False and result["restart_required"] is False
    assert (IKEV2_KEY in host.keys) is (ikev2 is not None)


def test_disabled_where_enforced_writes_two(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={"CertAuthFlags": ("REG_DWORD", 4)}), {"state": "disabled"})
    assert host.keys[IKEV2_KEY]["CertAuthFlags"] == ("REG_DWORD", 2) and result["after"]["crl_check"] is False


def test_check_mode_and_diff_write_nothing(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={}), {"restart": True}, check_mode=True, diff=True)
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK] and host.keys[IKEV2_KEY] == {}
    assert result["changed"] is True and result["diff"]["after"] == {"crl_check": True, "cert_auth_flags": 4}


def test_no_rras_and_no_role_are_refused(run_action) -> None:
    result, host = run_action(ActionModule, FakeHost(), {})
    assert result["failed"] is True and result["msg"] == NOT_INSTALLED_MSG and host.modules() == ["win_reg_stat", "win_reg_stat"]
    host = rras_host(ikev2={})
    host.role_installed = False
    result, host = run_action(ActionModule, host, {})
    assert result["failed"] is True and result["msg"].startswith("the Remote Access role is not installed") and host.keys[IKEV2_KEY] == {}


@pytest.mark.parametrize(("args", "option"), [({"state": "present"}, "state"), ({"restart": "maybe"}, "restart")])
def test_bad_arguments_fail_before_touching_the_host(run_action, args: dict, option: str) -> None:
    host = rras_host()
    with pytest.raises(AnsibleActionFail, match=option):
        run_action(ActionModule, host, args)
    assert host.calls == []
