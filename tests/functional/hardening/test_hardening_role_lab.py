# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.hardening through the aovpn.rras.hardening playbook (site.yml with aovpn_rras_hardening) in the lab."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.lab

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks"
IKEV2 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
IP = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ip"
IKEEXT = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\IKEEXT\\Parameters"
TLS10 = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server"
HOSTS = ("ws2022-sstp", "ws2019-rras")
VARS = {
    "aovpn_rras_target": ",".join(HOSTS),
    "hardening_ikev2_crl_check": "enabled",
    "hardening_address_pool_size": 100,
    "hardening_ikev2_established_for_initial_query": 50000,
    "hardening_ikeext_restart": True,
    "hardening_sstp_disabled_protocols": ["SSL 3.0", "TLS 1.0", "TLS 1.1"],
}
WRITES = ("win_regedit", "win_service")


def restarts(lab, host: str, service: str) -> int:
    return sum(1 for e in lab.journal(host) if e["module"] == "win_service" and e["args"].get("state") == "restarted"
               and e["args"]["name"] == service and not e["check_mode"])


def test_check_then_converge_with_one_restart_each_then_nothing(lab) -> None:
    before = {host: lab.state(host)["registry"] for host in HOSTS}
    check = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=VARS, check=True, diff=True)
    assert check.rc == 0, check.failures()
    for host in HOSTS:
        assert lab.state(host)["registry"] == before[host] and check.stats[host]["changed"] > 0
    lab.clear_journal()

    run = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=VARS)
    assert run.rc == 0, run.failures()
    for host in HOSTS:
        assert lab.reg_values(host, IKEV2) == {"CertAuthFlags": {"type": "REG_DWORD", "value": 4}}
        assert lab.reg_values(host, IP)["InitialAddressPoolSize"] == {"type": "REG_DWORD", "value": 100}
        assert "AovpnRrasRestartPending" not in lab.reg_values(host, IP)
        assert lab.reg_values(host, IKEEXT)["IkeNumEstablishedForInitialQuery"]["value"] == 50000
        # hardening_reboot: never: the marker stays until the server booted
        assert lab.reg_values(host, TLS10) == {"Enabled": {"type": "REG_DWORD", "value": 0},
                                               "AovpnRrasRebootPending": {"type": "REG_QWORD", "value": 133_500_000_000_000_000}}
        assert restarts(lab, host, "RemoteAccess") == 1, "CRL check and address pool: one RemoteAccess restart"
        assert restarts(lab, host, "IKEEXT") == 1
    assert any("reboot the server" in str(result.get("warnings")) for result in run.results("ws2022-sstp"))
    lab.clear_journal()

    again = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=VARS)
    assert again.rc == 0
    for host in HOSTS:
        # hardening_reboot: never, and no reboot since: only the SCHANNEL change still reports the reboot (probe and converge)
        changed = [r for r in again.results(host) if r.get("changed")]
        assert len(changed) == 2 and all(r["reboot_pending"] and r["reboot_required"] for r in changed), host
        assert not any(e["module"] in WRITES and "state" in e["args"] for e in lab.journal(host)), host


def test_unset_settings_are_not_touched_and_bad_values_stop_before_any_host(lab) -> None:
    run = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars={"aovpn_rras_target": "ws2022-sstp", "hardening_ikev2_crl_check": "enabled"})
    assert run.rc == 0, run.failures()
    modules = {e["module"] for e in lab.journal("ws2022-sstp")}
    # the restart handler removes the marker from every marker key (Ip among them); nothing else reads or writes unset settings
    paths = {e["args"].get("path") for e in lab.journal("ws2022-sstp") if e["args"].get("state") != "absent"}
    assert modules <= {"win_reg_stat", "win_regedit", "win_service", "win_feature_info"} and paths & {IP, IKEEXT, TLS10} == set()
    lab.clear_journal()

    for extra, message in (({"hardening_address_pool_size": 5}, "hardening_address_pool_size must be at least 10"),
                           ({"hardening_sstp_disabled_protocols": ["TLS 1.2"]}, "hardening_sstp_disabled_protocols"),
                           ({"hardening_ikev2_established_for_initial_query": 0}, "hardening_ikev2_established_for_initial_query must be between 1")):
        run = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars={"aovpn_rras_target": ",".join(HOSTS), **extra})
        assert run.rc != 0 and message in run.stdout, run.stdout[-2000:]
        for host in HOSTS:
            assert lab.journal(host) == [], f"{host} touched despite {extra}"


