"""aovpn.rras.diagnose against the lab, with real TLS endpoints on loopback (nothing mocked at the socket).

The endpoints are ``tests/lab/tls_endpoint.py`` servers presenting the lab PKI's certificates or ones
made here with ``certgen`` (an inspection CA re-signing the VPN name, an expired certificate); the lab
hosts are put in each failing state, diagnosed, fixed with the real roles and diagnosed again.
"""

from __future__ import annotations

import datetime
import json
import socket
import typing as t
from pathlib import Path

import pytest

from ansible_collections.aovpn.rras.tests.functional.tls.peers import Served, serve
from ansible_collections.aovpn.rras.tests.unit import certgen
from tls_endpoint import TlsEndpoint  # tests/lab, on sys.path through the functional conftest

SSTP = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
VPN_NAME = "vpn.example.com"
LAB_ISSUER = "AOVPN Lab Root CA"
WRITE_MODULES = {"win_regedit", "win_certificate_store", "win_copy", "win_file"}


@pytest.fixture
def endpoints() -> t.Iterator[t.Callable[[str | Path, str | Path], TlsEndpoint]]:
    started: list[TlsEndpoint] = []

    def start(cert: str | Path, key: str | Path) -> TlsEndpoint:
        started.append(TlsEndpoint(cert, key).start())
        return started[-1]

    yield start
    for endpoint in started:
        endpoint.stop()


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Served]:
    """Certificates for the VPN name from outside the lab PKI: re-signed by an inspection CA, and expired."""
    directory = tmp_path_factory.mktemp("diagnose-pki")
    inspection_ca = certgen.make_ca("Contoso Firewall Inspection CA", slot=60)
    public_ca = certgen.make_ca("Example Public TLS CA", slot=61)
    now = certgen.NOW
    return {
        "inspected": serve(directory, "inspected", certgen.make_leaf(inspection_ca, VPN_NAME, (VPN_NAME,), slot=62), inspection_ca),
        "expired": serve(directory, "expired", certgen.make_leaf(public_ca, VPN_NAME, (VPN_NAME,), slot=63, not_before=now - datetime.timedelta(days=400),
                                                                 not_after=now - datetime.timedelta(days=3)), public_ca),
    }


def _hash_bytes(sha256: str) -> list[int]:
    return list(bytes.fromhex(sha256))


def _offload(lab: t.Any, host: str, sha256: str) -> None:
    lab.set_reg_value(host, SSTP, "UseHttps", "REG_DWORD", 0)
    lab.set_reg_value(host, SSTP, "isHashConfiguredByAdmin", "REG_DWORD", 1)
    lab.set_reg_value(host, SSTP, "SHA256CertificateHash", "REG_BINARY", _hash_bytes(sha256))


def _fragmentation_on(lab: t.Any, *hosts: str) -> None:
    for host in hosts:
        lab.set_reg_value(host, IKEV2, "EnableServerFragmentation", "REG_DWORD", 1)


def _diagnose(lab: t.Any, tmp_path: Path, name: str, **options: t.Any) -> tuple[t.Any, dict[str, t.Any]]:
    """Run the playbook with a JSON report and return the run and the report's hosts (the hardening check off unless asked)."""
    report = tmp_path / f"{name}.json"
    extra = {"diagnose_server_name": VPN_NAME, "diagnose_report_json": str(report), "diagnose_hardening": False, **options.pop("extra_vars", {})}
    run = lab.playbook("playbooks/diagnose.yml", extra_vars=extra, **options)
    assert report.exists(), run.stdout + run.stderr
    return run, json.loads(report.read_text(encoding="utf-8"))


def _codes(verdict: dict[str, t.Any]) -> dict[str, str]:
    return {finding["code"]: finding["severity"] for finding in verdict["findings"]}


def _failed_hosts(run: t.Any) -> set[str]:
    return {host for host, stats in run.stats.items() if stats["failures"]}


