# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_rras_info against a fake host: read-only, round trips, no-RRAS hosts, store check."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_rras_info import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import CURRENT_VERSION_KEY, IKEV2_KEY, REMOTE_ACCESS_PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import PARAMETERS_KEY as SSTP_KEY
from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeCertificate, FakeHost

VPN = certgen.make_leaf(None, dns_names=("vpn.example.com",))
VPN_SHA256 = certgen.openssl_fingerprint(VPN.cert, "sha256")
VPN_SHA1 = certgen.openssl_fingerprint(VPN.cert, "sha1")
OS = {CURRENT_VERSION_KEY: {"CurrentBuildNumber": ("REG_SZ", "17763"), "ProductName": ("REG_SZ", "Windows Server 2019 Standard")}}


def https_host(ikev2: bool = True) -> FakeHost:
    keys = {
        **OS,
        REMOTE_ACCESS_PARAMETERS_KEY: {"RouterType": ("REG_DWORD", 7)},
        SSTP_KEY: {"UseHttps": ("REG_DWORD", 1), "SHA256CertificateHash": ("REG_BINARY", bytes.fromhex(VPN_SHA256)),
                   "SHA1CertificateHash": ("REG_BINARY", bytes.fromhex(VPN_SHA1)), "isHashConfiguredByAdmin": ("REG_DWORD", 1)},
    }
    if ikev2:
        keys[IKEV2_KEY] = {"EnableServerFragmentation": ("REG_DWORD", 1)}
    return FakeHost(keys=keys, certificates=[FakeCertificate(certgen.cert_der(VPN.cert), VPN_SHA1)])


def reads(host: FakeHost) -> list[str]:
    return [f"{name.rsplit('.', 1)[-1]}:{args.get('path', args.get('name', args.get('store_name')))}" for name, args in host.calls]


SSTP_APP_ID_LE = bytes.fromhex("805919ba49cd8b459e23c84ee0adcd75")
IIS_APP_ID_LE = bytes.fromhex("81e1c34d4be1214ab02259fc669b0914")
BINDING_V4 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:443"
BINDING_V6 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\[::]:443"
READS = ["win_reg_stat:" + SSTP_KEY, "win_reg_stat:" + BINDING_V4, "win_reg_stat:" + BINDING_V6, "win_service:RemoteAccess",
         "win_feature_info:RemoteAccess", "win_reg_stat:" + IKEV2_KEY, "win_reg_stat:" + CURRENT_VERSION_KEY]


@pytest.mark.parametrize("check_mode", [False, True])
def test_read_only_calls_on_an_rras_server(run_action, check_mode: bool) -> None:
    host = https_host()
    host.keys[BINDING_V4] = {"SslCertHash": ("REG_BINARY", bytes.fromhex(VPN_SHA1)), "AppId": ("REG_BINARY", SSTP_APP_ID_LE),
                             "SslCertStoreName": ("REG_SZ", "MY")}
    keys_before = {path: dict(values) for path, values in host.keys.items()}
    result, host = run_action(ActionModule, host, {}, check_mode=check_mode)
    assert not result.get("failed"), result
    assert reads(host) == READS
    assert host.calls[3][1] == {"name": "RemoteAccess"} and host.calls[4][1] == {"name": "RemoteAccess"}
    assert host.keys == keys_before
    assert result["changed"] is False and result["rras_installed"] is True and result["rras_configured"] is True
    assert result["sstp"]["certificate_sha256"] == VPN_SHA256 and result["sstp"]["certificate_sha1"] == VPN_SHA1
    assert result["ikev2"]["server_fragmentation"] is True and result["os"]["build"] == 17763
    assert result["remote_access_service"] == {"exists": True, "state": "running", "start_mode": "auto"}
    assert result["http_sys_bindings"] == [{"address": "0.0.0.0:443", "app_id": "{BA195980-CD49-458B-9E23-C84EE0ADCD75}", "owner": "SSTP",
                                            "certificate_sha1": VPN_SHA1, "certificate_store": "MY", "sstp_owned": True}]
    assert "certificate_store" not in result


def test_bindings_of_the_configured_listener_port_are_read(run_action) -> None:
    host = https_host()
    host.keys[SSTP_KEY]["ListenerPort"] = ("REG_DWORD", 8443)
    host.keys[BINDING_V4.replace(":443", ":8443")] = {"SslCertHash": ("REG_BINARY", bytes(20)), "AppId": ("REG_BINARY", IIS_APP_ID_LE)}
    result, host = run_action(ActionModule, host, {})
    assert reads(host)[1:3] == ["win_reg_stat:" + BINDING_V4.replace(":443", ":8443"), "win_reg_stat:" + BINDING_V6.replace(":443", ":8443")]
    assert [(binding["address"], binding["owner"], binding["sstp_owned"]) for binding in result["http_sys_bindings"]] == [
        ("0.0.0.0:8443", "IIS", False)]


@pytest.mark.parametrize(("role_installed", "start_mode", "installed", "configured"), [
    (False, "disabled", False, False), (True, "disabled", True, False), (True, "auto", True, True)])
def test_role_and_configuration_do_not_come_from_the_keys(run_action, role_installed: bool, start_mode: str, installed: bool,
                                                          configured: bool) -> None:
    """Windows Server 2022 without the role has the keys and a disabled service: only the feature and the start mode tell."""
    host = https_host()
    host.role_installed, host.start_mode = role_installed, start_mode
    result, host = run_action(ActionModule, host, {})
    assert result["rras_installed"] is installed and result["rras_configured"] is configured
    assert (result["ikev2"] is not None) is installed


def test_host_without_rras_is_reported_not_failed(run_action) -> None:
    host = FakeHost(keys=dict(OS), service_exists=False, role_installed=False)
    result, host = run_action(ActionModule, host, {"certificate_store_check": True})
    assert not result.get("failed") and result["changed"] is False
    assert result["rras_installed"] is False and result["sstp"] is None and result["ikev2"] is None
    assert result["certificate_store"] is None and result["os"]["product_name"] == "Windows Server 2019 Standard"
    assert "win_certificate_info" not in host.modules() and len(host.calls) == 5 and result["http_sys_bindings"] == []


def test_store_check_adds_one_store_read(run_action) -> None:
    result, host = run_action(ActionModule, https_host(), {"certificate_store_check": True})
    assert reads(host)[-1] == "win_certificate_info:My" and len(host.calls) == len(READS) + 1
    assert host.calls[-1][1] == {"store_name": "My", "store_location": "LocalMachine"}
    store = result["certificate_store"]
    assert store["found"] is True and store["problems"] == [] and store["certificate"]["thumbprint"] == VPN_SHA1


def test_store_check_reports_event_25(run_action) -> None:
    host = https_host()
    host.certificates = []
    result, dummy = run_action(ActionModule, host, {"certificate_store_check": True})
    assert result["certificate_store"]["found"] is False and "Event 25" in result["certificate_store"]["problems"][0]


def test_failed_service_read_fails_the_task(run_action) -> None:
    host = https_host()
    host._win_service = lambda args: {"failed": True, "msg": "Access is denied"}
    result, dummy = run_action(ActionModule, host, {})
    assert result["failed"] is True and result["changed"] is False
    assert "Reading the RemoteAccess service failed (ansible.windows.win_service): Access is denied" in result["msg"]


def test_unknown_option_fails_before_touching_the_host(run_action) -> None:
    host = https_host()
    with pytest.raises(AnsibleActionFail, match="state"):
        run_action(ActionModule, host, {"state": "present"})
    assert host.calls == []
