# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Certificates on the controller: load, pick, thumbprint, summarise, check names.

Pure Python on top of ``cryptography`` (no Ansible imports) so the lookup, the filters and the
SSTP action plugins share one parser and one set of error messages. Every failure caused by the
input is a :class:`CertificateError`; its message names the input and the cause and never holds key
material or a password.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import base64
import binascii
import datetime
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
    from cryptography.x509.oid import NameOID
except ImportError as import_error:  # the plugins turn this into an Ansible error naming the missing library
    CRYPTOGRAPHY_IMPORT_ERROR: ImportError | None = import_error
    _PARSE_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError)
    _EXTENSION_ERRORS: tuple[type[Exception], ...] = _PARSE_ERRORS
    _SIGNATURE_ERRORS: tuple[type[Exception], ...] = _PARSE_ERRORS
else:
    CRYPTOGRAPHY_IMPORT_ERROR = None
    # Errors cryptography raises for malformed input (its Rust parsers use ValueError, a few paths TypeError).
    _PARSE_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm)
    # ... plus a missing extension, or a signature that does not verify (spelt out: older pylint rejects `(X,) + tuple`)
    _EXTENSION_ERRORS = (x509.ExtensionNotFound, ValueError, TypeError, UnsupportedAlgorithm)
    _SIGNATURE_ERRORS = (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm)

SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1"
ANY_EKU_OID = "2.5.29.37.0"

# Supported hash algorithms and their digest sizes in bytes (normalising a thumbprint needs no cryptography).
ALGORITHMS: dict[str, int] = {"sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64}
FORMATS = ("hex", "colon", "bytes")
SELECTIONS = ("leaf", "first", "all")

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 #/._-]{1,64})-----(.*?)-----END \1-----", re.DOTALL)
_PEM_CERT_LABELS = frozenset({b"CERTIFICATE", b"X509 CERTIFICATE"})
_PEM_PKCS7_LABELS = frozenset({b"PKCS7", b"PKCS #7 SIGNED DATA", b"CMS"})
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]+")

_EKU_NAMES: dict[str, str] = {
    SERVER_AUTH_OID: "Server Authentication",
    "1.3.6.1.5.5.7.3.2": "Client Authentication",
    "1.3.6.1.5.5.7.3.3": "Code Signing",
    "1.3.6.1.5.5.7.3.4": "Secure Email",
    "1.3.6.1.5.5.7.3.8": "Time Stamping",
    "1.3.6.1.5.5.7.3.9": "OCSP Signing",
    ANY_EKU_OID: "Any Purpose",
    "1.3.6.1.5.5.7.3.5": "IP security end system",
    "1.3.6.1.5.5.7.3.6": "IP security tunnel termination",
    "1.3.6.1.5.5.7.3.7": "IP security user",
    "1.3.6.1.5.5.8.2.2": "IP security IKE intermediate",
    "1.3.6.1.4.1.311.20.2.2": "Smart Card Logon",
    "1.3.6.1.4.1.311.10.3.4": "Encrypting File System",
}

_KEY_USAGE_FLAGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


class CertificateError(ValueError):
    """Bad certificate input or option; the message is safe to show to a user."""


# ---------------------------------------------------------------------------------------------
# Loading


def load_certificates(data: bytes, password: bytes | str | None = None, source: str = "input") -> list[x509.Certificate]:
    """Return every certificate in ``data`` in file order.

    Accepts PEM (bundles in any order, CRLF, text around blocks, key blocks ignored), DER,
    PKCS#7 (PEM or DER), PKCS#12 (legacy RC2/3DES or AES, with or without password) and
    base64-encoded DER/PKCS#7/PKCS#12 text. ``source`` names the input in error messages.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CertificateError(f"{source}: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise CertificateError(f"{source}: is empty")
    if b"-----BEGIN " in data:
        return _load_pem(data, source)
    stripped = data.strip()
    if _BASE64_TEXT.fullmatch(stripped):
        try:
            decoded = base64.b64decode(b"".join(stripped.split()), validate=True)
        except binascii.Error:
            decoded = b""
        if decoded:
            return _load_binary(decoded, password, source)
    return _load_binary(data, password, source)


def load_certificates_from_text(text: str | bytes, password: bytes | str | None = None, source: str = "input") -> list[x509.Certificate]:
    """Like :func:`load_certificates` for text: PEM or base64 DER/PKCS#7/PKCS#12 (a variable, a vault)."""
    if isinstance(text, (bytes, bytearray)):
        return load_certificates(bytes(text), password, source)
    if not isinstance(text, str):
        raise CertificateError(f"{source}: expected PEM or base64 text, got {type(text).__name__}")
    return load_certificates(text.encode("utf-8", errors="replace"), password, source)