def test_each_failing_state_in_check_mode_then_fixed(lab: t.Any, tmp_path: Path, endpoints: t.Any) -> None:
    pki = lab.pki
    served = endpoints(pki["pem"], pki["key"])  # the real certificate, vpn_server
    next_hash = pki["certs"]["vpn_server_next"]["sha256"]
    _fragmentation_on(lab, "ws2022-sstp", "ws2019-rras")
    _offload(lab, "ws2019-rras", next_hash)  # offload, RRAS holds the hash of another certificate
    lab.set_reg_value("ws2016-rras", SSTP, "UseHttps", "REG_DWORD", 1)  # HTTPS, pinned hash not in the store
    lab.set_reg_value("ws2016-rras", SSTP, "isHashConfiguredByAdmin", "REG_DWORD", 1)
    lab.set_reg_value("ws2016-rras", SSTP, "SHA256CertificateHash", "REG_BINARY", _hash_bytes(pki["sha256"]))
    _offload(lab, "ws2012r2-rras", pki["sha256"])  # right hash, service stopped
    assert lab.adhoc("ws2012r2-rras", "ansible.windows.win_service", "name=RemoteAccess state=stopped").rc == 0
    markdown = tmp_path / "report.md"
    lab.clear_journal()

    run, report = _diagnose(lab, tmp_path, "check", check=True, extra_vars={
        "aovpn_rras_target": "lab", "diagnose_endpoint": served.endpoint, "diagnose_report_markdown": str(markdown)})

    assert run.rc == 2
    assert _failed_hosts(run) == {"ws2019-rras", "ws2016-rras", "ws2012r2-rras", "ws2022-iis443"}
    assert sorted(report["failing"]) == ["ws2012r2-rras", "ws2016-rras", "ws2019-rras", "ws2022-iis443"]
    hosts = report["hosts"]
    assert hosts["ws2022-sstp"]["status"] == "ok" and hosts["ws2022-sstp"]["verdict"] == "OK"
    assert hosts["ws2022-sstp"]["configured_sha256"] == hosts["ws2022-sstp"]["served_sha256"] == pki["sha256"]
    mismatch = hosts["ws2019-rras"]
    assert mismatch["verdict"] == "clients will disconnect (RasSstp Event ID 6)"
    assert (mismatch["sstp_mode"], mismatch["configured_sha256"], mismatch["served_sha256"]) == ("offload", next_hash, pki["sha256"])
    finding = mismatch["findings"][0]
    assert next_hash in finding["detail"] and pki["sha256"] in finding["detail"]
    assert f"aovpn.rras.sstp_offload --limit ws2019-rras -e sstp_offload_certificate_hash={pki['sha256']}" in finding["fix"]
    assert "check first that it is your certificate" in finding["fix"]
    assert _codes(hosts["ws2016-rras"])["certificate_binding"] == "fail"
    assert "Event 25" in hosts["ws2016-rras"]["verdict"] and hosts["ws2016-rras"]["configured_in_store"] is False
    assert _codes(hosts["ws2012r2-rras"]) == {"remote_access_not_running": "fail", "ikev2_fragmentation_unsupported": "info"}
    assert hosts["ws2022-base"]["verdict"] == "RRAS not installed" and hosts["ws2022-base"]["status"] == "info"
    assert "ws2022-base" not in report["failing"]
    assert hosts["ws2022-unconfigured"]["verdict"] == "RRAS not configured" and hosts["ws2022-unconfigured"]["status"] == "info"
    iis = hosts["ws2022-iis443"]
    assert iis["verdict"] == "SSTP port bound to another application (Event 32)" and _codes(iis)["foreign_http_sys_binding"] == "fail"
    assert "netsh http delete sslcert ipport=0.0.0.0:443" in iis["findings"][0]["fix"] and "(IIS)" in iis["findings"][0]["detail"]
    text = markdown.read_text(encoding="utf-8")
    assert "| ws2019-rras | failing | clients will disconnect (RasSstp Event ID 6) | offload |" in text
    assert f"sstp_offload_certificate_hash={pki['sha256']}" in text
    for host in lab.hosts:  # check mode and read-only: only reads, nothing changed
        calls = lab.journal(host)
        assert calls, host
        assert all(call["check_mode"] and not call["changed"] for call in calls), host
        assert not {call["module"].rsplit(".", 1)[-1] for call in calls} & WRITE_MODULES, host
        assert all(not {"state", "start_mode"} & set(call["args"]) for call in calls if call["module"].endswith("win_service")), host  # a read

    fix = lab.playbook("playbooks/sstp_offload.yml", limit="ws2019-rras", extra_vars={"sstp_offload_certificate_file": pki["pem"]})
    assert fix.rc == 0, fix.stdout
    run, report = _diagnose(lab, tmp_path, "fixed", limit="ws2019-rras", extra_vars={"diagnose_endpoint": served.endpoint})
    assert run.rc == 0, run.stdout
    assert report["failing"] == []
    assert report["hosts"]["ws2019-rras"]["verdict"] == "OK"
    assert report["hosts"]["ws2019-rras"]["configured_sha256"] == pki["sha256"]


