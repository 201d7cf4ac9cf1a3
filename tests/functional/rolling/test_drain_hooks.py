"""Drain hooks (issue 12): task files run for each server right before its restart and after it, only for servers that restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_session import recorded_calls as calls  # pylint: disable=import-error
from lab_session import recording_hooks as hooks  # pylint: disable=import-error

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
TWO = "ws2022-sstp:ws2019-rras"

pytestmark = pytest.mark.lab


def test_hooks_run_around_each_restart_in_order_and_only_for_servers_that_restart(lab, tmp_path: Path) -> None:
    assert lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", extra_vars={"aovpn_rras_target": "ws2019-rras"}).rc == 0
    log, files = hooks(tmp_path)
    run = lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", extra_vars={"aovpn_rras_target": TWO, **files})
    assert run.rc == 0, run.stdout[-3000:]
    assert calls(log) == [("before", "ws2022-sstp"), ("after", "ws2022-sstp")], "ws2019-rras was in step: no restart, no hook"
    # one restart (the other win_service call is the role check's read, a name only)
    (restart,) = [e for e in lab.journal("ws2022-sstp") if e["module"] == "win_service" and not e["check_mode"] and e["args"].get("state")]
    assert restart["args"]["state"] == "restarted"

    lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", extra_vars={"aovpn_rras_target": TWO, **files})
    assert len(calls(log)) == 2, "nothing restarts, nothing is drained"


def test_a_missing_hook_file_is_refused_before_any_server_is_touched(lab, tmp_path: Path) -> None:
    run = lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", callback="default",
                       extra_vars={"aovpn_rras_target": TWO, "aovpn_rras_before_restart_tasks": str(tmp_path / "missing.yml")})
    assert run.rc != 0 and "aovpn_rras_before_restart_tasks" in run.stdout and "is not a file" in run.stdout
    for host in lab.hosts:
        assert lab.journal(host) == []