def _load_pem(data: bytes, source: str) -> list[x509.Certificate]:
    certs: list[x509.Certificate] = []
    other_labels: list[str] = []
    for number, match in enumerate(_PEM_BLOCK.finditer(data), start=1):
        label = match.group(1)
        if label in _PEM_CERT_LABELS or label in _PEM_PKCS7_LABELS:
            der = _pem_body(match.group(2), number, label, source)
            if label in _PEM_CERT_LABELS:
                certs.append(_parse_der_certificate(der, f"{source}: PEM block {number} ({label.decode()})"))
            else:
                certs.extend(_parse_pkcs7(der, f"{source}: PEM block {number} ({label.decode()})"))
        else:
            other_labels.append(label.decode("ascii"))
    if certs:
        return certs
    if any("PRIVATE KEY" in label for label in other_labels):
        raise CertificateError(f"{source}: holds a private key but no certificate")
    if other_labels:
        raise CertificateError(f"{source}: holds no certificate (PEM blocks found: {', '.join(sorted(set(other_labels)))})")
    raise CertificateError(f"{source}: holds a PEM header without a matching END line; the PEM data is truncated or corrupt")


def _pem_body(body: bytes, number: int, label: bytes, source: str) -> bytes:
    try:
        der = base64.b64decode(b"".join(body.split()), validate=True)
    except binascii.Error:
        der = b""
    if not der:
        raise CertificateError(f"{source}: PEM block {number} ({label.decode()}) is corrupt: its body is not valid base64")
    return der


def _parse_der_certificate(der: bytes, where: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except _PARSE_ERRORS:
        raise CertificateError(f"{where} is corrupt: not a valid X.509 certificate") from None


def _pkcs7_certificates(der: bytes) -> list[x509.Certificate]:
    """Certificates of a PKCS#7 SignedData, empty when there are none or ``der`` is not one.

    ``openssl crl2pkcs7`` and Windows write BER (unsorted SET OF); cryptography reads it with a
    UserWarning that would leak into Ansible's output, so the warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return list(pkcs7.load_der_pkcs7_certificates(der))
        except _PARSE_ERRORS:
            return []


def _parse_pkcs7(der: bytes, where: str) -> list[x509.Certificate]:
    certs = _pkcs7_certificates(der)
    if not certs:  # cryptography does not tell an empty SignedData from a corrupt one
        raise CertificateError(f"{where} holds no certificate or is corrupt")
    return certs


def _looks_like_pkcs7(data: bytes) -> bool:
    """ContentInfo ::= SEQUENCE { contentType signedData (1.2.840.113549.1.7.2), ... }."""
    return data[:1] == b"\x30" and b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" in data[:16]


def _looks_like_pkcs12(data: bytes) -> bool:
    """PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (pkcs7-data), ... }."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length_octets = data[1] & 0x7F if data[1] & 0x80 else 0
    offset = 2 + length_octets
    return data[offset:offset + 3] == b"\x02\x01\x03" and b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01" in data[offset:offset + 24]


def _load_binary(data: bytes, password: bytes | str | None, source: str) -> list[x509.Certificate]:
    if _looks_like_pkcs12(data):
        return _load_pkcs12(data, password, source)
    try:
        return [x509.load_der_x509_certificate(data)]
    except _PARSE_ERRORS:
        pass
    if _looks_like_pkcs7(data):
        return _parse_pkcs7(data, f"{source}: the PKCS#7 file")
    if _is_der_private_key(data):
        raise CertificateError(f"{source}: holds a private key but no certificate")
    raise CertificateError(f"{source}: is not a certificate in a supported format (PEM, DER, PKCS#7 .p7b or PKCS#12 .pfx/.p12)")