def test_inspection_unexpected_certificate_probe_failure_unreachable(lab: t.Any, tmp_path: Path, endpoints: t.Any, foreign: dict[str, Served]) -> None:
    pki = lab.pki
    inspected = endpoints(foreign["inspected"].chain_path, foreign["inspected"].key_path)
    inspected_sha256 = certgen.openssl_fingerprint(foreign["inspected"].issued.cert)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    _fragmentation_on(lab, "ws2022-sstp", "ws2019-rras")
    _offload(lab, "ws2019-rras", pki["sha256"])
    inventory = lab.inventory_with({
        # RRAS holds the real certificate, the path re-signs it: inspection, by issuer and by hash
        "ws2022-sstp": {"diagnose_endpoint": inspected.endpoint, "diagnose_expected_issuer": LAB_ISSUER},
        "ws2016-rras": {"diagnose_endpoint": inspected.endpoint, "diagnose_expected_sha256": pki["sha256"].lower()},
        # nothing expected: a plain mismatch whose fix says to check the served certificate first
        "ws2019-rras": {"diagnose_endpoint": inspected.endpoint},
        "ws2012r2-rras": {"diagnose_endpoint": f"127.0.0.1:{closed_port}"},
        "ws2022-base": {"diagnose_endpoint": inspected.endpoint, "lab_unreachable": True},
    })
    lab.set_reg_value("ws2016-rras", SSTP, "SHA256CertificateHash", "REG_BINARY", _hash_bytes(pki["sha256"]))
    lab.set_reg_value("ws2016-rras", SSTP, "UseHttps", "REG_DWORD", 0)

    run, report = _diagnose(lab, tmp_path, "inspection", inventory=inventory, extra_vars={"aovpn_rras_target": "lab"})

    assert run.rc != 0
    hosts = report["hosts"]
    for host in ("ws2022-sstp", "ws2016-rras"):
        assert hosts[host]["verdict"] == "SSL inspection suspected", hosts[host]
        assert hosts[host]["served_sha256"] == inspected_sha256 and hosts[host]["configured_sha256"] == pki["sha256"]
        assert "Contoso Firewall Inspection CA" in hosts[host]["served_issuer"]
        assert "hash_mismatch" not in _codes(hosts[host])  # never proposes pinning the re-signed certificate
        assert inspected_sha256 not in (hosts[host]["findings"][0]["fix"] or "")
    plain = hosts["ws2019-rras"]
    assert plain["verdict"] == "clients will disconnect (RasSstp Event ID 6)"
    assert f"sstp_offload_certificate_hash={inspected_sha256}" in plain["findings"][0]["fix"]
    refused = hosts["ws2012r2-rras"]
    assert refused["verdict"] == "endpoint presents no certificate" and refused["served_sha256"] is None
    assert str(closed_port) in refused["findings"][0]["detail"] and "refused" in refused["findings"][0]["detail"]
    assert hosts["ws2022-base"]["verdict"] == "server state unreadable"
    assert set(report["failing"]) == {"ws2022-sstp", "ws2016-rras", "ws2019-rras", "ws2012r2-rras", "ws2022-base"}


