"""Verdicts of the diagnose core from ``win_rras_info``-shaped results and lookup-shaped certificates (made with certgen)."""

from __future__ import annotations

import datetime
import json
import typing as t

import pytest

from ansible_collections.aovpn.rras.plugins.filter.sstp_verdict import sstp_report, sstp_verdict
from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import certificate_summary
from ansible_collections.aovpn.rras.plugins.plugin_utils._diagnose import DiagnoseError, host_verdict, issuer_matches
from ansible_collections.aovpn.rras.tests.unit import certgen

from ansible.errors import AnsibleFilterError

ENDPOINT = "vpn.example.com:443"
REAL_CA = certgen.make_ca("Example Public TLS CA", slot=70)
INSPECTION_CA = certgen.make_ca("Contoso Firewall Inspection CA", slot=71)


def served(issuer: certgen.Issued = REAL_CA, slot: int = 72, days: int = 200, names: tuple[str, ...] = ("vpn.example.com",)) -> dict[str, t.Any]:
    not_after = certgen.NOW + datetime.timedelta(days=days)
    leaf = certgen.make_leaf(issuer, names[0], names, slot=slot, not_before=not_after - datetime.timedelta(days=365), not_after=not_after)
    return dict(certificate_summary(leaf.cert), sstp={"answering": True, "message": "SSTP is answering"})


REAL = served()
INSPECTED = served(INSPECTION_CA, slot=73)


def info(mode: str = "offload", sha256: str | None = REAL["sha256"], state: str = "running", fragmentation: bool = True,
         store: dict[str, t.Any] | None = None, build_support: str = "confirmed") -> dict[str, t.Any]:
    return {
        "rras_installed": True,
        "remote_access_service": {"exists": True, "state": state, "start_mode": "auto"},
        "sstp": {"mode": mode, "use_https": mode == "https", "certificate_sha256": sha256, "hash_configured_by_admin": True},
        "ikev2": {"server_fragmentation": fragmentation, "build_support": build_support},
        "os": {"build": 20348},
        "certificate_store": store or {"required": False, "found": False, "certificate": None, "problems": []},
    }


def codes(verdict: dict[str, t.Any]) -> dict[str, str]:
    return {finding["code"]: finding["severity"] for finding in verdict["findings"]}


def test_matching_offload_is_ok() -> None:
    verdict = host_verdict("vpn1", info(), REAL, endpoint=ENDPOINT)
    assert (verdict["status"], verdict["verdict"], verdict["failed"], verdict["findings"]) == ("ok", "OK", False, [])
    assert verdict["configured_sha256"] == verdict["served_sha256"] == REAL["sha256"]


def test_offload_mismatch_shows_both_hashes_and_the_fix() -> None:
    other = served(slot=74)["sha256"]
    verdict = host_verdict("vpn1", info(sha256=other), REAL, endpoint=ENDPOINT)
    assert verdict["verdict"] == "clients will disconnect (RasSstp Event ID 6)" and verdict["failed"]
    finding = verdict["findings"][0]
    assert other in finding["detail"] and REAL["sha256"] in finding["detail"] and "offload mode" in finding["detail"]
    assert f"ansible-playbook aovpn.rras.sstp_offload --limit vpn1 -e sstp_offload_certificate_hash={REAL['sha256']}" in finding["fix"]
    assert finding["fix"].startswith("check first that it is your certificate")


def test_missing_offload_hash_is_a_mismatch() -> None:
    assert codes(host_verdict("vpn1", info(sha256=None), REAL, endpoint=ENDPOINT)) == {"hash_mismatch": "fail"}


def test_mismatch_with_the_expected_certificate_served_says_it_was_checked() -> None:
    verdict = host_verdict("vpn1", info(sha256=None), REAL, endpoint=ENDPOINT, expected_issuer="example public tls ca")
    assert verdict["findings"][0]["fix"].startswith("it is the expected certificate")


@pytest.mark.parametrize("expectation", [{"expected_issuer": "Example Public TLS CA"}, {"expected_issuer": "CN=Example Public TLS CA"},
                                         {"expected_sha256": ":".join(REAL["sha256"][i:i + 2] for i in range(0, 64, 2)).lower()}])
