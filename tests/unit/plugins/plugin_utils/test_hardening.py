# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hardening planners: desired state -> ordered writes for every starting state."""

from __future__ import annotations

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    CERT_AUTH_FLAGS,
    CIPHER_SUITES_KEY,
    ESTABLISHED_FOR_INITIAL_QUERY,
    IKEEXT_PARAMETERS_KEY,
    IKEEXT_RESTART,
    INITIAL_ADDRESS_POOL_SIZE,
    IP_KEY,
    address_pool_settings,
    address_pool_size_error,
    address_pool_steps,
    crl_check_settings,
    crl_check_steps,
    established_for_initial_query_error,
    HARDENING_INFO_KEYS,
    hardening_info,
    os_default_server_enabled,
    load_balancing_settings,
    load_balancing_steps,
    cipher_suites_option,
    protocols_option,
    recommended_cipher_suites,
    server_protocol_key,
    static_pool_warning,
    tls_keys,
    tls_settings,
    tls_steps,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryKeys, RegistryProperties, RegistryWrite
from ansible_collections.aovpn.rras.tests.unit.plugins.plugin_utils.registry_values import key


@pytest.mark.parametrize(("current", "state", "expected"), [
    (None, "enabled", [4]),
    (key(), "enabled", [4]),
    (key(CertAuthFlags=("dword", 2)), "enabled", [4]),
    (key(certauthflags=("dword", 4)), "enabled", []),
    (key(CertAuthFlags=("string", "4")), "enabled", [4]),
    (None, "disabled", []),
    (key(), "disabled", []),
    (key(CertAuthFlags=("dword", 2)), "disabled", []),
    (key(CertAuthFlags=("dword", 4)), "disabled", [2]),
    (key(CertAuthFlags=("dword", 0)), "disabled", [2]),
    (key(CertAuthFlags=("string", "2")), "disabled", [2]),
])
def test_crl_check_steps(current: RegistryProperties | None, state: str, expected: list[int]) -> None:
    assert crl_check_steps(current, state) == [RegistryWrite.set(IKEV2_KEY, CERT_AUTH_FLAGS, "dword", data) for data in expected]


def test_crl_check_steps_converge_in_one_write() -> None:
    for current in (None, key(CertAuthFlags=("dword", 7)), key(CertAuthFlags=("binary", b"\x04"))):
        for state in ("enabled", "disabled"):
            after = (current or key()).with_writes(crl_check_steps(current, state))
            assert crl_check_steps(after, state) == []
            assert crl_check_settings(after)["crl_check"] is (state == "enabled")


def test_crl_check_settings() -> None:
    assert crl_check_settings(None) == {"crl_check": False, "cert_auth_flags": None}
    assert crl_check_settings(key(CertAuthFlags=("dword", 4))) == {"crl_check": True, "cert_auth_flags": 4}
    assert crl_check_settings(key(CertAuthFlags=("string", "4"))) == {"crl_check": False, "cert_auth_flags": "4"}


def test_crl_check_refuses_an_unknown_state() -> None:
    with pytest.raises(ValueError, match="state must be one of enabled, disabled"):
        crl_check_steps(None, "present")


@pytest.mark.parametrize(("current", "size", "expected"), [
    (key(), 10, [10]),
    (key(UseDhcpAddressing=("dword", 1)), 100, [100]),
    (key(InitialAddressPoolSize=("dword", 100)), 100, []),
    (key(initialaddresspoolsize=("dword", 50)), 100, [100]),
    (key(InitialAddressPoolSize=("string", "100")), 100, [100]),
    (key(), 0xFFFFFFFF, [0xFFFFFFFF]),
])
def test_address_pool_steps(current: RegistryProperties, size: int, expected: list[int]) -> None:
    assert address_pool_steps(current, size) == [RegistryWrite.set(IP_KEY, INITIAL_ADDRESS_POOL_SIZE, "dword", data) for data in expected]


@pytest.mark.parametrize("size", [9, 5, 0, -1, 0x100000000])
def test_address_pool_size_refused(size: int) -> None:
    error = address_pool_size_error(size)
    assert error is not None and error.startswith("initial_size must be at least 10") and str(size) in error
    with pytest.raises(ValueError, match="initial_size"):
        address_pool_steps(key(), size)


def test_address_pool_settings_and_static_pool_warning() -> None:
    assert address_pool_settings(key()) == {"initial_size": 10, "initial_address_pool_size": None}
    assert address_pool_settings(key(InitialAddressPoolSize=("dword", 250))) == {"initial_size": 250, "initial_address_pool_size": 250}
    assert address_pool_size_error(10) is None
    assert static_pool_warning(key(UseDhcpAddressing=("dword", 1))) is None and static_pool_warning(key()) is None
    assert "static pool" in str(static_pool_warning(key(usedhcpaddressing=("dword", 0))))


