# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services of an emulated host: a service start (``win_service``) and a boot (``win_reboot``'s shutdown).

A start of RemoteAccess applies the start-up model (``_lab_rras.remoteaccess_start``). A boot is what the lab models of
a Windows restart (tests/lab/README.md "Reboot"): every service stops, the boot counter and boot time move on, SCHANNEL
takes the settings it reads at boot (kept as ``boot.schannel``), LogonUI recreates ``Winlogon\\AutoLogonChecked``, and the
services with start mode ``auto`` or ``delayed`` start, their dependencies first, RemoteAccess with its start-up model and
its SSTP listener.
"""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError, create_key, norm_key
from ansible_collections.ansible.windows.plugins.module_utils._lab_listener import follow
from ansible_collections.ansible.windows.plugins.module_utils._lab_rras import remoteaccess_start

AUTO_LOGON_CHECKED = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\AutoLogonChecked"
SCHANNEL_KEYS = ("HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
                 "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002")
SEEDED_BOOT_FILETIME = 133_500_000_000_000_000  # a host seeded by the profiles booted once, at a fixed time (2024)
_FILETIME_EPOCH = 116_444_736_000_000_000  # 1601-01-01 to 1970-01-01 in 100 ns


def start_service(state: dict[str, Any], name: str) -> None:
    """Start service ``name`` (as stored); a disabled one fails as Start-Service does."""
    service = state["services"][name]
    if service["start_mode"] == "disabled":
        raise LabError(f"Service '{service.get('display_name', name)} ({name})' cannot be started due to the following error: "
                       f"Cannot start service {name} on computer '.'.")
    service["state"] = "running"
    service.setdefault("starts", []).append(time.time_ns())
    if name.lower() == "remoteaccess":
        service["sstp_binding"] = remoteaccess_start(state)


def boot_record(state: dict[str, Any]) -> dict[str, Any]:
    """``{count, filetime}``: boots since the host was seeded and the last boot time as a Windows FILETIME."""
    return state.get("boot") or {"count": 0, "filetime": SEEDED_BOOT_FILETIME}


def _schannel(state: dict[str, Any]) -> dict[str, Any]:
    roots = [norm_key(path) for path in SCHANNEL_KEYS]
    return {key["path"]: key["values"] for lookup, key in sorted(state["registry"].items())
            if any(lookup == root or lookup.startswith(root + "\\") for root in roots)}


def _boot_order(services: dict[str, Any]) -> list[str]:
    """The services that start at boot, each after the dependencies it has on this host."""
    by_name = {name.lower(): name for name in services}
    ordered: list[str] = []

    def visit(name: str, seen: tuple[str, ...]) -> None:
        if name in ordered or name in seen:
            return
        for dependency in services[name].get("dependencies", []):
            if dependency.lower() in by_name:
                visit(by_name[dependency.lower()], seen + (name,))
        ordered.append(name)

    for name in sorted(services):
        if services[name]["start_mode"] in ("auto", "delayed"):
            visit(name, ())
    return [name for name in ordered if services[name]["start_mode"] != "disabled"]


def boot(state: dict[str, Any]) -> dict[str, Any]:
    """Restart the host in place (see the module docstring); returns the new boot record."""
    for name, service in state["services"].items():
        service["state"] = "stopped"
        if name.lower() == "remoteaccess":
            service["sstp_listener"] = follow(state, None)
    record = boot_record(state)
    record = {"count": record["count"] + 1, "filetime": time.time_ns() // 100 + _FILETIME_EPOCH, "schannel": _schannel(state)}
    state["boot"] = record
    create_key(state, AUTO_LOGON_CHECKED)
    for name in _boot_order(state["services"]):
        start_service(state, name)
        if name.lower() == "remoteaccess":
            state["services"][name]["sstp_listener"] = follow(state, state["services"][name])
    return record
