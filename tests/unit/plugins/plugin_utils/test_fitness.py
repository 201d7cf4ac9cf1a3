# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one judge of "can this certificate be the SSTP certificate?" on every kind of certificate."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    ANY_EKU_OID,
    certificate_facts,
    expiry_warning,
    sstp_certificate_problems,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_info import certificate_store_check
from ansible_collections.aovpn.rras.tests.unit import certgen

NOW = certgen.NOW
DAY = datetime.timedelta(days=1)
ROOT, ISSUING, LEAF = certgen.make_chain()


def kinds(problems: list[str]) -> list[str]:
    """The first words of each problem, what the tests compare."""
    return [problem.split(" (")[0].split(";")[0] for problem in problems]


def test_issued_leaf_is_fit() -> None:
    assert sstp_certificate_problems(LEAF.cert, "vpn.example.com", NOW) == []
    assert sstp_certificate_problems(LEAF.cert, "vpn.example.com", NOW, has_private_key=True) == []


def test_ca_certificate_is_refused_root_and_intermediate() -> None:
    for ca in (ROOT, ISSUING):
        assert kinds(sstp_certificate_problems(ca.cert, None, NOW)) == ["is a CA certificate, not the server certificate"]


def test_self_signed_end_entity_is_fit_self_signed_ca_is_not() -> None:
    self_signed = certgen.make_leaf(None, slot=3)
    assert certificate_facts(self_signed.cert, now=NOW)["self_signed"] is True
    assert sstp_certificate_problems(self_signed.cert, "vpn.example.com", NOW) == []
    self_signed_ca = certgen.make_ca("vpn.example.com", slot=4)
    assert kinds(sstp_certificate_problems(self_signed_ca.cert, None, NOW)) == ["is a CA certificate, not the server certificate"]


def test_client_auth_only_is_refused() -> None:
    client = certgen.make_leaf(ISSUING, ekus=(certgen.CLIENT_AUTH,))
    problems = sstp_certificate_problems(client.cert, "vpn.example.com", NOW)
    assert len(problems) == 1 and "lacks the Server Authentication EKU" in problems[0] and "Client Authentication" in problems[0]


def test_no_eku_and_any_purpose_are_fit() -> None:
    assert sstp_certificate_problems(certgen.make_leaf(ISSUING, ekus=None).cert, "vpn.example.com", NOW) == []
    any_purpose = certgen.make_leaf(ISSUING, ekus=(x509.ObjectIdentifier(ANY_EKU_OID),))
    assert sstp_certificate_problems(any_purpose.cert, "vpn.example.com", NOW) == []


@pytest.mark.parametrize(("fqdn", "fit"), [("vpn.example.com", True), ("a.example.com", True), ("example.com", False),
                                           ("a.b.example.com", False), ("vpn.example.org", False)])
def test_wildcard(fqdn: str, fit: bool) -> None:
    wildcard = certgen.make_leaf(ISSUING, "*.example.com")
    problems = sstp_certificate_problems(wildcard.cert, fqdn, NOW, fqdn_label=f"sstp_offload_fqdn {fqdn!r}")
    assert (problems == []) is fit
    if not fit:
        assert problems == [f"does not cover sstp_offload_fqdn {fqdn!r} (it names *.example.com)"]


def test_expired() -> None:
    expired = certgen.make_leaf(ISSUING, not_before=NOW - 90 * DAY, not_after=NOW - DAY)
    assert kinds(sstp_certificate_problems(expired.cert, None, NOW)) == ["has expired"]
    assert expiry_warning(expired.cert, 30, "x", NOW) is None  # a problem, not a warning


def test_not_yet_valid() -> None:
    future = certgen.make_leaf(ISSUING, not_before=NOW + 2 * DAY, not_after=NOW + 90 * DAY)
    assert kinds(sstp_certificate_problems(future.cert, None, NOW)) == ["is not valid yet"]


def test_missing_private_key_only_matters_when_known() -> None:
    assert kinds(sstp_certificate_problems(LEAF.cert, None, NOW, has_private_key=False)) == ["has no private key in LocalMachine\\My"]
    assert sstp_certificate_problems(LEAF.cert, None, NOW, has_private_key=None) == []


def test_every_problem_at_once_in_a_stable_order() -> None:
    bad = certgen.make_leaf(None, ekus=(certgen.CLIENT_AUTH,), not_before=NOW - 30 * DAY, not_after=NOW - DAY)
    assert kinds(sstp_certificate_problems(bad.cert, "other.example.com", NOW, has_private_key=False)) == [
        "has no private key in LocalMachine\\My", "has expired", "lacks the Server Authentication EKU", "does not cover fqdn 'other.example.com'"]


def test_expiry_warning_within_warn_days() -> None:
    soon = certgen.make_leaf(ISSUING, not_after=NOW + 10 * DAY + datetime.timedelta(hours=1))
    warning = expiry_warning(soon.cert, 30, "vpn.pem", NOW)
    assert warning is not None and warning.startswith("vpn.pem expires in 10 day(s)")
    assert expiry_warning(soon.cert, 10, "vpn.pem", NOW) is None


def store_entry(issued: certgen.Issued, has_private_key: bool = True) -> dict[str, object]:
    return {"raw": base64.b64encode(certgen.cert_der(issued.cert)).decode(), "has_private_key": has_private_key,
            "thumbprint": certgen.openssl_fingerprint(issued.cert, "sha1")}


@pytest.mark.parametrize("issued", [certgen.make_leaf(ISSUING, ekus=(certgen.CLIENT_AUTH,), slot=5), ROOT], ids=["clientAuth-only", "CA"])
def test_info_store_check_and_the_modules_agree(issued: certgen.Issued) -> None:
    """win_rras_info's store check reports the same judgement the binding module refuses with."""
    sstp = {"use_https": True, "hash_configured_by_admin": True,
            "certificate_sha256": certgen.openssl_fingerprint(issued.cert), "certificate_sha1": certgen.openssl_fingerprint(issued.cert, "sha1")}
    check = certificate_store_check(sstp, [store_entry(issued)], NOW)
    expected = sstp_certificate_problems(issued.cert, now=NOW, has_private_key=True)
    assert expected and check["certificate"]["problems"] == expected
    assert check["problems"] == [f"the configured certificate {problem}" for problem in expected]
