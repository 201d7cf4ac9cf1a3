# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_ikev2_fragmentation against a fake host: round trips, build policy, restart, failures."""

from __future__ import annotations

import os

import pytest
from ansible import constants as C
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_ikev2_fragmentation import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import (
    CURRENT_VERSION_KEY,
    IKEV2_KEY,
    NOT_INSTALLED_MSG,
    REMOTE_ACCESS_PARAMETERS_KEY,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost

ROLE_CHECK = [("win_service", "RemoteAccess"), ("win_feature_info", "RemoteAccess")]
"""The reads that confirm the Remote Access role before the first write (never in the steady state)."""

THIS_RUN = os.path.basename(C.DEFAULT_LOCAL_TMP)
"""The run the action plugins name in the host fact (the controller's per-run temporary directory)."""


def rras_host(build: str = "17763", ikev2: dict | None = None) -> FakeHost:
    keys = {
        REMOTE_ACCESS_PARAMETERS_KEY: {"RouterType": ("REG_DWORD", 7)},
        CURRENT_VERSION_KEY: {"CurrentBuildNumber": ("REG_SZ", build), "ProductName": ("REG_SZ", "Windows Server")},
    }
    if ikev2 is not None:
        keys[IKEV2_KEY] = dict(ikev2)
    return FakeHost(keys=keys)


def paths(host: FakeHost) -> list[tuple[str, str]]:
    return [(name.rsplit(".", 1)[-1], args.get("path", args.get("name"))) for name, args in host.calls]


def test_enable_on_fresh_rras_creates_the_value_with_minimal_calls(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(), {})
    assert not result.get("failed"), result
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_reg_stat", REMOTE_ACCESS_PARAMETERS_KEY),
                           ("win_reg_stat", CURRENT_VERSION_KEY), *ROLE_CHECK, ("win_regedit", IKEV2_KEY), ("win_regedit", IKEV2_KEY)]
    assert host.keys[IKEV2_KEY] == {PENDING_RESTART: ("REG_DWORD", 1), "EnableServerFragmentation": ("REG_DWORD", 1)}
    assert result["changed"] is True and result["os_build"] == 17763
    assert result["before"] == {"server_fragmentation": False, "enable_server_fragmentation": None}
    assert result["after"] == {"server_fragmentation": True, "enable_server_fragmentation": 1}
    assert result["restart_required"] is True and result["restarted"] is False
    assert [w for w in result["warnings"] if "restart" in w]


def test_existing_ikev2_key_skips_the_parameters_read(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={"EnableServerFragmentation": ("REG_DWORD", 0)}), {"restart": True})
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_reg_stat", CURRENT_VERSION_KEY), *ROLE_CHECK,
                           ("win_regedit", IKEV2_KEY), ("win_regedit", IKEV2_KEY), ("win_service", "RemoteAccess"), ("win_regedit", IKEV2_KEY)]
    assert host.calls[-2][1] == {"name": "RemoteAccess", "state": "restarted", "force_dependent_services": False}
    assert host.keys[IKEV2_KEY] == {"EnableServerFragmentation": ("REG_DWORD", 1)}
    assert result["restarted"] is True and result["restart_required"] is False
    assert "warnings" not in result


@pytest.mark.parametrize("state", ["enabled", "disabled"])
def test_steady_state_is_one_read_without_build_check(run_action, state: str) -> None:
    dummy, host = run_action(ActionModule, rras_host(ikev2={"CertAuthFlags": ("REG_DWORD", 4)}), {"state": state, "restart": True})
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"state": state, "restart": True})
    assert paths(host) == [("win_reg_stat", IKEV2_KEY)]
    assert result["changed"] is False and result["restarted"] is False and result["restart_required"] is False
    assert "os_build" not in result and "warnings" not in result and result["before"] == result["after"]


def test_disabled_writes_explicit_zero_without_reading_the_build(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(build="9600", ikev2={"enableserverfragmentation": ("REG_DWORD", 1)}), {"state": "disabled"})
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), *ROLE_CHECK, ("win_regedit", IKEV2_KEY), ("win_regedit", IKEV2_KEY)]
    assert host.keys[IKEV2_KEY] == {"enableserverfragmentation": ("REG_DWORD", 0), PENDING_RESTART: ("REG_DWORD", 1)}
    assert result["changed"] is True and "os_build" not in result
    assert result["after"] == {"server_fragmentation": False, "enable_server_fragmentation": 0}


def test_disabled_leaves_a_missing_key_alone(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(), {"state": "disabled", "restart": True})
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_reg_stat", REMOTE_ACCESS_PARAMETERS_KEY)]
    assert IKEV2_KEY not in host.keys and result["changed"] is False and result["restarted"] is False


@pytest.mark.parametrize("state", ["enabled", "disabled"])
def test_no_rras_fails_clearly_and_writes_nothing(run_action, state: str) -> None:
    result, host = run_action(ActionModule, FakeHost(keys={CURRENT_VERSION_KEY: {"CurrentBuildNumber": ("REG_SZ", "20348")}}), {"state": state})
    assert result["failed"] is True and result["msg"] == NOT_INSTALLED_MSG and result["changed"] is False
    assert host.modules() == ["win_reg_stat", "win_reg_stat"] and IKEV2_KEY not in host.keys


