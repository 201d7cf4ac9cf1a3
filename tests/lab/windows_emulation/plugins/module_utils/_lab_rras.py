# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the RemoteAccess service does with SSTP when it starts, applied to a lab host's state.

Follows docs/docsite/rst/rras.rst "What the service does at start" (``SetupSstpServerConfig`` -> ``ConfigureSstpServer``
-> ``PlumbCertificateToHttp`` in ``sstpcfg.dll``; from a public decompilation, not verified on a
real host). The http.sys SSL bindings live where Windows keeps them, as registry keys
``HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\<ip>:<port>``, so the
collection reads them with win_reg_stat as on a real host. Each RasSstp event the service would
log is appended to the host's event log (``_lab_host.log_event``).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import time
import uuid
from typing import Any

from ansible_collections.ansible.windows.plugins.module_utils._lab_host import (
    SSTP_PARAMETERS, create_key, delete_key_tree, find_value, get_key, log_event, set_value, store_entries, sub_key_names)

SSL_BINDING_INFO = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo"
SSTP_APP_ID = "{BA195980-CD49-458B-9E23-C84EE0ADCD75}"
IIS_APP_ID = "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
_ANY_PURPOSE = "2.5.29.37.0"
_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"

# Messages written after the RasSstp event manifest's texts (the lab's wording, same meaning).
_MESSAGES = {
    11: ("Error", "The Secure Socket Tunneling Protocol service could not find a certificate to use for SSL. Install a certificate with "
                  "Server Authentication or Any Purpose enhanced key usage and its private key in the local computer's Personal store, "
                  "then restart the Routing and Remote Access service. SSTP connections will not be accepted on this server."),
    18: ("Error", "The Secure Socket Tunneling Protocol service either could not read the SHA256 certificate hash from the registry or the "
                  "data is invalid. To be valid, the SHA256 certificate hash must be of type REG_BINARY and 32 bytes in length. "
                  "SSTP connections will not be accepted on this server. Correct the problem and try again."),
    25: ("Error", "The Secure Socket Tunneling Protocol service could not find the certificate configured for SSTP (SHA256 hash {sha256}) "
                  "in the local computer's Personal certificate store. SSTP connections will not be accepted on this server. "
                  "Correct the problem and try again."),
    32: ("Error", "The certificate hash configured for the Secure Socket Tunneling Protocol service does not match the certificate bound "
                  "in HTTP.SYS for {address} (certificate hash {foreign_sha1}, application {app_id}). SSTP connections will not be accepted "
                  "with the configured certificate. Remove the binding (netsh http delete sslcert ipport={address}) and restart the "
                  "Routing and Remote Access service."),
}


def app_id_bytes(guid: str) -> list[int]:
    """A GUID as the 16 bytes Windows keeps in memory (first three fields little-endian)."""
    return list(uuid.UUID(guid).bytes_le)


def app_id_text(data: bytes) -> str:
    return "{" + str(uuid.UUID(bytes_le=bytes(data))).upper() + "}"


def _is_sstp(app_id: bytes) -> bool:
    """The SSTP app id in either byte order (docs/docsite/rst/rras.rst: the stored order is probably the memory order)."""
    sstp = uuid.UUID(SSTP_APP_ID)
    return bytes(app_id) in (sstp.bytes_le, sstp.bytes)


def binding_path(address: str) -> str:
    return f"{SSL_BINDING_INFO}\\{address}"


def _value(key: dict[str, Any] | None, name: str, reg_type: str) -> Any:
    stored = find_value(key, name) if key else None
    entry = key["values"][stored] if key and stored else None
    return entry["value"] if entry and entry["type"] == reg_type else None


