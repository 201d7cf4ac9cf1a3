# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The certificate core against the ``openssl`` CLI as an independent reference."""

from __future__ import annotations

import base64
import datetime
import itertools
from pathlib import Path

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    SERVER_AUTH_OID,
    CertificateError,
    certificate_summary,
    certificate_thumbprints,
    format_thumbprint,
    load_certificates,
    load_certificates_from_text,
    name_is_covered,
    normalize_thumbprint,
    select_certificates,
    thumbprint,
)
from ansible_collections.aovpn.rras.tests.unit import certgen

ROOT, INTERMEDIATE, LEAF = certgen.make_chain()
CHAIN = (ROOT.cert, INTERMEDIATE.cert, LEAF.cert)
SHA256 = certgen.openssl_fingerprint(LEAF.cert)


@pytest.mark.parametrize("key_kind", certgen.KEY_KINDS)
@pytest.mark.parametrize("algorithm", ["sha256", "sha1", "sha384", "sha512"])
def test_thumbprint_equals_openssl(key_kind: str, algorithm: str) -> None:
    leaf = certgen.make_leaf(INTERMEDIATE, key_kind=key_kind)
    assert format_thumbprint(thumbprint(leaf.cert, algorithm)) == certgen.openssl_fingerprint(leaf.cert, algorithm)


@pytest.mark.parametrize("key_kind", ["rsa2048", "ed25519"])
def test_self_signed_leaf_of_each_key_type(key_kind: str) -> None:
    leaf = certgen.make_leaf(None, key_kind=key_kind)
    certs = load_certificates(certgen.cert_pem(leaf.cert) + certgen.key_pem(leaf.key))
    assert format_thumbprint(thumbprint(select_certificates(certs)[0])) == certgen.openssl_fingerprint(leaf.cert)
    assert certificate_summary(leaf.cert)["self_signed"] is True


def test_formats() -> None:
    digest = thumbprint(LEAF.cert)
    assert format_thumbprint(digest, "hex") == SHA256
    assert format_thumbprint(digest, "colon") == ":".join(SHA256[i:i + 2] for i in range(0, 64, 2)).lower()
    assert format_thumbprint(digest, "bytes") == list(bytes.fromhex(SHA256))
    with pytest.raises(CertificateError, match="format must be one of hex, colon, bytes, not 'HEX'"):
        format_thumbprint(digest, "HEX")
    with pytest.raises(CertificateError, match="algorithm must be one of sha1, sha256, sha384, sha512, not 'md5'"):
        thumbprint(LEAF.cert, "md5")
    assert thumbprint(LEAF.cert, "SHA-256") == digest


@pytest.mark.parametrize("order", list(itertools.permutations(CHAIN)))
def test_pem_chain_in_any_order_selects_the_leaf(order: tuple) -> None:
    text = b"Bag Attributes: junk before\n" + certgen.cert_pem(*order).replace(b"\n", b"\r\n") + b"\ntrailing text\n"
    certs = load_certificates(text)
    assert certs == list(order)
    assert select_certificates(certs) == [LEAF.cert]
    assert select_certificates(certs, "first") == [order[0]]
    assert select_certificates(certs, "all") == list(order)


def test_private_key_blocks_are_ignored() -> None:
    text = certgen.key_pem(LEAF.key, b"pw") + certgen.cert_pem(LEAF.cert) + certgen.key_pem(ROOT.key)
    assert load_certificates(text) == [LEAF.cert]


def test_der_and_base64_text() -> None:
    der = certgen.cert_der(LEAF.cert)
    assert load_certificates(der) == [LEAF.cert]
    encoded = base64.b64encode(der).decode()
    assert load_certificates_from_text(encoded) == [LEAF.cert]
    wrapped = "\n".join(encoded[i:i + 64] for i in range(0, len(encoded), 64))
    assert load_certificates_from_text(wrapped + "\n") == [LEAF.cert]
    assert load_certificates_from_text(certgen.cert_pem(ROOT.cert, LEAF.cert).decode()) == [ROOT.cert, LEAF.cert]


@pytest.mark.parametrize("mode", list(certgen.PKCS12_MODES))
@pytest.mark.parametrize("password", ["", "S3cret-pw"])
def test_pkcs12_made_by_openssl(tmp_path: Path, mode: str, password: str) -> None:
    pfx = certgen.write_pkcs12(tmp_path / "vpn.pfx", LEAF, (ROOT.cert, INTERMEDIATE.cert), password, mode).read_bytes()
    certs = load_certificates(pfx, password or None, "vpn.pfx")
    assert set(certs) == set(CHAIN)
    assert certificate_thumbprints(pfx, password=password or None) == [SHA256]
    assert load_certificates(base64.b64encode(pfx), password.encode() or None) == certs


