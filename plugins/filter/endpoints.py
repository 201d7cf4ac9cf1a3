# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filter aovpn.rras.host_port (documented in host_port.yml): the collection's one parser of ``host:port``, ``_tls_probe``'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import DEFAULT_PORT, parse_target


def host_port(endpoint: str, default_port: int = DEFAULT_PORT) -> dict[str, Any]:
    """``{"host": ..., "port": ...}`` of ``host``, ``host:port``, ``[IPv6]``, ``[IPv6]:port`` or a bare IPv6 address."""
    if not isinstance(endpoint, str):
        raise AnsibleFilterError(f"host_port takes a string, not {type(endpoint).__name__}")
    try:
        host, port = parse_target(endpoint, int(default_port))
    except ValueError as error:
        raise AnsibleFilterError(f"host_port: {error}") from None
    return {"host": host, "port": port}


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"host_port": host_port}