def test_ikeext_restart_follows_the_restart_policy_through_the_handler(lab) -> None:
    host = "ws2019-rras"
    ike = {"aovpn_rras_target": host, "hardening_ikev2_established_for_initial_query": 40000, "hardening_ikeext_restart": True}
    never = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars={**ike, "hardening_restart": "never"})
    assert never.rc == 0, never.failures()
    assert restarts(lab, host, "IKEEXT") == 0 and lab.reg_values(host, IKEEXT)["AovpnRrasRestartPending"]["value"] == 1
    assert any("IKEEXT service must be restarted" in str(r.get("warnings")) for r in never.results(host)), "policy never: the module warns"
    remote_access_starts = len(lab.state(host)["services"]["RemoteAccess"].get("starts", []))
    lab.clear_journal()

    handler = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=ike)  # hardening_restart: handler (the default)
    assert handler.rc == 0, handler.failures()
    journal = lab.journal(host)
    # the pending restart is still reported (the marker), the module itself does not restart, the handler does, then forgets it
    ikeext = [e for e in journal if e["module"] == "win_service" and e["args"].get("name") == "IKEEXT"]
    assert ikeext == [e for e in journal if e["module"] == "win_service" and "state" in e["args"]] and len(ikeext) == 1
    assert ikeext[0]["args"] == {"name": "IKEEXT", "state": "restarted", "force_dependent_services": False}
    assert journal[-1]["module"] == "win_regedit" and journal[-1]["args"]["state"] == "absent" and journal[-1]["args"]["path"] == IKEEXT
    assert "AovpnRrasRestartPending" not in lab.reg_values(host, IKEEXT)
    assert lab.reg_values(host, IKEEXT)["IkeNumEstablishedForInitialQuery"]["value"] == 40000
    services = lab.state(host)["services"]
    assert len(services["RemoteAccess"].get("starts", [])) == remote_access_starts and services["RemoteAccess"]["state"] == "running"
    assert not any("must be restarted" in str(r.get("warnings")) for r in handler.results(host))
    lab.clear_journal()

    again = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=ike)
    assert again.rc == 0 and again.stats[host]["changed"] == 0
    assert [e["module"] for e in lab.journal(host) if e["module"] != "win_reg_stat"] == [], lab.journal(host)


def test_rolling_reboot_policy_reboots_one_server_at_a_time_then_nothing(lab) -> None:
    rolling = {"aovpn_rras_target": ",".join(HOSTS), "hardening_ikev2_crl_check": "enabled",
               "hardening_sstp_disabled_protocols": ["SSL 3.0", "TLS 1.0", "TLS 1.1"], "hardening_reboot": "rolling"}
    run = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=rolling)
    assert run.rc == 0, run.failures()
    journals = {host: lab.journal(host) for host in HOSTS}
    reboots = {host: [e for e in journals[host] if e["module"] == "powershell" and e["args"]["command"] == "reboot"] for host in HOSTS}
    for host in HOSTS:
        state = lab.state(host)
        assert state["boot"]["count"] == 1 and [e["boot_count"] for e in reboots[host]] == [1], host
        assert state["boot"]["schannel"][TLS10]["Enabled"] == {"type": "REG_DWORD", "value": 0}, "SCHANNEL booted with the change"
        assert lab.reg_values(host, TLS10) == {"Enabled": {"type": "REG_DWORD", "value": 0}}, "the reboot marker forgotten"
        # the reboot took the place of the RemoteAccess restart: no win_service restart, markers forgotten, health gate read
        assert restarts(lab, host, "RemoteAccess") == 0 and state["services"]["RemoteAccess"]["state"] == "running"
        assert "AovpnRrasRestartPending" not in lab.reg_values(host, IKEV2)
        after = [e for e in journals[host] if e["seq"] > reboots[host][0]["seq"]]
        assert [e["args"]["command"] for e in after if e["module"] == "powershell"] == ["boot_time", "test"]
        assert any(e["module"] == "win_service" and "state" not in e["args"] for e in after), "the health gate read the service"
    first, second = HOSTS  # serial 1, in the order of aovpn_rras_target: the second boots after the first's batch ended
    assert max(e["time_ns"] for e in journals[first]) < reboots[second][0]["time_ns"]
    assert not any("hardening_reboot_required" in (r.get("ansible_facts") or {}) and r["ansible_facts"]["hardening_reboot_required"]
                   for host in HOSTS for r in run.results(host))
    lab.clear_journal()

    again = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=rolling)
    assert again.rc == 0, again.failures()
    for host in HOSTS:
        assert again.stats[host]["changed"] == 0 and lab.state(host)["boot"]["count"] == 1
        assert not [e for e in lab.journal(host) if e["module"] != "win_reg_stat"], lab.journal(host)


