# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real ansible-playbook / ansible against the lab in a private state directory (the pytest ``lab`` fixture's object).

The runs find the state directory through the environment variable ``AOVPN_LAB_STATE_DIR`` in
``Lab.env``, which the lab connection plugin reads as the default of ``lab_state_dir``; ad hoc
``ansible`` and ansible-runner runs given ``Lab.env`` therefore act on the same hosts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import labctl

VENV_BIN = Path(sys.executable).parent


@dataclass
class LabRun:
    """One ansible-playbook or ansible run: its command, exit code and output."""

    command: list[str]
    rc: int
    stdout: str
    stderr: str
    callback: str
    _parsed: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def json(self) -> dict[str, Any]:
        """The ansible.posix.json callback's document."""
        if self.callback != "json":
            raise AssertionError("run with callback='json' to read results")
        if self._parsed is None:
            start = self.stdout.find("{")
            if start < 0:
                raise AssertionError(f"no JSON in output of {self.command}:\n{self.stdout}\n{self.stderr}")
            self._parsed = json.loads(self.stdout[start:])
        return self._parsed

    @property
    def stats(self) -> dict[str, dict[str, int]]:
        return self.json["stats"]

    def failures(self) -> list[str]:
        """``host: task: msg`` of the last failed result of each host that counts a failure (a failure that
        was not ignored ends the host, so it is the last one), for assertion messages."""
        last: dict[str, str] = {}
        for play in self.json["plays"]:
            for entry in play["tasks"]:
                for host, result in entry["hosts"].items():
                    if result.get("failed"):
                        last[host] = f"{host}: {entry['task']['name']}: {result.get('msg') or result}"
        return [line for host, line in last.items() if self.stats.get(host, {}).get("failures")]

    def result(self, host: str, task: str) -> dict[str, Any]:
        """The one result of ``host`` for the task named ``task`` (an assertion error unless there is exactly one)."""
        (found,) = self.results(host, task)
        return found

    def results(self, host: str, task: str | None = None) -> list[dict[str, Any]]:
        """Results of ``host`` in run order, optionally only of tasks named ``task``."""
        found = []
        for play in self.json["plays"]:
            for entry in play["tasks"]:
                if task is not None and entry["task"]["name"] != task:
                    continue
                if host in entry["hosts"]:
                    found.append(entry["hosts"][host])
        return found


def task_play(task: str, module: str, args: dict[str, Any], hosts: str = "lab", ignore_errors: bool = True) -> str:
    """A play of one task named ``task`` on ``hosts``: ``module`` with ``args`` (templates allowed), by default its
    failures ignored so that every host's result can be read."""
    return f"""
- name: {task}
  hosts: {hosts}
  gather_facts: false
  tasks:
    - name: {task}
      {module}: {json.dumps(args)}
      ignore_errors: {json.dumps(ignore_errors)}
"""


_HOOK = """\
- name: Record the {phase} hook call
  ansible.builtin.shell: "printf '%s\\\\n' '{{{{ {{'phase': '{phase}', 'host': inventory_hostname}} | to_json }}}}' >> {log}"
  delegate_to: localhost
  changed_when: false
"""


def recording_hooks(directory: Path) -> tuple[Path, dict[str, str]]:
    """Drain hook task files that record each call: the log, and ``aovpn_rras_{before,after}_restart_tasks`` naming them."""
    log = directory / "hooks.jsonl"
    files = {}
    for phase in ("before", "after"):
        path = directory / f"{phase}.yml"
        path.write_text(_HOOK.format(phase=phase, log=log), encoding="utf-8")
        files[f"aovpn_rras_{phase}_restart_tasks"] = str(path)
    return log, files


def recorded_calls(log: Path) -> list[tuple[str, str]]:
    """``(phase, host)`` of each hook call recorded by :func:`recording_hooks`, in order."""
    return [(entry["phase"], entry["host"]) for entry in map(json.loads, log.read_text(encoding="utf-8").splitlines())] if log.exists() else []


