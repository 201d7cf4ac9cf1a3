# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection to an emulated lab host: the local connection plus the host's identity in the environment."""

from __future__ import annotations

DOCUMENTATION = r"""
name: lab_windows
short_description: Run the lab's emulated ansible.windows modules for one emulated host
description:
  - The builtin P(ansible.builtin.local#connection) connection, with every command prefixed by the
    environment variables that tell the lab's emulated modules which host state to act on.
  - Its shell is the lab's C(lab_windows) shell (C(tests/lab/shell_plugins)), sh on the controller, where the
    emulated modules run and the real ansible.windows action plugins put their temporary files, with
    the path rules of PowerShell for the Windows paths of the emulated host.
  - The PowerShell commands the real ansible.windows reboot sends (C(PowerShell ... -EncodedCommand ...)) are answered by
    the lab's emulation (C(windows_emulation/plugins/module_utils/_lab_powershell.py)), which boots the emulated host.
  - Test infrastructure of aovpn.rras (C(tests/lab)); not part of the collection.
author: aovpn.rras contributors
extends_documentation_fragment:
  - connection_pipelining
options:
  lab_host:
    description: Name of the emulated host (its state directory).
    type: str
    vars:
      - name: inventory_hostname
      - name: lab_host
  lab_state_dir:
    description: Directory holding one state directory per host. Default C(tests/output/lab/state) of the checkout.
    type: str
    env:
      - name: AOVPN_LAB_STATE_DIR
    vars:
      - name: lab_state_dir
  lab_faults:
    description: Faults to inject, a list of dicts (see C(tests/lab/README.md)).
    type: list
    elements: dict
    default: []
    vars:
      - name: lab_faults
  lab_latency:
    description:
      - Seconds every emulated module call sleeps on the controller before it runs, the round trip a WinRM call
        costs (about 0.3 to 1 s). It is slept once per ansible.windows module call (the two calls of a C(win_copy)
        sleep twice), in the call's own process, so forks overlap it as they overlap round trips.
      - A number of seconds, 0 or more.
    type: float
    default: 0
    env:
      - name: AOVPN_LAB_LATENCY
    vars:
      - name: lab_latency
  lab_restart_duration:
    description:
      - Seconds a start, stop or restart of the RemoteAccess service takes (C(win_service), not in check mode).
      - A number of seconds, 0 or more.
    type: float
    default: 0
    env:
      - name: AOVPN_LAB_RESTART_DURATION
    vars:
      - name: lab_restart_duration
  lab_boot_duration:
    description:
      - Seconds a reboot (the C(shutdown.exe /r) of C(win_reboot)) takes before the host boots.
      - A number of seconds, 0 or more.
    type: float
    default: 0
    env:
      - name: AOVPN_LAB_BOOT_DURATION
    vars:
      - name: lab_boot_duration
  lab_unreachable:
    description: Make the host unreachable.
    type: bool
    default: false
    vars:
      - name: lab_unreachable
  become_success_timeout:
    description: See P(ansible.builtin.local#connection).
    type: int
    default: 10
  become_strip_preamble:
    description: See P(ansible.builtin.local#connection).
    type: bool
    default: true
"""

import contextlib
import json
import math
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

from ansible.errors import AnsibleConnectionFailure, AnsibleOptionsError
from ansible.plugins.connection.local import Connection as LocalConnection
from ansible.plugins.loader import shell_loader

LAB_DIR = Path(__file__).resolve().parents[1]
DEFAULT_STATE_DIR = LAB_DIR.parent / "output" / "lab" / "state"

# Ansible has no setting for a shell plugin directory: the connection registers the lab's before it loads its shell.
shell_loader.add_directory(str(LAB_DIR / "shell_plugins"))


class Connection(LocalConnection):
    """Local execution; the emulated modules find their host through AOVPN_LAB_* variables."""

    transport = "lab_windows"
    _shell_type = "lab_windows"

    def _connect(self) -> LocalConnection:
        if self.get_option("lab_unreachable"):
            raise AnsibleConnectionFailure(f"lab host {self.get_option('lab_host')} is unreachable (lab_unreachable)")
        return super()._connect()

    def lab_environment(self) -> dict[str, str]:
        return {
            "AOVPN_LAB_HOST": self.get_option("lab_host"),
            "AOVPN_LAB_STATE_DIR": str(Path(self.get_option("lab_state_dir") or DEFAULT_STATE_DIR).resolve()),
            "AOVPN_LAB_FAULTS": json.dumps(self.get_option("lab_faults") or []),
            "AOVPN_LAB_LATENCY": self._seconds("lab_latency"),
            "AOVPN_LAB_RESTART_DURATION": self._seconds("lab_restart_duration"),
            "AOVPN_LAB_BOOT_DURATION": self._seconds("lab_boot_duration"),
        }

    def _seconds(self, option: str) -> str:
        value = self.get_option(option)
        if not math.isfinite(value) or value < 0:
            raise AnsibleOptionsError(f"{option} must be a number of seconds, 0 or more; got {value}")
        return repr(float(value))

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        # The lab's ansible.windows (with the emulation's module_utils) is importable once Ansible has set up its collections.
        from ansible_collections.ansible.windows.plugins.module_utils._lab_powershell import PREFIX, run_encoded

        if cmd.startswith(PREFIX):  # a command of ansible.windows' reboot: answered in this process, for this host
            self._connect()
            with _environment(self.lab_environment()):
                rc, stdout, stderr = run_encoded(cmd[len(PREFIX):].strip())
            return rc, stdout.encode(), stderr.encode()
        prefix = " ".join(f"{name}={shlex.quote(value)}" for name, value in self.lab_environment().items())
        return super().exec_command(f"{prefix} {cmd}", in_data=in_data, sudoable=sudoable)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
