"""The lab's model of the platform: what RemoteAccess does with SSTP at start, features, PFX imports by build.

Every scenario runs real ansible-playbook / ansible against the lab and asserts the host state
(registry, http.sys bindings as SslBindingInfo keys), the journal and the RasSstp event log.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import subprocess
import sys
from typing import Any

import labctl
import pytest
from lab_session import Lab

pytestmark = pytest.mark.lab

SSTP = r"HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters"
BINDINGS = r"HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo"
SSTP_APP_ID = [0x80, 0x59, 0x19, 0xBA, 0x49, 0xCD, 0x8B, 0x45, 0x9E, 0x23, 0xC8, 0x4E, 0xE0, 0xAD, 0xCD, 0x75]
IIS_APP_ID = [0x81, 0xE1, 0xC3, 0x4D, 0x4B, 0xE1, 0x21, 0x4A, 0xB0, 0x22, 0x59, 0xFC, 0x66, 0x9B, 0x09, 0x14]
RESTART = """
    - name: restart
      ansible.windows.win_service: {name: RemoteAccess, state: restarted}
"""
PFX_ERROR = "Failed to load cert from file: The specified network password is not correct."


def _play(hosts: str, tasks: str) -> str:
    return f"- hosts: {hosts}\n  gather_facts: false\n  tasks:\n{tasks}"


def _import(pfx: str, name: str = "import") -> str:
    return f"""
    - {{name: copy, ansible.windows.win_copy: {{src: '{pfx}', dest: 'C:\\Windows\\Temp\\cert.pfx'}}}}
    - name: {name}
      ansible.windows.win_certificate_store: {{path: 'C:\\Windows\\Temp\\cert.pfx', password: '{{{{ pw }}}}', key_storage: machine}}
      ignore_errors: true