class Lab:
    """Handle on the lab of one test (see the module docstring)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.state_dir = tmp_path / "lab-state"
        self.inventory = labctl.INVENTORY
        self.env = {
            **os.environ,
            "ANSIBLE_CONFIG": str(labctl.ANSIBLE_CFG),
            "ANSIBLE_COLLECTIONS_PATH": str(labctl.COLLECTIONS_PATH),
            "AOVPN_LAB_STATE_DIR": str(self.state_dir),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.env.pop("ANSIBLE_STDOUT_CALLBACK", None)
        self.hosts = sorted(labctl.reset(self.inventory, self.state_dir))
        self.pki = labctl.pki()

    # ---- running ansible

    def _run(self, command: list[str], callback: str, env: dict[str, str] | None) -> LabRun:
        run_env = {**self.env, **(env or {})}
        if callback == "json":
            run_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
            run_env["ANSIBLE_LOAD_CALLBACK_PLUGINS"] = "1"  # ad hoc `ansible` honours the callback only then
        proc = subprocess.run(command, env=run_env, capture_output=True, text=True, check=False, cwd=labctl.REPO_ROOT)
        return LabRun(command, proc.returncode, proc.stdout, proc.stderr, callback)

    @staticmethod
    def _common(extra_vars: dict[str, Any] | None, check: bool, diff: bool, verbosity: int) -> list[str]:
        args = []
        if extra_vars:
            args += ["-e", json.dumps(extra_vars)]
        if check:
            args.append("--check")
        if diff:
            args.append("--diff")
        if verbosity:
            args.append("-" + "v" * verbosity)
        return args

    def playbook(self, playbook: str | Path, *, limit: str | None = None, extra_vars: dict[str, Any] | None = None,
                 check: bool = False, diff: bool = False, verbosity: int = 0, inventory: str | Path | None = None,
                 env: dict[str, str] | None = None, callback: str = "json") -> LabRun:
        """Run ansible-playbook; ``playbook`` is a path or the playbook's YAML text."""
        path = Path(playbook) if isinstance(playbook, Path) or "\n" not in str(playbook) else None
        if path is None:
            handle = tempfile.NamedTemporaryFile("w", suffix=".yml", dir=self.tmp_path, delete=False, encoding="utf-8")
            with handle:
                handle.write(str(playbook))
            path = Path(handle.name)
        command = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory or self.inventory), str(path)]
        if limit:
            command += ["--limit", limit]
        command += self._common(extra_vars, check, diff, verbosity)
        return self._run(command, callback, env)

    def adhoc(self, pattern: str, module: str, args: str | dict[str, Any] = "", *, check: bool = False, diff: bool = False,
              extra_vars: dict[str, Any] | None = None, inventory: str | Path | None = None, callback: str = "json") -> LabRun:
        """Run ``ansible PATTERN -m MODULE -a ARGS`` (``args`` as k=v text or a dict sent as JSON)."""
        command = [str(VENV_BIN / "ansible"), "-i", str(inventory or self.inventory), pattern, "-m", module]
        if args:
            command += ["-a", args if isinstance(args, str) else json.dumps(args)]
        command += self._common(extra_vars, check, diff, 0)
        return self._run(command, callback, None)

    def close(self) -> None:
        """Stop every SSTP listener the test's hosts started (any state directory under ``tmp_path``) and give back their addresses."""
        labctl.release_addresses(sorted(path.parent for path in self.tmp_path.rglob(labctl.lab_host.LISTENER_FILE)))

    def listener(self, host: str) -> dict[str, Any] | None:
        """What the host's SSTP listener serves (``{address, port, pid, error, https}``), None when none runs."""
        return self.state(host)["services"].get("RemoteAccess", {}).get("sstp_listener")

    # ---- state and journal

    def _host(self, host: str):
        return labctl.lab_host.LabHost(host, str(self.state_dir))

    def journal(self, host: str) -> list[dict[str, Any]]:
        return self._host(host).journal()

    def modules(self, host: str) -> list[str]:
        """The modules of the journaled calls of ``host``, in order."""
        return [entry["module"] for entry in self.journal(host)]

    def clear_journal(self, host: str | None = None) -> None:
        for name in [host] if host else self.hosts:
            self._host(name).clear_journal()

    def state(self, host: str) -> dict[str, Any]:
        return self._host(host).load()

    def events(self, host: str, source: str | None = "RasSstp") -> list[dict[str, Any]]:
        """The host's event log (``{time_ns, source, event_id, level, message}``, oldest first), by default RasSstp's."""
        return labctl.lab_host.events(self.state(host), source)

    def reg_values(self, host: str, key_path: str) -> dict[str, dict[str, Any]] | None:
        """``{name: {type, value}}`` of a key (names as stored), None if the key is missing."""
        key = labctl.lab_host.get_key(self.state(host), key_path)
        return None if key is None else json.loads(json.dumps(key["values"]))

    def _edit(self, host: str, edit) -> None:
        lab_host = self._host(host)
        with lab_host.locked():
            state = lab_host.load()
            edit(state)
            lab_host.save(state)

    def set_reg_value(self, host: str, key_path: str, name: str, reg_type: str, value: Any) -> None:
        """Arrange a start state: write a value (creating the key) without going through a module."""
        self._edit(host, lambda state: labctl.lab_host.set_value(labctl.lab_host.create_key(state, key_path), name, reg_type, value))

    def delete_reg_value(self, host: str, key_path: str, name: str) -> None:
        def edit(state: dict[str, Any]) -> None:
            key = labctl.lab_host.get_key(state, key_path)
            if key is not None:
                labctl.lab_host.delete_value(key, name)

        self._edit(host, edit)

    def set_service(self, host: str, name: str, **fields: Any) -> None:
        """Arrange a start state: create service ``name`` or change its fields (``state``, ``start_mode``, ``dependencies``...)."""
        def edit(state: dict[str, Any]) -> None:
            state["services"].setdefault(name, {"state": "stopped", "start_mode": "manual", "dependencies": []}).update(fields)

        self._edit(host, edit)

    def inventory_with(self, host_vars: dict[str, dict[str, Any]]) -> Path:
        """A copy of the lab inventory with extra host vars (e.g. ``lab_faults``) merged in."""
        unknown = set(host_vars) - set(self.hosts)
        if unknown:
            raise AssertionError(f"not lab hosts: {sorted(unknown)} (the lab has {self.hosts})")
        data = yaml.safe_load(Path(self.inventory).read_text(encoding="utf-8"))

        def merge(group: dict[str, Any]) -> None:
            for name, variables in (group.get("hosts") or {}).items():
                if name in host_vars:
                    group["hosts"][name] = {**(variables or {}), **host_vars[name]}
            for child in (group.get("children") or {}).values():
                merge(child or {})

        for group in data.values():
            merge(group)
        handle = tempfile.NamedTemporaryFile("w", suffix=".yml", dir=self.tmp_path, delete=False, encoding="utf-8")
        with handle:
            yaml.safe_dump(data, handle, sort_keys=False)
        return Path(handle.name)
