# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_sstp_certificate against a fake host: lookup, validation, convergence."""

from __future__ import annotations

import datetime

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_sstp_certificate import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import NOT_INSTALLED_MSG, PARAMETERS_KEY
from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeCertificate, FakeHost

GOOD = certgen.make_leaf(None, dns_names=("vpn.example.com",))
GOOD_SHA1 = certgen.openssl_fingerprint(GOOD.cert, "sha1")
GOOD_SHA256 = certgen.openssl_fingerprint(GOOD.cert, "sha256")
BINDINGS = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\"
PRE_WRITE = ["win_service", "win_feature_info", "win_reg_stat", "win_reg_stat"]
"""Before the first HTTPS write: the role check, then the http.sys bindings of the SSTP port (IPv4, IPv6)."""
IIS_APP_ID = "{4DC3E181-E14B-4A21-B022-59FC669B0914}"


def host_with(*issued: certgen.Issued, has_private_key: bool = True, key: dict | None = None) -> FakeHost:
    certs = [FakeCertificate(certgen.cert_der(item.cert), certgen.openssl_fingerprint(item.cert, "sha1"), has_private_key) for item in issued]
    offloaded = {"UseHttps": ("REG_DWORD", 0), "SHA256CertificateHash": ("REG_BINARY", bytes(32)), "isHashConfiguredByAdmin": ("REG_DWORD", 1)}
    return FakeHost(keys={PARAMETERS_KEY: offloaded if key is None else key}, certificates=certs)


def test_binds_certificate_by_thumbprint(run_action) -> None:
    result, host = run_action(ActionModule, host_with(GOOD), {"thumbprint": GOOD_SHA1.lower(), "fqdn": "vpn.example.com"}, diff=True)
    assert not result.get("failed"), result
    assert host.modules() == ["win_reg_stat", "win_certificate_info", *PRE_WRITE, "win_regedit", "win_regedit", "win_regedit", "win_regedit"]
    assert host.calls[1][1] == {"thumbprint": GOOD_SHA1, "store_name": "My", "store_location": "LocalMachine"}
    assert [args["path"] for name, args in host.calls[4:6]] == [BINDINGS + "0.0.0.0:443", BINDINGS + "[::]:443"]
    assert [args["name"] for name, args in host.calls[6:]] == [PENDING_RESTART, "SHA256CertificateHash", "SHA1CertificateHash", "UseHttps"]
    key = host.keys[PARAMETERS_KEY]
    assert key["SHA256CertificateHash"] == ("REG_BINARY", bytes.fromhex(GOOD_SHA256))
    assert key["SHA1CertificateHash"] == ("REG_BINARY", bytes.fromhex(GOOD_SHA1))
    assert key["UseHttps"] == ("REG_DWORD", 1)
    assert result["certificate_sha256"] == GOOD_SHA256 and result["certificate_sha1"] == GOOD_SHA1 and result["certificate_installed"] is True
    assert result["diff"]["after"]["certificate_sha256"] == GOOD_SHA256 and result["diff"]["after"]["mode"] == "https"
    assert result["restart_required"] is True


def test_certificate_text_finds_the_same_certificate_and_second_run_reads_twice(run_action) -> None:
    chain = certgen.cert_pem(GOOD.cert).decode()
    dummy, host = run_action(ActionModule, host_with(GOOD), {"certificate": chain, "use_http": True})
    assert host.keys[PARAMETERS_KEY]["UseHttps"] == ("REG_DWORD", 0)
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"certificate": chain, "use_http": True, "restart": True})
    # the first run changed without restarting: the second restarts (pending) and writes no setting
    assert host.modules() == ["win_reg_stat", "win_certificate_info", "win_service", "win_regedit"]
    assert result["changed"] is True and result["restarted"] is True and result["restart_pending"] is True
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"certificate": chain, "use_http": True, "restart": True})
    assert host.modules() == ["win_reg_stat", "win_certificate_info"]
    assert result["changed"] is False and result["restarted"] is False


