"""The lab's simulated WinRM round trip (``lab_latency``), RemoteAccess restart duration (``lab_restart_duration``) and reboot
duration (``lab_boot_duration``).

Timing is asserted only as lower bounds taken from the journal's timestamps (each call journals after its own sleep,
so two consecutive calls of one host are at least one latency apart): the machine is noisy, never an upper bound.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from lab_session import VENV_BIN

pytestmark = pytest.mark.lab

LATENCY = 1.5
RESTART = 2.0
BOOT = 2.0

CALLS = r"""
- hosts: ws2022-sstp
  gather_facts: false
  tasks:
    - name: read
      ansible.windows.win_reg_stat: {path: 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters'}
    - name: copy
      ansible.windows.win_copy: {content: "lab latency\n", dest: 'C:\Windows\Temp\latency.txt'}
    - name: restart
      ansible.windows.win_service: {name: RemoteAccess, state: restarted}
    - name: restart in check mode
      ansible.windows.win_service: {name: RemoteAccess, state: restarted}
      check_mode: true
"""


REBOOT = r"""
- hosts: ws2022-sstp
  gather_facts: false
  tasks:
    - name: reboot
      ansible.windows.win_reboot:
"""


def _gaps(journal: list[dict]) -> list[float]:
    return [(later["time_ns"] - earlier["time_ns"]) / 1e9 for earlier, later in zip(journal, journal[1:])]


def test_latency_is_slept_once_per_module_call_and_the_restart_duration_per_remoteaccess_restart(lab):
    run = lab.playbook(CALLS, extra_vars={"lab_latency": LATENCY, "lab_restart_duration": RESTART})
    assert run.rc == 0, run.failures()
    journal = lab.journal("ws2022-sstp")
    # win_copy is two module calls (query, then the transfer): each is a round trip
    assert [(e["module"], e["args"].get("_copy_mode"), e["check_mode"]) for e in journal] == [
        ("win_reg_stat", None, False), ("win_copy", "query", False), ("win_copy", "single", False),
        ("win_service", None, False), ("win_service", None, True)]
    copy_query, copy_single, restart, check_restart = _gaps(journal)
    assert copy_query >= LATENCY and copy_single >= LATENCY
    assert restart >= LATENCY + RESTART, "the restart waits for RemoteAccess after its round trip"
    assert check_restart >= LATENCY


def test_boot_duration_is_slept_by_a_reboot_before_the_host_boots(lab):
    run = lab.playbook(REBOOT, extra_vars={"lab_boot_duration": BOOT})
    assert run.rc == 0, run.failures()
    journal = lab.journal("ws2022-sstp")
    assert [e["args"]["command"] for e in journal] == ["boot_time", "reboot", "boot_time", "test"]
    read, reboot = _gaps(journal)[0], journal[1]
    assert read >= BOOT, "the reboot command returns once the boot duration has passed"
    assert lab.state("ws2022-sstp")["boot"]["count"] == 1
    # the new boot time is taken after the sleep (FILETIME: 100 ns ticks since 1601, 11644473600 s before the Unix epoch)
    assert lab.state("ws2022-sstp")["boot"]["filetime"] >= journal[0]["time_ns"] // 100 + 116_444_736_000_000_000 + int(BOOT * 1e7)
    assert reboot["boot_count"] == 1


def test_latency_and_restart_duration_default_to_zero_and_refuse_a_negative_value(lab):
    doc = subprocess.run([str(VENV_BIN / "ansible-doc"), "-t", "connection", "-j", "lab_windows"], env=lab.env, cwd=lab.tmp_path,
                         capture_output=True, text=True, check=True)
    options = json.loads(doc.stdout)["lab_windows"]["doc"]["options"]
    durations = ("lab_latency", "lab_restart_duration", "lab_boot_duration")
    assert [(options[name]["default"], options[name]["type"]) for name in durations] == [(0, "float")] * 3

    run = lab.playbook(CALLS, extra_vars={"lab_latency": -0.5})
    assert run.rc != 0
    assert "lab_latency must be a number of seconds, 0 or more; got -0.5" in json.dumps(run.json)
    assert lab.journal("ws2022-sstp") == [], "no module ran"
