# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSTP facts and plans: settings view, desired states in write order, certificate checks."""

from __future__ import annotations

import hashlib

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CertificateError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryProperties, RegistryValue, RegistryWrite, plan_writes
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import (
    PARAMETERS_KEY,
    certificate_option,
    hash_option,
    hash_pinned,
    offload_absent_steps,
    pinned_certificate_steps,
    sha1_hash_warning,
    sstp_settings,
)
from ansible_collections.aovpn.rras.tests.unit import certgen

LB = bytes.fromhex("AB" * 32)
LOCAL256 = bytes(range(32))
LOCAL1 = bytes(range(100, 120))


def props(*values: tuple[str, str, object]) -> RegistryProperties:
    return RegistryProperties(RegistryValue(name, kind, data) for name, kind, data in values)


FRESH = props(("ListenerPort", "dword", 0), ("SHA256CertificateHash", "binary", LOCAL256),
              ("SHA1CertificateHash", "binary", LOCAL1), ("isHashConfiguredByAdmin", "dword", 0))
HTTPS_PINNED = props(("UseHttps", "dword", 1), ("SHA256CertificateHash", "binary", LOCAL256),
                     ("SHA1CertificateHash", "binary", LOCAL1), ("isHashConfiguredByAdmin", "dword", 1))
OFFLOADED_OTHER = props(("UseHttps", "dword", 0), ("SHA256CertificateHash", "binary", bytes(32)),
                        ("IsHashConfiguredByAdmin", "dword", 1))
EMPTY = props()


def plan(current: RegistryProperties, steps: list) -> list[str]:
    return [write.describe() for write in plan_writes(current, steps)]


# -- settings ------------------------------------------------------------------------------


def test_settings_of_an_empty_key_are_the_service_defaults() -> None:
    assert sstp_settings(EMPTY) == {
        "mode": "https", "use_https": True, "listener_port": 443, "certificate_sha256": None, "certificate_sha1": None,
        "hash_configured_by_admin": False, "sha256_enabled": True, "sha1_enabled": False,
    }


@pytest.mark.parametrize(("value", "use_https"), [
    (RegistryValue("UseHttps", "dword", 0), False),
    (RegistryValue("usehttps", "dword", 0), False),
    (RegistryValue("UseHttps", "dword", 1), True),
    (RegistryValue("UseHttps", "dword", 7), True),
    (RegistryValue("UseHttps", "string", "0"), True),
    (RegistryValue("UseHttps", "qword", 0), True),
])
def test_use_https_non_zero_missing_or_wrong_type_is_https(value: RegistryValue, use_https: bool) -> None:
    settings = sstp_settings(props((value.name, value.value_type, value.data)))
    assert settings["use_https"] is use_https
    assert settings["mode"] == ("https" if use_https else "offload")


@pytest.mark.parametrize(("use_https", "port", "effective"), [
    (1, None, 443), (0, None, 80), (1, 0, 443), (0, 0, 80), (0, 8080, 8080), (1, 70000, 443),
])
def test_listener_port_effective(use_https: int, port: int | None, effective: int) -> None:
    values = [("UseHttps", "dword", use_https)] + ([("ListenerPort", "dword", port)] if port is not None else [])
    assert sstp_settings(props(*values))["listener_port"] == effective


def test_settings_hashes_are_uppercase_hex_and_flags_read_case_insensitively() -> None:
    settings = sstp_settings(props(("sha256certificatehash", "binary", LB), ("ISHASHCONFIGUREDBYADMIN", "dword", 1),
                                   ("SHA1Enabled", "dword", 1), ("sha256enabled", "dword", 0)))
    assert settings["certificate_sha256"] == "AB" * 32
    assert settings["hash_configured_by_admin"] is True
    assert settings["sha1_enabled"] is True and settings["sha256_enabled"] is False


def test_settings_ignore_a_hash_of_the_wrong_type() -> None:
    assert sstp_settings(props(("SHA256CertificateHash", "string", "AB")))["certificate_sha256"] is None


# -- offload present -----------------------------------------------------------------------


def test_offload_from_fresh_rras_writes_hash_then_flag_then_mode_then_removes_sha1() -> None:
    assert plan(FRESH, pinned_certificate_steps(LB, None, use_https=False)) == [
        f"set SHA256CertificateHash (binary) = {'AB' * 32}",
        "set isHashConfiguredByAdmin (dword) = 1",
        "set UseHttps (dword) = 0",
        "remove SHA1CertificateHash",
    ]


def test_offload_over_another_offload_hash_rewrites_only_the_hash() -> None:
    assert plan(OFFLOADED_OTHER, pinned_certificate_steps(LB, None, use_https=False)) == [f"set SHA256CertificateHash (binary) = {'AB' * 32}"]


