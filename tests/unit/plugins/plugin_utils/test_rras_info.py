# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Assembly of the win_rras_info view and the certificate store check (openssl is the hash reference)."""

from __future__ import annotations

import base64
import datetime
import uuid

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_info import certificate_store_check, os_summary, rras_info, service_summary
from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.tests.unit.plugins.plugin_utils.registry_values import key

VPN = certgen.make_leaf(None, dns_names=("vpn.example.com",))
VPN_SHA256 = certgen.openssl_fingerprint(VPN.cert, "sha256")
VPN_SHA1 = certgen.openssl_fingerprint(VPN.cert, "sha1")
OTHER = certgen.make_leaf(None, common_name="other.example.com", slot=5)
OTHER_SHA1 = certgen.openssl_fingerprint(OTHER.cert, "sha1")
EXPIRED = certgen.make_leaf(None, slot=6, not_before=certgen.NOW - datetime.timedelta(days=60),
                            not_after=certgen.NOW - datetime.timedelta(days=1))
RUNNING = {"changed": False, "exists": True, "name": "RemoteAccess", "state": "running", "start_mode": "auto"}
DISABLED = {"changed": False, "exists": True, "name": "RemoteAccess", "state": "stopped", "start_mode": "disabled"}


def features(installed: bool) -> dict:
    """ansible.windows.win_feature_info for name=RemoteAccess."""
    return {"changed": False, "exists": True, "features": [
        {"name": "RemoteAccess", "installed": installed, "install_state": "Installed" if installed else "Available", "feature_type": "Role"}]}


ROLE = features(True)
SSTP_APP_ID_LE = bytes.fromhex("805919ba49cd8b459e23c84ee0adcd75")
IIS_APP_ID_LE = bytes.fromhex("81e1c34d4be1214ab02259fc669b0914")


def store_entry(issued: certgen.Issued, has_private_key: bool = True) -> dict:
    """A certificate as ansible.windows.win_certificate_info returns it (DER in ``raw``, see its .ps1)."""
    return {"thumbprint": certgen.openssl_fingerprint(issued.cert, "sha1"), "has_private_key": has_private_key,
            "raw": base64.b64encode(certgen.cert_der(issued.cert)).decode()}


WS2022 = key(ProductName=("string", "Windows Server 2022 Standard"), CurrentBuildNumber=("string", "20348"),
             CurrentBuild=("string", "20348"), DisplayVersion=("string", "21H2"), ReleaseId=("string", "2009"), UBR=("dword", 2762))
HTTPS_PINNED = key(UseHttps=("dword", 1), SHA256CertificateHash=("binary", bytes.fromhex(VPN_SHA256)),
                   SHA1CertificateHash=("binary", bytes.fromhex(VPN_SHA1)), isHashConfiguredByAdmin=("dword", 1))


def test_full_view_of_an_https_server() -> None:
    sstp_binding = key(SslCertHash=("binary", bytes.fromhex(VPN_SHA1)), AppId=("binary", SSTP_APP_ID_LE), SslCertStoreName=("string", "MY"))
    info = rras_info(service=RUNNING, features=ROLE, sstp_parameters=HTTPS_PINNED,
                     ikev2_parameters=key(EnableServerFragmentation=("dword", 1)), current_version=WS2022,
                     http_sys_bindings=[("0.0.0.0:443", sstp_binding), ("[::]:443", None)])
    assert info == {
        "rras_installed": True,
        "rras_configured": True,
        "http_sys_bindings": [{"address": "0.0.0.0:443", "app_id": "{BA195980-CD49-458B-9E23-C84EE0ADCD75}", "owner": "SSTP",
                               "certificate_sha1": VPN_SHA1, "certificate_store": "MY", "sstp_owned": True}],
        "remote_access_service": {"exists": True, "state": "running", "start_mode": "auto"},
        "sstp": {"mode": "https", "use_https": True, "listener_port": 443, "certificate_sha256": VPN_SHA256,
                 "certificate_sha1": VPN_SHA1, "hash_configured_by_admin": True, "sha256_enabled": True, "sha1_enabled": False},
        "ikev2": {"server_fragmentation": True, "enable_server_fragmentation": 1, "build_support": "confirmed"},
        "os": {"build": 20348, "update_build_revision": 2762, "product_name": "Windows Server 2022 Standard", "display_version": "21H2"},
    }


def test_offload_server_with_missing_ikev2_key_on_2016() -> None:
    offload = key(UseHttps=("dword", 0), SHA256CertificateHash=("binary", bytes.fromhex(VPN_SHA256)), IsHashConfiguredByAdmin=("dword", 1))
    ws2016 = key(ProductName=("string", "Windows Server 2016 Standard"), CurrentBuildNumber=("string", "14393"), ReleaseId=("string", "1607"))
    info = rras_info(service=RUNNING, features=ROLE, sstp_parameters=offload, ikev2_parameters=None, current_version=ws2016)
    assert info["sstp"]["mode"] == "offload" and info["sstp"]["listener_port"] == 80 and info["sstp"]["certificate_sha1"] is None
    assert info["ikev2"] == {"server_fragmentation": False, "enable_server_fragmentation": None, "build_support": "unsupported"}
    assert info["os"] == {"build": 14393, "update_build_revision": None, "product_name": "Windows Server 2016 Standard", "display_version": "1607"}


@pytest.mark.parametrize("service", [{"changed": False, "exists": False}, RUNNING, DISABLED])
def test_without_the_role_nothing_fails_and_nothing_is_invented(service: dict) -> None:
    """The keys and the service exist on every Windows Server: only the role feature says RRAS is installed."""
    info = rras_info(service=service, features=features(False), sstp_parameters=None, ikev2_parameters=key(), current_version=WS2022)
    assert info["rras_installed"] is False and info["rras_configured"] is False and info["ikev2"] is None and info["sstp"] is None
    assert info["os"]["build"] == 20348 and info["http_sys_bindings"] == []
    assert info["remote_access_service"]["exists"] is service["exists"]


