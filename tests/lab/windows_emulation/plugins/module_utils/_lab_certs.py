# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate parsing for the lab's emulated certificate modules, done with cryptography.

Mirrors what .NET's X509Certificate2Collection.Import and the fields win_certificate_info.ps1
(ansible.windows 3.3.0) read from an X509Certificate2.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError

_EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH: "Server Authentication",
    ExtendedKeyUsageOID.CLIENT_AUTH: "Client Authentication",
    ExtendedKeyUsageOID.CODE_SIGNING: "Code Signing",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "Secure Email",
}
_KEY_USAGES = [
    ("digital_signature", "DigitalSignature"), ("content_commitment", "NonRepudiation"), ("key_encipherment", "KeyEncipherment"),
    ("data_encipherment", "DataEncipherment"), ("key_agreement", "KeyAgreement"), ("key_cert_sign", "KeyCertSign"),
    ("crl_sign", "CrlSign"),
]
_NAME_ORDER = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATION_NAME: "O", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
               NameOID.COUNTRY_NAME: "C", NameOID.STATE_OR_PROVINCE_NAME: "S", NameOID.LOCALITY_NAME: "L"}
_EXTENSION_NAMES = {ExtensionOID.BASIC_CONSTRAINTS: "Basic Constraints", ExtensionOID.KEY_USAGE: "Key Usage",
                    ExtensionOID.EXTENDED_KEY_USAGE: "Enhanced Key Usage", ExtensionOID.SUBJECT_ALTERNATIVE_NAME: "Subject Alternative Name",
                    ExtensionOID.SUBJECT_KEY_IDENTIFIER: "Subject Key Identifier", ExtensionOID.AUTHORITY_KEY_IDENTIFIER: "Authority Key Identifier"}
_SIGNATURES = {"sha256WithRSAEncryption": "sha256RSA", "sha384WithRSAEncryption": "sha384RSA", "sha1WithRSAEncryption": "sha1RSA",
               "ecdsa-with-SHA256": "sha256ECDSA", "ecdsa-with-SHA384": "sha384ECDSA"}


def _public_key_bytes(cert: x509.Certificate) -> bytes:
    """What .NET ``X509Certificate.GetPublicKey()`` returns: PKCS#1 for RSA, the X9.62 point for EC, raw otherwise."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest().upper()  # nosec - the Windows thumbprint is SHA-1


def load_file(data: bytes, password: str | None) -> list[tuple[bytes, bytes | None]]:
    """``[(der, private key PEM or None)]`` of a DER, PEM or PKCS#12 file, like X509Certificate2Collection.Import.

    The key is what the host's store keeps with the certificate (the lab's SSTP listener serves with it).
    """
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            return [(c.public_bytes(serialization.Encoding.DER), None) for c in x509.load_pem_x509_certificates(data)]
        except ValueError as error:
            raise LabError(f"Failed to load cert from file: Cannot find the requested object. ({error})") from None
    try:
        return [(x509.load_der_x509_certificate(data).public_bytes(serialization.Encoding.DER), None)]
    except ValueError:
        pass
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError as error:
        message = "The specified network password is not correct." if "password" in str(error).lower() else "Cannot find the requested object."
        raise LabError(f"Failed to load cert from file: {message}") from None
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()) if key else None
    loaded = [(cert.public_bytes(serialization.Encoding.DER), key_pem)] if cert else []
    return loaded + [(c.public_bytes(serialization.Encoding.DER), None) for c in extra]


def _dn(name: x509.Name) -> str:
    """.NET's X500DistinguishedName form: most specific first, ``, `` separated."""
    return ", ".join(f"{_NAME_ORDER.get(a.oid, a.oid.dotted_string)}={a.value}" for a in reversed(list(name)))


def _simple_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else _dn(name)


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cert_info(der: bytes, has_private_key: bool, friendly_name: str = "") -> dict[str, Any]:
    """One entry of win_certificate_info's ``certificates`` (Get-CertificateInfo)."""
    cert = x509.load_der_x509_certificate(der)
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    issued_to = _simple_name(cert.subject)
    info: dict[str, Any] = {
        "friendly_name": friendly_name,
        "thumbprint": thumbprint(der),
        "subject": _dn(cert.subject),
        "issuer": _dn(cert.issuer),
        "valid_from": (cert.not_valid_before_utc - epoch).total_seconds(),
        "valid_from_iso8601": _iso(cert.not_valid_before_utc),
        "valid_to": (cert.not_valid_after_utc - epoch).total_seconds(),
        "valid_to_iso8601": _iso(cert.not_valid_after_utc),
        "serial_number": format(cert.serial_number, "X"),
        "archived": False,
        "version": cert.version.value + 1,
        "has_private_key": has_private_key,
        "issued_by": _simple_name(cert.issuer),
        "issued_to": issued_to,
        "signature_algorithm": _SIGNATURES.get(cert.signature_algorithm_oid._name, cert.signature_algorithm_oid._name),
        "dns_names": [issued_to],
        # the real module returns the DER as `raw` although its RETURN documents `cert_data`
        "raw": base64.b64encode(der).decode(),
        "public_key": base64.b64encode(_public_key_bytes(cert)).decode(),
        "extensions": [],
    }
    for ext in cert.extensions:
        info["extensions"].append({"critical": ext.critical, "field": _EXTENSION_NAMES.get(ext.oid, ext.oid.dotted_string),
                                   "value": str(ext.value)})
        if ext.oid == ExtensionOID.BASIC_CONSTRAINTS:
            info["is_ca"] = ext.value.ca
            info["path_length_constraint"] = ext.value.path_length or 0
        elif ext.oid == ExtensionOID.EXTENDED_KEY_USAGE:
            info["intended_purposes"] = [_EKU_NAMES.get(oid, oid.dotted_string) for oid in ext.value]
        elif ext.oid == ExtensionOID.KEY_USAGE:
            info["key_usages"] = [label for attr, label in _KEY_USAGES if getattr(ext.value, attr)]
        elif ext.oid == ExtensionOID.SUBJECT_KEY_IDENTIFIER:
            info["ski"] = ext.value.digest.hex().upper()
        elif ext.oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            info["dns_names"] += ext.value.get_values_for_type(x509.DNSName)
    return info
