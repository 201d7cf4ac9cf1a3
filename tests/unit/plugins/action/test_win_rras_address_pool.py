# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_rras_address_pool against a fake host: the size refused before any call, the Ip key never created."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_rras_address_pool import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import IP_KEY, IP_KEY_MISSING_MSG
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost


def rras_host(ip: dict | None) -> FakeHost:
    return FakeHost(keys={} if ip is None else {IP_KEY: dict(ip)})


def test_sets_the_size_with_the_marker_and_then_is_one_read(run_action) -> None:
    result, host = run_action(ActionModule, rras_host({"UseDhcpAddressing": ("REG_DWORD", 1)}), {"initial_size": 100})
    assert host.modules() == ["win_reg_stat", "win_service", "win_feature_info", "win_regedit", "win_regedit"]
    assert host.keys[IP_KEY] == {"UseDhcpAddressing": ("REG_DWORD", 1), PENDING_RESTART: ("REG_DWORD", 1),
                                 "InitialAddressPoolSize": ("REG_DWORD", 100)}
    assert result["before"] == {"initial_size": 10, "initial_address_pool_size": None}
    assert result["after"] == {"initial_size": 100, "initial_address_pool_size": 100}
    assert result["restart_required"] is True and "warnings" in result
    del host.keys[IP_KEY][PENDING_RESTART]
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"initial_size": 100, "restart": True})
    assert host.modules() == ["win_reg_stat"] and result["changed"] is False and "warnings" not in result


def test_missing_ip_key_fails_without_creating_it(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(None), {"initial_size": 100, "restart": True})
    assert result["failed"] is True and result["msg"] == IP_KEY_MISSING_MSG and result["changed"] is False
    assert host.modules() == ["win_reg_stat"] and IP_KEY not in host.keys


@pytest.mark.parametrize("size", [5, 9, -1])
def test_too_small_fails_before_any_host_call(run_action, size: int) -> None:
    host = rras_host({})
    with pytest.raises(AnsibleActionFail, match=f"initial_size must be at least 10.*not {size}"):
        run_action(ActionModule, host, {"initial_size": size})
    assert host.calls == []


@pytest.mark.parametrize(("args", "option"), [({}, "initial_size"), ({"initial_size": "many"}, "initial_size"), ({"initial_size": 20, "x": 1}, "x")])
def test_bad_arguments_fail_before_touching_the_host(run_action, args: dict, option: str) -> None:
    host = rras_host({})
    with pytest.raises(AnsibleActionFail, match=option):
        run_action(ActionModule, host, args)
    assert host.calls == []


def test_static_pool_warns_and_check_mode_writes_nothing(run_action) -> None:
    result, host = run_action(ActionModule, rras_host({"UseDhcpAddressing": ("REG_DWORD", 0)}), {"initial_size": 50}, check_mode=True, diff=True)
    assert "win_regedit" not in host.modules() and host.keys[IP_KEY] == {"UseDhcpAddressing": ("REG_DWORD", 0)}
    assert result["changed"] is True and result["diff"]["after"]["initial_size"] == 50
    assert any("static pool" in warning for warning in result["warnings"])