def test_fresh_rras_gets_the_pin(run_action) -> None:
    host = host_with(GOOD, key={"SHA256CertificateHash": ("REG_BINARY", bytes.fromhex(GOOD_SHA256)),
                                "SHA1CertificateHash": ("REG_BINARY", bytes.fromhex(GOOD_SHA1))})
    result, host = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1, "restart": True})
    assert [args["name"] for name, args in host.calls[6:-2]] == [PENDING_RESTART, "isHashConfiguredByAdmin", "UseHttps"]
    assert host.modules()[-2:] == ["win_service", "win_regedit"] and result["restarted"] is True


def test_check_mode_validates_but_writes_nothing(run_action) -> None:
    result, host = run_action(ActionModule, host_with(GOOD), {"thumbprint": GOOD_SHA1}, check_mode=True)
    assert host.modules() == ["win_reg_stat", "win_certificate_info", *PRE_WRITE]
    assert result["changed"] is True and result["after"]["certificate_sha1"] == GOOD_SHA1


@pytest.mark.parametrize("app_id", [bytes.fromhex("81e1c34d4be1214ab02259fc669b0914"), bytes.fromhex("4dc3e181e14b4a21b02259fc669b0914")])
@pytest.mark.parametrize("address", ["0.0.0.0:443", "[::]:443"])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_port_bound_to_another_application_fails_naming_it_and_writes_nothing(
        run_action, app_id: bytes, address: str, check_mode: bool) -> None:
    """IIS on 0.0.0.0:443 or [::]:443 (AppId in either byte order): RemoteAccess would give up at start (Event 32)."""
    host = host_with(GOOD)
    host.keys[BINDINGS + address] = {"SslCertHash": ("REG_BINARY", bytes(range(20))), "AppId": ("REG_BINARY", app_id),
                                     "SslCertStoreName": ("REG_SZ", "MY")}
    before = dict(host.keys[PARAMETERS_KEY])
    result, host = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1, "restart": True}, check_mode=check_mode)
    assert result["failed"] is True and result["changed"] is False
    message = result["msg"]
    assert f"http.sys binds {address} to another application: app id {IIS_APP_ID} (IIS)" in message
    assert f"certificate SHA-1 {bytes(range(20)).hex().upper()}" in message and "Event 32" in message
    assert f"`netsh http delete sslcert ipport={address}`" in message and "nothing was written" in message
    assert result["http_sys_binding"]["sstp_owned"] is False and result["certificate_sha1"] == GOOD_SHA1
    assert "win_regedit" not in host.modules() and host.keys[PARAMETERS_KEY] == before


def test_a_binding_sstp_owns_is_no_obstacle_and_offload_reads_no_binding(run_action) -> None:
    host = host_with(GOOD)
    host.keys[BINDINGS + "0.0.0.0:443"] = {"SslCertHash": ("REG_BINARY", bytes(20)),
                                           "AppId": ("REG_BINARY", bytes.fromhex("805919ba49cd8b459e23c84ee0adcd75"))}
    result, host = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1})
    assert not result.get("failed") and result["changed"] is True
    host.keys[BINDINGS + "0.0.0.0:443"]["AppId"] = ("REG_BINARY", bytes.fromhex("81e1c34d4be1214ab02259fc669b0914"))
    host.keys[PARAMETERS_KEY]["UseHttps"] = ("REG_DWORD", 1)
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1, "use_http": True})
    assert not result.get("failed") and result["changed"] is True
    assert host.modules() == ["win_reg_stat", "win_certificate_info", "win_service", "win_feature_info", "win_regedit"]


def test_the_configured_listener_port_is_checked(run_action) -> None:
    host = host_with(GOOD)
    host.keys[PARAMETERS_KEY]["ListenerPort"] = ("REG_DWORD", 8443)
    result, host = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1})
    assert [args["path"] for name, args in host.calls[4:6]] == [BINDINGS + "0.0.0.0:8443", BINDINGS + "[::]:8443"]


