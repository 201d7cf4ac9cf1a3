# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Server hardening settings of an Always On VPN server: facts, desired state -> ordered writes (pure: no Ansible imports).

Facts (docs/docsite/rst/rras.rst "Hardening settings"; Richard Hicks' scripts, Microsoft's Always On VPN advanced options):

* IKEv2 CRL check (device tunnel): ``RemoteAccess\\Parameters\\Ikev2\\CertAuthFlags`` DWORD 4 enforces it; 2 or missing
  = not enforced (the default). It applies when RemoteAccess restarts.
* DHCP address pool: ``RemoteAccess\\Parameters\\Ip\\InitialAddressPoolSize`` DWORD, at least 10 (the reference script
  refuses less); missing = 10. The script stops when the ``Ip`` key is missing. It applies when RemoteAccess restarts.
* IKEv2 behind a load balancer that NATs its clients: ``IKEEXT\\Parameters\\IkeNumEstablishedForInitialQuery`` DWORD,
  50000 in the reference script (missing = 10, not verified). It applies when **IKEEXT** restarts.
* SSTP TLS: ``SCHANNEL\\Protocols\\<protocol>\\Server`` ``Enabled`` DWORD 0 turns a protocol off for the server side;
  the cipher suite order is the Group Policy value ``...\\SSL\\00010002`` ``Functions`` (REG_SZ, comma-separated). Both
  apply after a **reboot**.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterable, Mapping, Sequence

from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY, REMOTE_ACCESS_PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryKeys, RegistryValue, RegistryWrite, readable_value
from ansible_collections.aovpn.rras.plugins.plugin_utils._remote_access import ServiceRestart

STATES = ("enabled", "disabled")


def dword(properties: Mapping[str, RegistryValue] | None, name: str) -> int | None:
    """The data of DWORD ``name``, or ``None`` when it is missing or of another type."""
    value = (properties or {}).get(name)
    return t.cast(int, value.data) if value is not None and value.value_type == "dword" else None


def _set_dword(path: str, name: str, data: int, properties: Mapping[str, RegistryValue] | None) -> list[RegistryWrite]:
    step = RegistryWrite.set(path, name, "dword", data)
    return [] if step.is_satisfied_by(properties or {}) else [step]


# IKEv2 CRL check -----------------------------------------------------------------------------------------------------

CERT_AUTH_FLAGS = "CertAuthFlags"
CRL_CHECK_ENFORCED = 4
CRL_CHECK_NOT_ENFORCED = 2


def crl_check_settings(properties: Mapping[str, RegistryValue] | None) -> dict[str, t.Any]:
    """Whether RemoteAccess enforces the CRL check (``CertAuthFlags`` = DWORD 4), and the stored data (``None`` if missing)."""
    return {
        "crl_check": dword(properties, CERT_AUTH_FLAGS) == CRL_CHECK_ENFORCED,
        "cert_auth_flags": readable_value((properties or {}).get(CERT_AUTH_FLAGS)),
    }