@pytest.mark.parametrize("build", ["14393", "9600", "6.3.9600", "garbage"])
def test_old_build_refused_before_any_write_then_allowed(run_action, build: str) -> None:
    result, host = run_action(ActionModule, rras_host(build=build), {"restart": True})
    assert result["failed"] is True and "allow_unsupported_build=true" in result["msg"] and result["changed"] is False
    assert "win_regedit" not in host.modules() and "win_service" not in host.modules()
    result, host = run_action(ActionModule, host, {"allow_unsupported_build": True})
    assert not result.get("failed") and result["changed"] is True
    assert host.keys[IKEV2_KEY]["EnableServerFragmentation"] == ("REG_DWORD", 1)
    assert any("allow_unsupported_build=true" in warning for warning in result["warnings"])


def test_disputed_build_proceeds_with_warning(run_action) -> None:
    result, dummy = run_action(ActionModule, rras_host(build="17134"), {})
    assert result["changed"] is True and result["os_build"] == 17134
    assert any("disputed" in warning for warning in result["warnings"])


def test_check_mode_reads_and_writes_nothing(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={}), {"restart": True}, check_mode=True, diff=True)
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_reg_stat", CURRENT_VERSION_KEY), *ROLE_CHECK]
    assert host.keys[IKEV2_KEY] == {}
    assert result["changed"] is True and result["restarted"] is False
    assert result["diff"] == {"before": {"server_fragmentation": False, "enable_server_fragmentation": None},
                              "after": {"server_fragmentation": True, "enable_server_fragmentation": 1}}


@pytest.mark.parametrize(("role_installed", "message"), [
    (False, "the Remote Access role is not installed; nothing was written"),
    (True, "RRAS is installed but not configured (RemoteAccess is disabled): configure it first (Install-RemoteAccess -VpnType Vpn); "
           "nothing was written"),
])
def test_a_plain_windows_server_has_the_keys_but_gets_no_write(run_action, role_installed: bool, message: str) -> None:
    """Windows Server 2022 without the role (or with it, not configured): the Ikev2 key exists, the service is disabled."""
    host = rras_host(build="20348", ikev2={})
    host.role_installed, host.start_mode = role_installed, "disabled"
    result, host = run_action(ActionModule, host, {"restart": True})
    assert result["failed"] is True and result["msg"] == message and result["changed"] is False and result["os_build"] == 20348
    assert host.keys[IKEV2_KEY] == {} and "win_regedit" not in host.modules() and host.modules().count("win_service") == 1
    result, host = run_action(ActionModule, host, {"state": "disabled"})
    assert not result.get("failed") and result["changed"] is False, "nothing to write: no role check needed"


def test_check_mode_still_refuses_an_old_build(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(build="14393", ikev2={}), {}, check_mode=True)
    assert result["failed"] is True and "14393" in result["msg"]


def test_failed_write_stops_without_restart_and_rerun_converges(run_action) -> None:
    """The failed write of the lab (a lab fault), as tests/functional/sstp/test_sstp_lab.py checks it through ansible-playbook."""
    host = rras_host(ikev2={})
    host.fail_write = "EnableServerFragmentation"
    result, host = run_action(ActionModule, host, {"restart": True})
    assert result["failed"] is True and "Access is denied" in result["msg"] and "RemoteAccess was not restarted" in result["msg"]
    assert "Failed to set EnableServerFragmentation (dword) = 1" in result["msg"]
    assert result["not_applied"] == ["set EnableServerFragmentation (dword) = 1"]
    assert result["after"] == result["before"] == {"server_fragmentation": False, "enable_server_fragmentation": None}
    # only the pending-restart marker was written (the key holds nothing else); the failed write was the last call
    assert result["changed"] is True and list(host.keys[IKEV2_KEY]) == [PENDING_RESTART]
    assert host.modules().count("win_service") == 1, "the role check's read, no restart"
    assert host.modules()[-1] == "win_regedit"
    host.fail_write = None
    result, host = run_action(ActionModule, host, {"restart": True})
    assert result["changed"] is True and result["restarted"] is True
    assert host.keys[IKEV2_KEY] == {"EnableServerFragmentation": ("REG_DWORD", 1)}


def test_failed_restart_after_the_write_asks_for_a_restart(run_action) -> None:
    host = rras_host(ikev2={})
    host.fail_restart = True
    result, host = run_action(ActionModule, host, {"restart": True})
    assert result["failed"] is True and result["restart_required"] is True and "did not start" in result["msg"]
    assert host.keys[IKEV2_KEY]["EnableServerFragmentation"] == ("REG_DWORD", 1)


def test_failed_read_is_reported(run_action) -> None:
    host = rras_host()
    host._win_reg_stat = lambda args: {"failed": True, "msg": "WinRM timed out"}
    result, dummy = run_action(ActionModule, host, {})
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == f"Reading {IKEV2_KEY} failed (ansible.windows.win_reg_stat): WinRM timed out"


