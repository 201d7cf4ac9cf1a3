# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_sstp_tls in the lab: SCHANNEL keys of a fresh server, reboot_required until the server booted, never a restart or a reboot."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.lab

PROTOCOLS = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols"
CIPHERS = "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
TASK = "SSTP TLS"
PLAY = f"""
- name: SSTP TLS hardening
  hosts: lab
  gather_facts: false
  tasks:
    - name: {TASK}
      aovpn.rras.win_sstp_tls:
        disabled_protocols: "{{{{ tls_protocols | default(omit) }}}}"
        cipher_suites: "{{{{ tls_ciphers | default(omit) }}}}"
      ignore_errors: true
"""
SEEDED_BOOT = 133_500_000_000_000_000
RRAS = ("ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras")
WRITES = ("win_regedit", "win_service:restarted")


def calls(lab, host: str) -> list[str]:
    return [entry["module"] + (f":{entry['args']['state']}" if entry["module"] == "win_service" and "state" in entry["args"] else "")
            for entry in lab.journal(host)]


def result(run, host: str) -> dict:
    (found,) = run.results(host, TASK)
    return found


def test_turns_old_protocols_off_once_and_never_restarts(lab) -> None:
    run = lab.playbook(PLAY, extra_vars={"tls_ciphers": "recommended"})
    for host, suites in zip(RRAS, (3, 3, 2, None)):
        outcome = result(run, host)
        if suites is None:  # 2012 R2: no recommended list, refused before any write
            assert outcome["failed"] is True and "build 9600" in outcome["msg"] and "win_regedit" not in calls(lab, host)
            continue
        assert outcome["changed"] is True and outcome["reboot_required"] is True, (host, outcome)
        assert any("Group Policy value" in w for w in outcome["warnings"]) and any("reboot the server" in w for w in outcome["warnings"])
        for protocol in ("SSL 3.0", "TLS 1.0", "TLS 1.1"):
            # with the marker: the boot time it was written in (the seeded host's)
            assert lab.reg_values(host, f"{PROTOCOLS}\\{protocol}\\Server") == {
                "Enabled": {"type": "REG_DWORD", "value": 0}, "AovpnRrasRebootPending": {"type": "REG_QWORD", "value": SEEDED_BOOT}}
        assert len(lab.reg_values(host, CIPHERS)["Functions"]["value"].split(",")) == suites
        assert lab.reg_values(host, f"{PROTOCOLS}\\SSL 2.0\\Client") == {"DisabledByDefault": {"type": "REG_DWORD", "value": 1}}
        assert "win_service:restarted" not in calls(lab, host) and lab.state(host)["services"]["RemoteAccess"].get("starts") is None
    for host in ("ws2022-base", "ws2022-unconfigured"):
        outcome = result(run, host)
        assert outcome["failed"] is True and "nothing was written" in outcome["msg"] and "win_regedit" not in calls(lab, host)

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"tls_ciphers": "recommended"}, limit="ws2022-sstp,ws2019-rras,ws2016-rras")
    for host in RRAS[:3]:
        # not rebooted since: the reboot is still reported (the marker holds the boot it was written in), with no write
        outcome = result(run, host)
        assert outcome["changed"] is True and outcome["reboot_required"] is True and outcome["reboot_pending"] is True, outcome
        assert any("reboot the server" in w for w in outcome["warnings"])
        assert calls(lab, host) == ["win_reg_stat"] * 5 + ["powershell"], "the build, three protocol keys, the cipher key, the boot time"


def test_a_reboot_by_hand_applies_the_change_and_the_next_run_forgets_it(lab) -> None:
    host = "ws2022-sstp"
    server = [f"{PROTOCOLS}\\{protocol}\\Server" for protocol in ("SSL 3.0", "TLS 1.0", "TLS 1.1")]
    assert result(lab.playbook(PLAY, limit=host), host)["reboot_required"] is True
    assert {key: lab.reg_values(host, key)["AovpnRrasRebootPending"]["type"] for key in server} == dict.fromkeys(server, "REG_QWORD")
    reboot = lab.adhoc(host, "ansible.windows.win_reboot")
    assert reboot.rc == 0 and lab.state(host)["boot"]["count"] == 1, reboot.stdout[-2000:]
    registry = lab.state(host)["registry"]
    lab.clear_journal()

    check = result(lab.playbook(PLAY, limit=host, check=True, diff=True), host)
    assert check["changed"] is False and check["reboot_required"] is False and check["reboot_marker_removed"] == server
    assert lab.state(host)["registry"] == registry and "win_regedit" not in calls(lab, host), "check mode writes nothing"
    lab.clear_journal()

    outcome = result(lab.playbook(PLAY, limit=host), host)
    assert outcome["changed"] is False and outcome["reboot_required"] is False and outcome["reboot_marker_removed"] == server
    assert "warnings" not in outcome and calls(lab, host) == ["win_reg_stat"] * 3 + ["powershell"] + ["win_regedit"] * 3
    assert all(lab.reg_values(host, key) == {"Enabled": {"type": "REG_DWORD", "value": 0}} for key in server)
    lab.clear_journal()

    again = result(lab.playbook(PLAY, limit=host), host)
    assert again["changed"] is False and calls(lab, host) == ["win_reg_stat"] * 3 and lab.state(host)["boot"]["count"] == 1


def test_check_mode_and_refusals_before_any_host_call(lab) -> None:
    before = lab.state("ws2022-sstp")["registry"]
    run = lab.playbook(PLAY, check=True, diff=True, limit="ws2022-sstp")
    outcome = result(run, "ws2022-sstp")
    assert outcome["changed"] is True and outcome["reboot_required"] is True
    assert outcome["diff"]["before"] == {"server_protocols": {"SSL 3.0": "os default", "TLS 1.0": "os default", "TLS 1.1": "os default"}}
    assert lab.state("ws2022-sstp")["registry"] == before and "win_regedit" not in calls(lab, "ws2022-sstp")

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"tls_protocols": ["TLS 1.1", "TLS 1.2"]}, limit="rras")
    for host in RRAS:
        outcome = result(run, host)
        assert outcome["failed"] is True and "SSTP and WinRM over HTTPS" in outcome["msg"] and lab.journal(host) == []
    run = lab.adhoc("ws2022-sstp", "aovpn.rras.win_sstp_tls", {"disabled_protocols": ["TLS 1.5"]})
    assert run.rc != 0 and "'TLS 1.5' is not a SCHANNEL protocol name" in run.results("ws2022-sstp")[0]["msg"]
    assert lab.journal("ws2022-sstp") == []
