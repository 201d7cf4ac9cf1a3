# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rollout filters of aovpn.rras: first_of_each_variable_set, rollout_errors, sstp_server and http_sys_certificates (documented in
their .yml)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.aovpn.rras.plugins.plugin_utils._http_sys import binding_summary
from ansible_collections.aovpn.rras.plugins.plugin_utils._rollout import HOOKS, ROLE_SWITCHES
from ansible_collections.aovpn.rras.plugins.plugin_utils._rollout import first_of_each_variable_set as _first_of_each
from ansible_collections.aovpn.rras.plugins.plugin_utils._rollout import rollout_errors as _rollout_errors
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_info import service_summary
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryFormatError, parse_key_stat
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import sstp_settings

_INTEGERS = ("aovpn_rras_max_fail_percentage", "aovpn_rras_health_timeout", "aovpn_rras_health_port")


def first_of_each_variable_set(hosts: Iterable[str], hostvars: Mapping[str, Mapping[str, Any]], pattern: str) -> list[str]:
    """The first of ``hosts`` of each distinct set of its variables whose names match ``pattern``."""
    return _first_of_each(hosts, lambda host: hostvars[host], pattern)


def rollout_errors(switches: Mapping[str, Any]) -> list[str]:
    """What is wrong with the ``aovpn_rras_*`` switches (unset ones omitted or null; an empty hook path is unset), one message per variable."""
    typed: dict[str, Any] = {name: value for name, value in switches.items() if value is not None}
    try:
        for name in set(typed) & set(ROLE_SWITCHES):
            typed[name] = boolean(typed[name], strict=True)
        for name in set(typed) & set(_INTEGERS):
            typed[name] = int(typed[name])
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"aovpn.rras.rollout_errors: {exc}") from None
    for name in set(typed) & set(HOOKS):
        typed[name] = str(typed[name])
    return _rollout_errors(typed, os.path.isfile)


def sstp_server(sstp_parameters: Mapping[str, Any], service: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``sstp`` and ``remote_access_service`` of a ``win_rras_info`` result, from a ``win_reg_stat`` of ``SstpSvc\\Parameters``
    and a ``win_service`` result (a read, or the restart) of RemoteAccess: what aovpn.rras.sstp_health needs.

    ``service`` may be a list of such results (the restart, or the read after a reboot that took its place): the first that
    ran counts; none that ran is a service not known to run."""
    results = [service] if isinstance(service, Mapping) else list(service)
    ran = next((result for result in results if isinstance(result, Mapping) and not result.get("skipped")), {})
    try:
        properties = parse_key_stat(sstp_parameters)
    except RegistryFormatError as exc:
        raise AnsibleFilterError(f"aovpn.rras.sstp_server: SstpSvc\\Parameters: {exc}") from None
    return {"sstp": sstp_settings(properties) if properties is not None else None, "remote_access_service": service_summary(ran)}


def http_sys_certificates(bindings: Sequence[Mapping[str, Any]]) -> list[str]:
    """The certificate SHA-1 (uppercase hexadecimal) of each http.sys TLS binding, from ``win_reg_stat`` results of
    ``SslBindingInfo\\<address>`` keys (a loop's ``results``): a skipped result, a missing key or a binding without
    ``SslCertHash`` gives none."""
    hashes = []
    for result in bindings:
        if result.get("skipped"):
            continue
        address = str(result.get("item", ""))
        try:
            properties = parse_key_stat(result)
        except RegistryFormatError as exc:
            raise AnsibleFilterError(f"aovpn.rras.http_sys_certificates: SslBindingInfo\\{address}: {exc}") from None
        sha1 = binding_summary(address, properties)["certificate_sha1"] if properties is not None else None
        if sha1:
            hashes.append(sha1)
    return hashes


class FilterModule:
    """Rollout filters of aovpn.rras."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"first_of_each_variable_set": first_of_each_variable_set, "rollout_errors": rollout_errors, "sstp_server": sstp_server,
                "http_sys_certificates": http_sys_certificates}