def test_inspection_when_the_server_holds_the_real_certificate(expectation: dict[str, str]) -> None:
    verdict = host_verdict("vpn1", info(), INSPECTED, endpoint=ENDPOINT, **expectation)
    assert verdict["verdict"] == "SSL inspection suspected"
    assert list(codes(verdict)) == ["ssl_inspection_suspected"]
    assert INSPECTED["sha256"] not in verdict["findings"][0]["fix"]


def test_pinned_inspection_certificate_is_unexpected() -> None:
    verdict = host_verdict("vpn1", info(sha256=INSPECTED["sha256"]), INSPECTED, endpoint=ENDPOINT, expected_issuer="Example Public TLS CA")
    assert list(codes(verdict)) == ["unexpected_certificate"]


def test_neither_side_expected_proposes_the_expected_hash_not_the_served_one() -> None:
    other = served(slot=75)["sha256"]
    verdict = host_verdict("vpn1", info(sha256=other), INSPECTED, endpoint=ENDPOINT, expected_sha256=REAL["sha256"])
    assert list(codes(verdict)) == ["hash_mismatch"]
    assert f"sstp_offload_certificate_hash={REAL['sha256']}" in verdict["findings"][0]["fix"]
    assert INSPECTED["sha256"] not in verdict["findings"][0]["fix"]


def test_https_without_a_hash_is_not_configured() -> None:
    verdict = host_verdict("vpn1", info(mode="https", sha256=None), REAL, endpoint=ENDPOINT)
    assert list(codes(verdict)) == ["certificate_not_configured"]
    assert "aovpn.rras.sstp_certificate" in verdict["findings"][0]["fix"]


def test_https_event_25_from_the_store_check() -> None:
    problem = f"no certificate with SHA-256 {REAL['sha256']} is in LocalMachine\\My: RemoteAccess binds nothing at start (Event 25)"
    store = {"required": True, "found": False, "certificate": None, "problems": [problem]}
    verdict = host_verdict("vpn1", info(mode="https", store=store), REAL, endpoint=ENDPOINT)
    assert verdict["verdict"] == "HTTPS mode: configured certificate not in the store (Event 25, nothing bound)"
    assert verdict["configured_in_store"] is False and verdict["findings"][0]["detail"] == problem


def test_expiring_bound_and_served_certificate_reported_once() -> None:
    soon = served(slot=76, days=10)
    bound = {"sha256": soon["sha256"], "subject": soon["subject"], "not_after": soon["not_after"], "days_left": soon["days_left"], "expired": False}
    store = {"required": True, "found": True, "certificate": bound, "problems": []}
    verdict = host_verdict("vpn1", info(mode="https", sha256=soon["sha256"], store=store), soon, endpoint=ENDPOINT, warn_days=30)
    assert codes(verdict) == {"store_certificate_expiring": "warn"}
    assert (verdict["status"], verdict["failed"], verdict["verdict"]) == ("warning", False, "certificate expires in 9 days")


def test_expired_served_certificate_fails() -> None:
    old = served(slot=77, days=-2)
    assert codes(host_verdict("vpn1", info(sha256=old["sha256"]), old, endpoint=ENDPOINT)) == {"served_certificate_expired": "fail"}


def test_service_ikev2_sstp_answer_and_name() -> None:
    stray = dict(served(slot=78, names=("other.example.com",)), sstp={"answering": False, "message": "something else answers: HTTP 404"})
    verdict = host_verdict("vpn1", info(sha256=stray["sha256"], state="stopped", fragmentation=False), stray, endpoint=ENDPOINT)
    assert codes(verdict) == {"remote_access_not_running": "fail", "sstp_not_answering": "warn", "name_not_covered": "warn",
                              "ikev2_fragmentation_off": "warn"}
    assert verdict["verdict"] == "RemoteAccess not running"
    unsupported = host_verdict("vpn1", info(fragmentation=False, build_support="unsupported"), REAL, endpoint=ENDPOINT)
    assert codes(unsupported) == {"ikev2_fragmentation_unsupported": "info"} and unsupported["status"] == "info"