def bindings(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{address: {sha1, app_id, sstp}}`` of every http.sys SSL binding in the registry."""
    found = {}
    for address in sub_key_names(state, SSL_BINDING_INFO):
        key = get_key(state, binding_path(address))
        cert_hash = bytes(_value(key, "SslCertHash", "REG_BINARY") or [])
        app_id = bytes(_value(key, "AppId", "REG_BINARY") or [])
        found[address] = {"sha1": cert_hash.hex().upper(), "app_id": app_id_text(app_id) if len(app_id) == 16 else "",
                          "sstp": _is_sstp(app_id)}
    return found


def _bind(state: dict[str, Any], address: str, sha1: bytes) -> None:
    key = create_key(state, binding_path(address))
    key["values"] = {}
    set_value(key, "SslCertHash", "REG_BINARY", list(sha1))
    set_value(key, "AppId", "REG_BINARY", app_id_bytes(SSTP_APP_ID))
    set_value(key, "SslCertStoreName", "REG_SZ", "MY")
    set_value(key, "DefaultFlags", "REG_DWORD", 0)


def _usable(der: bytes, now: datetime.datetime) -> bool:
    """Within validity, and EKU Server Authentication or Any Purpose or no EKU extension."""
    from cryptography import x509  # only when the service picks a certificate itself

    cert = x509.load_der_x509_certificate(der)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        return False
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return any(oid.dotted_string in (_SERVER_AUTH, _ANY_PURPOSE) for oid in usages)


def _pick(state: dict[str, Any], certs: list[bytes], port: int) -> bytes | None:
    """The certificate already bound for SSTP on ``0.0.0.0:<port>``, else the first usable one in LocalMachine\\My."""
    now = datetime.datetime.now(datetime.timezone.utc)
    current = bindings(state).get(f"0.0.0.0:{port}")
    if current and current["sstp"]:
        bound = next((der for der in certs if hashlib.sha1(der).hexdigest().upper() == current["sha1"]), None)  # nosec - thumbprint
        if bound is not None:
            return bound
    return next((der for der in certs if _usable(der, now)), None)


def _event(state: dict[str, Any], event_id: int, **fields: str) -> int:
    level, text = _MESSAGES[event_id]
    log_event(state, "RasSstp", event_id, level, text.format(**fields))
    return event_id


def remoteaccess_start(state: dict[str, Any]) -> dict[str, Any]:
    """Apply SSTP's start-up to ``state`` and return what it did (kept as RemoteAccess's ``sstp_binding``).

    - ``UseHttps`` = 0 (offload): plain HTTP on ``ListenerPort`` (80); no certificate is bound, and
      SSTP's own earlier SSL bindings (app id SSTP, any port) are removed (the lab's decision: the
      service no longer serves HTTPS; not verified). Foreign bindings stay.
    - HTTPS, ``isHashConfiguredByAdmin`` missing/0: pick a certificate (see ``_pick``), write both
      hashes and the flag = 0; none usable: Event 11.
    - HTTPS, flag 1: the configured SHA-256 (REG_BINARY, 32 bytes, else Event 18) must be in
      LocalMachine\\My with its private key, else Event 25.
    - Either address of the port bound to another application with another certificate: Event 32,
      nothing bound, the foreign binding stays. Otherwise both addresses are bound to the certificate.
    """
    key = get_key(state, SSTP_PARAMETERS)
    use_https = _value(key, "UseHttps", "REG_DWORD") != 0
    port = _value(key, "ListenerPort", "REG_DWORD") or (443 if use_https else 80)
    admin = _value(key, "isHashConfiguredByAdmin", "REG_DWORD") == 1
    snapshot: dict[str, Any] = {"time_ns": time.time_ns(), "use_https": use_https, "port": port, "is_hash_configured_by_admin": admin,
                                "sha256": None, "bound": False, "thumbprint": None, "event": None}
    if key is None:  # no SSTP parameters: nothing to configure
        return snapshot
    if not use_https:
        for address, binding in bindings(state).items():
            if binding["sstp"]:
                delete_key_tree(state, binding_path(address))
        return snapshot
    certs = [base64.b64decode(e["der_b64"]) for e in store_entries(state, "LocalMachine", "My") or [] if e.get("has_private_key")]
    if admin:
        sha256 = _value(key, "SHA256CertificateHash", "REG_BINARY")
        if sha256 is None or len(sha256) != 32:
            snapshot["event"] = _event(state, 18)
            return snapshot
        snapshot["sha256"] = bytes(sha256).hex().upper()
        cert = next((der for der in certs if hashlib.sha256(der).digest() == bytes(sha256)), None)
        if cert is None:
            snapshot["event"] = _event(state, 25, sha256=snapshot["sha256"])
            return snapshot
    else:
        cert = _pick(state, certs, port)
        if cert is None:
            snapshot["event"] = _event(state, 11)
            return snapshot
        set_value(key, "SHA256CertificateHash", "REG_BINARY", list(hashlib.sha256(cert).digest()))
        set_value(key, "SHA1CertificateHash", "REG_BINARY", list(hashlib.sha1(cert).digest()))  # nosec - thumbprint
        set_value(key, "isHashConfiguredByAdmin", "REG_DWORD", 0)
        snapshot["sha256"] = hashlib.sha256(cert).hexdigest().upper()
    sha1 = hashlib.sha1(cert).digest()  # nosec - thumbprint
    current = bindings(state)
    for address in (f"0.0.0.0:{port}", f"[::]:{port}"):
        foreign = current.get(address)
        if foreign and not foreign["sstp"] and foreign["sha1"] != sha1.hex().upper():
            snapshot["event"] = _event(state, 32, address=address, foreign_sha1=foreign["sha1"], app_id=foreign["app_id"])
            return snapshot
    for address in (f"0.0.0.0:{port}", f"[::]:{port}"):
        if not (current.get(address) and not current[address]["sstp"]):  # a foreign binding of the same certificate is used as is
            _bind(state, address, sha1)
    snapshot.update(bound=True, thumbprint=sha1.hex().upper())
    return snapshot