@pytest.mark.parametrize(("current", "value", "expected"), [
    (None, 50000, [50000]),
    (key(ServiceDll=("expandstring", "%SystemRoot%\\System32\\ikeext.dll")), 50000, [50000]),
    (key(IkeNumEstablishedForInitialQuery=("dword", 50000)), 50000, []),
    (key(ikenumestablishedforinitialquery=("dword", 10)), 50000, [50000]),
    (key(IkeNumEstablishedForInitialQuery=("qword", 50000)), 50000, [50000]),
    (None, 1, [1]),
])
def test_load_balancing_steps(current: RegistryProperties | None, value: int, expected: list[int]) -> None:
    assert load_balancing_steps(current, value) == [
        RegistryWrite.set(IKEEXT_PARAMETERS_KEY, ESTABLISHED_FOR_INITIAL_QUERY, "dword", data) for data in expected]
    assert load_balancing_settings((current or key()).with_writes(load_balancing_steps(current, value))) == {"established_for_initial_query": value}


@pytest.mark.parametrize("value", [0, -5, 0x100000000])
def test_load_balancing_value_refused(value: int) -> None:
    assert str(value) in str(established_for_initial_query_error(value))
    with pytest.raises(ValueError, match="established_for_initial_query must be between 1 and"):
        load_balancing_steps(None, value)


def test_ikeext_restart_never_forces_dependent_services() -> None:
    assert IKEEXT_RESTART.service == "IKEEXT"
    assert dict(IKEEXT_RESTART.args) == {"name": "IKEEXT", "state": "restarted", "force_dependent_services": False}


@pytest.mark.parametrize(("names", "expected"), [
    (["SSL 3.0", "TLS 1.0", "TLS 1.1"], ("SSL 3.0", "TLS 1.0", "TLS 1.1")),
    (["tls 1.0", " TLS  1.1 ", "TLS 1.0"], ("TLS 1.0", "TLS 1.1")),
    (["SSL 2.0"], ("SSL 2.0",)),
    ([], ()),
])
def test_protocols_option(names: list[str], expected: tuple[str, ...]) -> None:
    assert protocols_option(names) == expected


