# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hardening planners: desired state -> ordered writes for every starting state."""

from __future__ import annotations

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    CERT_AUTH_FLAGS,
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
    load_balancing_settings,
    load_balancing_steps,
    static_pool_warning,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryProperties, RegistryValue, RegistryWrite


def key(**values: tuple[str, object]) -> RegistryProperties:
    return RegistryProperties(RegistryValue(name, value_type, data) for name, (value_type, data) in values.items())


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
