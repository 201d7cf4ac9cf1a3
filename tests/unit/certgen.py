# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test certificates: CAs and leaves made with ``cryptography``, containers written by the ``openssl`` CLI.

The one certificate generator of the tests: unit and functional tests, and the lab's PKI (``tests/lab/labctl.py``,
which the demo and the bench use).

The ``openssl`` command line is the independent reference: PKCS#12 and PKCS#7 files come from it
(not from the library under test) and :func:`openssl_fingerprint` is the expected thumbprint.

Import as ``ansible_collections.aovpn.rras.tests.unit.certgen`` (labctl loads it by path).
"""

from __future__ import annotations

import datetime
import functools
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]
KEY_KINDS = ("rsa2048", "rsa4096", "p256", "p384", "ed25519")
SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: PrivateKey


@functools.lru_cache(maxsize=None)
def make_key(kind: str = "p256", slot: int = 0) -> PrivateKey:
    """A private key, cached per (kind, slot) for the whole test session (RSA 4096 takes seconds)."""
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown key kind {kind!r}; use one of {KEY_KINDS}")


def _sign_hash(key: PrivateKey) -> hashes.HashAlgorithm | None:
    return None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()


def _name(common_name: str, organization: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)] if organization else []
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: x509.Name, issuer: Issued | None, key: PrivateKey, not_before: datetime.datetime, not_after: datetime.datetime
) -> x509.CertificateBuilder:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    authority = issuer.key.public_key() if issuer else public
    return builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority), critical=False)


def make_ca(name: str = "Test Root CA", issuer: Issued | None = None, key_kind: str = "p256", slot: int = 0, days: int = 3650,
            organization: str | None = None) -> Issued:
    """A root CA (self-signed) or, with ``issuer``, an intermediate CA."""
    key = make_key(key_kind, slot)
    subject = _name(name, organization)
    builder = _builder(subject, issuer, key, NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=days))
    builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).add_extension(
        x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
    )
    signer = issuer.key if issuer else key
    return Issued(builder.sign(signer, _sign_hash(signer)), key)


def make_leaf(
    issuer: Issued | None,
    common_name: str = "vpn.example.com",
    dns_names: tuple[str, ...] | None = None,
    ekus: tuple[x509.ObjectIdentifier, ...] | None = (SERVER_AUTH,),
    key_kind: str = "p256",
    slot: int = 1,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    key_usage: bool = True,
    organization: str | None = None,
) -> Issued:
    """An end-entity certificate; ``issuer=None`` makes it self-signed. ``dns_names`` defaults to the CN."""
    key = make_key(key_kind, slot)
    builder = _builder(
        _name(common_name, organization),
        issuer,
        key,
        not_before or NOW - datetime.timedelta(days=1),
        not_after or NOW + datetime.timedelta(days=90),
    ).add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    names = (common_name,) if dns_names is None else dns_names
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False)
    if key_usage:
        encipherment = not isinstance(key, ec.EllipticCurvePrivateKey)  # RSA TLS key exchange; EC keys only sign
        builder = builder.add_extension(x509.KeyUsage(True, False, encipherment, False, False, False, False, False, False), critical=True)
    signer = issuer.key if issuer else key
    return Issued(builder.sign(signer, _sign_hash(signer)), key)


def make_chain(key_kind: str = "p256") -> tuple[Issued, Issued, Issued]:
    """(root, intermediate, leaf for vpn.example.com)."""
    root = make_ca("Test Root CA", slot=10)
    intermediate = make_ca("Test Issuing CA", issuer=root, slot=11)
    return root, intermediate, make_leaf(intermediate, key_kind=key_kind)


def cert_pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def key_pem(key: PrivateKey, password: bytes | None = None) -> bytes:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def key_der(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def openssl(*args: str, stdin: bytes = b"") -> bytes:
    """Run the ``openssl`` CLI; stderr is included in the error so a failing test says why."""
    result = subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=False, env={**os.environ, "LC_ALL": "C"})
    if result.returncode:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


PKCS12_MODES = {
    # openssl 3 default: PBES2 / PBKDF2 / AES-256-CBC, HMAC-SHA256.
    "aes": (),
    # What older Windows and openssl 1.x write: RC2-40 for certificates (needs the legacy provider), 3DES for keys.
    "legacy": ("-legacy",),
    # 3DES everywhere with a SHA-1 MAC (Windows Server 2016/2019 export "TripleDES-SHA1").
    "3des": ("-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"),
}


def write_pkcs12(
    path: Path, leaf: Issued | None, chain: tuple[x509.Certificate, ...] = (), password: str = "", mode: str = "aes", with_key: bool = True
) -> Path:
    """A ``.pfx`` written by ``openssl pkcs12 -export``; ``leaf=None`` with a chain makes a certificate-only bundle."""
    work = path.parent / f".{path.name}.in"
    work.mkdir(exist_ok=True)
    args = ["pkcs12", "-export", "-out", str(path), "-passout", f"pass:{password}", *PKCS12_MODES[mode]]
    if leaf is not None:
        args += ["-in", str(write(work / "leaf.pem", cert_pem(leaf.cert)))]
        args += ["-inkey", str(write(work / "leaf.key", key_pem(leaf.key)))] if with_key else ["-nokeys"]
    if chain:
        args += ["-certfile" if leaf is not None else "-in", str(write(work / "chain.pem", cert_pem(*chain)))]
    if leaf is None:
        args.append("-nokeys")
    openssl(*args)
    return path


def write_pkcs7(path: Path, certs: tuple[x509.Certificate, ...], der: bool = False) -> Path:
    """A ``.p7b`` certificate bundle written by ``openssl crl2pkcs7 -nocrl``."""
    bundle = write(path.parent / f".{path.name}.pem", cert_pem(*certs))
    openssl("crl2pkcs7", "-nocrl", "-certfile", str(bundle), "-out", str(path), "-outform", "DER" if der else "PEM")
    return path


def openssl_fingerprint(cert: x509.Certificate, algorithm: str = "sha256") -> str:
    """``openssl x509 -noout -fingerprint`` as uppercase hex without colons (the reference value)."""
    return openssl_x509_field(cert, "-fingerprint", f"-{algorithm}").replace(":", "").upper()


def openssl_x509_field(cert: x509.Certificate, *flags: str) -> str:
    """The value of ``openssl x509 -noout <flags>`` (``-serial``, ``-enddate``...) after its ``name=``."""
    return openssl("x509", "-noout", *flags, stdin=cert_pem(cert)).decode().strip().split("=", 1)[1]
