# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSTP facts and plans: the one place that knows ``SstpSvc\\Parameters`` (pure: no Ansible imports).

Facts (the collection docs ``docs/docsite/rst/rras.rst``; richardhicks/aovpntools ``Enable-SstpOffload.ps1``, ``Get-SstpOffload.ps1``):

* ``SHA256CertificateHash`` (REG_BINARY, 32 bytes, written in the order the hex reads) and
  ``SHA1CertificateHash`` (REG_BINARY, 20 bytes) identify the certificate clients see; SSTP
  clients compare them with the certificate of their TLS session (crypto binding).
* ``isHashConfiguredByAdmin`` (DWORD) 1 pins those hashes; missing or 0 lets the service pick a
  certificate itself at start and overwrite them.
* ``UseHttps`` (DWORD) 0 = plain HTTP from a TLS-offloading load balancer; non-zero, missing or
  any other type = HTTPS.
* ``ListenerPort`` (DWORD) 0 or missing = 443 for HTTPS, 80 for HTTP.
* ``SHA256Enabled``/``SHA1Enabled`` (DWORD): crypto-binding algorithms, default SHA-256 on, SHA-1 off.

Nothing of this applies before RemoteAccess restarts.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    CertificateError,
    load_certificates_from_text,
    normalize_thumbprint,
    select_certificates,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryValue, RegistryWrite, readable_value

if t.TYPE_CHECKING:  # cryptography is needed to parse certificates, not to import this module
    from cryptography import x509

PARAMETERS_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
NOT_INSTALLED_MSG = "RRAS/SSTP is not installed or not configured on this host"

SHA256_HASH = "SHA256CertificateHash"
SHA1_HASH = "SHA1CertificateHash"
HASH_BY_ADMIN = "isHashConfiguredByAdmin"
USE_HTTPS = "UseHttps"
LISTENER_PORT = "ListenerPort"
SHA256_ENABLED = "SHA256Enabled"
SHA1_ENABLED = "SHA1Enabled"

HASH_SIZES = {SHA256_HASH: 32, SHA1_HASH: 20}
HTTPS_PORT = 443
HTTP_PORT = 80


def _dword(properties: Mapping[str, RegistryValue], name: str) -> int | None:
    """The DWORD data of ``name``; ``None`` when missing or of another type (the service ignores it then)."""
    value = properties.get(name)
    if value is None or value.value_type != "dword" or not isinstance(value.data, int):
        return None
    return value.data


def _hash_hex(properties: Mapping[str, RegistryValue], name: str) -> str | None:
    value = properties.get(name)
    if value is None or value.value_type != "binary":
        return None
    return t.cast(str, readable_value(value))


def sstp_settings(properties: Mapping[str, RegistryValue]) -> dict[str, t.Any]:
    """The SSTP settings the service derives from ``SstpSvc\\Parameters`` at start, readable.

    Hashes are uppercase hex without separators (the form ``certificate_sha256`` options, the
    certificate filters and Windows use), so playbooks can compare them directly.
    """
    use_https_data = _dword(properties, USE_HTTPS)
    use_https = use_https_data is None or use_https_data != 0
    port = _dword(properties, LISTENER_PORT)
    by_admin = _dword(properties, HASH_BY_ADMIN)
    sha1_enabled = _dword(properties, SHA1_ENABLED)
    sha256_enabled = _dword(properties, SHA256_ENABLED)
    return {
        "mode": "https" if use_https else "offload",
        "use_https": use_https,
        "listener_port": port if port and port <= 0xFFFF else (HTTPS_PORT if use_https else HTTP_PORT),
        "certificate_sha256": _hash_hex(properties, SHA256_HASH),
        "certificate_sha1": _hash_hex(properties, SHA1_HASH),
        "hash_configured_by_admin": bool(by_admin),
        "sha256_enabled": True if sha256_enabled is None else sha256_enabled != 0,
        "sha1_enabled": False if sha1_enabled is None else sha1_enabled != 0,
    }


def hash_option(option: str, text: str, algorithm: str = "sha256") -> bytes:
    """The digest bytes of a pasted thumbprint option; errors start with the option name."""
    try:
        return bytes.fromhex(normalize_thumbprint(text, algorithm))
    except CertificateError as exc:
        raise CertificateError(f"{option} {exc}") from None


def certificate_option(option: str, text: str) -> x509.Certificate:
    """The end-entity certificate of PEM/base64 DER text; errors name the option, never echo the text."""
    return select_certificates(load_certificates_from_text(text, source=option), "leaf", option)[0]


def _check_hash(name: str, digest: bytes) -> bytes:
    if len(digest) != HASH_SIZES[name]:
        raise ValueError(f"{name} must be {HASH_SIZES[name]} bytes, got {len(digest)}")
    return digest