def test_server_name_overrides_the_endpoint_host() -> None:
    by_address = host_verdict("vpn1", info(), REAL, endpoint="127.0.0.1:8443")
    assert "name_not_covered" in codes(by_address)
    assert codes(host_verdict("vpn1", info(), REAL, endpoint="127.0.0.1:8443", server_name="vpn.example.com")) == {}


def test_probe_error_unreadable_host_and_no_rras() -> None:
    assert codes(host_verdict("vpn1", info(), {"error": "connection refused"}, endpoint=ENDPOINT)) == {"endpoint_unreachable": "fail"}
    unreachable = host_verdict("vpn1", {"unreachable": True, "msg": "timed out"}, None, endpoint=ENDPOINT)
    assert (unreachable["verdict"], unreachable["failed"]) == ("server state unreadable", True)
    absent = host_verdict("vpn1", {"rras_installed": False, "remote_access_service": {"exists": False}}, REAL, endpoint=ENDPOINT)
    assert (absent["verdict"], absent["status"], absent["failed"]) == ("RRAS not installed", "info", False)
    unconfigured = host_verdict("vpn1", dict(info(state="stopped"), rras_configured=False), REAL, endpoint=ENDPOINT)
    assert (unconfigured["verdict"], unconfigured["status"], unconfigured["failed"]) == ("RRAS not configured", "info", False)
    assert "Install-RemoteAccess -VpnType Vpn" in unconfigured["findings"][0]["fix"] and len(unconfigured["findings"]) == 1


def test_issuer_matching() -> None:
    assert issuer_matches("CN=R11,O=Let's Encrypt,C=US", "r11")
    assert issuer_matches("CN=R11,O=Let's Encrypt,C=US", "CN=R11, O=Let's Encrypt, C=US")
    assert issuer_matches("CN=A\\, B,O=X", "A, B")
    assert not issuer_matches("CN=R10,O=Let's Encrypt,C=US", "R11")


def test_bad_expected_hash_is_an_input_error() -> None:
    with pytest.raises(DiagnoseError, match="SHA-1"):
        host_verdict("vpn1", info(), REAL, endpoint=ENDPOINT, expected_sha256="AB" * 20)
    with pytest.raises(AnsibleFilterError, match="expected_sha256"):
        sstp_verdict(info(), REAL, "vpn1", ENDPOINT, expected_sha256="xyz")


def test_reports() -> None:
    verdicts = [sstp_verdict(info(), REAL, "vpn1", ENDPOINT), sstp_verdict(info(sha256=None), REAL, "vpn2|x", ENDPOINT)]
    table = sstp_report(verdicts)
    assert table[0].split() == ["host", "status", "mode", "configured", "served", "verdict"]
    assert table[1].split()[:2] == ["vpn1", "ok"] and table[2].endswith("clients will disconnect (RasSstp Event ID 6)")
    assert table[-1] == "2 host(s), 1 failing"
    document = json.loads(sstp_report(verdicts, format="json"))
    assert document["failing"] == ["vpn2|x"] and document["hosts"]["vpn1"]["verdict"] == "OK"
    markdown = sstp_report(verdicts, format="markdown")
    assert "| vpn2\\|x | failing | clients will disconnect (RasSstp Event ID 6) | offload | `-` |" in markdown
    assert "  - fix: check first" in markdown
    details = sstp_report(verdicts, format="details")
    assert details[0] == "vpn1: OK (ok)" and details[2].startswith("  [fail] clients will disconnect")
    with pytest.raises(AnsibleFilterError, match="format must be one of"):
        sstp_report(verdicts, format="html")


IIS_BINDING = {"address": "0.0.0.0:443", "app_id": "{4DC3E181-E14B-4A21-B022-59FC669B0914}", "owner": "IIS",
               "certificate_sha1": "AB" * 20, "certificate_store": "MY", "sstp_owned": False}