def test_offload_from_https_with_installed_certificate() -> None:
    assert plan(HTTPS_PINNED, pinned_certificate_steps(LB, None, use_https=False)) == [
        f"set SHA256CertificateHash (binary) = {'AB' * 32}", "set UseHttps (dword) = 0", "remove SHA1CertificateHash"]


def test_offload_with_certificate_keeps_both_hashes_before_the_mode_switch() -> None:
    sha1 = bytes.fromhex("CD" * 20)
    assert plan(EMPTY, pinned_certificate_steps(LB, sha1, use_https=False)) == [
        f"set SHA256CertificateHash (binary) = {'AB' * 32}", f"set SHA1CertificateHash (binary) = {'CD' * 20}",
        "set isHashConfiguredByAdmin (dword) = 1", "set UseHttps (dword) = 0"]


def test_offload_converged_with_mixed_case_names_plans_nothing() -> None:
    current = props(("usehttps", "dword", 0), ("sha256certificatehash", "binary", LB), ("IsHashConfiguredByAdmin", "dword", 1))
    assert plan(current, pinned_certificate_steps(LB, None, use_https=False)) == []


def test_offload_rewrites_values_of_the_wrong_type() -> None:
    current = props(("UseHttps", "string", "0"), ("SHA256CertificateHash", "string", "AB" * 32), ("isHashConfiguredByAdmin", "qword", 1))
    assert plan(current, pinned_certificate_steps(LB, None, use_https=False)) == [
        f"set SHA256CertificateHash (binary) = {'AB' * 32}", "set isHashConfiguredByAdmin (dword) = 1", "set UseHttps (dword) = 0"]


def test_steps_target_the_sstp_key_and_check_hash_sizes() -> None:
    assert {step.path for step in pinned_certificate_steps(LB, LOCAL1, True) + offload_absent_steps(HTTPS_PINNED)} == {PARAMETERS_KEY}
    assert PARAMETERS_KEY == "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
    with pytest.raises(ValueError, match="32 bytes"):
        pinned_certificate_steps(LOCAL1, None, use_https=False)
    with pytest.raises(ValueError, match="20 bytes"):
        pinned_certificate_steps(LB, LB, use_https=False)


# -- offload absent ------------------------------------------------------------------------


def test_offload_off_unpins_then_switches_then_cleans_up() -> None:
    """The run that removes the flag removes the load balancer's hashes with it, flag first, UseHttps next."""
    assert plan(OFFLOADED_OTHER, offload_absent_steps(OFFLOADED_OTHER)) == [
        "remove isHashConfiguredByAdmin", "set UseHttps (dword) = 1", "remove SHA256CertificateHash"]


def test_offload_off_on_a_pinned_https_server_removes_the_pin() -> None:
    assert plan(HTTPS_PINNED, offload_absent_steps(HTTPS_PINNED)) == [
        "remove isHashConfiguredByAdmin", "remove SHA256CertificateHash", "remove SHA1CertificateHash"]


def test_offload_off_on_a_fresh_key_only_sets_use_https() -> None:
    assert plan(EMPTY, offload_absent_steps(EMPTY)) == ["set UseHttps (dword) = 1"]
    after = EMPTY.with_writes(plan_writes(EMPTY, offload_absent_steps(EMPTY)))
    assert sstp_settings(after)["mode"] == "https"
    assert plan(after, offload_absent_steps(after)) == []


@pytest.mark.parametrize("flag", [("isHashConfiguredByAdmin", "dword", 0), None, ("isHashConfiguredByAdmin", "string", "1")])
def test_offload_off_leaves_the_services_own_hashes_alone(flag: tuple[str, str, object] | None) -> None:
    """After a restart in HTTPS mode the service wrote both hashes and the flag 0: they are its own, absent keeps them."""
    service_state = props(("UseHttps", "dword", 1), ("SHA256CertificateHash", "binary", LOCAL256),
                          ("SHA1CertificateHash", "binary", LOCAL1), *([flag] if flag else []))
    assert not hash_pinned(service_state)
    assert plan(service_state, offload_absent_steps(service_state)) == []
    offloaded = props(("UseHttps", "dword", 0), ("SHA256CertificateHash", "binary", LOCAL256), *([flag] if flag else []))
    assert plan(offloaded, offload_absent_steps(offloaded)) == ["set UseHttps (dword) = 1"]