def pinned_certificate_steps(sha256: bytes, sha1: bytes | None, use_https: bool) -> list[RegistryWrite]:
    """Desired state for an admin-chosen certificate, in write order.

    Used for offload on (``use_https=False``; ``sha1=None`` when only the SHA-256 hash is known,
    which removes ``SHA1CertificateHash`` as the reference script does) and for a certificate
    installed on the server (``use_https=True``, or ``False`` for offload with the same
    certificate installed). Order and why:

    1. ``SHA256CertificateHash`` then ``SHA1CertificateHash``: the data the new mode needs comes
       first. The service looks the certificate up by SHA-256, so SHA-1 follows it.
    2. ``isHashConfiguredByAdmin`` = 1 after the hashes: if the run stops between the hashes and
       the flag and the flag was not already 1, the service is still free to pick a certificate
       itself at start, which keeps HTTPS working; setting it first would pin whatever hash was
       there before.
    3. ``UseHttps`` last: the mode switch is the commit point. Until it is written the server
       restarts in its old mode; after it, the new mode finds every value it needs.
    4. Removing ``SHA1CertificateHash`` (hash-only offload) comes after the switch: in HTTPS mode
       a missing SHA-1 hash is an error (Event 19), in offload mode the reference script deletes it.

    One window cannot be closed with single-value writes: moving from HTTPS pinned to an
    installed certificate to offload with a *different* hash, a restart after step 1 but before
    step 3 pins HTTPS to a certificate that is not in the store (Event 25). Switching the mode
    first instead would run offload with the old hash, which every client behind the load
    balancer rejects (Event 6). The action plugin never restarts after a failed write, and a rerun
    completes the sequence.
    """
    path = PARAMETERS_KEY
    steps = [RegistryWrite.set(path, SHA256_HASH, "binary", _check_hash(SHA256_HASH, sha256))]
    if sha1 is not None:
        steps.append(RegistryWrite.set(path, SHA1_HASH, "binary", _check_hash(SHA1_HASH, sha1)))
    steps.append(RegistryWrite.set(path, HASH_BY_ADMIN, "dword", 1))
    steps.append(RegistryWrite.set(path, USE_HTTPS, "dword", 1 if use_https else 0))
    if sha1 is None:
        steps.append(RegistryWrite.remove(path, SHA1_HASH))
    return steps


def hash_pinned(properties: Mapping[str, RegistryValue]) -> bool:
    """Whether ``isHashConfiguredByAdmin`` pins the hashes (a non-zero DWORD; missing, 0 or another type do not)."""
    return bool(_dword(properties, HASH_BY_ADMIN))


def offload_absent_steps(current: Mapping[str, RegistryValue]) -> list[RegistryWrite]:
    """Desired state for offload off (HTTPS, the service picks its certificate), in write order.

    The end state is ``UseHttps`` = 1 and ``isHashConfiguredByAdmin`` not set. What happens to the
    hashes depends on who wrote them (docs/docsite/rst/rras.rst, "What the service does at start"):

    * Flag set (the run that turns a pinned offload off): the hashes are the load balancer's, so they go
      with the flag. Order: remove the flag first (while ``UseHttps`` is still 0 an unpinned hash changes
      nothing for HTTP); ``UseHttps`` = 1 next (had it come first, a restart with the flag still set would
      pin HTTPS to the load balancer's hash, usually not in the local store: Event 25, nothing bound);
      the hashes last, as clean-up.
    * Flag 0 or missing: at every start in HTTPS mode the service picks a certificate and writes both
      hashes and the flag = 0 itself. Those hashes are the service's: deleting them would "change" the
      server at every run and, with ``restart=true``, restart RemoteAccess (dropping every VPN client)
      each time. Only ``UseHttps`` is converged.
    """
    path = PARAMETERS_KEY
    if not hash_pinned(current):
        return [RegistryWrite.set(path, USE_HTTPS, "dword", 1)]
    return [
        RegistryWrite.remove(path, HASH_BY_ADMIN),
        RegistryWrite.set(path, USE_HTTPS, "dword", 1),
        RegistryWrite.remove(path, SHA256_HASH),
        RegistryWrite.remove(path, SHA1_HASH),
    ]


def sha1_hash_warning(settings: Mapping[str, t.Any]) -> str | None:
    """A warning for a hash-only offload (no ``SHA1CertificateHash``) while ``SHA1Enabled`` is on.

    ``settings`` is :func:`sstp_settings`. The service reads ``SHA1CertificateHash`` only with SHA-1 crypto
    binding on; then a missing one is Event 19 and the configuration is rejected. With it off (the
    default) the SHA-1 hash does not matter.
    """
    if settings.get("mode") != "offload" or not settings.get("sha1_enabled") or settings.get("certificate_sha1"):
        return None
    return ("SHA1Enabled is on but no SHA1CertificateHash is configured: RemoteAccess rejects this offload configuration "
            "(RasSstp Event 19). Give the load balancer's certificate itself (certificate option) so both hashes are written, "
            "or turn SHA-1 crypto binding off (SHA1Enabled = 0).")
