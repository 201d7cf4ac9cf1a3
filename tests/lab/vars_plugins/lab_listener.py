# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vars plugin of the lab: each emulated host's own loopback address as its ``ansible_host``."""

from __future__ import annotations

DOCUMENTATION = r"""
name: lab_listener
short_description: Give each emulated lab host the loopback address its SSTP listener serves on
description:
  - Sets C(ansible_host) of every lab host whose state directory holds a C(listener.json) (written by
    C(labctl.py reset)) to the loopback address given to it there, so the aovpn.rras health gate reaches the host's
    SSTP listener at its default address (C(ansible_host)) and default port (the SSTP port in the host's registry).
  - Where ports below 1024 cannot be bound (not root and C(net.ipv4.ip_unprivileged_port_start) above 80), the
    listeners use one unprivileged port instead, and this plugin also sets C(aovpn_rras_health_port) and
    C(remoteaccess_restart_health_port) to it.
  - The state directory is found as the lab connection finds it (C(lab_state_dir), C(AOVPN_LAB_STATE_DIR),
    C(tests/output/lab/state)). The lab connection itself ignores C(ansible_host).
  - Test infrastructure of aovpn.rras (C(tests/lab)); not part of the collection.
author: aovpn.rras contributors
"""

import importlib.util
import os
import typing as t
from pathlib import Path

from ansible.inventory.host import Host
from ansible.plugins.vars import BaseVarsPlugin

LAB_DIR = Path(__file__).resolve().parents[1]
DEFAULT_STATE_DIR = LAB_DIR.parent / "output" / "lab" / "state"


def _load_lab_host() -> t.Any:
    spec = importlib.util.spec_from_file_location("aovpn_lab_host_vars", LAB_DIR / "windows_emulation" / "plugins" / "module_utils" / "_lab_host.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_LAB_HOST = _load_lab_host()


class VarsModule(BaseVarsPlugin):
    REQUIRES_ENABLED = False

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, dict[str, t.Any]] = {}

    def get_vars(self, loader: t.Any, path: str, entities: t.Any, cache: bool = True) -> dict[str, t.Any]:
        found: dict[str, t.Any] = {}
        for entity in entities if isinstance(entities, list) else [entities]:
            if isinstance(entity, Host):
                found.update(self._host_vars(entity))
        return found

    def _host_vars(self, host: Host) -> dict[str, t.Any]:
        variables: dict[str, t.Any] = {}
        for group in sorted(host.get_groups(), key=lambda g: g.depth):
            variables.update(group.get_vars())
        variables.update(host.get_vars())
        state_dir = variables.get("lab_state_dir") or os.environ.get(_LAB_HOST.ENV_STATE_DIR) or str(DEFAULT_STATE_DIR)
        directory = os.path.join(str(state_dir), host.name)
        if directory not in self._cache:
            config = _LAB_HOST.listener_config(directory)
            result: dict[str, t.Any] = {}
            if config is not None:
                result["ansible_host"] = config["address"]
                if not _LAB_HOST.privileged_ports_allowed():
                    port = _LAB_HOST.UNPRIVILEGED_LISTENER_PORT
                    result.update(aovpn_rras_health_port=port, remoteaccess_restart_health_port=port)
            self._cache[directory] = result
        return self._cache[directory]