"""


def _binary(lab: Lab, host: str, key: str, name: str) -> list[int] | None:
    values = lab.reg_values(host, key) or {}
    entry = next((v for n, v in values.items() if n.lower() == name.lower()), None)
    return entry["value"] if entry and entry["type"] == "REG_BINARY" else entry and entry["value"]


def _bindings(lab: Lab, host: str) -> dict[str, dict[str, Any]]:
    state = lab.state(host)
    return {name: lab.reg_values(host, f"{BINDINGS}\\{name}") for name in labctl.lab_host.sub_key_names(state, BINDINGS)}


def _sstp_binding_of(cert: dict[str, Any]) -> dict[str, Any]:
    return {"SslCertHash": {"type": "REG_BINARY", "value": list(bytes.fromhex(cert["sha1"]))},
            "AppId": {"type": "REG_BINARY", "value": SSTP_APP_ID},
            "SslCertStoreName": {"type": "REG_SZ", "value": "MY"},
            "DefaultFlags": {"type": "REG_DWORD", "value": 0}}


def _modules(lab: Lab, host: str) -> list[tuple[str, bool]]:
    return [(entry["module"], entry["failed"]) for entry in lab.journal(host)]


def test_default_mode_start_picks_a_server_certificate_writes_hashes_and_binds(lab: Lab) -> None:
    certs = lab.pki["certs"]
    # a clientAuth-only certificate first: not usable by SSTP, the service skips it
    run = lab.playbook(_play("ws2019-rras", _import(certs["vpn_client_only"]["pfx_legacy"], "client") + _import(certs["vpn_server"]["pfx"]) + RESTART),
                       extra_vars={"pw": lab.pki["password"]})
    assert run.rc == 0, run.stdout + run.stderr
    values = lab.reg_values("ws2019-rras", SSTP)
    assert values["SHA256CertificateHash"] == {"type": "REG_BINARY", "value": list(bytes.fromhex(certs["vpn_server"]["sha256"]))}
    assert values["SHA1CertificateHash"] == {"type": "REG_BINARY", "value": list(bytes.fromhex(certs["vpn_server"]["sha1"]))}
    assert values["isHashConfiguredByAdmin"] == {"type": "REG_DWORD", "value": 0}
    assert _bindings(lab, "ws2019-rras") == {"0.0.0.0:443": _sstp_binding_of(certs["vpn_server"]), "[::]:443": _sstp_binding_of(certs["vpn_server"])}
    assert lab.events("ws2019-rras") == []
    snapshot = lab.state("ws2019-rras")["services"]["RemoteAccess"]["sstp_binding"]
    assert (snapshot["bound"], snapshot["thumbprint"], snapshot["event"]) == (True, certs["vpn_server"]["sha1"], None)
    assert [m for m, failed in _modules(lab, "ws2019-rras")] == ["win_copy", "win_copy", "win_certificate_store"] * 2 + ["win_service"]

    # the bound certificate wins over the first usable one, also without the flag
    lab.clear_journal()
    stat = lab.adhoc("ws2022-sstp", "ansible.windows.win_reg_stat", {"path": BINDINGS + r"\[::]:443", "name": "SslCertHash"})
    assert stat.results("ws2022-sstp")[0]["value"] == list(bytes.fromhex(certs["vpn_server"]["sha1"]))
    for address in ("0.0.0.0:443", "[::]:443"):
        lab.set_reg_value("ws2022-sstp", f"{BINDINGS}\\{address}", "SslCertHash", "REG_BINARY", list(bytes.fromhex(certs["vpn_server_next"]["sha1"])))
    lab.delete_reg_value("ws2022-sstp", SSTP, "isHashConfiguredByAdmin")
    run = lab.playbook(_play("ws2022-sstp", _import(certs["vpn_server_next"]["pfx"]) + RESTART), extra_vars={"pw": lab.pki["password"]})
    assert run.rc == 0, run.stdout + run.stderr
    assert _binary(lab, "ws2022-sstp", SSTP, "SHA256CertificateHash") == list(bytes.fromhex(certs["vpn_server_next"]["sha256"]))
    assert _binary(lab, "ws2022-sstp", SSTP, "isHashConfiguredByAdmin") == 0
    assert _bindings(lab, "ws2022-sstp")["0.0.0.0:443"] == _sstp_binding_of(certs["vpn_server_next"])


def test_admin_hash_missing_from_the_store_logs_event_25_and_binds_nothing(lab: Lab) -> None:
    before = _bindings(lab, "ws2022-sstp")
    run = lab.playbook(_play("ws2022-sstp", f"""
    - name: remove
      ansible.windows.win_certificate_store: {{thumbprint: '{lab.pki["sha1"]}', state: absent}}
{RESTART}"""))
    assert run.rc == 0, run.stdout + run.stderr
    (event,) = lab.events("ws2022-sstp")
    assert (event["source"], event["event_id"], event["level"]) == ("RasSstp", 25, "Error")
    assert lab.pki["sha256"] in event["message"] and "Personal certificate store" in event["message"]
    assert _binary(lab, "ws2022-sstp", SSTP, "SHA256CertificateHash") == list(bytes.fromhex(lab.pki["sha256"]))
    assert _binary(lab, "ws2022-sstp", SSTP, "isHashConfiguredByAdmin") == 1, "the service keeps the admin's flag and hashes"
    assert _bindings(lab, "ws2022-sstp") == before, "nothing (re)bound"
    assert lab.state("ws2022-sstp")["services"]["RemoteAccess"]["sstp_binding"]["bound"] is False
    assert [m for m, failed in _modules(lab, "ws2022-sstp")] == ["win_certificate_store", "win_service"]


@pytest.mark.parametrize("admin", [True, False])
def test_foreign_binding_logs_event_32_and_stays(lab: Lab, admin: bool) -> None:
    certs = lab.pki["certs"]
    if not admin:
        lab.delete_reg_value("ws2022-iis443", SSTP, "isHashConfiguredByAdmin")
    iis = {"SslCertHash": {"type": "REG_BINARY", "value": list(bytes.fromhex(certs["iis_web"]["sha1"]))},
           "AppId": {"type": "REG_BINARY", "value": IIS_APP_ID}, "SslCertStoreName": {"type": "REG_SZ", "value": "MY"},
           "DefaultFlags": {"type": "REG_DWORD", "value": 0}}
    assert _bindings(lab, "ws2022-iis443") == {"0.0.0.0:443": iis}
    run = lab.adhoc("ws2022-iis443", "ansible.windows.win_service", "name=RemoteAccess state=restarted")
    assert run.rc == 0, run.stdout + run.stderr
    (event,) = lab.events("ws2022-iis443")
    assert (event["event_id"], event["level"]) == (32, "Error")
    for part in ("0.0.0.0:443", certs["iis_web"]["sha1"], "{4DC3E181-E14B-4A21-B022-59FC669B0914}", "netsh http delete sslcert ipport=0.0.0.0:443"):
        assert part in event["message"]
    assert _bindings(lab, "ws2022-iis443") == {"0.0.0.0:443": iis}, "the foreign binding stays, [::]:443 is not bound either"
    assert _binary(lab, "ws2022-iis443", SSTP, "SHA256CertificateHash") == list(bytes.fromhex(certs["vpn_server"]["sha256"]))
    assert _binary(lab, "ws2022-iis443", SSTP, "isHashConfiguredByAdmin") == (1 if admin else 0)


def test_offload_binds_no_certificate_and_removes_sstps_own_bindings_only(lab: Lab) -> None:
    offload = """
    - name: offload
      ansible.windows.win_regedit: {path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters', name: UseHttps, type: dword, data: 0}
"""
    run = lab.playbook(_play("ws2022-sstp:ws2022-iis443", offload + RESTART))
    assert run.rc == 0, run.stdout + run.stderr
    assert _bindings(lab, "ws2022-sstp") == {}
    assert list(_bindings(lab, "ws2022-iis443")) == ["0.0.0.0:443"], "IIS keeps its binding"
    for host in ("ws2022-sstp", "ws2022-iis443"):
        snapshot = lab.state(host)["services"]["RemoteAccess"]["sstp_binding"]
        assert (snapshot["use_https"], snapshot["port"], snapshot["bound"], snapshot["event"]) == (False, 80, False, None)
        assert lab.events(host) == []
        assert _binary(lab, host, SSTP, "SHA256CertificateHash") == list(bytes.fromhex(lab.pki["sha256"])), "hashes left alone"


def test_no_usable_certificate_logs_event_11(lab: Lab) -> None:
    certs = lab.pki["certs"]
    # a server certificate without its private key, a clientAuth one with its key: neither is usable
    tasks = f"""
    - {{name: copy pem, ansible.windows.win_copy: {{src: '{certs["vpn_server"]["pem"]}', dest: 'C:\\Windows\\Temp\\server.pem'}}}}
    - {{name: import pem, ansible.windows.win_certificate_store: {{path: 'C:\\Windows\\Temp\\server.pem'}}}}
""" + _import(certs["vpn_client_only"]["pfx"]) + RESTART
    run = lab.playbook(_play("ws2019-rras", tasks), extra_vars={"pw": lab.pki["password"]})
    assert run.rc == 0, run.stdout + run.stderr
    assert [(e["event_id"], e["level"]) for e in lab.events("ws2019-rras")] == [(11, "Error")]
    assert "Server Authentication" in lab.events("ws2019-rras")[0]["message"]
    values = lab.reg_values("ws2019-rras", SSTP)
    assert not {"SHA256CertificateHash", "SHA1CertificateHash", "isHashConfiguredByAdmin"} & set(values)
    assert _bindings(lab, "ws2019-rras") == {}


@pytest.mark.parametrize("host", ["ws2022-base", "ws2022-unconfigured"])
def test_starting_a_disabled_remoteaccess_fails_and_changes_nothing(lab: Lab, host: str) -> None:
    before = lab.state(host)
    for state in ("started", "restarted"):
        run = lab.adhoc(host, "ansible.windows.win_service", f"name=RemoteAccess state={state}")
        assert run.rc != 0
        assert "cannot be started" in run.results(host)[0]["msg"]
    after = lab.state(host)
    assert after["services"]["RemoteAccess"] == before["services"]["RemoteAccess"] == {
        **before["services"]["RemoteAccess"], "start_mode": "disabled", "state": "stopped"}
    assert after["registry"] == before["registry"] and lab.events(host) == []
    assert _modules(lab, host) == [("win_service", True), ("win_service", True)]


def test_feature_info_tells_the_role_apart_from_the_keys(lab: Lab) -> None:
    run = lab.playbook(_play("ws2022-base:ws2022-unconfigured:ws2022-sstp", """
    - {name: role, ansible.windows.win_feature_info: {name: RemoteAccess}}
    - {name: vpn, ansible.windows.win_feature_info: {name: directaccess-vpn}}
    - {name: wildcard, ansible.windows.win_feature_info: {name: 'R*'}}
    - {name: none, ansible.windows.win_feature_info: {name: NoSuchFeature}}
    - {name: ikev2 key, ansible.windows.win_reg_stat: {path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2'}}
    - {name: service, ansible.windows.win_service: {name: RemoteAccess}}
"""))
    assert run.rc == 0, run.stdout + run.stderr
    expected = {"ws2022-base": (False, "disabled"), "ws2022-unconfigured": (True, "disabled"), "ws2022-sstp": (True, "auto")}
    for host, (installed, start_mode) in expected.items():
        (role,) = run.results(host, "role")[0]["features"]
        assert (role["name"], role["installed"], role["install_state"], role["feature_type"]) == (
            "RemoteAccess", installed, "Installed" if installed else "Available", "Role")
        (vpn,) = run.results(host, "vpn")[0]["features"]
        assert (vpn["name"], vpn["display_name"], vpn["installed"], vpn["parent"]) == (
            "DirectAccess-VPN", "DirectAccess and VPN (RAS)", installed, "RemoteAccess")
        assert [f["name"] for f in run.results(host, "wildcard")[0]["features"]] == ["RemoteAccess", "Routing"]
        none = run.results(host, "none")[0]
        assert (none["exists"], none["features"]) == (False, [])
        assert run.results(host, "ikev2 key")[0]["exists"] is True, "the keys exist with or without the role"
        service = run.results(host, "service")[0]
        assert (service["exists"], service["start_mode"]) == (True, start_mode)
        assert all(not entry["changed"] for entry in lab.journal(host))


def test_pbes2_pfx_fails_below_build_17763_and_legacy_imports_everywhere(lab: Lab) -> None:
    certs = lab.pki["certs"]
    tasks = _import(certs["vpn_server"]["pfx"], "pbes2") + _import(certs["vpn_server_next"]["pfx_legacy"], "legacy")
    run = lab.playbook(_play("ws2016-rras:ws2012r2-rras:ws2019-rras", tasks), extra_vars={"pw": lab.pki["password"]})
    assert run.rc == 0, run.stdout + run.stderr
    for host in ("ws2016-rras", "ws2012r2-rras"):
        pbes2 = run.results(host, "pbes2")[0]
        assert pbes2["failed"] is True and pbes2["msg"] == PFX_ERROR
        assert run.results(host, "legacy")[0]["changed"] is True
        my = {hashlib.sha1(base64.b64decode(e["der_b64"])).hexdigest().upper(): e["has_private_key"]  # nosec - thumbprint
              for e in lab.state(host)["cert_stores"]["LocalMachine\\My"]}
        assert my == {certs["vpn_server_next"]["sha1"]: True, certs["lab_root_ca"]["sha1"]: False}, "only the legacy PFX was imported"
        assert lab.pki["password"] not in json.dumps(lab.journal(host))
    imported = run.results("ws2019-rras", "pbes2")[0]
    assert imported["changed"] is True and imported["thumbprints"][0] == certs["vpn_server"]["sha1"]
    assert run.results("ws2019-rras", "legacy")[0]["changed"] is True


def test_labctl_events_prints_the_event_log(lab: Lab) -> None:
    assert lab.adhoc("ws2022-iis443", "ansible.windows.win_service", "name=RemoteAccess state=restarted").rc == 0
    out = subprocess.run([sys.executable, "tests/lab/labctl.py", "events", "ws2022-iis443", "--state-dir", str(lab.state_dir)],
                         capture_output=True, text=True, check=True, env=lab.env, cwd=labctl.REPO_ROOT).stdout
    (event,) = json.loads(out)
    assert set(event) == {"time_ns", "source", "event_id", "level", "message"}
    assert (event["source"], event["event_id"]) == ("RasSstp", 32)
    assert event == lab.events("ws2022-iis443")[0]


def test_default_mode_skips_expired_certificates_and_takes_any_purpose_or_no_eku(lab: Lab, tmp_path) -> None:
    """PFXs written by openssl (3DES/SHA-1 and its PBES2 default): the service's choice follows validity and EKU."""
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from ansible_collections.aovpn.rras.tests.unit import certgen

    past = certgen.NOW - datetime.timedelta(days=30)
    expired = certgen.make_leaf(None, "old.example.com", not_before=past - datetime.timedelta(days=90), not_after=past, slot=2)
    any_purpose = certgen.make_leaf(None, "any.example.com", ekus=(ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,), slot=3)
    no_eku = certgen.make_leaf(None, "plain.example.com", ekus=None, slot=4)
    files = {name: certgen.write_pkcs12(tmp_path / f"{name}.pfx", issued, (), "pw", mode)
             for name, issued, mode in (("expired", expired, "3des"), ("any", any_purpose, "3des"), ("plain", no_eku, "aes"))}
    tasks = "".join(_import(str(files[name]), name) for name in ("expired", "plain", "any")) + RESTART
    run = lab.playbook(_play("ws2016-rras:ws2019-rras", tasks), extra_vars={"pw": "pw"})
    assert run.rc == 0, run.stdout + run.stderr
    # openssl's PBES2 default fails on 2016 as Windows does: the first usable certificate there is the Any Purpose one
    assert run.results("ws2016-rras", "plain")[0]["msg"] == PFX_ERROR
    picked = {"ws2016-rras": any_purpose, "ws2019-rras": no_eku}
    for host, issued in picked.items():
        sha1 = certgen.openssl_fingerprint(issued.cert, "sha1")
        assert _binary(lab, host, SSTP, "SHA1CertificateHash") == list(bytes.fromhex(sha1)), host
        assert _binary(lab, host, SSTP, "SHA256CertificateHash") == list(bytes.fromhex(certgen.openssl_fingerprint(issued.cert))), host
        assert lab.events(host) == []
    stat = lab.adhoc("ws2019-rras", "ansible.windows.win_reg_stat", {"path": BINDINGS})
    assert stat.results("ws2019-rras")[0]["sub_keys"] == ["0.0.0.0:443", "[::]:443"]


def test_admin_hash_of_the_wrong_size_logs_event_18(lab: Lab) -> None:
    lab.set_reg_value("ws2022-sstp", SSTP, "SHA256CertificateHash", "REG_BINARY", list(bytes.fromhex(lab.pki["sha1"])))
    run = lab.adhoc("ws2022-sstp", "ansible.windows.win_service", "name=RemoteAccess state=restarted")
    assert run.rc == 0, run.stdout + run.stderr
    assert [(e["event_id"], e["level"]) for e in lab.events("ws2022-sstp")] == [(18, "Error")]
    assert "32 bytes" in lab.events("ws2022-sstp")[0]["message"]
    assert lab.state("ws2022-sstp")["services"]["RemoteAccess"]["sstp_binding"]["bound"] is False