@pytest.mark.parametrize("mode", ["aes", "legacy"])
def test_pkcs12_password_errors_do_not_echo_the_password(tmp_path: Path, mode: str) -> None:
    pfx = certgen.write_pkcs12(tmp_path / "vpn.pfx", LEAF, (), "Right-Pw-1", mode).read_bytes()
    with pytest.raises(CertificateError) as wrong:
        load_certificates(pfx, "Wrong-Pw-2", "vpn.pfx")
    assert str(wrong.value) == "vpn.pfx: cannot open the PKCS#12 file: the password is wrong or the file is corrupt"
    with pytest.raises(CertificateError, match=r"^vpn.pfx: cannot open the PKCS#12 file: it needs a password \(none was given\)"):
        load_certificates(pfx, None, "vpn.pfx")


def test_pkcs12_without_certificate_or_without_key(tmp_path: Path) -> None:
    key_only = tmp_path / "key.pfx"
    certgen.openssl("pkcs12", "-export", "-nocerts", "-inkey", str(certgen.write(tmp_path / "k.pem", certgen.key_pem(LEAF.key))),
                    "-out", str(key_only), "-passout", "pass:")
    with pytest.raises(CertificateError, match="^key.pfx: is a PKCS#12 file that holds a private key but no certificate$"):
        load_certificates(key_only.read_bytes(), source="key.pfx")
    certs_only = certgen.write_pkcs12(tmp_path / "chain.pfx", None, (INTERMEDIATE.cert, LEAF.cert, ROOT.cert))
    assert select_certificates(load_certificates(certs_only.read_bytes())) == [LEAF.cert]


@pytest.mark.parametrize("der", [False, True])
@pytest.mark.parametrize("order", [CHAIN, CHAIN[::-1], (LEAF.cert, ROOT.cert, INTERMEDIATE.cert)])
def test_pkcs7_made_by_openssl(tmp_path: Path, der: bool, order: tuple, recwarn: pytest.WarningsRecorder) -> None:
    p7b = certgen.write_pkcs7(tmp_path / "chain.p7b", order, der).read_bytes()
    certs = load_certificates(p7b)
    assert set(certs) == set(CHAIN)
    assert select_certificates(certs) == [LEAF.cert]
    assert not [warning for warning in recwarn if "PKCS#7" in str(warning.message)]


def test_empty_pkcs7(tmp_path: Path) -> None:
    crl = certgen.openssl("crl2pkcs7", "-nocrl", "-outform", "DER")
    with pytest.raises(CertificateError, match="^empty.p7b: the PKCS#7 file holds no certificate or is corrupt$"):
        load_certificates(crl, source="empty.p7b")


CORRUPT_PEM = b"-----BEGIN CERTIFICATE-----\nMIIB!!not base64\n-----END CERTIFICATE-----\n"
BAD_DER_IN_PEM = b"-----BEGIN CERTIFICATE-----\n" + base64.b64encode(b"\x30\x03\x02\x01\x01") + b"\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "f: is empty"),
        (b" \r\n\t", "f: is empty"),
        (certgen.key_pem(LEAF.key), "f: holds a private key but no certificate"),
        (certgen.key_pem(LEAF.key, b"pw"), "f: holds a private key but no certificate"),
        (certgen.key_der(LEAF.key), "f: holds a private key but no certificate"),
        (CORRUPT_PEM, "f: PEM block 1 (CERTIFICATE) is corrupt: its body is not valid base64"),
        (BAD_DER_IN_PEM, "f: PEM block 1 (CERTIFICATE) is corrupt: not a valid X.509 certificate"),
        (certgen.cert_pem(LEAF.cert)[:200], "f: holds a PEM header without a matching END line; the PEM data is truncated or corrupt"),
        (b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", "f: holds no certificate (PEM blocks found: CERTIFICATE REQUEST)"),
        (b"hello world", "f: is not a certificate in a supported format (PEM, DER, PKCS#7 .p7b or PKCS#12 .pfx/.p12)"),
        (certgen.cert_der(LEAF.cert)[:-10], "f: is not a certificate in a supported format (PEM, DER, PKCS#7 .p7b or PKCS#12 .pfx/.p12)"),
    ],
)
def test_bad_input_messages(data: bytes, message: str) -> None:
    with pytest.raises(CertificateError) as error:
        load_certificates(data, source="f")
    assert str(error.value) == message
    assert b"PRIVATE" not in str(error.value).encode()