def _is_der_private_key(data: bytes) -> bool:
    try:
        serialization.load_der_private_key(data, password=None)
    except TypeError:  # an encrypted PKCS#8 key asks for a password
        return True
    except _PARSE_ERRORS:
        return False
    return True


def _load_pkcs12(data: bytes, password: bytes | str | None, source: str) -> list[x509.Certificate]:
    if isinstance(password, str):
        password = password.encode("utf-8")
    # "No password" is written both as an absent and as an empty password: try both.
    attempts: list[bytes | None] = [password] if password else [None, b""]
    for attempt in attempts:
        try:
            bundle = pkcs12.load_pkcs12(data, attempt)
        except _PARSE_ERRORS:
            continue
        certs = ([bundle.cert.certificate] if bundle.cert else []) + [extra.certificate for extra in bundle.additional_certs]
        if certs:
            return certs
        if bundle.key is not None:
            raise CertificateError(f"{source}: is a PKCS#12 file that holds a private key but no certificate")
        raise CertificateError(f"{source}: is a PKCS#12 file that holds no certificate")
    if password:
        raise CertificateError(f"{source}: cannot open the PKCS#12 file: the password is wrong or the file is corrupt")
    raise CertificateError(f"{source}: cannot open the PKCS#12 file: it needs a password (none was given) or it is corrupt")


def pkcs12_holds_key(data: bytes, password: bytes | str | None = None) -> bool:
    """True when ``data`` is a PKCS#12 file that opens with ``password`` and holds a private key.

    What ``win_certificate_store`` needs to import a certificate with its key; PEM, DER and PKCS#7 never qualify.
    """
    if not _looks_like_pkcs12(bytes(data)):
        return False
    if isinstance(password, str):
        password = password.encode("utf-8")
    for attempt in [password] if password else [None, b""]:
        try:
            return pkcs12.load_pkcs12(bytes(data), attempt).key is not None
        except _PARSE_ERRORS:
            continue
    return False


# ---------------------------------------------------------------------------------------------
# Selecting


def select_certificates(certs: Sequence[x509.Certificate], select: str = "leaf", source: str = "input") -> list[x509.Certificate]:
    """Pick certificates: ``leaf`` (the end-entity of the chain), ``first`` (file order) or ``all``."""
    _check_choice("select", select, SELECTIONS)
    if not certs:
        raise CertificateError(f"{source}: holds no certificate")
    if select == "all":
        return list(certs)
    if select == "first":
        return [certs[0]]
    return [leaf_certificate(certs, source)]


def leaf_certificate(certs: Sequence[x509.Certificate], source: str = "input") -> x509.Certificate:
    """The end-entity: issues none of the other certificates and is not a CA (falls back to "issues none")."""
    unique: list[x509.Certificate] = []
    for cert in certs:
        if cert not in unique:
            unique.append(cert)
    if len(unique) == 1:
        return unique[0]
    bottom = [cert for cert in unique if not any(other is not cert and _issued_by(other, cert) for other in unique)]
    leaves = [cert for cert in bottom if not _is_ca(cert)] or bottom
    if len(leaves) == 1:
        return leaves[0]
    if not leaves:
        raise CertificateError(f"{source}: the certificates issue each other in a loop; no end-entity certificate to pick")
    subjects = "; ".join(cert.subject.rfc4514_string() or "(empty subject)" for cert in leaves)
    raise CertificateError(f"{source}: holds {len(leaves)} end-entity certificates ({subjects}); use select=first or select=all")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
        ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except _EXTENSION_ERRORS:
        return True
    return aki is None or aki == ski


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except _EXTENSION_ERRORS:
        return False


# ---------------------------------------------------------------------------------------------
# Thumbprints


