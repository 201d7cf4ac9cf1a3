# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PKCS#12 files a Windows host can import (pure: no Ansible imports; cryptography imported when used).

Facts (docs/docsite/rst/rras.rst, "Platform facts"): a PFX encrypted with PBES2/AES-256 and a SHA-256 MAC (the OpenSSL 3 and
``cryptography`` default) imports on Windows Server 2019 (build 17763) and later only; 2016 and 2012 R2 fail
with the misleading "The specified network password is not correct." The legacy form, PBE-SHA1-3DES for the key
and the certificates with a SHA-1 MAC (``openssl pkcs12 -export -legacy``), imports on every version.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CertificateError

PBES2_MIN_BUILD = 17763
"""Windows Server 2019: the first build that imports PBES2/AES PKCS#12 (``PKCS12_PBES2_EXPORT_PARAMS``)."""
LEGACY_KDF_ROUNDS = 2048
"""The iteration count of ``openssl pkcs12 -export -legacy``."""


def needs_legacy_pkcs12(build: int | None) -> bool:
    """Whether a host of ``build`` needs the legacy form; an unknown build gets it too (every build imports it)."""
    return build is None or build < PBES2_MIN_BUILD


def legacy_pkcs12(data: bytes, password: str, source: str) -> bytes:
    """``data`` (a PFX protected by ``password``) re-encoded in the legacy form, protected by the same password.

    Key, certificate, chain and friendly name are kept; the result is encrypted (never a plain key). Errors name
    ``source`` and never hold the password.
    """
    # cryptography is imported here, not at module level: ansible-test's import sanity test has no cryptography.
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.hashes import SHA1  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12  # pylint: disable=import-outside-toplevel

    if not password:
        raise CertificateError(f"{source}: a password is needed to re-encode the PKCS#12 file (the key is never written unencrypted)")
    secret = password.encode("utf-8")
    try:
        bundle = pkcs12.load_pkcs12(data, secret)
    except (ValueError, TypeError):
        raise CertificateError(f"{source}: cannot open the PKCS#12 file: the password is wrong or the file is corrupt") from None
    if bundle.key is None or bundle.cert is None:
        raise CertificateError(f"{source}: the PKCS#12 file must hold the certificate with its private key")
    key = bundle.key
    if not isinstance(key, (rsa.RSAPrivateKey, dsa.DSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        raise CertificateError(f"{source}: a {type(key).__name__} key cannot be written to a PKCS#12 file for Windows")
    encryption = (PrivateFormat.PKCS12.encryption_builder()
                  .kdf_rounds(LEGACY_KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
                  .hmac_hash(SHA1())
                  .build(secret))
    return pkcs12.serialize_key_and_certificates(
        bundle.cert.friendly_name, key, bundle.cert.certificate, [extra.certificate for extra in bundle.additional_certs] or None, encryption)