@pytest.mark.parametrize(("args", "option"), [({"state": "present"}, "state"), ({"restart": "maybe"}, "restart"), ({"bogus": 1}, "bogus")])
def test_bad_arguments_fail_before_touching_the_host(run_action, args: dict, option: str) -> None:
    host = rras_host()
    with pytest.raises(AnsibleActionFail, match=option):
        run_action(ActionModule, host, args)
    assert host.calls == []


@pytest.mark.parametrize(("version", "allowed"), [("10.0.20348.0", True), ("10.0.14393.0", False), ("6.3.9600.0", False)])
def test_gathered_windows_facts_replace_the_build_read(run_action, version: str, allowed: bool) -> None:
    """The registry says 17763; the facts win, and CurrentVersion is not read."""
    facts = {"ansible_facts": {"os_family": "Windows", "distribution_version": version}}
    result, host = run_action(ActionModule, rras_host(ikev2={}), {}, task_vars=facts)
    assert ("win_reg_stat", CURRENT_VERSION_KEY) not in paths(host)
    assert result["os_build"] == int(version.split(".")[2])
    assert result["changed"] is allowed and bool(result.get("failed")) is not allowed
    assert ("win_regedit", IKEV2_KEY) in paths(host) if allowed else IKEV2_KEY in host.keys and host.keys[IKEV2_KEY] == {}


@pytest.mark.parametrize("facts", [{}, {"os_family": "Debian", "distribution_version": "12.5"}, {"os_family": "Windows"}])
def test_facts_without_a_windows_build_fall_back_to_the_registry(run_action, facts: dict) -> None:
    result, host = run_action(ActionModule, rras_host(build="17763", ikev2={}), {}, task_vars={"ansible_facts": facts})
    assert ("win_reg_stat", CURRENT_VERSION_KEY) in paths(host) and result["os_build"] == 17763


def test_the_role_check_and_the_build_are_read_once_per_host(run_action) -> None:
    """The first module that writes (here in check mode, as aovpn.rras.site's probe) keeps what it read in the host fact."""
    first, host = run_action(ActionModule, rras_host(build="20348", ikev2={}), {}, check_mode=True)
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_reg_stat", CURRENT_VERSION_KEY), *ROLE_CHECK]
    # restart_pending: where the restart handler removes the marker the real run writes
    assert first["ansible_facts"] == {"aovpn_rras_host": {"remote_access": "configured", "os_build": 20348, "restart_pending": [IKEV2_KEY], "run": THIS_RUN}}
    host.calls.clear()
    known = {"aovpn_rras_host": {**first["ansible_facts"]["aovpn_rras_host"], "restart_pending": ["HKLM:\\Other"]}}
    second, host = run_action(ActionModule, host, {}, task_vars={"ansible_facts": {**known, "unrelated": 1}})
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_regedit", IKEV2_KEY), ("win_regedit", IKEV2_KEY)]
    assert second["changed"] is True and second["os_build"] == 20348
    assert second["ansible_facts"]["aovpn_rras_host"]["restart_pending"] == ["HKLM:\\Other", IKEV2_KEY]


def test_what_another_run_learned_is_read_again(run_action) -> None:
    """A persistent fact cache keeps the fact across runs: the role may have been removed, the OS upgraded since."""
    first, host = run_action(ActionModule, rras_host(build="20348", ikev2={}), {}, check_mode=True)
    host.calls.clear()
    cached = {"aovpn_rras_host": {**first["ansible_facts"]["aovpn_rras_host"], "run": "ansible-local-1abc"}}
    second, host = run_action(ActionModule, host, {}, check_mode=True, task_vars={"ansible_facts": cached})
    assert paths(host) == [("win_reg_stat", IKEV2_KEY), ("win_reg_stat", CURRENT_VERSION_KEY), *ROLE_CHECK]
    assert second["ansible_facts"]["aovpn_rras_host"]["run"] == THIS_RUN


def test_no_marker_key_is_remembered_in_the_steady_state_nor_after_a_restart(run_action) -> None:
    result, host = run_action(ActionModule, rras_host(ikev2={"EnableServerFragmentation": ("REG_DWORD", 1)}), {})
    assert result["changed"] is False and "ansible_facts" not in result
    result, host = run_action(ActionModule, rras_host(ikev2={}), {"restart": True})
    assert result["restarted"] is True and "restart_pending" not in result["ansible_facts"]["aovpn_rras_host"]


def test_a_refused_role_is_not_remembered(run_action) -> None:
    host = rras_host(build="20348", ikev2={})
    host.start_mode = "disabled"
    result, host = run_action(ActionModule, host, {})
    assert result["failed"] is True
    assert result["ansible_facts"] == {"aovpn_rras_host": {"os_build": 20348, "run": THIS_RUN}}, "only the build: the role is read again next time"
    host.start_mode = "auto"
    host.calls.clear()
    result, host = run_action(ActionModule, host, {}, task_vars={"ansible_facts": result["ansible_facts"]})
    assert not result.get("failed") and paths(host)[:3] == [("win_reg_stat", IKEV2_KEY), *ROLE_CHECK]