@pytest.mark.parametrize(("service", "configured"), [
    (DISABLED, False), (RUNNING, True), ({**RUNNING, "start_mode": "manual"}, True), ({"exists": False}, False)])
def test_installed_role_is_configured_when_the_service_is_not_disabled(service: dict, configured: bool) -> None:
    info = rras_info(service=service, features=ROLE, sstp_parameters=key(), ikev2_parameters=None, current_version=WS2022)
    assert info["rras_installed"] is True and info["rras_configured"] is configured


@pytest.mark.parametrize("app_id", [IIS_APP_ID_LE, uuid.UUID("4dc3e181-e14b-4a21-b022-59fc669b0914").bytes])
def test_a_foreign_binding_is_reported_in_either_app_id_byte_order(app_id: bytes) -> None:
    iis = key(SslCertHash=("binary", bytes.fromhex(OTHER_SHA1)), AppId=("binary", app_id))
    info = rras_info(service=RUNNING, features=ROLE, sstp_parameters=HTTPS_PINNED, ikev2_parameters=None, current_version=WS2022,
                     http_sys_bindings=[("0.0.0.0:443", iis), ("[::]:443", None)])
    assert info["http_sys_bindings"] == [{"address": "0.0.0.0:443", "app_id": "{4DC3E181-E14B-4A21-B022-59FC669B0914}", "owner": "IIS",
                                          "certificate_sha1": OTHER_SHA1, "certificate_store": "MY", "sstp_owned": False}]


def test_service_summary_of_a_missing_service_has_no_state() -> None:
    assert service_summary({"exists": False, "state": "stopped"}) == {"exists": False, "state": None, "start_mode": None}


def test_os_summary_of_an_empty_or_odd_key() -> None:
    assert os_summary(None) == {"build": None, "update_build_revision": None, "product_name": None, "display_version": None}
    odd = key(ProductName=("string", ""), CurrentBuildNumber=("string", "x"), CurrentBuild=("string", "9600"), UBR=("string", "1"))
    assert os_summary(odd) == {"build": 9600, "update_build_revision": None, "product_name": None, "display_version": None}


def sstp(**overrides) -> dict:
    base = {"use_https": True, "hash_configured_by_admin": True, "certificate_sha256": VPN_SHA256, "certificate_sha1": VPN_SHA1}
    return dict(base, **overrides)


def test_store_check_finds_the_configured_certificate_among_others() -> None:
    check = certificate_store_check(sstp(), [store_entry(OTHER), store_entry(VPN)])
    assert check["store"] == "LocalMachine\\My" and check["required"] and check["found"] and check["problems"] == []
    cert = check["certificate"]
    assert cert["sha256"] == VPN_SHA256 and cert["thumbprint"] == VPN_SHA1 and cert["dns_names"] == ["vpn.example.com"]
    assert cert["expired"] is False and cert["has_private_key"] is True and 85 <= cert["days_left"] <= 90


def test_store_check_reports_event_25_when_the_hash_is_not_in_the_store() -> None:
    check = certificate_store_check(sstp(), [store_entry(OTHER)])
    assert check["found"] is False and check["certificate"] is None
    assert len(check["problems"]) == 1 and "Event 25" in check["problems"][0] and VPN_SHA256 in check["problems"][0]


@pytest.mark.parametrize("sha1", ["00" * 20, None])
def test_store_check_matches_by_sha256_and_checks_sha1_only_with_sha1_binding_on(sha1: str | None) -> None:
    """SHA1CertificateHash is read only with SHA1Enabled on: then a wrong or missing one is Event 19, else it does not matter."""
    check = certificate_store_check(sstp(certificate_sha1=sha1, sha1_enabled=True), [store_entry(VPN)])
    assert check["found"] is True
    assert len(check["problems"]) == 1 and "Event 19" in check["problems"][0]
    check = certificate_store_check(sstp(certificate_sha1=sha1, sha1_enabled=False), [store_entry(VPN)])
    assert check["found"] is True and check["problems"] == []


def test_store_check_reports_expiry_and_missing_private_key() -> None:
    sha256 = certgen.openssl_fingerprint(EXPIRED.cert, "sha256")
    check = certificate_store_check(sstp(certificate_sha256=sha256, certificate_sha1=None), [store_entry(EXPIRED, has_private_key=False)])
    assert check["found"] is True and check["certificate"]["expired"] is True
    assert any("expired" in problem for problem in check["problems"])
    assert any("no private key" in problem for problem in check["problems"])


@pytest.mark.parametrize("settings", [sstp(use_https=False), sstp(hash_configured_by_admin=False)])
def test_store_check_requires_nothing_when_the_service_does_not_look_up(settings: dict) -> None:
    check = certificate_store_check(settings, [])
    assert check["required"] is False and check["found"] is False and check["problems"] == []


def test_store_check_pinned_without_hash_is_event_18_and_ignores_unreadable_entries() -> None:
    check = certificate_store_check(sstp(certificate_sha256=None), [{"thumbprint": "AB", "cert_data": "not base64!"}])
    assert check["found"] is False and "Event 18" in check["problems"][0]
    assert certificate_store_check(sstp(), [{"raw": "####"}, store_entry(VPN)])["found"] is True


def test_store_check_also_reads_the_documented_cert_data_key() -> None:
    entry = store_entry(VPN)
    entry["cert_data"] = entry.pop("raw")
    assert certificate_store_check(sstp(), [entry])["found"] is True