def test_probe_from_another_host_expired_and_expiring(lab: t.Any, tmp_path: Path, endpoints: t.Any, foreign: dict[str, Served]) -> None:
    pki = lab.pki
    real = endpoints(pki["pem"], pki["key"])
    expired = endpoints(foreign["expired"].chain_path, foreign["expired"].key_path)
    expired_sha256 = certgen.openssl_fingerprint(foreign["expired"].issued.cert)
    _fragmentation_on(lab, "ws2022-sstp", "ws2019-rras")
    _offload(lab, "ws2019-rras", expired_sha256)
    inventory = lab.inventory_with({"ws2022-sstp": {"diagnose_endpoint": real.endpoint}, "ws2019-rras": {"diagnose_endpoint": expired.endpoint}})

    run, report = _diagnose(lab, tmp_path, "delegate", inventory=inventory, limit="ws2022-sstp,ws2019-rras",
                            extra_vars={"diagnose_probe_from": "localhost", "diagnose_warn_days": 36500})

    probes = run.results("ws2022-sstp", "aovpn.rras.diagnose : Fetch the certificate the endpoint presents, from diagnose_probe_from")
    assert probes and probes[0]["cert"].startswith("-----BEGIN CERTIFICATE-----")  # community.crypto.get_certificate ran
    hosts = report["hosts"]
    assert hosts["ws2022-sstp"]["served_sha256"] == pki["sha256"]
    assert _codes(hosts["ws2022-sstp"]) == {"store_certificate_expiring": "warn"}  # the bound one is the served one: reported once
    assert hosts["ws2022-sstp"]["status"] == "warning" and not hosts["ws2022-sstp"]["failed"]
    assert hosts["ws2019-rras"]["verdict"] == "certificate expired"
    assert _codes(hosts["ws2019-rras"]) == {"served_certificate_expired": "fail"}
    assert report["failing"] == ["ws2019-rras"]
    assert _failed_hosts(run) == {"ws2019-rras"}


def test_pinning_is_proposed_only_for_a_certificate_that_verifies_and_reports_change_nothing(lab: t.Any, tmp_path: Path, endpoints: t.Any) -> None:
    pki = lab.pki
    served = endpoints(pki["pem"], pki["key"])  # issued by the lab CA, which the controller's trust store does not hold
    _fragmentation_on(lab, "ws2019-rras")
    _offload(lab, "ws2019-rras", pki["certs"]["vpn_server_next"]["sha256"])
    base = {"aovpn_rras_target": "ws2019-rras", "diagnose_endpoint": served.endpoint, "diagnose_fail": False}

    system, report = _diagnose(lab, tmp_path, "system", extra_vars={**base, "diagnose_ca_path": "system"})
    assert system.rc == 0 and all(stats["changed"] == 0 for stats in system.stats.values()), system.stats
    finding = report["hosts"]["ws2019-rras"]["findings"][0]
    assert finding["code"] == "hash_mismatch"
    assert "sstp_offload_certificate_hash" not in finding["fix"] and "does not verify against diagnose_ca_path" in finding["fix"], finding["fix"]

    trusted, report = _diagnose(lab, tmp_path, "trusted", extra_vars={**base, "diagnose_ca_path": pki["ca"]})
    assert trusted.rc == 0
    assert f"sstp_offload_certificate_hash={pki['sha256']}" in report["hosts"]["ws2019-rras"]["findings"][0]["fix"]


