"""Roll only what drifted (issue 12): every server is read in parallel first; only those that differ enter the rolling play."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
TWO = "ws2022-sstp:ws2019-rras"

pytestmark = pytest.mark.lab


def summary(run) -> str:
    (line,) = [line.strip() for line in run.stdout.splitlines() if "servers in step" in line]
    return line


def test_servers_in_step_cost_their_reads_and_nothing_else(lab) -> None:
    assert lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", extra_vars={"aovpn_rras_target": "ws2019-rras"}).rc == 0
    lab.clear_journal()

    run = lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", extra_vars={"aovpn_rras_target": TWO}, callback="default")
    assert run.rc == 0, run.stdout[-3000:]
    assert summary(run) == '"msg": "1 of 2 servers in step; 1 to change (serial 1): ws2022-sstp."'
    in_step = lab.journal("ws2019-rras")
    assert [(e["module"], e["check_mode"]) for e in in_step] == [("win_reg_stat", True)], "one read, in check mode"
    drifted = lab.journal("ws2022-sstp")
    # the role check's read (name only) before the first write, then the one restart, then the health gate's read
    services = [e["args"] for e in drifted if e["module"] == "win_service" and not e["check_mode"]]
    assert [args.get("state") for args in services] == [None, "restarted", None], services
    # the rolling play holds only the server that differs
    assert "included: aovpn.rras.ikev2_fragmentation for ws2022-sstp =>" in run.stdout
    assert "included: aovpn.rras.ikev2_fragmentation for ws2019-rras =>" not in run.stdout
    lab.clear_journal()

    steady = lab.playbook(PLAYBOOKS / "ikev2_fragmentation.yml", extra_vars={"aovpn_rras_target": TWO}, callback="default")
    assert steady.rc == 0
    assert summary(steady) == '"msg": "2 of 2 servers in step; 0 to change: nothing to do."'
    assert "PLAY [Configure RRAS" in steady.stdout and "skipping: no hosts matched" in steady.stdout
    for host in ("ws2022-sstp", "ws2019-rras"):
        assert [(e["module"], e["check_mode"]) for e in lab.journal(host)] == [("win_reg_stat", True)]