def test_a_foreign_http_sys_binding_fails_in_https_mode_only() -> None:
    https = dict(info("https"), http_sys_bindings=[IIS_BINDING])
    verdict = host_verdict("vpn1", https, REAL, endpoint=ENDPOINT)
    assert codes(verdict)["foreign_http_sys_binding"] == "fail" and verdict["failed"] is True
    finding = next(f for f in verdict["findings"] if f["code"] == "foreign_http_sys_binding")
    assert "Event 32" in finding["title"] and "{4DC3E181-E14B-4A21-B022-59FC669B0914} (IIS)" in finding["detail"]
    assert "AB" * 20 in finding["detail"] and "netsh http delete sslcert ipport=0.0.0.0:443" in finding["fix"]
    owned = dict(info("https"), http_sys_bindings=[dict(IIS_BINDING, sstp_owned=True, owner="SSTP")])
    assert "foreign_http_sys_binding" not in codes(host_verdict("vpn1", owned, REAL, endpoint=ENDPOINT))
    offload = dict(info(), http_sys_bindings=[IIS_BINDING])
    assert "foreign_http_sys_binding" not in codes(host_verdict("vpn1", offload, REAL, endpoint=ENDPOINT))


def test_sha1_hash_matters_only_with_sha1_binding_on() -> None:
    sha1_on = info()
    sha1_on["sstp"] = dict(sha1_on["sstp"], sha1_enabled=True, certificate_sha1=None)
    verdict = host_verdict("vpn1", sha1_on, REAL, endpoint=ENDPOINT)
    assert codes(verdict) == {"sha1_hash_missing": "warn"} and "Event 19" in verdict["verdict"]
    sha1_off = info()
    sha1_off["sstp"] = dict(sha1_off["sstp"], sha1_enabled=False, certificate_sha1=None)
    assert codes(host_verdict("vpn1", sha1_off, REAL, endpoint=ENDPOINT)) == {}


def test_never_proposes_pinning_an_expired_certificate() -> None:
    expired = dict(served(slot=75, days=-2), problems=["has expired (valid until yesterday)"])
    verdict = host_verdict("vpn1", info(sha256=REAL["sha256"]), expired, endpoint=ENDPOINT)
    mismatch = next(f for f in verdict["findings"] if f["code"] == "hash_mismatch")
    assert "sstp_offload_certificate_hash" not in mismatch["fix"]
    assert mismatch["fix"].startswith("do not pin the served certificate on RRAS: it has expired")


def test_never_proposes_pinning_a_certificate_that_does_not_verify() -> None:
    unverified = dict(served(slot=76), problems=[], verified=False, verify_error="unable to get local issuer certificate")
    for sstp in (info(sha256=REAL["sha256"]), info(mode="https", sha256=None)):
        verdict = host_verdict("vpn1", sstp, unverified, endpoint=ENDPOINT)
        finding = verdict["findings"][0]
        assert finding["code"] in ("hash_mismatch", "certificate_not_configured")
        assert "sstp_offload_certificate_hash" not in finding["fix"], finding["fix"]
        assert "does not verify against diagnose_ca_path (unable to get local issuer certificate)" in finding["fix"]


def test_never_proposes_pinning_a_certificate_from_another_issuer_when_https_has_no_hash() -> None:
    verdict = host_verdict("vpn1", info(mode="https", sha256=None), dict(INSPECTED, problems=[]), endpoint=ENDPOINT,
                           expected_issuer="Example Public TLS CA")
    assert verdict["failed"] and all(INSPECTED["sha256"] not in (finding["fix"] or "") for finding in verdict["findings"])
    # the same without an expectation, but the lookup could not verify it: the "not configured" verdict says why instead
    unverified = dict(INSPECTED, problems=[], verified=False, verify_error="self-signed certificate in certificate chain")
    verdict = host_verdict("vpn1", info(mode="https", sha256=None), unverified, endpoint=ENDPOINT)
    assert verdict["verdict"] == "no SSTP certificate configured"
    assert INSPECTED["sha256"] not in verdict["findings"][0]["fix"] and "does not verify" in verdict["findings"][0]["fix"]


