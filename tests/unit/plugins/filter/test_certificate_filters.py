# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The filters as Ansible loads them: input forms, options and AnsibleFilterError on bad input."""

from __future__ import annotations

import base64
from collections.abc import Callable
import sys
from pathlib import Path
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible.plugins.loader import filter_loader

from ansible_collections.aovpn.rras.tests.unit import certgen

ROOT, INTERMEDIATE, LEAF = certgen.make_chain()
SHA256 = certgen.openssl_fingerprint(LEAF.cert)


def load(name: str) -> Callable[..., Any]:
    return filter_loader.get(f"aovpn.rras.{name}").j2_function


def test_cert_thumbprint_on_pem_and_base64_text(tmp_path: Path) -> None:
    cert_thumbprint = load("cert_thumbprint")
    pem = certgen.cert_pem(INTERMEDIATE.cert, LEAF.cert).decode()
    assert cert_thumbprint(pem) == SHA256
    assert cert_thumbprint(base64.b64encode(certgen.cert_der(LEAF.cert)).decode(), algorithm="sha1") == certgen.openssl_fingerprint(LEAF.cert, "sha1")
    assert cert_thumbprint(pem, select="all", format="bytes") == [list(bytes.fromhex(certgen.openssl_fingerprint(c))) for c in (INTERMEDIATE.cert, LEAF.cert)]
    pfx = certgen.write_pkcs12(tmp_path / "vpn.pfx", LEAF, (ROOT.cert,), "pw-1", "aes").read_bytes()
    assert cert_thumbprint(base64.b64encode(pfx).decode(), password="pw-1") == SHA256


@pytest.mark.parametrize(
    ("name", "data", "options", "message"),
    [
        ("cert_thumbprint", "", {}, "^input: is empty$"),
        ("cert_thumbprint", certgen.key_pem(LEAF.key).decode(), {}, "^input: holds a private key but no certificate$"),
        ("cert_thumbprint", "not a certificate", {}, "^input: is not a certificate in a supported format"),
        ("cert_thumbprint", 42, {}, "^input: expected PEM or base64 text, got int$"),
        ("cert_thumbprint", "x", {"format": "base64"}, "^format must be one of hex, colon, bytes, not 'base64'$"),
        ("cert_info", "", {}, "^input: is empty$"),
        ("cert_info", certgen.cert_pem(LEAF.cert).decode(), {"select": "last"}, "^select must be one of leaf, first, all, not 'last'$"),
        ("thumbprint", "A" * 40, {}, r"^the input looks like a SHA-1 thumbprint \(40 hex characters\) where a SHA-256 thumbprint \(64\) is expected$"),
        ("thumbprint", "A" * 40, {"name": "sstp_offload_certificate_hash"}, r"^sstp_offload_certificate_hash looks like a SHA-1 thumbprint"),
        ("thumbprint", "A" * 64, {"algorithm": "md5"}, "^algorithm must be one of sha1, sha256, sha384, sha512, not 'md5'$"),
        ("thumbprint", None, {}, "^the input is of type NoneType, not text holding a SHA-256 thumbprint$"),
    ],
)
def test_bad_input_raises_filter_errors(name: str, data: Any, options: dict[str, str], message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        load(name)(data, **options)


def test_thumbprint_normalises() -> None:
    assert load("thumbprint")("\u200e" + " ".join(SHA256[i:i + 2] for i in range(0, 64, 2)).lower()) == SHA256


def test_cert_info() -> None:
    cert_info = load("cert_info")
    bundle = certgen.cert_pem(ROOT.cert, LEAF.cert).decode()
    info = cert_info(bundle)
    assert (info["sha256"], info["dns_names"], info["ekus"], info["is_ca"]) == (SHA256, ["vpn.example.com"], ["1.3.6.1.5.5.7.3.1"], False)
    assert [item["subject"] for item in cert_info(bundle, select="all")] == ["CN=Test Root CA", "CN=vpn.example.com"]


def test_missing_cryptography_is_an_ansible_error(monkeypatch: pytest.MonkeyPatch) -> None:
    filters = filter_loader.get("aovpn.rras.cert_info")
    monkeypatch.setattr(sys.modules[filters.j2_function.__module__], "CRYPTOGRAPHY_IMPORT_ERROR", ImportError("No module named 'cryptography'"))
    with pytest.raises(AnsibleFilterError, match="^aovpn.rras.cert_info needs the Python library cryptography on the controller"):
        filters.j2_function(certgen.cert_pem(LEAF.cert).decode())
    assert load("thumbprint")(SHA256.lower()) == SHA256  # normalising needs no cryptography


def test_cert_info_returns_the_pem_alone_and_the_problems() -> None:
    cert_info = load("cert_info")
    bundle = certgen.cert_pem(ROOT.cert, LEAF.cert).decode()
    info = cert_info(bundle, fqdn="vpn.example.com")
    assert info["pem"] == certgen.cert_pem(LEAF.cert).decode() and info["problems"] == []
    assert cert_info(bundle, select="first")["problems"][0].startswith("is a CA certificate")
    assert cert_info(bundle, fqdn="sstp.example.org")["problems"] == ["does not cover fqdn 'sstp.example.org' (it names vpn.example.com)"]
    named = cert_info(bundle, fqdn="sstp.example.org", fqdn_name="my_vpn_name")["problems"]
    assert named == ["does not cover my_vpn_name sstp.example.org (it names vpn.example.com)"]