@pytest.mark.parametrize(("names", "message"), [
    (["TLS 1.2"], "TLS 1.2 is refused in disabled_protocols: SSTP and WinRM over HTTPS"),
    (["TLS 1.0", "tls 1.2"], "TLS 1.2 is refused"),
    (["TLS 1.3"], "TLS 1.3 is refused"),
    (["TLS1.0"], "disabled_protocols: 'TLS1.0' is not a SCHANNEL protocol name"),
    (["PCT 1.0"], "use SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1"),
])
def test_protocols_option_refusals(names: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        protocols_option(names)


def test_cipher_suites_option() -> None:
    assert cipher_suites_option(None) is None
    assert cipher_suites_option(["recommended"]) == cipher_suites_option(["Recommended "]) == "recommended"
    assert cipher_suites_option([" TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]) == (
        "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    for values, message in (([], "must not be empty"), (["tls_aes_128_gcm_sha256"], "is not a cipher suite name"),
                            (["TLS_A,TLS_B"], "is not a cipher suite name"), (["recommended", "TLS_A"], "must be given alone"),
                            (["TLS_A", "TLS_A"], "lists TLS_A more than once")):
        with pytest.raises(ValueError, match=message):
            cipher_suites_option(values)


@pytest.mark.parametrize(("build", "count"), [(20348, 3), (17763, 3), (17134, 2), (14393, 2)])
def test_recommended_cipher_suites_follow_the_build(build: int, count: int) -> None:
    suites = recommended_cipher_suites(build)
    assert len(suites) == count and ("TLS_AES_128_GCM_SHA256" in suites) is (build >= 17763)


@pytest.mark.parametrize("build", [9600, None])
def test_recommended_cipher_suites_refuse_older_builds(build: int | None) -> None:
    with pytest.raises(ValueError, match="Windows Server 2016 \\(build 14393\\) and later only"):
        recommended_cipher_suites(build)


def test_tls_plan_against_a_fresh_server_then_converged() -> None:
    protocols = ("SSL 3.0", "TLS 1.0", "TLS 1.1")
    suites = recommended_cipher_suites(20348)
    fresh = RegistryKeys({server_protocol_key("TLS 1.0"): None, CIPHER_SUITES_KEY: None})
    steps = tls_steps(protocols, suites)
    assert [(step.path.rsplit("\\", 2)[-2], step.name, step.data) for step in fresh.plan(steps)] == [
        ("SSL 3.0", "Enabled", 0), ("TLS 1.0", "Enabled", 0), ("TLS 1.1", "Enabled", 0), ("SSL", "Functions", ",".join(suites))]
    assert tls_settings(fresh, protocols, True) == {
        "server_protocols": {"SSL 3.0": "os default", "TLS 1.0": "os default", "TLS 1.1": "os default"}, "cipher_suites": None}
    after = fresh.with_writes(fresh.plan(steps))
    assert after.plan(steps) == []
    assert tls_settings(after, protocols, True) == {
        "server_protocols": {"SSL 3.0": "disabled", "TLS 1.0": "disabled", "TLS 1.1": "disabled"}, "cipher_suites": list(suites)}
    assert tls_keys(protocols, False) == [server_protocol_key(protocol) for protocol in protocols]


def test_tls_plan_keeps_what_is_already_off_and_rewrites_enabled_protocols() -> None:
    keys = RegistryKeys({server_protocol_key("TLS 1.0"): key(Enabled=("dword", 0), DisabledByDefault=("dword", 1)),
                         server_protocol_key("tls 1.1"): key(enabled=("dword", 0xFFFFFFFF))})
    writes = keys.plan(tls_steps(("TLS 1.0", "TLS 1.1"), None))
    assert writes == [RegistryWrite.set(server_protocol_key("TLS 1.1"), "Enabled", "dword", 0)]
    assert tls_settings(keys, ("TLS 1.0", "TLS 1.1"), False) == {"server_protocols": {"TLS 1.0": "disabled", "TLS 1.1": "enabled"}}
    assert keys.with_writes(writes).key(server_protocol_key("TLS 1.0")).get("DisabledByDefault") is not None


def test_hardening_info_keys_are_seven_reads_and_cover_every_managed_key() -> None:
    managed = {IKEEXT_PARAMETERS_KEY, IP_KEY, CIPHER_SUITES_KEY, *(server_protocol_key(p) for p in ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1"))}
    assert len(HARDENING_INFO_KEYS) == 7 and set(HARDENING_INFO_KEYS) == managed


@pytest.mark.parametrize(("protocol", "build", "expected"), [
    ("TLS 1.0", 9600, True), ("TLS 1.1", 20348, True), ("TLS 1.0", 26100, None), ("TLS 1.0", None, None),
    ("SSL 3.0", 9600, True), ("SSL 3.0", 14393, False), ("SSL 2.0", 17763, False), ("SSL 2.0", 9600, None),
])
def test_os_default_server_enabled(protocol: str, build: int | None, expected: bool | None) -> None:
    assert os_default_server_enabled(protocol, build) is expected


def test_hardening_info_of_a_fresh_server_then_a_hardened_one() -> None:
    fresh = hardening_info(key(), {path: None for path in HARDENING_INFO_KEYS} | {IP_KEY: key(UseDhcpAddressing=("dword", 1))}, 20348)
    assert fresh == {
        "crl_check": False, "cert_auth_flags": None, "established_for_initial_query": None,
        "address_pool": {"initial_size": 10, "initial_address_pool_size": None},
        "server_protocols": {"SSL 2.0": {"state": "os default", "enabled": False}, "SSL 3.0": {"state": "os default", "enabled": False},
                             "TLS 1.0": {"state": "os default", "enabled": True}, "TLS 1.1": {"state": "os default", "enabled": True}},
        "cipher_suites": None,
    }
    off = key(Enabled=("dword", 0))
    hardened = hardening_info(key(CertAuthFlags=("dword", 4)), {
        IKEEXT_PARAMETERS_KEY: key(IkeNumEstablishedForInitialQuery=("dword", 50000)),
        IP_KEY: None,
        server_protocol_key("SSL 2.0"): key(Enabled=("dword", 1)),
        server_protocol_key("SSL 3.0"): off, server_protocol_key("TLS 1.0"): off, server_protocol_key("TLS 1.1"): off,
        CIPHER_SUITES_KEY: key(Functions=("string", "TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
    }, 26100)
    assert hardened["crl_check"] is True and hardened["cert_auth_flags"] == 4 and hardened["established_for_initial_query"] == 50000
    assert hardened["address_pool"] is None, "no Ip key: not a DHCP-addressing RRAS"
    assert hardened["server_protocols"]["SSL 2.0"] == {"state": "enabled", "enabled": True}
    assert all(hardened["server_protocols"][p] == {"state": "disabled", "enabled": False} for p in ("SSL 3.0", "TLS 1.0", "TLS 1.1"))
    assert hardened["cipher_suites"] == ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
