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

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

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


# SSTP TLS: SCHANNEL protocols and the cipher suite order ---------------------------------------------------------------

SCHANNEL_PROTOCOLS_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols"
PROTOCOL_ENABLED = "Enabled"
PROTOCOLS = ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1")
"""The SCHANNEL key names the module may turn off for the server side."""
DEFAULT_DISABLED_PROTOCOLS = ("SSL 3.0", "TLS 1.0", "TLS 1.1")
"""What the reference script turns off (it leaves SSL 2.0 alone)."""
_KEPT_PROTOCOLS = {
    "tls 1.2": "TLS 1.2 is refused in disabled_protocols: SSTP and WinRM over HTTPS (the connection Ansible uses) need it, so "
               "turning it off would stop the VPN and lock Ansible out of the server after the reboot",
    "tls 1.3": "TLS 1.3 is refused in disabled_protocols: it is the newest protocol SSTP and WinRM over HTTPS can use; turning it "
               "off weakens the server rather than hardening it",
}

CIPHER_SUITES_KEY = "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
CIPHER_SUITES_VALUE = "Functions"
RECOMMENDED = "recommended"
RECOMMENDED_CIPHER_SUITES = (
    (17763, ("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
    (14393, ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
)
"""(first build, list) newest first: the reference script's lists for 2019/2022/2025 (17763+) and 2016 (14393, 17134)."""
_CIPHER_SUITE_RE = re.compile(r"^TLS_[A-Z0-9_]+$")

GROUP_POLICY_WARNING = (f"{CIPHER_SUITES_KEY} {CIPHER_SUITES_VALUE} is a Group Policy value (SSL Cipher Suite Order): a GPO that sets "
                        "it overwrites this order at its next refresh, and the next run of the module then reports a change again.")
REBOOT_WARNING = ("SCHANNEL reads its protocol and cipher suite settings at boot: reboot the server for the change to take effect "
                  "(the module never reboots; ansible.windows.win_reboot in a maintenance window, one server at a time).")


def server_protocol_key(protocol: str) -> str:
    """``...\\SCHANNEL\\Protocols\\<protocol>\\Server``."""
    return f"{SCHANNEL_PROTOCOLS_KEY}\\{protocol}\\Server"


def protocols_option(names: Sequence[str]) -> tuple[str, ...]:
    """The SCHANNEL names of ``disabled_protocols`` (any case, surrounding blanks ignored, duplicates dropped); ``ValueError`` names the bad one."""
    known = {name.casefold(): name for name in PROTOCOLS}
    chosen: list[str] = []
    for raw in names:
        name = " ".join(str(raw).split()).casefold()
        if name in _KEPT_PROTOCOLS:
            raise ValueError(_KEPT_PROTOCOLS[name])
        if name not in known:
            raise ValueError(f"disabled_protocols: {raw!r} is not a SCHANNEL protocol name this module turns off; use {', '.join(PROTOCOLS)}")
        if known[name] not in chosen:
            chosen.append(known[name])
    return tuple(chosen)


def cipher_suites_option(values: Sequence[str] | None) -> tuple[str, ...] | str | None:
    """``None`` (leave the order alone), :data:`RECOMMENDED`, or the validated list; ``ValueError`` names what is wrong."""
    if values is None:
        return None
    suites = [str(value).strip() for value in values]
    if [suite.casefold() for suite in suites] == [RECOMMENDED]:
        return RECOMMENDED
    if not suites:
        raise ValueError("cipher_suites must not be empty (Windows would fall back to its own order); omit it to leave the order alone")
    for suite in suites:
        if not _CIPHER_SUITE_RE.match(suite):
            raise ValueError(f"cipher_suites: {suite!r} is not a cipher suite name (upper case, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), "
                             f"and {RECOMMENDED!r} must be given alone")
    duplicates = sorted({suite for suite in suites if suites.count(suite) > 1})
    if duplicates:
        raise ValueError(f"cipher_suites lists {', '.join(duplicates)} more than once")
    return tuple(suites)


def recommended_cipher_suites(build: int | None) -> tuple[str, ...]:
    """The reference script's list for ``build``; ``ValueError`` for older or unknown builds."""
    for first_build, suites in RECOMMENDED_CIPHER_SUITES:
        if build is not None and build >= first_build:
            return suites
    raise ValueError(f"cipher_suites={RECOMMENDED} has a list for Windows Server 2016 (build 14393) and later only, not for OS build {build}: "
                     "give the list of cipher suites instead")


def tls_keys(protocols: Iterable[str], cipher_suites: bool) -> list[str]:
    """The keys the module reads: the ``Server`` key of each protocol, and the cipher suite policy key when it manages it."""
    return [server_protocol_key(protocol) for protocol in protocols] + ([CIPHER_SUITES_KEY] if cipher_suites else [])


def tls_steps(protocols: Iterable[str], cipher_suites: Sequence[str] | None) -> list[RegistryWrite]:
    """``Enabled`` = DWORD 0 in the ``Server`` key of each protocol, then the cipher suite order (comma-separated REG_SZ)."""
    steps = [RegistryWrite.set(server_protocol_key(protocol), PROTOCOL_ENABLED, "dword", 0) for protocol in protocols]
    if cipher_suites is not None:
        steps.append(RegistryWrite.set(CIPHER_SUITES_KEY, CIPHER_SUITES_VALUE, "string", ",".join(cipher_suites)))
    return steps


def _protocol_state(properties: Mapping[str, RegistryValue]) -> str:
    enabled = properties.get(PROTOCOL_ENABLED)
    if enabled is None:
        return "os default"
    return "disabled" if enabled.value_type == "dword" and enabled.data == 0 else "enabled"


def tls_settings(keys: RegistryKeys, protocols: Iterable[str], cipher_suites: bool) -> dict[str, t.Any]:
    """Readable settings: each protocol's server side (``disabled``, ``enabled`` or ``os default``) and, when managed, the suite order."""
    settings: dict[str, t.Any] = {"server_protocols": {protocol: _protocol_state(keys.key(server_protocol_key(protocol))) for protocol in protocols}}
    if cipher_suites:
        value = keys.key(CIPHER_SUITES_KEY).get(CIPHER_SUITES_VALUE)
        settings["cipher_suites"] = [suite.strip() for suite in str(value.data).split(",") if suite.strip()] if value is not None else None
    return settings


# The read-only view (win_rras_info's ``hardening``, aovpn.rras.diagnose) --------------------------------------------------

LEGACY_SERVER_PROTOCOLS = DEFAULT_DISABLED_PROTOCOLS
"""What aovpn.rras.diagnose warns about while the server side still has it on: what the reference script turns off."""
LAST_BUILD_TLS10_ON_BY_DEFAULT = 20348
"""Windows Server 2022. Microsoft (Windows IT Pro blog, 2023-08-01, "TLS 1.0 and TLS 1.1 soon to be disabled in Windows"): TLS 1.0
and 1.1 are disabled by default from Windows 11 Insider builds of September 2023 on, in client and server, "it will not impact any
in-market OS versions". So a missing ``Enabled`` means on up to this build; for later builds the default is not known here."""
FIRST_BUILD_SSL_OFF_BY_DEFAULT = 14393
"""Windows Server 2016: SSL 3.0 is disabled by default and SSL 2.0 removed (Microsoft's "TLS registry settings" page; not verified
on a host). On 2012 R2 (9600) SSL 3.0 is on by default (the POODLE advisory 3009008 told admins to turn it off); SSL 2.0 is not known."""

HARDENING_INFO_KEYS = (IKEEXT_PARAMETERS_KEY, IP_KEY, *(server_protocol_key(protocol) for protocol in PROTOCOLS), CIPHER_SUITES_KEY)
"""The keys ``win_rras_info`` reads for its hardening view, one ``win_reg_stat`` each (7 round trips); ``CertAuthFlags`` is in the
``Ikev2`` key it reads anyway."""


def os_default_server_enabled(protocol: str, build: int | None) -> bool | None:
    """Whether SCHANNEL offers ``protocol`` to clients when the ``Server`` key has no ``Enabled`` (``None``: not known for ``build``)."""
    if build is None:
        return None
    if protocol in ("TLS 1.0", "TLS 1.1"):
        return True if build <= LAST_BUILD_TLS10_ON_BY_DEFAULT else None
    if build >= FIRST_BUILD_SSL_OFF_BY_DEFAULT:
        return False
    return True if protocol == "SSL 3.0" else None


def server_protocol_info(properties: Mapping[str, RegistryValue], protocol: str, build: int | None) -> dict[str, t.Any]:
    """``state`` as :func:`tls_settings` reports it, and ``enabled``: the stored choice, else the OS default of ``build`` (``None``: not known)."""
    state = _protocol_state(properties)
    enabled = {"enabled": True, "disabled": False}.get(state)
    return {"state": state, "enabled": os_default_server_enabled(protocol, build) if enabled is None else enabled}


def hardening_info(ikev2: Mapping[str, RegistryValue] | None, keys: Mapping[str, Mapping[str, RegistryValue] | None],
                   build: int | None) -> dict[str, t.Any]:
    """The hardening settings as the server holds them: ``ikev2`` is the ``Ikev2`` key, ``keys`` the :data:`HARDENING_INFO_KEYS` as read
    (``None`` for a missing key), ``build`` the OS build (what a missing SCHANNEL ``Enabled`` means depends on it)."""
    ip = keys.get(IP_KEY)
    schannel = RegistryKeys(keys)
    return {
        **crl_check_settings(ikev2),
        **load_balancing_settings(keys.get(IKEEXT_PARAMETERS_KEY)),
        "address_pool": None if ip is None else address_pool_settings(ip),
        "server_protocols": {protocol: server_protocol_info(schannel.key(server_protocol_key(protocol)), protocol, build) for protocol in PROTOCOLS},
        "cipher_suites": tls_settings(schannel, (), cipher_suites=True)["cipher_suites"],
    }