def test_never_then_rolling_reboots_once_then_nothing(lab) -> None:
    host = "ws2019-rras"
    tls = {"aovpn_rras_target": host, "hardening_sstp_disabled_protocols": ["TLS 1.0"]}
    run = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=tls)
    assert run.rc == 0, run.failures()
    facts = [r["ansible_facts"]["hardening_reboot_required"] for r in run.results(host) if "hardening_reboot_required" in (r.get("ansible_facts") or {})]
    assert facts == [True] and "boot" not in lab.state(host) and restarts(lab, host, "RemoteAccess") == 0
    assert any("reboot the server" in str(r.get("warnings")) for r in run.results(host))
    assert lab.reg_values(host, TLS10)["AovpnRrasRebootPending"]["type"] == "REG_QWORD"
    lab.clear_journal()

    # the change of the earlier run still waits for a reboot: rolling reboots the server once, then forgets the marker
    rolling = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars={**tls, "hardening_reboot": "rolling"})
    assert rolling.rc == 0, rolling.failures()
    journal = lab.journal(host)
    assert lab.state(host)["boot"]["count"] == 1 and [e["args"]["command"] for e in journal if e["module"] == "powershell"].count("reboot") == 1
    assert not any(e["module"] == "win_regedit" and e["args"].get("state") == "present" for e in journal), "nothing written again"
    assert lab.state(host)["boot"]["schannel"][TLS10]["Enabled"] == {"type": "REG_DWORD", "value": 0}, "SCHANNEL booted with the change"
    # removed after the reboot, in the one key the module found it in (its host fact)
    assert [e["args"]["path"] for e in journal if e["module"] == "win_regedit" and e["args"]["name"] == "AovpnRrasRebootPending"] == [TLS10]
    assert lab.reg_values(host, TLS10) == {"Enabled": {"type": "REG_DWORD", "value": 0}}
    lab.clear_journal()

    again = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars={**tls, "hardening_reboot": "rolling"})
    assert again.rc == 0 and again.stats[host]["changed"] == 0 and lab.state(host)["boot"]["count"] == 1
    assert [e["module"] for e in lab.journal(host)] == ["win_reg_stat"], "one read of the key, no boot time, no reboot"


def test_a_reboot_by_hand_is_not_repeated_and_the_playbook_forgets_its_marker(lab) -> None:
    host = "ws2022-sstp"
    tls = {"aovpn_rras_target": host, "hardening_sstp_disabled_protocols": ["TLS 1.0"], "hardening_reboot": "rolling"}
    never = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars={**tls, "hardening_reboot": "never"})
    assert never.rc == 0, never.failures()
    assert lab.adhoc(host, "ansible.windows.win_reboot").rc == 0 and lab.state(host)["boot"]["count"] == 1
    lab.clear_journal()

    # the first read (check mode) counts the stale marker as a difference, so the rolling play removes it: no reboot
    run = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=tls)
    assert run.rc == 0, run.failures()
    assert lab.state(host)["boot"]["count"] == 1 and lab.reg_values(host, TLS10) == {"Enabled": {"type": "REG_DWORD", "value": 0}}
    assert [(e["args"]["name"], e["args"]["state"]) for e in lab.journal(host) if e["module"] == "win_regedit"] == [("AovpnRrasRebootPending", "absent")]
    assert restarts(lab, host, "RemoteAccess") == 0
    lab.clear_journal()

    again = lab.playbook(PLAYBOOKS / "hardening.yml", extra_vars=tls)
    assert again.rc == 0 and again.stats[host]["changed"] == 0 and [e["module"] for e in lab.journal(host)] == ["win_reg_stat"]


def test_a_reboot_does_not_stand_in_for_a_restart_of_a_later_play(lab) -> None:
    host = "ws2022-sstp"
    plays = f"""
- name: Harden with a reboot
  hosts: {host}
  gather_facts: false
  roles:
    - role: aovpn.rras.hardening
      vars:
        hardening_sstp_disabled_protocols: [TLS 1.0]
        hardening_reboot: rolling

- name: Then turn IKEv2 fragmentation on
  hosts: {host}
  gather_facts: false
  roles:
    - role: aovpn.rras.ikev2_fragmentation
"""
    run = lab.playbook(plays)
    assert run.rc == 0, run.failures()
    assert lab.state(host)["boot"]["count"] == 1
    assert restarts(lab, host, "RemoteAccess") == 1, "the second play's change restarts RemoteAccess after the first play's reboot"
    assert lab.reg_values(host, IKEV2)["EnableServerFragmentation"]["value"] == 1
