"""Behaviour of the lab itself: persistence, reset, journal, check mode, faults, reachability, runners."""

from __future__ import annotations

import json
import subprocess
import sys

import labctl
import pytest

pytestmark = pytest.mark.lab

SSTP = r"HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters"
IKEV2 = r"HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2"

WRITE_AND_READ = r"""
- hosts: ws2019-rras
  gather_facts: false
  tasks:
    - name: write
      ansible.windows.win_regedit:
        path: 'HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2'
        name: EnableServerFragmentation
        type: dword
        data: 1
    - name: read
      ansible.windows.win_reg_stat:
        path: 'HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2'
        name: enableserverfragmentation
"""


def test_state_survives_between_runs_and_reset_restores_profile(lab):
    first = lab.playbook(WRITE_AND_READ)
    assert first.rc == 0, first.stdout + first.stderr
    assert first.results("ws2019-rras", "write")[0]["changed"] is True
    second = lab.playbook(WRITE_AND_READ)
    assert second.results("ws2019-rras", "write")[0]["changed"] is False
    assert second.results("ws2019-rras", "read")[0]["value"] == 1
    assert lab.reg_values("ws2019-rras", IKEV2) == {"EnableServerFragmentation": {"type": "REG_DWORD", "value": 1}}

    result = subprocess.run([sys.executable, "tests/lab/labctl.py", "reset", "--state-dir", str(lab.state_dir)],
                            capture_output=True, text=True, check=True, env=lab.env, cwd=labctl.REPO_ROOT)
    assert "ws2019-rras" in result.stdout
    assert lab.reg_values("ws2019-rras", IKEV2) is None
    assert lab.journal("ws2019-rras") == []


def test_journal_records_check_mode_run_as_writing_nothing(lab):
    before = lab.state("ws2022-sstp")
    run = lab.playbook(r"""
- hosts: ws2022-sstp
  gather_facts: false
  tasks:
    - name: offload
      ansible.windows.win_regedit:
        path: 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters'
        name: UseHttps
        type: dword
        data: 0
""", check=True, diff=True)
    assert run.rc == 0, run.stdout + run.stderr
    result = run.results("ws2022-sstp", "offload")[0]
    assert result["changed"] is True
    assert result["diff"]["after"] == {SSTP: {"UseHttps": {"type": "DWord", "value": "0x00000000"}}}
    journal = lab.journal("ws2022-sstp")
    assert [(e["module"], e["check_mode"], e["changed"]) for e in journal] == [("win_regedit", True, True)]
    after = lab.state("ws2022-sstp")
    after.pop("_lab"), before.pop("_lab")
    assert after == before
