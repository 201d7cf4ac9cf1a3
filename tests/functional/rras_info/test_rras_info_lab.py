# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_rras_info against every lab profile, checked against the lab state itself.

Expected values are computed here from the emulated registry and services (not through the
collection's parsers), also after runs of the configuring modules.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.lab

SSTP = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
CURRENT_VERSION = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
INFO = "RRAS info"
INFO_TASK = f"""
    - name: {INFO}
      aovpn.rras.win_rras_info:
        certificate_store_check: true
"""
INFO_PLAY = f"""
- name: Read
  hosts: lab
  gather_facts: false
  tasks:{INFO_TASK}"""
OTHER_HASH = "AB" * 32
BINDINGS = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\"


def expected_from_lab(lab, host: str) -> dict:
    """What an admin reading the emulated registry by hand would report."""
    state = lab.state(host)
    sstp = lab.reg_values(host, SSTP)
    ikev2 = lab.reg_values(host, IKEV2) or {}
    os_values = lab.reg_values(host, CURRENT_VERSION)
    service = next((svc for name, svc in state["services"].items() if name.lower() == "remoteaccess"), None)

    def hexed(name: str):
        value = (sstp or {}).get(name)
        return bytes(value["value"]).hex().upper() if value else None

    use_https = (sstp or {}).get("UseHttps", {"value": 1})["value"] != 0
    fragmentation = ikev2.get("EnableServerFragmentation")
    return {
        # the role is its features (docs/docsite/rst/rras.rst "Platform facts"): the keys and the service exist on every Windows Server
        "rras_installed": {f["name"] for f in state["features"] if f["installed"]} >= {"RemoteAccess", "DirectAccess-VPN"},
        "rras_configured": ({f["name"] for f in state["features"] if f["installed"]} >= {"RemoteAccess"}
                            and service is not None and service["start_mode"] != "disabled"),
        "remote_access_service": {"exists": service is not None, "state": service and service["state"],
                                  "start_mode": service and service["start_mode"]},
        "sstp": None if sstp is None else {
            "mode": "https" if use_https else "offload",
            "use_https": use_https,
            "listener_port": 443 if use_https else 80,
            "certificate_sha256": hexed("SHA256CertificateHash"),
            "certificate_sha1": hexed("SHA1CertificateHash"),
            "hash_configured_by_admin": bool(next((v["value"] for n, v in sstp.items() if n.lower() == "ishashconfiguredbyadmin"), 0)),
            "sha256_enabled": True,
            "sha1_enabled": False,
        },
        "server_fragmentation": bool(fragmentation and fragmentation["value"]),
        "build": int(os_values["CurrentBuildNumber"]["value"]),
        "product_name": os_values["ProductName"]["value"],
    }


def assert_matches_lab(lab, host: str, found: dict) -> None:
    expected = expected_from_lab(lab, host)
    assert found["changed"] is False and not found.get("failed"), found
    assert found["rras_installed"] is expected["rras_installed"] and found["rras_configured"] is expected["rras_configured"]
    assert found["remote_access_service"] == expected["remote_access_service"]
    assert found["sstp"] == expected["sstp"]
    assert found["os"]["build"] == expected["build"] and found["os"]["product_name"] == expected["product_name"]
    if expected["rras_installed"]:
        assert found["ikev2"]["server_fragmentation"] is expected["server_fragmentation"]
    else:
        assert found["ikev2"] is None


@pytest.mark.parametrize("check", [False, True])
def test_every_profile_read_only_with_counted_round_trips(lab, check: bool) -> None:
    before = {host: lab.state(host)["registry"] for host in lab.hosts}
    run = lab.playbook(INFO_PLAY, check=check)
    assert run.rc == 0, run.stdout[-3000:]
    for host in lab.hosts:
        found = run.result(host, INFO)
        assert_matches_lab(lab, host, found)
        journal = lab.journal(host)
        assert all(not entry["changed"] and not entry["failed"] for entry in journal), journal
        assert all("state" not in entry["args"] for entry in journal if entry["module"] == "win_service")
        assert lab.state(host)["registry"] == before[host]
        modules = [(entry["module"], entry["args"].get("path")) for entry in journal]
        # SstpSvc\Parameters and, when it exists, the http.sys bindings of its port; the service and the role feature (the
        # keys exist without the role); Ikev2; the OS; the store when there are SSTP settings to check.
        addresses = [] if found["sstp"] is None else [f"0.0.0.0:{found['sstp']['listener_port']}", f"[::]:{found['sstp']['listener_port']}"]
        assert modules == [("win_reg_stat", SSTP), *[("win_reg_stat", BINDINGS + address) for address in addresses],
                           ("win_service", None), ("win_feature_info", None), ("win_reg_stat", IKEV2), ("win_reg_stat", CURRENT_VERSION),
                           *([("win_certificate_info", None)] if found["sstp"] is not None else [])], host
        assert [binding["address"] for binding in found["http_sys_bindings"]] == [
            address for address in addresses if lab.reg_values(host, BINDINGS + address) is not None]
    store = run.result("ws2022-sstp", INFO)["certificate_store"]
    assert store["required"] and store["found"] and store["problems"] == []
    assert store["certificate"]["sha256"] == lab.pki["sha256"] and store["certificate"]["thumbprint"] == lab.pki["sha1"]
    assert run.result("ws2022-sstp", INFO)["sstp"]["certificate_sha256"] == lab.pki["sha256"]


def test_info_follows_the_configuring_modules(lab) -> None:
    configure = f"""
- name: Configure and read
  hosts: rras
  gather_facts: false
  tasks:
    - name: Offload SSTP to a load balancer
      aovpn.rras.win_sstp_offload:
        certificate_hash: "{OTHER_HASH.lower()}"
    - name: IKEv2 fragmentation
      aovpn.rras.win_ikev2_fragmentation:
        allow_unsupported_build: true
{INFO_TASK}"""
    run = lab.playbook(configure)
    assert run.rc == 0, run.stdout[-3000:]
    for host in ("ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras"):
        found = run.result(host, INFO)
        assert_matches_lab(lab, host, found)
        assert found["sstp"]["mode"] == "offload" and found["sstp"]["certificate_sha256"] == OTHER_HASH
        assert found["sstp"]["listener_port"] == 80 and found["sstp"]["hash_configured_by_admin"] is True
        assert found["ikev2"]["server_fragmentation"] is True
        assert found["certificate_store"]["required"] is False and found["certificate_store"]["problems"] == []

    back = f"""
- name: Back to HTTPS with the installed certificate
  hosts: ws2022-sstp
  gather_facts: false
  tasks:
    - name: Bind the installed certificate
      aovpn.rras.win_sstp_certificate:
        thumbprint: "{lab.pki['sha1']}"
    - name: IKEv2 fragmentation off
      aovpn.rras.win_ikev2_fragmentation:
        state: disabled
{INFO_TASK}"""
    run = lab.playbook(back)
    assert run.rc == 0, run.stdout[-3000:]
    found = run.result("ws2022-sstp", INFO)
    assert_matches_lab(lab, "ws2022-sstp", found)
    assert found["sstp"]["mode"] == "https" and found["sstp"]["certificate_sha256"] == lab.pki["sha256"]
    assert found["ikev2"] == {"server_fragmentation": False, "enable_server_fragmentation": 0, "build_support": "confirmed"}
    assert found["certificate_store"]["found"] is True and found["certificate_store"]["problems"] == []


def test_store_check_predicts_event_25_that_the_restart_then_logs(lab) -> None:
    lab.set_reg_value("ws2022-sstp", SSTP, "SHA256CertificateHash", "REG_BINARY", list(bytes.fromhex(OTHER_HASH)))
    play = f"""
- name: Predict, then restart
  hosts: ws2022-sstp
  gather_facts: false
  tasks:{INFO_TASK}
    - name: Restart RemoteAccess
      ansible.windows.win_service:
        name: RemoteAccess
        state: restarted
"""
    run = lab.playbook(play)
    assert run.rc == 0, run.stdout[-3000:]
    store = run.result("ws2022-sstp", INFO)["certificate_store"]
    assert store["required"] is True and store["found"] is False
    assert len(store["problems"]) == 1 and "Event 25" in store["problems"][0] and OTHER_HASH in store["problems"][0]
    binding = lab.state("ws2022-sstp")["services"]["RemoteAccess"]["sstp_binding"]
    assert binding["event"] == 25 and binding["bound"] is False


SCHANNEL = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\"
HARDENING_KEYS = ["HKLM:\\SYSTEM\\CurrentControlSet\\Services\\IKEEXT\\Parameters",
                  "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ip",
                  *(f"{SCHANNEL}{name}\\Server" for name in ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1")),
                  "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"]


def test_hardening_check_reports_each_setting_for_seven_more_reads(lab) -> None:
    lab.set_reg_value("ws2019-rras", IKEV2, "CertAuthFlags", "REG_DWORD", 4)
    lab.set_reg_value("ws2019-rras", SCHANNEL + "TLS 1.0\\Server", "Enabled", "REG_DWORD", 0)
    lab.set_reg_value("ws2019-rras", SCHANNEL + "SSL 3.0\\Server", "Enabled", "REG_DWORD", 1)
    lab.set_reg_value("ws2019-rras", HARDENING_KEYS[0], "IkeNumEstablishedForInitialQuery", "REG_DWORD", 50000)
    lab.set_reg_value("ws2019-rras", HARDENING_KEYS[1], "InitialAddressPoolSize", "REG_DWORD", 100)
    lab.set_reg_value("ws2019-rras", HARDENING_KEYS[-1], "Functions", "REG_SZ", "TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    lab.clear_journal()
    run = lab.playbook(INFO_PLAY.replace("certificate_store_check: true", "hardening_check: true"))
    assert run.rc == 0, run.stdout[-3000:]

    hardened = run.result("ws2019-rras", INFO)["hardening"]
    assert hardened == {
        "crl_check": True, "cert_auth_flags": 4, "established_for_initial_query": 50000,
        "address_pool": {"initial_size": 100, "initial_address_pool_size": 100},
        "server_protocols": {"SSL 2.0": {"state": "os default", "enabled": False}, "SSL 3.0": {"state": "enabled", "enabled": True},
                             "TLS 1.0": {"state": "disabled", "enabled": False}, "TLS 1.1": {"state": "os default", "enabled": True}},
        "cipher_suites": ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
    }
    fresh = run.result("ws2012r2-rras", INFO)["hardening"]  # the profiles' fresh install on 9600: SSL 3.0 on by default, no SSL 2.0 default known
    assert fresh["crl_check"] is False and fresh["cert_auth_flags"] is None and fresh["cipher_suites"] is None
    assert fresh["server_protocols"]["SSL 3.0"] == {"state": "os default", "enabled": True}
    assert fresh["server_protocols"]["SSL 2.0"] == {"state": "os default", "enabled": None}
    assert run.result("ws2016-rras", INFO)["hardening"]["address_pool"] == {"initial_size": 10, "initial_address_pool_size": None}
    assert run.result("ws2022-unconfigured", INFO)["hardening"]["address_pool"] is None  # installed, not configured: no Ip key
    for host in lab.hosts:
        found = run.result(host, INFO)
        assert_matches_lab(lab, host, found)
        reads = [entry["args"].get("path") for entry in lab.journal(host) if entry["module"] == "win_reg_stat"]
        if found["rras_installed"]:
            assert reads[-7:] == HARDENING_KEYS and len(reads) == (5 if found["sstp"] else 3) + 7, (host, reads)
        else:
            assert found["hardening"] is None and not set(reads) & set(HARDENING_KEYS), host
