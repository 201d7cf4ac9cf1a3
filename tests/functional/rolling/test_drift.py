"""Roll only what drifted (issue 12): every server is read in parallel first; only those that differ enter the rolling play."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
TWO = "ws2022-sstp:ws2019-rras"
IKEV2_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
CURRENT_VERSION_KEY = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"

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
    # the probe's reads (the role check before the first write, kept in the host fact), then in the rolling play the read,
    # the marker and the write, the one restart, the marker removed where it was written, the health gate's read
    assert [(e["module"], e["check_mode"], e["args"].get("path", e["args"].get("name"))) for e in drifted] == [
        ("win_reg_stat", True, IKEV2_KEY), ("win_reg_stat", True, CURRENT_VERSION_KEY), ("win_service", True, "RemoteAccess"),
        ("win_feature_info", True, "RemoteAccess"),
        ("win_reg_stat", False, IKEV2_KEY), ("win_regedit", False, IKEV2_KEY), ("win_regedit", False, IKEV2_KEY),
        ("win_service", False, "RemoteAccess"), ("win_regedit", False, IKEV2_KEY), ("win_reg_stat", False, SSTP_KEY),
    ]
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
