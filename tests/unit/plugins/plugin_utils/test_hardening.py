# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hardening planners: desired state -> ordered writes for every starting state."""

from __future__ import annotations

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    CERT_AUTH_FLAGS,
    crl_check_settings,
    crl_check_steps,
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
