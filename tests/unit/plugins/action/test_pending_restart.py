# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A change applied without its restart is remembered on the host; failures report what the host holds (issue 12)."""

from __future__ import annotations

from ansible_collections.aovpn.rras.plugins.action.win_ikev2_fragmentation import ActionModule as Ikev2Module
from ansible_collections.aovpn.rras.plugins.action.win_sstp_offload import ActionModule as OffloadModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART, write_sequence
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryWrite
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import PARAMETERS_KEY
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost

HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
NOTIFY = ["aovpn.rras : restart RemoteAccess"]


def https_host() -> FakeHost:
    return FakeHost(keys={PARAMETERS_KEY: {"UseHttps": ("REG_DWORD", 1), "SHA256CertificateHash": ("REG_BINARY", bytes(32)),
                                           "IsHashConfiguredByAdmin": ("REG_DWORD", 1)}})


def test_write_sequence_marks_before_the_first_change_and_clears_after_a_restart() -> None:
    write = RegistryWrite.set(PARAMETERS_KEY, "UseHttps", "dword", 0)
    marked = write_sequence(PARAMETERS_KEY, [write], pending=False, restart=False)
    assert [w.name for w in marked.writes] == [PENDING_RESTART, "UseHttps"] and marked.changed and marked.after_restart == []
    again = write_sequence(PARAMETERS_KEY, [write], pending=True, restart=True)
    assert [w.name for w in again.writes] == ["UseHttps"] and [w.is_removal for w in again.after_restart] == [True]
    only_pending = write_sequence(PARAMETERS_KEY, [], pending=True, restart=False)
    assert only_pending.writes == [] and only_pending.changed and only_pending.after_restart == []
    steady = write_sequence(PARAMETERS_KEY, [], pending=False, restart=True)
    assert (steady.writes, steady.changed, steady.after_restart) == ([], False, [])


def test_a_failed_restart_is_not_forgotten_the_next_run_restarts(run_action) -> None:
    host = https_host()
    host.fail_restart = True
    result, host = run_action(OffloadModule, host, {"certificate_hash": HASH, "restart": True})
    assert result["failed"] is True and host.keys[PARAMETERS_KEY][PENDING_RESTART] == ("REG_DWORD", 1)
    host.fail_restart = False
    host.calls.clear()
    # the rerun of the issue: settings in place, but RemoteAccess still runs the old ones
    result, host = run_action(OffloadModule, host, {"certificate_hash": HASH, "restart": True})
    assert host.modules() == ["win_reg_stat", "win_service", "win_regedit"]
    assert result["changed"] is True and result["restart_pending"] is True and result["restarted"] is True
    assert result["before"] == result["after"] and "diff" not in result
    host.calls.clear()
    result, host = run_action(OffloadModule, host, {"certificate_hash": HASH, "restart": True})
    assert host.modules() == ["win_reg_stat"] and result["changed"] is False and result["restart_pending"] is False


def test_a_pending_restart_makes_a_handler_task_changed_in_check_mode_too(run_action) -> None:
    """The roles' handler is notified by a changed task: a pending restart must report changed, with no write."""
    host = FakeHost(keys={IKEV2_KEY: {"EnableServerFragmentation": ("REG_DWORD", 1), PENDING_RESTART: ("REG_DWORD", 1)}})
    for check_mode in (True, False):
        result, host = run_action(Ikev2Module, host, {}, notify=NOTIFY, check_mode=check_mode)
        assert result["changed"] is True and result["restart_required"] is True and result["restart_pending"] is True
        assert host.modules() == ["win_reg_stat"] and "warnings" not in result
        host.calls.clear()


def test_never_policy_leaves_the_marker_and_warns(run_action) -> None:
    result, host = run_action(OffloadModule, https_host(), {"certificate_hash": HASH})
    assert host.keys[PARAMETERS_KEY][PENDING_RESTART] == ("REG_DWORD", 1)
    host.calls.clear()
    result, host = run_action(OffloadModule, host, {"certificate_hash": HASH})
    assert host.modules() == ["win_reg_stat"] and result["restart_required"] is True
    assert any("must be restarted" in warning for warning in result["warnings"])


def test_a_lost_connection_between_two_writes_keeps_the_report_and_marks_the_host_unreachable(run_action) -> None:
    host = https_host()
    host.lose_connection_at = "UseHttps"
    result, host = run_action(OffloadModule, host, {"certificate_hash": HASH})
    assert result["unreachable"] is True and "failed" not in result
    assert "the connection was lost" in result["msg"] and "Read timed out" in result["msg"]
    assert result["applied"] == [f"set {PENDING_RESTART} (dword) = 1", f"set SHA256CertificateHash (binary) = {HASH}"]
    assert result["not_applied"] == ["set UseHttps (dword) = 0"]
    assert "Not attempted (or not known): set UseHttps (dword) = 0." in result["msg"]
    assert result["after"]["certificate_sha256"] == HASH and result["after"]["use_https"] is True
    assert result["restart_required"] is True
