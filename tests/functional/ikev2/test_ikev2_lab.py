# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_ikev2_fragmentation through ansible-playbook and ansible against every lab profile.

The lab journal is the proof of what a run read and wrote: round trips, no writes in check mode,
no restart after a failed write.
"""

from __future__ import annotations

import pytest
from lab_session import task_play  # pylint: disable=import-error

pytestmark = pytest.mark.lab

IKEV2 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
PARAMETERS = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters"
CURRENT_VERSION = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
TASK = "IKEv2 fragmentation"
PLAY = task_play(TASK, "aovpn.rras.win_ikev2_fragmentation", {
    "state": "{{ frag_state | default('enabled') }}", "restart": "{{ frag_restart | default(false) }}",
    "allow_unsupported_build": "{{ allow | default(false) }}"})
OLD = ("ws2016-rras", "ws2012r2-rras")
NEW = ("ws2022-sstp", "ws2019-rras")
ROLE_CHECK = [("win_service", "RemoteAccess:read"), ("win_feature_info", "RemoteAccess:read")]
"""The reads that confirm the Remote Access role before the first write (never in the steady state)."""


def calls(lab, host: str) -> list[tuple[str, str]]:
    """(module, path or service name[:state]) of every journaled call."""
    found = []
    for entry in lab.journal(host):
        args = entry["args"]
        target = args.get("path") or f"{args.get('name')}:{args.get('state', 'read')}"
        found.append((entry["module"], target))
    return found


def stored(lab, host: str):
    values = lab.reg_values(host, IKEV2) or {}
    return values.get("EnableServerFragmentation")


def test_every_profile_then_one_read_when_converged(lab) -> None:
    run = lab.playbook(PLAY)
    assert run.rc == 0, run.stderr
    # 2022 with an (empty) Ikev2 key: no Parameters read; 2019 without it: one more read. Writes: the pending-restart
    # marker, then the value.
    assert calls(lab, "ws2022-sstp") == [("win_reg_stat", IKEV2), ("win_reg_stat", CURRENT_VERSION), *ROLE_CHECK, ("win_regedit", IKEV2),
                                         ("win_regedit", IKEV2)]
    assert calls(lab, "ws2019-rras") == [("win_reg_stat", IKEV2), ("win_reg_stat", PARAMETERS),
                                         ("win_reg_stat", CURRENT_VERSION), *ROLE_CHECK, ("win_regedit", IKEV2), ("win_regedit", IKEV2)]
    for host in NEW:
        assert run.result(host, TASK)["changed"] is True and run.result(host, TASK)["restart_required"] is True
        assert stored(lab, host) == {"type": "REG_DWORD", "value": 1}
    for host, build in zip(OLD, (14393, 9600)):
        outcome = run.result(host, TASK)
        assert outcome["failed"] is True and outcome["changed"] is False and outcome["os_build"] == build
        assert f"OS build {build} is below 17134" in outcome["msg"] and "allow_unsupported_build=true" in outcome["msg"]
        assert [module for module, dummy in calls(lab, host)] == ["win_reg_stat"] * 3
        assert lab.reg_values(host, IKEV2) is None
    # The Ikev2 key exists (empty) on every Windows Server: the role check refuses the write, not the key.
    for host, message in (("ws2022-base", "the Remote Access role is not installed"),
                          ("ws2022-unconfigured", "RRAS is installed but not configured (RemoteAccess is disabled)")):
        outcome = run.result(host, TASK)
        assert outcome["failed"] is True and outcome["msg"].startswith(message) and outcome["msg"].endswith("nothing was written")
        assert calls(lab, host) == [("win_reg_stat", IKEV2), ("win_reg_stat", CURRENT_VERSION), *ROLE_CHECK]
        assert lab.reg_values(host, IKEV2) == {}, "nothing written"

    for host in NEW:  # what the restart handler does after RemoteAccess restarted
        lab.delete_reg_value(host, IKEV2, "AovpnRrasRestartPending")
    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"allow": True}, limit="rras")
    for host in NEW:
        assert run.result(host, TASK)["changed"] is False and "warnings" not in run.result(host, TASK)
        assert calls(lab, host) == [("win_reg_stat", IKEV2)]
    for host in OLD:
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and not outcome.get("failed")
        assert any("allow_unsupported_build=true" in warning for warning in outcome["warnings"])
        assert stored(lab, host) == {"type": "REG_DWORD", "value": 1}

    for host in OLD:
        lab.delete_reg_value(host, IKEV2, "AovpnRrasRestartPending")
    lab.clear_journal()
    run = lab.playbook(PLAY, limit="rras")
    assert run.rc == 0
    for host in (*NEW, *OLD):
        assert run.result(host, TASK)["changed"] is False
        assert calls(lab, host) == [("win_reg_stat", IKEV2)], "steady state must be one read, without the build"


def test_check_mode_reports_and_writes_nothing(lab) -> None:
    before = {host: lab.state(host)["registry"] for host in lab.hosts}
    run = lab.playbook(PLAY, extra_vars={"frag_restart": True, "allow": True}, check=True, diff=True)
    for host in lab.hosts:
        assert all(entry["module"] in ("win_reg_stat", "win_feature_info") or (entry["module"] == "win_service" and "state" not in entry["args"])
                   for entry in lab.journal(host)), host
        assert lab.state(host)["registry"] == before[host]
    for host in (*NEW, *OLD):
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and outcome["restarted"] is False
        assert outcome["diff"]["after"] == {"server_fragmentation": True, "enable_server_fragmentation": 1}
    assert run.result("ws2022-base", TASK)["failed"] is True


def test_restart_only_after_a_change_and_disable_writes_zero(lab) -> None:
    run = lab.playbook(PLAY, limit="ws2022-sstp", extra_vars={"frag_restart": True})
    outcome = run.result("ws2022-sstp", TASK)
    assert outcome["restarted"] is True and outcome["restart_required"] is False and "warnings" not in outcome
    assert calls(lab, "ws2022-sstp")[-3:] == [("win_regedit", IKEV2), ("win_service", "RemoteAccess:restarted"), ("win_regedit", IKEV2)]

    lab.clear_journal()
    run = lab.playbook(PLAY, limit="ws2022-sstp", extra_vars={"frag_restart": True})
    assert run.result("ws2022-sstp", TASK)["restarted"] is False and calls(lab, "ws2022-sstp") == [("win_reg_stat", IKEV2)]

    lab.clear_journal()
    run = lab.playbook(PLAY, limit="ws2022-sstp", extra_vars={"frag_state": "disabled"})
    outcome = run.result("ws2022-sstp", TASK)
    assert outcome["changed"] is True and outcome["restart_required"] is True and outcome["restarted"] is False
    assert any("must be restarted" in warning for warning in outcome["warnings"])
    assert calls(lab, "ws2022-sstp") == [("win_reg_stat", IKEV2), *ROLE_CHECK, ("win_regedit", IKEV2), ("win_regedit", IKEV2)]
    assert stored(lab, "ws2022-sstp") == {"type": "REG_DWORD", "value": 0}

    # disabled on a host that never had the value: nothing to write, no key created.
    lab.clear_journal()
    run = lab.playbook(PLAY, limit="ws2019-rras", extra_vars={"frag_state": "disabled", "frag_restart": True})
    assert run.result("ws2019-rras", TASK)["changed"] is False and lab.reg_values("ws2019-rras", IKEV2) is None
    assert calls(lab, "ws2019-rras") == [("win_reg_stat", IKEV2), ("win_reg_stat", PARAMETERS)]


def test_adhoc_with_diff(lab) -> None:
    run = lab.adhoc("ws2019-rras", "aovpn.rras.win_ikev2_fragmentation", "state=enabled", diff=True)
    assert run.rc == 0, run.stdout + run.stderr
    (outcome,) = run.results("ws2019-rras")
    assert outcome["changed"] is True and outcome["os_build"] == 17763
    assert outcome["diff"] == {"before": {"server_fragmentation": False, "enable_server_fragmentation": None},
                               "after": {"server_fragmentation": True, "enable_server_fragmentation": 1}}
    assert stored(lab, "ws2019-rras") == {"type": "REG_DWORD", "value": 1}