def _check_choice(option: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise CertificateError(f"{option} must be one of {', '.join(allowed)}, not {value!r}")


def check_algorithm(algorithm: str) -> str:
    """Canonical name (``sha256``...) of a hash algorithm option, accepting ``SHA-256`` and the like."""
    key = algorithm.lower().replace("-", "") if isinstance(algorithm, str) else ""
    if key not in ALGORITHMS:
        raise CertificateError(f"algorithm must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}")
    return key


def _hash(algorithm: str) -> hashes.HashAlgorithm:
    return getattr(hashes, check_algorithm(algorithm).upper())()


def thumbprint(cert: x509.Certificate, algorithm: str = "sha256") -> bytes:
    """Digest of the certificate's DER encoding (what Windows and ``openssl -fingerprint`` show)."""
    return cert.fingerprint(_hash(algorithm))


def format_thumbprint(digest: bytes, fmt: str = "hex") -> str | list[int]:
    """``hex``: uppercase, no separators (Windows); ``colon``: lowercase aa:bb (openssl); ``bytes``: list of ints."""
    if fmt == "hex":
        return digest.hex().upper()
    if fmt == "colon":
        return ":".join(f"{octet:02x}" for octet in digest)
    _check_choice("format", fmt, FORMATS)
    return list(digest)


def certificate_thumbprints(
    data: bytes | str,
    algorithm: str = "sha256",
    fmt: str = "hex",
    select: str = "leaf",
    password: bytes | str | None = None,
    source: str = "input",
) -> list[str | list[int]]:
    """Load, select and format in one call: the shared path of the lookup and the filter."""
    check_algorithm(algorithm)
    _check_choice("format", fmt, FORMATS)
    _check_choice("select", select, SELECTIONS)
    certs = load_certificates_from_text(data, password, source)
    return [format_thumbprint(thumbprint(cert, algorithm), fmt) for cert in select_certificates(certs, select, source)]


def _is_invisible(char: str) -> bool:
    """Whitespace, separators and format marks people paste with a thumbprint (U+200E from certmgr)."""
    return char.isspace() or char == ":" or unicodedata.category(char) in ("Cf", "Pd", "Zs", "Zl", "Zp")


def _display_name(algorithm: str) -> str:
    return algorithm.lower().replace("-", "").replace("sha", "SHA-")


def normalize_thumbprint(text: str, algorithm: str = "sha256") -> str:
    """Canonical uppercase hex of a pasted thumbprint, or a CertificateError saying what is wrong.

    Messages start with a lowercase word so callers can prefix the option name.
    """
    expected = ALGORITHMS[check_algorithm(algorithm)] * 2
    name = _display_name(algorithm)
    if not isinstance(text, str):
        raise CertificateError(f"is of type {type(text).__name__}, not text holding a {name} thumbprint")
    cleaned = "".join(char for char in unicodedata.normalize("NFKC", text) if not _is_invisible(char))
    if cleaned[:2] in ("0x", "0X"):
        cleaned = cleaned[2:]
    if not cleaned:
        raise CertificateError(f"is empty; expected a {name} thumbprint ({expected} hexadecimal characters)")
    for position, char in enumerate(cleaned, start=1):
        if char not in "0123456789abcdefABCDEF":
            shown = char if char.isprintable() else f"U+{ord(char):04X}"
            raise CertificateError(f"is not a {name} thumbprint: character {shown!r} (position {position}) is not hexadecimal")
    if len(cleaned) != expected:
        for other, size in ALGORITHMS.items():
            if size * 2 == len(cleaned):
                raise CertificateError(
                    f"looks like a {_display_name(other)} thumbprint ({len(cleaned)} hex characters) where a {name} thumbprint ({expected}) is expected"
                )
        raise CertificateError(f"has {len(cleaned)} hex characters; a {name} thumbprint has {expected}")
    return cleaned.upper()


# ---------------------------------------------------------------------------------------------
# Summaries and names


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _extension(cert: x509.Certificate, kind: type[Any]) -> Any:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except _PARSE_ERRORS as error:
        raise CertificateError(f"certificate {cert.subject.rfc4514_string()!r} has a malformed extension: {error}") from None


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def _key_usage(cert: x509.Certificate) -> list[str]:
    usage = _extension(cert, x509.KeyUsage)
    if usage is None:
        return []
    flags = [flag for flag in _KEY_USAGE_FLAGS if getattr(usage, flag)]
    if usage.key_agreement:
        flags += [flag for flag in ("encipher_only", "decipher_only") if getattr(usage, flag)]
    return flags


def _public_key(cert: x509.Certificate) -> tuple[str, int | None]:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    return type(key).__name__, None


def is_self_signed(cert: x509.Certificate) -> bool:
    """Subject equals issuer and the certificate's own key verifies its signature."""
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except _SIGNATURE_ERRORS:
        return False
    return True


def certificate_summary(cert: x509.Certificate, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Facts to validate a certificate against (plain types only, ready for Ansible results)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    san = _extension(cert, x509.SubjectAlternativeName)
    eku = _extension(cert, x509.ExtendedKeyUsage)
    constraints = _extension(cert, x509.BasicConstraints)
    ekus = [oid.dotted_string for oid in eku] if eku is not None else []
    key_type, key_size = _public_key(cert)
    not_after = cert.not_valid_after_utc
    return {
        "subject": cert.subject.rfc4514_string(),
        "subject_cn": _common_name(cert.subject),
        "issuer": cert.issuer.rfc4514_string(),
        "dns_names": [str(name) for name in san.get_values_for_type(x509.DNSName)] if san is not None else [],
        "ekus": ekus,
        "eku_names": [_EKU_NAMES.get(oid, oid) for oid in ekus],
        "server_auth": eku is None or SERVER_AUTH_OID in ekus or ANY_EKU_OID in ekus,
        "key_usage": _key_usage(cert),
        "key_type": key_type,
        "key_size": key_size,
        "not_before": _iso(cert.not_valid_before_utc),
        "not_after": _iso(not_after),
        "days_left": int((not_after - now).total_seconds() // 86400),
        "is_ca": bool(constraints.ca) if constraints is not None else False,
        "serial": _serial_hex(cert.serial_number),
        "sha1": format_thumbprint(thumbprint(cert, "sha1")),
        "sha256": format_thumbprint(thumbprint(cert, "sha256")),
        "self_signed": is_self_signed(cert),
    }


def _serial_hex(serial: int) -> str:
    text = f"{serial:X}"
    return text if len(text) % 2 == 0 else "0" + text


def _labels(name: str) -> list[str]:
    return name.strip().rstrip(".").lower().split(".")


def name_is_covered(name: str, dns_names: Iterable[str], subject_cn: str | None = None) -> bool:
    """Whether a certificate for ``dns_names`` serves ``name`` (RFC 6125 section 6.4).

    A wildcard is a whole leftmost label (``*.example.com``) matching exactly one label and never the
    bare parent or a public suffix alone; the subject CN only counts when there are no DNS names.
    """
    wanted = _labels(name)
    if not name or not all(wanted):
        return False
    presented = list(dns_names)
    if not presented and subject_cn:
        presented = [subject_cn]
    for candidate in presented:
        labels = _labels(candidate)
        if len(labels) != len(wanted) or not all(labels):
            continue
        if labels[0] == "*" and len(labels) >= 3:
            if labels[1:] == wanted[1:] and wanted[0] != "*":
                return True
        elif labels == wanted:
            return True
    return False


def certificate_pem(cert: x509.Certificate) -> str:
    """The certificate alone as PEM text (public: no key), the form the SSTP modules take."""
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


MACHINE_STORE = "LocalMachine\\My"
"""The store RemoteAccess takes the SSTP certificate from."""


def machine_store_args(thumbprint: str | None = None) -> dict[str, str]:
    """The ``ansible.windows.win_certificate_info`` arguments that read :data:`MACHINE_STORE` (only ``thumbprint`` when given)."""
    args = {"store_name": "My", "store_location": "LocalMachine"}
    if thumbprint:
        args["thumbprint"] = thumbprint
    return args


def store_certificate(entry: Mapping[str, Any], source: str) -> x509.Certificate:
    """The certificate of one ``certificates`` entry of ``win_certificate_info``; unreadable data raises :class:`CertificateError` naming ``source``."""
    # ansible.windows returns the DER as ``raw`` although its RETURN documents ``cert_data``.
    return load_certificates_from_text(str(entry.get("raw") or entry.get("cert_data") or ""), source=source)[0]


def sstp_certificate_problems(
    cert: x509.Certificate,
    fqdn: str | None = None,
    now: datetime.datetime | None = None,
    *,
    has_private_key: bool | None = None,
    fqdn_label: str | None = None,
) -> list[str]:
    """Can ``cert`` be the SSTP certificate? The reasons it cannot, as sentences after "it" (empty list = fit).

    The one judge of fitness for the whole collection: ``win_sstp_offload``, ``win_sstp_certificate``, the
    ``sstp_offload``/``sstp_certificate`` roles (through the ``cert_info`` lookup), ``win_rras_info``'s
    certificate store check and ``diagnose`` all call it, so they never disagree. The policy is that of a
    publicly trusted TLS server certificate, what SSTP clients validate (docs/docsite/rst/rras.rst, "Certificate installed on the RRAS server"):

    * valid now: not expired and not before its ``notBefore`` (clients refuse both);
    * an end-entity certificate: a certificate with ``BasicConstraints CA:TRUE`` is refused, self-signed or
      not. A TLS server certificate is never a CA (RFC 5280 4.2.1.9, CA/Browser Forum baseline requirements
      7.1.2.7), and a CA picked from a PFX or bundle means its end-entity certificate is missing, the usual
      mistake. A self-signed test certificate passes when it is made as an end entity (``openssl req -x509
      -addext basicConstraints=critical,CA:FALSE``);
    * the Server Authentication EKU, or Any Purpose, or no EKU extension at all (RFC 5280 4.2.1.12: no
      restriction; Windows and RRAS's own certificate picker accept it); Client Authentication alone is refused;
    * covering ``fqdn`` when given (subject alternative names, RFC 6125 wildcards, the CN only without SANs);
    * ``has_private_key``: ``False`` (a certificate in ``LocalMachine\\My`` without its key, which RRAS cannot
      bind) is a problem; ``None`` means it does not apply (the load balancer's certificate, a served one).

    Self-signed certificates are not refused (a lab or a private deployment pushes its own trust to clients);
    whether the issuer is the one clients trust is the caller's question (``ca_path``, ``diagnose_expected_issuer``).
    ``fqdn_label`` names the wanted name in the message (default ``fqdn 'NAME'``), so a caller can name its variable.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    summary = certificate_summary(cert, now)
    problems = []
    if has_private_key is False:
        problems.append("has no private key in LocalMachine\\My (import it with its key, key_storage=machine)")
    if cert.not_valid_before_utc > now:
        problems.append(f"is not valid yet (valid from {summary['not_before']})")
    if cert.not_valid_after_utc < now:
        problems.append(f"has expired (valid until {summary['not_after']})")
    if summary["is_ca"]:
        problems.append("is a CA certificate, not the server certificate (a PEM bundle or PFX without its end-entity certificate?)")
    if not summary["server_auth"]:
        problems.append(f"lacks the Server Authentication EKU ({SERVER_AUTH_OID}); it has {', '.join(summary['eku_names']) or 'none'}")
    if fqdn and not name_is_covered(fqdn, summary["dns_names"], summary["subject_cn"]):
        names = ", ".join(summary["dns_names"]) or summary["subject_cn"] or "no names"
        problems.append(f"does not cover {fqdn_label or f'fqdn {fqdn!r}'} (it names {names})")
    return problems


def expiry_warning(cert: x509.Certificate, warn_days: int, source: str, now: datetime.datetime | None = None) -> str | None:
    """The warning for a fit certificate that expires within ``warn_days`` days (``None`` otherwise)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    days_left = int((cert.not_valid_after_utc - now).total_seconds() // 86400)
    if days_left < 0 or days_left >= warn_days:
        return None
    return (f"{source} expires in {days_left} day(s) ({_iso(cert.not_valid_after_utc)}); renew it, then rerun with the new "
            "certificate: SSTP clients are disconnected as soon as they are shown a certificate whose hash RRAS does not hold.")


def certificate_facts(
    cert: x509.Certificate, fqdn: str | None = None, fqdn_label: str | None = None, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """:func:`certificate_summary` plus ``pem`` and ``problems``: what the ``cert_info`` filter and lookup return."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return {
        **certificate_summary(cert, now),
        "pem": certificate_pem(cert),
        "problems": sstp_certificate_problems(cert, fqdn, now, fqdn_label=fqdn_label),
    }