def _expired() -> certgen.Issued:
    return certgen.make_leaf(None, not_before=certgen.NOW - datetime.timedelta(days=30), not_after=certgen.NOW - datetime.timedelta(days=1), slot=2)


@pytest.mark.parametrize(("issued", "private_key", "fqdn", "message"), [
    (GOOD, False, None, "has no private key"),
    (_expired(), True, None, "has expired"),
    (certgen.make_leaf(None, not_before=certgen.NOW + datetime.timedelta(days=1), slot=3), True, None, "is not valid yet"),
    (certgen.make_leaf(None, ekus=(certgen.CLIENT_AUTH,), slot=4), True, None, "lacks the Server Authentication EKU"),
    (GOOD, True, "sstp.example.org", "does not cover fqdn 'sstp.example.org'"),
])
def test_unusable_certificate_fails_before_writing(run_action, issued, private_key: bool, fqdn: str | None, message: str) -> None:
    sha1 = certgen.openssl_fingerprint(issued.cert, "sha1")
    args = {"thumbprint": sha1} if fqdn is None else {"thumbprint": sha1, "fqdn": fqdn}
    result, host = run_action(ActionModule, host_with(issued, has_private_key=private_key), args)
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith(f"The certificate {sha1} in LocalMachine\\My cannot be the SSTP certificate: it {message}")
    assert "win_regedit" not in host.modules()
    # without its key it must be imported (the role then imports the PFX); any other problem is the certificate's own
    assert result["certificate_installed"] is private_key


def test_missing_certificate(run_action) -> None:
    result, host = run_action(ActionModule, host_with(), {"thumbprint": GOOD_SHA1})
    assert result["failed"] is True and result["msg"].startswith(f"No certificate with thumbprint {GOOD_SHA1} in LocalMachine\\My")
    assert result["certificate_installed"] is False
    assert host.modules() == ["win_reg_stat", "win_certificate_info"]


def test_failed_store_read_fails_naming_the_store_and_writes_nothing(run_action) -> None:
    host = host_with(GOOD)
    host._win_certificate_info = lambda args: {"failed": True, "msg": "Access is denied", "changed": False}
    result, host = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1})
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == "Reading LocalMachine\\My failed (ansible.windows.win_certificate_info): Access is denied"
    assert host.modules() == ["win_reg_stat", "win_certificate_info"]


def test_warnings_of_the_modules_it_calls_are_passed_on(run_action) -> None:
    host = host_with(GOOD)
    read_store = host._win_certificate_info
    host._win_certificate_info = lambda args: dict(read_store(args), warnings=["the store is nearly full"])
    result, dummy = run_action(ActionModule, host, {"thumbprint": GOOD_SHA1, "restart": True})
    assert not result.get("failed"), result
    assert result["warnings"] == ["ansible.windows.win_certificate_info: the store is nearly full"]


def test_missing_rras_fails_before_the_certificate_lookup(run_action) -> None:
    result, host = run_action(ActionModule, FakeHost(), {"thumbprint": GOOD_SHA1})
    assert result["msg"] == NOT_INSTALLED_MSG and host.modules() == ["win_reg_stat"] and host.keys == {}


@pytest.mark.parametrize(("args", "message"), [
    ({}, "one of the following is required: thumbprint, certificate"),
    ({"thumbprint": GOOD_SHA1, "certificate": "x"}, "mutually exclusive"),
    ({"thumbprint": GOOD_SHA1, "port": 443}, "Unsupported parameters.*port"),
])
def test_argument_errors(run_action, args: dict, message: str) -> None:
    host = FakeHost()
    with pytest.raises(AnsibleActionFail, match=message):
        run_action(ActionModule, host, args)
    assert host.calls == []


def test_sha256_given_as_thumbprint_is_refused(run_action) -> None:
    result, host = run_action(ActionModule, FakeHost(), {"thumbprint": GOOD_SHA256})
    assert result["msg"].startswith("thumbprint looks like a SHA-256 thumbprint") and host.calls == []