def test_verified_fit_certificate_is_still_proposed() -> None:
    verdict = host_verdict("vpn1", info(sha256=None), dict(REAL, problems=[], verified=True, verify_error=None), endpoint=ENDPOINT)
    assert f"sstp_offload_certificate_hash={REAL['sha256']}" in verdict["findings"][0]["fix"]


def test_expiry_findings_are_ansible_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    from ansible.utils.display import Display  # pylint: disable=import-outside-toplevel
    warned: list[str] = []
    monkeypatch.setattr(Display, "warning", lambda self, msg, *args, **kwargs: warned.append(msg))
    sstp_verdict(info(sha256=served(slot=77, days=5)["sha256"]), served(slot=77, days=5), "vpn1", ENDPOINT)
    assert len(warned) == 1 and warned[0].startswith("vpn1: certificate expires in "), warned
    warned.clear()
    sstp_verdict(info(), REAL, "vpn1", ENDPOINT)
    assert warned == []


def _hardening(tls10: dict[str, t.Any], crl_check: bool = True) -> dict[str, t.Any]:
    off = {"state": "disabled", "enabled": False}
    return {"crl_check": crl_check, "cert_auth_flags": 4 if crl_check else None,
            "server_protocols": {"SSL 2.0": off, "SSL 3.0": off, "TLS 1.0": tls10, "TLS 1.1": off}}


def test_hardening_findings_only_when_read() -> None:
    assert codes(host_verdict("vpn1", info(), REAL, endpoint=ENDPOINT)) == {}, "win_rras_info without hardening_check: no finding"
    hardened = host_verdict("vpn1", dict(info(), hardening=_hardening({"state": "disabled", "enabled": False})), REAL, endpoint=ENDPOINT)
    assert hardened["status"] == "ok" and hardened["findings"] == []


def test_legacy_tls_on_warns_with_the_fix_and_crl_check_off_is_informational() -> None:
    hardening = _hardening({"state": "os default", "enabled": True}, crl_check=False)
    verdict = host_verdict("vpn1", dict(info("https"), hardening=hardening), REAL, endpoint=ENDPOINT)
    assert codes(verdict) == {"legacy_tls_on": "warn", "ikev2_crl_check_off": "info"}
    assert verdict["status"] == "warning" and not verdict["failed"] and verdict["verdict"] == "legacy TLS on for the server"
    legacy = verdict["findings"][0]
    assert "TLS 1.0 (the default of build 20348)" in legacy["detail"] and "TLS 1.1" not in legacy["detail"]
    assert '--limit vpn1 -e \'{"hardening_sstp_disabled_protocols": ["SSL 3.0", "TLS 1.0", "TLS 1.1"]}\'' in legacy["fix"]
    assert "CertAuthFlags is missing" in verdict["findings"][1]["detail"]
    set_on = host_verdict("vpn1", dict(info(), hardening=_hardening({"state": "enabled", "enabled": True})), REAL, endpoint=ENDPOINT)
    assert "TLS 1.0 (Enabled set)" in set_on["findings"][0]["detail"]


def test_legacy_tls_on_behind_a_tls_offloading_load_balancer_is_informational() -> None:
    """Offloaded, SSTP clients negotiate TLS with the load balancer, not with the server's SCHANNEL."""
    verdict = host_verdict("vpn1", dict(info("offload"), hardening=_hardening({"state": "os default", "enabled": True})), REAL, endpoint=ENDPOINT)
    assert codes(verdict) == {"legacy_tls_on": "info"} and verdict["status"] == "info" and not verdict["failed"]
    assert "SSTP is offloaded" in verdict["findings"][0]["detail"]


def test_legacy_tls_default_unknown_on_a_newer_build_is_informational() -> None:
    verdict = host_verdict("vpn1", dict(info(), hardening=_hardening({"state": "os default", "enabled": None})), REAL, endpoint=ENDPOINT)
    assert codes(verdict) == {"legacy_tls_unknown": "info"} and verdict["status"] == "info"