def test_offload_off_then_service_start_then_absent_again_is_steady() -> None:
    """present -> absent (unpins, removes) -> the service writes its hashes with flag 0 -> absent again plans nothing."""
    after_absent = OFFLOADED_OTHER.with_writes(plan_writes(OFFLOADED_OTHER, offload_absent_steps(OFFLOADED_OTHER)))
    assert not hash_pinned(after_absent) and sstp_settings(after_absent)["certificate_sha256"] is None
    after_start = after_absent.with_writes([RegistryWrite.set(PARAMETERS_KEY, "SHA256CertificateHash", "binary", LOCAL256),
                                            RegistryWrite.set(PARAMETERS_KEY, "SHA1CertificateHash", "binary", LOCAL1),
                                            RegistryWrite.set(PARAMETERS_KEY, "isHashConfiguredByAdmin", "dword", 0)])
    assert plan(after_start, offload_absent_steps(after_start)) == []


def test_sha1_matters_only_with_sha1_binding_on() -> None:
    hash_only = props(("UseHttps", "dword", 0), ("SHA256CertificateHash", "binary", LB), ("isHashConfiguredByAdmin", "dword", 1))
    assert sha1_hash_warning(sstp_settings(hash_only)) is None
    with_sha1_on = props(*((value.name, value.value_type, value.data) for value in hash_only.values()), ("SHA1Enabled", "dword", 1))
    warning = sha1_hash_warning(sstp_settings(with_sha1_on))
    assert warning is not None and "SHA1Enabled" in warning and "Event 19" in warning
    both = with_sha1_on.with_writes([RegistryWrite.set(PARAMETERS_KEY, "SHA1CertificateHash", "binary", LOCAL1)])
    assert sha1_hash_warning(sstp_settings(both)) is None
    https = HTTPS_PINNED.with_writes([RegistryWrite.set(PARAMETERS_KEY, "SHA1Enabled", "dword", 1),
                                      RegistryWrite.remove(PARAMETERS_KEY, "SHA1CertificateHash")])
    assert sha1_hash_warning(sstp_settings(https)) is None  # HTTPS: the store check reports it (Event 19)


# -- certificate mode ----------------------------------------------------------------------


def test_certificate_mode_from_offload_pins_local_certificate_then_switches_to_https() -> None:
    assert plan(OFFLOADED_OTHER, pinned_certificate_steps(LOCAL256, LOCAL1, use_https=True)) == [
        f"set SHA256CertificateHash (binary) = {LOCAL256.hex().upper()}", f"set SHA1CertificateHash (binary) = {LOCAL1.hex().upper()}",
        "set UseHttps (dword) = 1"]


def test_certificate_mode_on_fresh_rras_only_pins_and_sets_use_https() -> None:
    assert plan(FRESH, pinned_certificate_steps(LOCAL256, LOCAL1, use_https=True)) == [
        "set isHashConfiguredByAdmin (dword) = 1", "set UseHttps (dword) = 1"]
    assert plan(HTTPS_PINNED, pinned_certificate_steps(LOCAL256, LOCAL1, use_https=True)) == []


# -- option parsing ------------------------------------------------------------------------


def test_hash_option_accepts_pasted_forms() -> None:
    pasted = "\u200eab:" + ":".join(["ab"] * 31)
    assert hash_option("certificate_hash", pasted) == LB


@pytest.mark.parametrize(("text", "message"), [
    ("AB" * 20, "certificate_hash looks like a SHA-1 thumbprint"),
    ("AB" * 31, "certificate_hash has 62 hex characters"),
    ("XY" * 32, "certificate_hash is not a SHA-256 thumbprint"),
    ("", "certificate_hash is empty"),
])
def test_hash_option_errors_name_the_option(text: str, message: str) -> None:
    with pytest.raises(CertificateError, match=f"^{message}"):
        hash_option("certificate_hash", text)


def test_certificate_option_picks_the_leaf_of_a_chain() -> None:
    root, intermediate, leaf = certgen.make_chain()
    pem = certgen.cert_pem(root.cert, leaf.cert, intermediate.cert).decode()
    assert certificate_option("certificate", pem) == leaf.cert


def test_certificate_option_error_names_option_and_hides_text() -> None:
    secret_looking = "-----BEGIN CERTIFICATE-----\nnotbase64!!secretstuff\n-----END CERTIFICATE-----"
    with pytest.raises(CertificateError, match="^certificate") as caught:
        certificate_option("certificate", secret_looking)
    assert "secretstuff" not in str(caught.value)


def test_hashes_match_the_der_encoding() -> None:
    leaf = certgen.make_leaf(None)
    der = certgen.cert_der(leaf.cert)
    steps = pinned_certificate_steps(hashlib.sha256(der).digest(), hashlib.sha1(der).digest(), use_https=True)  # noqa: S324
    assert steps[0].data.hex().upper() == certgen.openssl_fingerprint(leaf.cert, "sha256")
    assert steps[1].data.hex().upper() == certgen.openssl_fingerprint(leaf.cert, "sha1")