def test_wrong_types() -> None:
    with pytest.raises(CertificateError, match="^f: expected bytes, got str$"):
        load_certificates("text", source="f")  # type: ignore[arg-type]
    with pytest.raises(CertificateError, match="^f: expected PEM or base64 text, got int$"):
        load_certificates_from_text(3, source="f")  # type: ignore[arg-type]


def test_leaf_selection_edge_cases() -> None:
    other = certgen.make_leaf(INTERMEDIATE, "other.example.com", slot=2)
    with pytest.raises(CertificateError, match=r"holds 2 end-entity certificates \(CN=vpn.example.com; CN=other.example.com\); use select=first"):
        select_certificates([ROOT.cert, LEAF.cert, other.cert])
    assert select_certificates([INTERMEDIATE.cert, ROOT.cert]) == [INTERMEDIATE.cert]
    assert select_certificates([ROOT.cert]) == [ROOT.cert]
    assert select_certificates([LEAF.cert, LEAF.cert, ROOT.cert]) == [LEAF.cert]
    # A same-named issuer with another key did not issue the leaf: the leaf is still the only non-CA.
    impostor = certgen.make_ca("Test Issuing CA", slot=12)
    assert select_certificates([impostor.cert, LEAF.cert, INTERMEDIATE.cert]) == [LEAF.cert]
    with pytest.raises(CertificateError, match="select must be one of leaf, first, all, not 'last'"):
        select_certificates(CHAIN, "last")
    with pytest.raises(CertificateError, match="^f: holds no certificate$"):
        select_certificates([], source="f")


def test_certificate_thumbprints_one_call() -> None:
    bundle = certgen.cert_pem(ROOT.cert, LEAF.cert)
    assert certificate_thumbprints(bundle.decode(), "sha1", "colon", "first") == [
        ":".join(f"{b:02x}" for b in bytes.fromhex(certgen.openssl_fingerprint(ROOT.cert, "sha1")))
    ]
    assert certificate_thumbprints(bundle, select="all") == [certgen.openssl_fingerprint(ROOT.cert), SHA256]
    with pytest.raises(CertificateError, match="^format must be"):
        certificate_thumbprints(b"", fmt="base64")


# Decorations are functions of the hash so test ids stay the same in every pytest-xdist worker
# (the lab certificate, and so SHA256, is generated anew in each process).
PASTED_FORMS = {
    "as is": lambda h: h,
    "lower": str.lower,
    "certmgr LRM mark": lambda h: "\u200e" + h,  # what certmgr's Details tab copies
    "spaced lower": lambda h: " ".join(h[i:i + 2] for i in range(0, 64, 2)).lower(),
    "colons": lambda h: ":".join(h[i:i + 2] for i in range(0, 64, 2)),
    "0x prefix": lambda h: "0x" + h,
    "BOM NBSP ZWSP RLM CRLF": lambda h: "\ufeff" + h[:32] + "\u00a0-\u200b" + h[32:] + "\u200f\r\n",
    "full-width IME": lambda h: "".join(chr(ord(c) + 0xFEE0) for c in h),
}


@pytest.mark.parametrize("form", sorted(PASTED_FORMS))
def test_normalize_pasted_thumbprints(form: str) -> None:
    assert normalize_thumbprint(PASTED_FORMS[form](SHA256)) == SHA256


@pytest.mark.parametrize(
    ("text", "algorithm", "message"),
    [
        ("A" * 40, "sha256", "looks like a SHA-1 thumbprint (40 hex characters) where a SHA-256 thumbprint (64) is expected"),
        ("A" * 64, "sha1", "looks like a SHA-256 thumbprint (64 hex characters) where a SHA-1 thumbprint (40) is expected"),
        ("A" * 63, "sha256", "has 63 hex characters; a SHA-256 thumbprint has 64"),
        ("A" * 10 + "G" + "A" * 53, "sha256", "is not a SHA-256 thumbprint: character 'G' (position 11) is not hexadecimal"),
        ("AB\x07CD", "sha256", "is not a SHA-256 thumbprint: character 'U+0007' (position 3) is not hexadecimal"),
        (" \u200e ", "sha256", "is empty; expected a SHA-256 thumbprint (64 hexadecimal characters)"),
        ("A" * 96, "sha512", "looks like a SHA-384 thumbprint (96 hex characters) where a SHA-512 thumbprint (128) is expected"),
        ("A" * 64, "md5", "algorithm must be one of sha1, sha256, sha384, sha512, not 'md5'"),
    ],
)
def test_normalize_errors(text: str, algorithm: str, message: str) -> None:
    with pytest.raises(CertificateError) as error:
        normalize_thumbprint(text, algorithm)
    assert str(error.value) == message


