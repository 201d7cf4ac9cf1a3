# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_service: start mode and state of existing services.

As in win_service.ps1 (ansible.windows 3.3.0): ``state: restarted`` always reports a change,
also in check mode; a missing service reports ``exists: false`` unless a setting is asked of
it, which fails. A (re)start of RemoteAccess applies what the service does with SSTP at start
(``_lab_rras.remoteaccess_start``: hashes, http.sys bindings, RasSstp events) and keeps its outcome as
the service's ``sstp_binding``; the host's SSTP listener follows the service (``_lab_listener.follow``,
outside check mode) and is kept as its ``sstp_listener``.
"""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import ENV_RESTART_DURATION, LabError, run_call, sleep_from_env
from ansible_collections.ansible.windows.plugins.module_utils._lab_listener import follow
from ansible_collections.ansible.windows.plugins.module_utils._lab_services import start_service


ARGUMENT_SPEC: dict[str, Any] = {
    "name": {"type": "str", "required": True},
    "state": {"type": "str", "choices": ["started", "stopped", "restarted", "absent", "paused"]},
    "start_mode": {"type": "str", "choices": ["auto", "manual", "disabled", "delayed"]},
    "force_dependent_services": {"type": "bool", "default": False},
}
"""The options of the real module (what the lab checks a call against)."""


def _find(state: dict[str, Any], name: str) -> str | None:
    return next((stored for stored in state["services"] if stored.lower() == name.lower()), None)


def _depended_by(state: dict[str, Any], name: str) -> list[str]:
    return sorted(other for other, svc in state["services"].items() if name.lower() in (d.lower() for d in svc.get("dependencies", [])))


def _stop_allowed(state: dict[str, Any], name: str, force: bool) -> None:
    running = [dep for dep in _depended_by(state, name) if state["services"][dep]["state"] == "running"]
    if running and not force:
        display = state["services"][name].get("display_name", name)
        raise LabError(f"Cannot stop service '{display} ({name})' because it has dependent services. "
                       "It can only be stopped if the Force flag is set.")


def service(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    name = _find(state, params["name"])
    wanted, start_mode, force = params["state"], params["start_mode"], params["force_dependent_services"]
    result: dict[str, Any] = {"changed": False, "exists": False}
    if name is None:
        if wanted not in (None, "absent") or start_mode is not None:
            raise LabError(f"Service '{params['name']}' is not installed, need to set 'path' to create a new service")
        return result
    svc = state["services"][name]
    state_before = svc["state"]
    if wanted == "absent":
        if not check_mode:
            del state["services"][name]
            if name.lower() == "remoteaccess":
                follow(state, None)
        result["changed"] = True
        return result
    if start_mode is not None and svc["start_mode"] != start_mode:
        svc["start_mode"] = start_mode
        result["changed"] = True
    if wanted == "started" and svc["state"] != "running":
        start_service(state, name)
        result["changed"] = True
    elif wanted == "stopped" and svc["state"] != "stopped":
        _stop_allowed(state, name, force)
        svc["state"] = "stopped"
        result["changed"] = True
    elif wanted == "restarted":
        if not check_mode:  # Restart-Service -WhatIf
            _stop_allowed(state, name, force)
            start_service(state, name)
        result["changed"] = True
    elif wanted == "paused" and svc["state"] != "paused":
        raise LabError(f"failed to pause service {name}: The service does not support pausing")
    if name.lower() == "remoteaccess" and not check_mode and (wanted == "restarted" or svc["state"] != state_before):
        sleep_from_env(ENV_RESTART_DURATION)  # the time the service takes to stop and start (lab_restart_duration)
    if name.lower() == "remoteaccess" and result["changed"] and not check_mode:
        svc["sstp_listener"] = follow(state, svc)
    result.update(
        exists=True,
        name=name,
        display_name=svc.get("display_name", name),
        description=svc.get("description", ""),
        path=svc.get("path", ""),
        username=svc.get("username", "LocalSystem"),
        desktop_interact=False,
        dependencies=svc.get("dependencies", []),
        depended_by=_depended_by(state, name),
        can_pause_and_continue=False,
        start_mode=svc["start_mode"],
        state=svc["state"],
    )
    return result


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_call(module, "win_service", service)


if __name__ == "__main__":
    main()