def crl_check_steps(properties: Mapping[str, RegistryValue] | None, state: str) -> list[RegistryWrite]:
    """The write that converges ``CertAuthFlags`` to ``state`` (empty list = nothing to do).

    ``enabled`` means DWORD 4. ``disabled`` means "not enforced": a missing value or DWORD 2 already is, so nothing is
    written there (a write would only ask for a RemoteAccess restart); any other stored data becomes DWORD 2.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    if state == "enabled":
        return _set_dword(IKEV2_KEY, CERT_AUTH_FLAGS, CRL_CHECK_ENFORCED, properties)
    if (properties or {}).get(CERT_AUTH_FLAGS) is None:
        return []
    return _set_dword(IKEV2_KEY, CERT_AUTH_FLAGS, CRL_CHECK_NOT_ENFORCED, properties)


# DHCP address pool ---------------------------------------------------------------------------------------------------

IP_KEY = REMOTE_ACCESS_PARAMETERS_KEY + "\\Ip"
INITIAL_ADDRESS_POOL_SIZE = "InitialAddressPoolSize"
MIN_ADDRESS_POOL_SIZE = 10
"""The reference script refuses less; missing = 10 (KB216805)."""
DWORD_MAX = 0xFFFFFFFF

IP_KEY_MISSING_MSG = (f"{IP_KEY} does not exist: RRAS does not assign IPv4 addresses on this host (not configured for IPv4 remote "
                      "access, or not installed). The key is not created; configure RRAS first (the reference script stops here too)")


USE_DHCP_ADDRESSING = "UseDhcpAddressing"
"""``Ip`` DWORD: 1 = addresses from DHCP, 0 = a static pool (``StaticAddressPool`` subkey). Widely documented, not in the reference facts."""


def static_pool_warning(properties: Mapping[str, RegistryValue]) -> str | None:
    """A warning when the ``Ip`` key says RRAS uses a static pool, where ``InitialAddressPoolSize`` has no effect."""
    if dword(properties, USE_DHCP_ADDRESSING) == 0:
        return (f"{IP_KEY} has {USE_DHCP_ADDRESSING} = 0: RRAS assigns addresses from a static pool here, and "
                f"{INITIAL_ADDRESS_POOL_SIZE} only matters when it leases them from DHCP.")
    return None


def address_pool_size_error(size: int) -> str | None:
    """Why ``initial_size`` is refused (``None`` when it is fine)."""
    if not MIN_ADDRESS_POOL_SIZE <= size <= DWORD_MAX:
        return (f"initial_size must be at least {MIN_ADDRESS_POOL_SIZE} (the addresses RRAS leases from DHCP at a time; the reference "
                f"script refuses less) and at most {DWORD_MAX}, not {size}")
    return None


def address_pool_settings(properties: Mapping[str, RegistryValue] | None) -> dict[str, t.Any]:
    """The pool size the service uses (a missing or non-DWORD value = 10) and the stored data (``None`` if missing)."""
    stored = dword(properties, INITIAL_ADDRESS_POOL_SIZE)
    return {
        "initial_size": MIN_ADDRESS_POOL_SIZE if stored is None else stored,
        "initial_address_pool_size": readable_value((properties or {}).get(INITIAL_ADDRESS_POOL_SIZE)),
    }


def address_pool_steps(properties: Mapping[str, RegistryValue], size: int) -> list[RegistryWrite]:
    """The write that sets ``InitialAddressPoolSize`` to DWORD ``size`` in the existing ``Ip`` key (``properties``)."""
    error = address_pool_size_error(size)
    if error:
        raise ValueError(error)
    return _set_dword(IP_KEY, INITIAL_ADDRESS_POOL_SIZE, size, properties)


# IKEv2 behind a load balancer ----------------------------------------------------------------------------------------

IKEEXT_SERVICE = "IKEEXT"
IKEEXT_SERVICE_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\IKEEXT"
IKEEXT_PARAMETERS_KEY = IKEEXT_SERVICE_KEY + "\\Parameters"
ESTABLISHED_FOR_INITIAL_QUERY = "IkeNumEstablishedForInitialQuery"
DEFAULT_ESTABLISHED_FOR_INITIAL_QUERY = 50000
"""The reference script's value."""

IKEEXT_MISSING_MSG = f"{IKEEXT_SERVICE_KEY} does not exist: the IKE and AuthIP IPsec Keying Modules service (IKEEXT) is not on this host"

IKEEXT_RESTART = ServiceRestart(
    IKEEXT_SERVICE,
    {"name": IKEEXT_SERVICE, "state": "restarted", "force_dependent_services": False},
    "this drops the IKEv2 connections of the server, whose security associations IKEEXT holds; RemoteAccess does not depend on "
    "IKEEXT and keeps running",
)
"""The restart that applies ``IkeNumEstablishedForInitialQuery``.

``win_service`` restarts with ``Restart-Service -Force:$force_dependent_services``: without ``-Force`` PowerShell refuses to
stop a service that has a dependent service not stopped (nothing is restarted, the module fails); with it the running
dependents are stopped and started again. RemoteAccess depends on RpcSs, BFE, RasMan and Http, not on IKEEXT, so it is
not stopped. Dependent services are never forced: a service that depends on IKEEXT is not restarted behind the admin's back.
"""


def established_for_initial_query_error(value: int) -> str | None:
    """Why ``established_for_initial_query`` is refused (``None`` when it is fine)."""
    if not 1 <= value <= DWORD_MAX:
        return f"established_for_initial_query must be between 1 and {DWORD_MAX} (a DWORD count of established IKE SAs), not {value}"
    return None


def load_balancing_settings(properties: Mapping[str, RegistryValue] | None) -> dict[str, t.Any]:
    """The stored ``IkeNumEstablishedForInitialQuery`` data (``None`` if missing: the service's default, 10 by Hicks, not verified)."""
    return {"established_for_initial_query": readable_value((properties or {}).get(ESTABLISHED_FOR_INITIAL_QUERY))}


def load_balancing_steps(properties: Mapping[str, RegistryValue] | None, value: int) -> list[RegistryWrite]:
    """The write that sets ``IkeNumEstablishedForInitialQuery`` to DWORD ``value``."""
    error = established_for_initial_query_error(value)
    if error:
        raise ValueError(error)
    return _set_dword(IKEEXT_PARAMETERS_KEY, ESTABLISHED_FOR_INITIAL_QUERY, value, properties)