def test_normalize_non_text() -> None:
    with pytest.raises(CertificateError, match="^is of type bytes, not text holding a SHA-256 thumbprint$"):
        normalize_thumbprint(b"AA")  # type: ignore[arg-type]
    assert normalize_thumbprint("a" * 40, "sha1") == "A" * 40


def test_certificate_summary_of_a_server_certificate() -> None:
    now = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    leaf = certgen.make_leaf(
        INTERMEDIATE, "vpn.example.com", ("vpn.example.com", "*.vpn.example.net"), (certgen.CLIENT_AUTH, certgen.SERVER_AUTH), "rsa2048",
        not_before=datetime.datetime(2029, 1, 1, tzinfo=datetime.timezone.utc), not_after=datetime.datetime(2030, 1, 31, 12, tzinfo=datetime.timezone.utc),
    )
    summary = certificate_summary(leaf.cert, now=now)
    assert summary == {
        "subject": "CN=vpn.example.com",
        "subject_cn": "vpn.example.com",
        "issuer": "CN=Test Issuing CA",
        "dns_names": ["vpn.example.com", "*.vpn.example.net"],
        "ekus": ["1.3.6.1.5.5.7.3.2", SERVER_AUTH_OID],
        "eku_names": ["Client Authentication", "Server Authentication"],
        "server_auth": True,
        "key_usage": ["digital_signature", "key_encipherment"],
        "key_type": "RSA",
        "key_size": 2048,
        "not_before": "2029-01-01T00:00:00Z",
        "not_after": "2030-01-31T12:00:00Z",
        "days_left": 30,
        "is_ca": False,
        "serial": certgen.openssl_x509_field(leaf.cert, "-serial"),
        "sha1": certgen.openssl_fingerprint(leaf.cert, "sha1"),
        "sha256": certgen.openssl_fingerprint(leaf.cert),
        "self_signed": False,
    }
    assert certificate_summary(leaf.cert, now=datetime.datetime(2030, 2, 2, tzinfo=datetime.timezone.utc))["days_left"] == -2


def test_certificate_summary_of_a_ca_and_a_client_certificate() -> None:
    root = certificate_summary(ROOT.cert)
    assert (root["is_ca"], root["self_signed"], root["key_usage"], root["dns_names"], root["ekus"]) == (True, True, ["key_cert_sign", "crl_sign"], [], [])
    assert root["server_auth"] is True  # no EKU extension: every purpose
    client = certificate_summary(certgen.make_leaf(INTERMEDIATE, "user", (), (certgen.CLIENT_AUTH,), key_usage=False).cert)
    assert (client["server_auth"], client["key_usage"], client["dns_names"], client["self_signed"]) == (False, [], [], False)
    assert certificate_summary(certgen.make_leaf(None, key_kind="p384").cert)["key_type"] == "EC secp384r1"


@pytest.mark.parametrize(
    ("name", "dns_names", "cn", "covered"),
    [
        ("vpn.example.com", ["*.example.com"], None, True),
        ("VPN.Example.COM.", ["*.EXAMPLE.com"], None, True),
        ("a.b.example.com", ["*.example.com"], None, False),
        ("example.com", ["*.example.com"], None, False),
        ("vpn.example.com", ["vpn.example.com."], None, True),
        ("vpn.example.com", ["other.example.com", "vpn.example.com"], None, True),
        ("vpn.example.com", ["vpn*.example.com"], None, False),
        ("example.com", ["*.com"], None, False),
        ("*.example.com", ["*.example.com"], None, False),
        ("vpn.example.com", [], "vpn.example.com", True),
        ("vpn.example.com", ["other.example.com"], "vpn.example.com", False),  # CN ignored when SANs exist
        ("", ["*.example.com"], None, False),
        ("vpn..example.com", ["vpn..example.com"], None, False),
    ],
)
def test_name_is_covered(name: str, dns_names: list[str], cn: str | None, covered: bool) -> None:
    assert name_is_covered(name, dns_names, cn) is covered
