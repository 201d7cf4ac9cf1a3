# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The read-only view of an RRAS server that ``win_rras_info`` returns (pure: no Ansible imports).

It only assembles what the plugin read: the SSTP view comes from ``_sstp.sstp_settings`` and the
IKEv2 view from ``_ikev2`` so the info module reports exactly what the configuring modules compare
against, hashes in the same uppercase hex form.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import datetime
import typing as t
from collections.abc import Mapping, Sequence

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    MACHINE_STORE,
    CertificateError,
    certificate_summary,
    sstp_certificate_problems,
    store_certificate,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._http_sys import binding_summary
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import build_support, ikev2_settings, os_build
from ansible_collections.aovpn.rras.plugins.plugin_utils._remote_access import role_state
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryValue
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import sstp_settings

Properties = t.Optional[Mapping[str, RegistryValue]]


def os_summary(properties: Properties) -> dict[str, t.Any]:
    """Build, update revision, product name and release from ``CurrentVersion`` (``None`` where not stored)."""
    current = properties or {}

    def text(name: str) -> str | None:
        value = current.get(name)
        return value.data if value is not None and isinstance(value.data, str) and value.data else None

    ubr = current.get("UBR")
    return {
        "build": os_build(properties),
        "update_build_revision": ubr.data if ubr is not None and ubr.value_type == "dword" else None,
        "product_name": text("ProductName"),
        "display_version": text("DisplayVersion") or text("ReleaseId"),
    }


def service_summary(result: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The RemoteAccess service as ``ansible.windows.win_service`` (name only, read-only) reported it."""
    exists = bool(result.get("exists"))
    return {
        "exists": exists,
        "state": result.get("state") if exists else None,
        "start_mode": result.get("start_mode") if exists else None,
    }


def _store_entry(certificate: Mapping[str, t.Any], now: datetime.datetime) -> dict[str, t.Any] | None:
    try:
        cert = store_certificate(certificate, "certificate in " + MACHINE_STORE)
    except CertificateError:
        return None
    summary = certificate_summary(cert, now)
    has_private_key = bool(certificate.get("has_private_key"))
    return {
        "thumbprint": summary["sha1"],
        "sha256": summary["sha256"],
        "subject": summary["subject"],
        "dns_names": summary["dns_names"],
        "not_before": summary["not_before"],
        "not_after": summary["not_after"],
        "days_left": summary["days_left"],
        "expired": summary["days_left"] < 0,
        "not_yet_valid": cert.not_valid_before_utc > now,
        "has_private_key": has_private_key,
        "server_auth": summary["server_auth"],
        # The collection's one fitness judgement (the same win_sstp_certificate applies before binding).
        "problems": sstp_certificate_problems(cert, now=now, has_private_key=has_private_key),
    }


def certificate_store_check(
    sstp: Mapping[str, t.Any],
    certificates: Sequence[Mapping[str, t.Any]],
    now: datetime.datetime | None = None,
) -> dict[str, t.Any]:
    """Whether the configured SHA-256 names a usable certificate in ``LocalMachine\\My``.

    ``certificates`` are the ``certificates`` of ``ansible.windows.win_certificate_info`` for that
    store (an entry whose DER cannot be read is skipped). RemoteAccess looks the certificate up by SHA-256 at start and binds it only for HTTPS with
    an admin-chosen hash; when it is not there it logs Event 25 and binds nothing. ``problems`` lists
    what would break that binding; it stays empty when nothing is looked up (offload, or HTTPS where
    the service picks a certificate itself).
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    wanted = sstp.get("certificate_sha256")
    required = bool(sstp.get("use_https") and sstp.get("hash_configured_by_admin"))
    match = None
    if wanted:
        match = next((entry for entry in (_store_entry(cert, now) for cert in certificates) if entry and entry["sha256"] == wanted), None)
    problems = []
    if required and not wanted:
        problems.append("isHashConfiguredByAdmin is set but no SHA256CertificateHash is configured (Event 18)")
    elif required and match is None:
        problems.append(f"no certificate with SHA-256 {wanted} is in {MACHINE_STORE}: RemoteAccess binds nothing at start (Event 25)")
    elif required and match is not None:
        problems += _binding_problems(match, sstp)
    return {
        "store": MACHINE_STORE,
        "required": required,
        "found": match is not None,
        "certificate": match,
        "problems": problems,
    }


def _binding_problems(match: Mapping[str, t.Any], sstp: Mapping[str, t.Any]) -> list[str]:
    problems = [f"the configured certificate {problem}" for problem in match["problems"]]
    # The service reads SHA1CertificateHash only with SHA-1 crypto binding on (SHA1Enabled); otherwise it does not matter.
    if sstp.get("sha1_enabled") and sstp.get("certificate_sha1") != match["thumbprint"]:
        problems.append(f"SHA1Enabled is on and SHA1CertificateHash {sstp.get('certificate_sha1') or '(none)'} is not the SHA-1 of that "
                        f"certificate ({match['thumbprint']}) (Event 19)")
    return problems


def rras_info(
    *,
    service: Mapping[str, t.Any],
    features: Mapping[str, t.Any],
    sstp_parameters: Properties,
    ikev2_parameters: Properties,
    current_version: Properties,
    http_sys_bindings: Sequence[tuple[str, Properties]] = (),
) -> dict[str, t.Any]:
    """The whole view; ``sstp``/``ikev2`` are ``None`` where their keys do not exist.

    ``service`` is the ``win_service`` read of RemoteAccess, ``features`` the ``win_feature_info`` result
    for the role: the keys exist on every Windows Server, so they prove nothing (``_remote_access``).
    ``http_sys_bindings`` pairs each address of the SSTP port with its ``SslBindingInfo`` key (``None``
    when nothing is bound there); only bound addresses are returned.
    """
    remote_access_service = service_summary(service)
    role = role_state(service, features)
    os_info = os_summary(current_version)
    ikev2 = None
    if role.installed:
        ikev2 = dict(ikev2_settings(ikev2_parameters), build_support=build_support(os_info["build"]))
    return {
        "rras_installed": role.installed,
        "rras_configured": role.configured,
        "remote_access_service": remote_access_service,
        "sstp": sstp_settings(sstp_parameters) if sstp_parameters is not None else None,
        "http_sys_bindings": [binding_summary(address, key) for address, key in http_sys_bindings if key is not None],
        "ikev2": ikev2,
        "os": os_info,
    }
