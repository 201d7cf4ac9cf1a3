# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The http.sys TLS bindings of the SSTP port, as Windows keeps them in the registry (pure: no Ansible imports).

Facts (docs/docsite/rst/rras.rst, "http.sys bindings in the registry"):

* ``HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\<ip:port>``, for SSTP
  ``0.0.0.0:<port>`` and ``[::]:<port>``: ``SslCertHash`` REG_BINARY = the certificate's SHA-1 bytes in
  order, ``SslCertStoreName`` REG_SZ, ``AppId`` REG_BINARY 16 bytes.
* ``AppId`` is **probably** in Windows GUID memory order (little-endian first three fields); that is not
  verified on a real host, so both byte orders are accepted when comparing with a known app id.
* At start RemoteAccess binds its certificate there with the SSTP app id; when either address is bound to
  another application (IIS) it gives up (Event 32) and the foreign certificate stays. These keys are read,
  never written: ``netsh http delete sslcert ipport=<address>`` is the supported way to free a port.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import typing as t
import uuid
from collections.abc import Mapping

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryValue

SSL_BINDING_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo"
SSTP_APP_ID = uuid.UUID("ba195980-cd49-458b-9e23-c84ee0adcd75")
KNOWN_APP_IDS = {SSTP_APP_ID: "SSTP", uuid.UUID("4dc3e181-e14b-4a21-b022-59fc669b0914"): "IIS"}


def binding_addresses(port: int) -> tuple[str, str]:
    """The IPv4 and IPv6 wildcard addresses RemoteAccess binds for ``port``."""
    return f"0.0.0.0:{port}", f"[::]:{port}"


def binding_key(address: str) -> str:
    return f"{SSL_BINDING_KEY}\\{address}"


def format_app_id(app_id: uuid.UUID) -> str:
    """Windows' braced form: ``{BA195980-CD49-458B-9E23-C84EE0ADCD75}``."""
    return "{" + str(app_id).upper() + "}"


def parse_app_id(data: bytes) -> uuid.UUID | None:
    """The app id of 16 ``AppId`` bytes: a known app id in either byte order, else read in GUID memory order."""
    if len(data) != 16:
        return None
    for known in KNOWN_APP_IDS:
        if data in (known.bytes_le, known.bytes):
            return known
    return uuid.UUID(bytes_le=data)


def _binary(properties: Mapping[str, RegistryValue], name: str) -> bytes | None:
    value = properties.get(name)
    return value.data if value is not None and isinstance(value.data, bytes) else None


def binding_summary(address: str, properties: Mapping[str, RegistryValue]) -> dict[str, t.Any]:
    """One binding as ``win_rras_info`` returns it: address, app id, owner, certificate SHA-1, whether SSTP owns it."""
    app_id = parse_app_id(_binary(properties, "AppId") or b"")
    cert_hash = _binary(properties, "SslCertHash")
    store = properties.get("SslCertStoreName")
    return {
        "address": address,
        "app_id": format_app_id(app_id) if app_id is not None else None,
        "owner": KNOWN_APP_IDS.get(app_id, "unknown") if app_id is not None else "unknown",
        "certificate_sha1": cert_hash.hex().upper() if cert_hash else None,
        "certificate_store": (store.data if store is not None and isinstance(store.data, str) else None) or "MY",
        "sstp_owned": app_id == SSTP_APP_ID,
    }


def foreign_binding_error(binding: Mapping[str, t.Any]) -> str:
    """The error for a binding of the SSTP port that another application owns."""
    address = binding["address"]
    owner = f" ({binding['owner']})" if binding["owner"] != "unknown" else ""
    return (f"http.sys binds {address} to another application: app id {binding['app_id'] or 'unreadable'}{owner}, "
            f"certificate SHA-1 {binding['certificate_sha1'] or 'unknown'}. RemoteAccess cannot bind SSTP there at start "
            "(RasSstp Event 32) and clients keep seeing that certificate. Move that application off the port and free it with "
            f"`netsh http delete sslcert ipport={address}`, then rerun; nothing was written")