def test_unreachable_endpoint_is_a_short_finding_and_expiry_is_a_warning(lab: t.Any, tmp_path: Path, endpoints: t.Any) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    extra = {"aovpn_rras_target": "ws2019-rras", "diagnose_endpoint": f"127.0.0.1:{port}", "diagnose_fail": False}
    run, report = _diagnose(lab, tmp_path, "unreachable", extra_vars=extra, callback="default")
    detail = report["hosts"]["ws2019-rras"]["findings"][0]["detail"]
    assert detail == f"no TLS certificate from 127.0.0.1:{port}: connection refused (nothing listens on that port)"
    assert "Task failed" not in run.stdout and "[ERROR]" not in run.stdout + run.stderr

    pki = lab.pki
    served = endpoints(pki["pem"], pki["key"])
    expiring, _report = _diagnose(lab, tmp_path, "expiring", callback="default", extra_vars={
        "aovpn_rras_target": "ws2022-sstp", "diagnose_endpoint": served.endpoint, "diagnose_warn_days": 100000, "diagnose_fail": False})
    text = " ".join((expiring.stdout + expiring.stderr).split())
    assert "[WARNING]: ws2022-sstp: certificate expires in" in text, text[-3000:]


SCHANNEL = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\"


def test_hardening_legacy_tls_warns_crl_check_off_informs_until_hardened(lab: t.Any, tmp_path: Path, endpoints: t.Any) -> None:
    served = endpoints(lab.pki["pem"], lab.pki["key"])
    _fragmentation_on(lab, "ws2022-sstp", "ws2019-rras")
    _offload(lab, "ws2019-rras", lab.pki["sha256"])
    lab.set_reg_value("ws2019-rras", SCHANNEL + "TLS 1.1\\Server", "Enabled", "REG_DWORD", 1)  # set on by an admin
    lab.clear_journal()
    extra = {"aovpn_rras_target": "ws2022-sstp,ws2019-rras", "diagnose_endpoint": served.endpoint, "diagnose_hardening": True}

    run, report = _diagnose(lab, tmp_path, "legacy", check=True, extra_vars=extra)

    assert run.rc == 0, run.stdout[-3000:]  # warnings and information do not fail the run
    hosts = report["hosts"]
    # SSTP on HTTPS: the server's SCHANNEL serves the clients (a warning); offloaded: the load balancer does (information)
    for host, severity, status in (("ws2022-sstp", "warn", "warning"), ("ws2019-rras", "info", "info")):
        assert _codes(hosts[host]) == {"legacy_tls_on": severity, "ikev2_crl_check_off": "info"}, hosts[host]
        assert hosts[host]["status"] == status and hosts[host]["verdict"] == "legacy TLS on for the server"
        assert all(call["module"] == "win_reg_stat" or not call["changed"] for call in lab.journal(host))
        reads = [call["args"]["path"] for call in lab.journal(host) if call["module"] == "win_reg_stat"]
        assert sum(path.startswith(SCHANNEL) for path in reads) == 4, reads
    # the lab's SCHANNEL is a fresh install's: TLS 1.0/1.1 on by default on 20348 and 17763; SSL 3.0 off by default from 14393
    assert "offers TLS 1.0 (the default of build 20348), TLS 1.1 (the default of build 20348):" in hosts["ws2022-sstp"]["findings"][0]["detail"]
    assert "TLS 1.1 (Enabled set)" in hosts["ws2019-rras"]["findings"][0]["detail"]
    assert "--limit ws2019-rras -e '{\"hardening_sstp_disabled_protocols\"" in hosts["ws2019-rras"]["findings"][0]["fix"]

    harden = lab.playbook("playbooks/hardening.yml", extra_vars={
        "aovpn_rras_target": "ws2019-rras", "hardening_ikev2_crl_check": "enabled",
        "hardening_sstp_disabled_protocols": ["SSL 3.0", "TLS 1.0", "TLS 1.1"]})
    assert harden.rc == 0, harden.stdout[-3000:]
    run, report = _diagnose(lab, tmp_path, "hardened", extra_vars=dict(extra, aovpn_rras_target="ws2019-rras"))
    assert run.rc == 0 and report["hosts"]["ws2019-rras"]["findings"] == [] and report["hosts"]["ws2019-rras"]["verdict"] == "OK"
