# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the aovpn.rras playbooks decide about a rollout on the controller (pure: no Ansible imports)."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def first_of_each_variable_set(hosts: Iterable[str], variables_of: Callable[[str], Mapping[str, Any]], pattern: str) -> list[str]:
    """The first host (in ``hosts`` order) of each distinct set of the variables whose names match ``pattern``.

    Two hosts share a set when they have the same matching names with equal values; a variable only one of them
    has, or a value that differs, gives each its own set. Checking the returned hosts checks every host's values.
    """
    matcher = re.compile(pattern)
    seen: set[str] = set()
    picked: list[str] = []
    for host in hosts:
        variables = variables_of(host)
        names = sorted(name for name in variables if matcher.match(name))
        key = json.dumps([[name, variables[name]] for name in names], sort_keys=True, default=repr)
        if key not in seen:
            seen.add(key)
            picked.append(host)
    return picked


ROLE_SWITCHES = ("aovpn_rras_sstp_offload", "aovpn_rras_sstp_certificate", "aovpn_rras_ikev2_fragmentation", "aovpn_rras_hardening")
"""The switches of the aovpn.rras roles ``aovpn.rras.site`` runs, in the order it runs them."""
HOOKS = ("aovpn_rras_before_restart_tasks", "aovpn_rras_after_restart_tasks")
_SERIAL_ITEM = re.compile(r"^([0-9]+)(%?)$")


def _serial_item_valid(item: Any) -> bool:
    """A batch size: a positive number, or a percentage from 1% to 100%."""
    if isinstance(item, bool):
        return False
    match = _SERIAL_ITEM.match(str(item).strip())
    if match is None:
        return False
    size = int(match.group(1))
    return 1 <= size <= 100 if match.group(2) else size >= 1


def rollout_errors(switches: Mapping[str, Any], is_file: Callable[[str], bool]) -> list[str]:
    """What is wrong with the switches (``aovpn_rras_*``) of ``aovpn.rras.site``, one message per variable; empty when nothing is.

    ``switches`` holds the variables that are set, typed as their argument spec says (``aovpn.rras.rollout``: booleans
    and integers converted); a missing one has its default. ``is_file`` tells whether a controller path is a file.
    """
    errors = []
    serial = switches.get("aovpn_rras_serial", 1)
    items = list(serial) if isinstance(serial, (list, tuple)) else [serial]
    if not items or not all(_serial_item_valid(item) for item in items):
        errors.append(f"aovpn_rras_serial must be a positive number of servers, a percentage from 1% to 100% or a list of them; "
                      f"got {json.dumps(serial, default=str)}.")
    fail_percentage = switches.get("aovpn_rras_max_fail_percentage", 0)
    if not 0 <= fail_percentage <= 100:
        errors.append(f"aovpn_rras_max_fail_percentage must be between 0 and 100; got {fail_percentage}.")
    for hook in HOOKS:
        path = switches.get(hook) or ""
        if path and not is_file(path):
            errors.append(f"{hook} {path} is not a file on the controller: give the absolute path of a task file.")
    timeout = switches.get("aovpn_rras_health_timeout", 120)
    if timeout < 1:
        errors.append(f"aovpn_rras_health_timeout must be at least 1 (seconds); got {timeout}.")
    port = switches.get("aovpn_rras_health_port", 0)
    if not 0 <= port <= 65535:
        errors.append(f"aovpn_rras_health_port must be between 1 and 65535 (or 0: the server's own SSTP port); got {port}.")
    enabled = [switch for switch in ROLE_SWITCHES if switches.get(switch, False)]
    if {"aovpn_rras_sstp_offload", "aovpn_rras_sstp_certificate"} <= set(enabled):
        errors.append("aovpn_rras_sstp_offload and aovpn_rras_sstp_certificate both set the SSTP certificate hashes: choose one "
                      "(offload with the certificate installed on the server is sstp_certificate with sstp_certificate_use_http=true).")
    if not enabled:
        errors.append(f"No role is switched on, nothing to do: set {', '.join(ROLE_SWITCHES[:-1])} or {ROLE_SWITCHES[-1]} to true "
                      "(or run aovpn.rras.sstp_offload, aovpn.rras.sstp_certificate, aovpn.rras.ikev2_fragmentation, aovpn.rras.hardening).")
    return errors
