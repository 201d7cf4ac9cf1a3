# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The real ansible.windows.win_reboot against the lab: its PowerShell commands answered, the host booted in place."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.lab

HOST = "ws2022-sstp"
TLS10 = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server"
REBOOT = f"""
- name: Reboot
  hosts: {HOST}
  gather_facts: false
  tasks:
    - name: Reboot the server
      ansible.windows.win_reboot:
        reboot_timeout: "{{{{ timeout | default(600) }}}}"
        test_command: "{{{{ test | default(omit) }}}}"
"""


def commands(lab, host: str) -> list[str]:
    return [entry["args"]["command"] for entry in lab.journal(host) if entry["module"] == "powershell"]


def test_win_reboot_boots_the_host_in_place(lab) -> None:
    lab.set_reg_value(HOST, TLS10, "Enabled", "REG_DWORD", 0)  # read by SCHANNEL at boot
    lab.set_service(HOST, "Spooler", state="running", start_mode="manual")  # started by hand: stopped after a boot
    assert lab.adhoc(HOST, "ansible.windows.win_service", "name=RemoteAccess state=stopped").rc == 0
    before = lab.state(HOST)["services"]
    lab.clear_journal()

    check = lab.playbook(REBOOT, check=True)
    assert check.rc == 0 and check.results(HOST, "Reboot the server")[0]["rebooted"] is True
    assert lab.journal(HOST) == [] and "boot" not in lab.state(HOST), "check mode sends nothing"

    run = lab.playbook(REBOOT)
    assert run.rc == 0, run.failures()
    (result,) = run.results(HOST, "Reboot the server")
    assert result["changed"] is True and result["rebooted"] is True
    # the real plugin: boot time, shutdown /r, boot time until it changed, then the LogonUI test command
    assert commands(lab, HOST) == ["boot_time", "reboot", "boot_time", "test"]
    state = lab.state(HOST)
    assert state["boot"]["count"] == 1 and next(e for e in lab.journal(HOST) if e["args"]["command"] == "reboot")["boot_count"] == 1
    assert state["boot"]["schannel"][TLS10] == {"Enabled": {"type": "REG_DWORD", "value": 0}}
    services = state["services"]
    for name in ("RemoteAccess", "IKEEXT"):  # automatic start: started by the boot, once
        assert services[name]["state"] == "running" and len(services[name].get("starts", [])) == len(before[name].get("starts", [])) + 1
    assert services["Spooler"]["state"] == "stopped"
    binding = services["RemoteAccess"]["sstp_binding"]  # the start-up model ran: the certificate is bound
    assert binding["bound"] is True and binding["sha256"] == lab.pki["sha256"]
    assert lab.listener(HOST) is not None

    lab.clear_journal()
    again = lab.playbook(REBOOT)
    assert again.rc == 0 and lab.state(HOST)["boot"]["count"] == 2 and commands(lab, HOST) == ["boot_time", "reboot", "boot_time", "test"]


def test_a_command_the_lab_does_not_emulate_fails_naming_it(lab) -> None:
    run = lab.playbook(REBOOT, extra_vars={"test": "Get-Service RemoteAccess", "timeout": 2})
    assert run.rc != 0
    (result,) = run.results(HOST, "Reboot the server")
    assert result["rebooted"] is True and "Timed out waiting for post-reboot test command" in result["msg"]
    unknown = [e for e in lab.journal(HOST) if e["args"].get("command") == "unknown"]
    assert unknown and "not: Get-Service RemoteAccess" in unknown[0]["msg"]
    assert lab.state(HOST)["boot"]["count"] == 1
