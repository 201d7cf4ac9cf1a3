# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-host state, journal and fault injection shared by the lab's emulated ansible.windows modules.

The lab replaces a Windows host by a JSON document on disk (``<state_dir>/<host>/state.json``):
registry keys and values with their types, services, certificate stores and a small file system.
Every emulated module call is appended to ``journal.jsonl`` next to it, so tests can prove what a
run read and wrote. This file has no Ansible imports so the lab's ``labctl.py`` can load it as a
plain module too.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import fcntl
import json
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

STATE_FILE = "state.json"
JOURNAL_FILE = "journal.jsonl"
LOCK_FILE = ".lock"
EVENT_LOG = "event_log"

ENV_HOST = "AOVPN_LAB_HOST"
ENV_STATE_DIR = "AOVPN_LAB_STATE_DIR"
ENV_FAULTS = "AOVPN_LAB_FAULTS"
ENV_LATENCY = "AOVPN_LAB_LATENCY"
ENV_RESTART_DURATION = "AOVPN_LAB_RESTART_DURATION"
ENV_BOOT_DURATION = "AOVPN_LAB_BOOT_DURATION"

SSTP_PARAMETERS = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
REG_PATH_RE = re.compile(r"^HK(CC|CR|CU|LM|U):\\")
REG_TYPES = ("REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_DWORD", "REG_QWORD", "REG_BINARY", "REG_NONE")


class LabError(Exception):
    """A failure the emulated module reports like the real module would (``failed: true``)."""


# ---------------------------------------------------------------------------------------------
# registry


def norm_key(path: str) -> str:
    """Lookup form of a registry key path: case-insensitive, no trailing or doubled backslashes."""
    return "\\".join(part for part in path.split("\\") if part).lower()


def _clean_key(path: str) -> str:
    return "\\".join(part for part in path.split("\\") if part)


def get_key(state: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The stored key (``{"path": casing as created, "values": {...}}``) or None."""
    return state["registry"].get(norm_key(path))


def create_key(state: dict[str, Any], path: str) -> dict[str, Any]:
    """Create a key and any missing parents, like ``RegistryKey.CreateSubKey``."""
    parts = _clean_key(path).split("\\")
    key: dict[str, Any] | None = None
    for depth in range(2, len(parts) + 1):
        sub_path = "\\".join(parts[:depth])
        key = state["registry"].setdefault(sub_path.lower(), {"path": sub_path, "values": {}})
    if key is None:  # a hive root such as HKLM:\ is always there
        key = state["registry"].setdefault(parts[0].lower(), {"path": parts[0], "values": {}})
    return key


def delete_key_tree(state: dict[str, Any], path: str) -> None:
    prefix = norm_key(path)
    for name in [k for k in state["registry"] if k == prefix or k.startswith(prefix + "\\")]:
        del state["registry"][name]


def sub_key_names(state: dict[str, Any], path: str) -> list[str]:
    prefix = norm_key(path) + "\\"
    names = []
    for lookup, key in state["registry"].items():
        if lookup.startswith(prefix) and "\\" not in lookup[len(prefix):]:
            names.append(key["path"].rsplit("\\", 1)[-1])
    return sorted(names, key=str.lower)


def find_value(key: dict[str, Any], name: str) -> str | None:
    """The stored name of a value matched case-insensitively, as Windows does."""
    for stored in key["values"]:
        if stored.lower() == name.lower():
            return stored
    return None


def set_value(key: dict[str, Any], name: str, reg_type: str, value: Any) -> None:
    if reg_type not in REG_TYPES:
        raise LabError(f"unknown registry type {reg_type}")
    stored = find_value(key, name)
    key["values"][stored if stored is not None else name] = {"type": reg_type, "value": value}


def delete_value(key: dict[str, Any], name: str) -> bool:
    stored = find_value(key, name)
    if stored is None:
        return False
    del key["values"][stored]
    return True


# ---------------------------------------------------------------------------------------------
# emulated file system (paths compared case-insensitively, separators normalised to backslash)


def norm_file(path: str) -> str:
    return _clean_file(path).lower()


def _clean_file(path: str) -> str:
    path = path.replace("/", "\\")
    drive, _colon, rest = path.partition(":")
    parts = [part for part in rest.split("\\") if part]
    return "\\".join([drive.upper() + ":"] + parts) if parts else drive.upper() + ":\\"


def get_file(state: dict[str, Any], path: str) -> dict[str, Any] | None:
    return state["files"].get(norm_file(path))


def parent_path(path: str) -> str:
    clean = _clean_file(path)
    return clean.rsplit("\\", 1)[0] if clean.count("\\") > 1 else clean.split("\\", 1)[0] + "\\"


def put_file(state: dict[str, Any], path: str, kind: str, content: bytes | None = None) -> None:
    entry: dict[str, Any] = {"path": _clean_file(path), "type": kind}
    if kind == "file":
        entry["content_b64"] = base64.b64encode(content or b"").decode("ascii")
    state["files"][norm_file(path)] = entry


def delete_file_tree(state: dict[str, Any], path: str) -> None:
    prefix = norm_file(path)
    for name in [k for k in state["files"] if k == prefix or k.startswith(prefix + "\\")]:
        del state["files"][name]


def is_directory(state: dict[str, Any], path: str) -> bool:
    if re.match(r"^[A-Za-z]:\\?$", path.replace("/", "\\")):
        return True
    entry = get_file(state, path)
    return entry is not None and entry["type"] == "directory"


# ---------------------------------------------------------------------------------------------
# certificate stores


def store_entries(state: dict[str, Any], location: str, name: str, create: bool = False) -> list[dict[str, Any]] | None:
    """Entries (``{der_b64, has_private_key, ...}``) of store ``location\\name``, matched case-insensitively."""
    wanted = f"{location}\\{name}"
    for stored, entries in state["cert_stores"].items():
        if stored.lower() == wanted.lower():
            return entries
    if not create:
        return None
    return state["cert_stores"].setdefault(wanted, [])


# ---------------------------------------------------------------------------------------------
# event log


def log_event(state: dict[str, Any], source: str, event_id: int, level: str, message: str) -> None:
    """Append an event ``{time_ns, source, event_id, level, message}`` to the host's event log."""
    state.setdefault(EVENT_LOG, []).append(
        {"time_ns": time.time_ns(), "source": source, "event_id": event_id, "level": level, "message": message})


def events(state: dict[str, Any], source: str | None = None) -> list[dict[str, Any]]:
    """The host's events in the order logged, optionally only those of ``source``."""
    return [e for e in state.get(EVENT_LOG, []) if source is None or e["source"] == source]


# ---------------------------------------------------------------------------------------------
# host state on disk


class LabHost:
    """One emulated host: its state file, journal and lock."""

    def __init__(self, name: str, state_dir: str) -> None:
        if not name or "/" in name or name.startswith("."):
            raise LabError(f"invalid lab host name {name!r}")
        self.name = name
        self.directory = os.path.join(state_dir, name)

    @property
    def state_path(self) -> str:
        return os.path.join(self.directory, STATE_FILE)

    @property
    def journal_path(self) -> str:
        return os.path.join(self.directory, JOURNAL_FILE)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive lock over state and journal; forks may run modules of one host concurrently."""
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, LOCK_FILE), "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def load(self) -> dict[str, Any]:
        try:
            with open(self.state_path, encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            raise LabError(f"lab host {self.name} has no state in {self.directory}: run 'labctl.py reset'") from None

    def save(self, state: dict[str, Any]) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half a state."""
        os.makedirs(self.directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".state-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.state_path)

    def journal(self) -> list[dict[str, Any]]:
        try:
            with open(self.journal_path, encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []

    def append_journal(self, state: dict[str, Any], entry: dict[str, Any]) -> None:
        lab = state.setdefault("_lab", {})
        lab["seq"] = lab.get("seq", 0) + 1
        record = {"seq": lab["seq"], "time_ns": time.time_ns(), **entry}
        with open(self.journal_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True) + "\n")

    def clear_journal(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.journal_path)


# ---------------------------------------------------------------------------------------------
# the SSTP listener of a host whose RemoteAccess runs (_lab_listener.py starts it; tests/lab/README.md)

LISTENER_FILE = "listener.json"  # {"address": "127.x.y.z", "server": ".../tests/lab/tls_endpoint.py"}, written by labctl reset
LISTENER_PID_FILE = "listener.pid"
# Without the right to bind ports below 1024 (not root, net.ipv4.ip_unprivileged_port_start above them), every
# host's listener takes this port on its own address instead, and the lab's vars plugin sets aovpn_rras_health_port to it.
UNPRIVILEGED_LISTENER_PORT = 10443


def privileged_ports_allowed() -> bool:
    if os.geteuid() == 0:
        return True
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start", encoding="ascii") as handle:
            return int(handle.read().strip()) <= 80
    except (OSError, ValueError):
        return False


def listener_port(port: int) -> int:
    """The real port a host's listener for SSTP port ``port`` binds on its loopback address."""
    return port if port >= 1024 or privileged_ports_allowed() else UNPRIVILEGED_LISTENER_PORT


def listener_config(directory: str) -> dict[str, str] | None:
    """``<host dir>/listener.json``: the host's own loopback ``address`` and the ``server`` script; None before a reset wrote it."""
    try:
        with open(os.path.join(directory, LISTENER_FILE), encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        return None
    return config if isinstance(config, dict) and {"address", "server"} <= set(config) else None


def process_running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _is_listener(pid: int, pid_file: str) -> bool:
    """Whether ``pid`` is the listener of this pid file (its command line names it; a recycled pid is not)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = handle.read().split(b"\0")
    except OSError:
        return False
    return process_running(pid) and pid_file.encode() in argv


def stop_listener(directory: str, wait: float = 5.0) -> bool:
    """Stop the host's listener, if one runs (SIGTERM, then SIGKILL), and forget it. True if one was stopped."""
    pid_file = os.path.join(directory, LISTENER_PID_FILE)
    try:
        with open(pid_file, encoding="ascii") as handle:
            pid = int(handle.read().strip() or 0)
    except (OSError, ValueError):
        return False
    with contextlib.suppress(FileNotFoundError):
        os.remove(pid_file)  # a listener whose pid file is gone stops by itself within half a second
    if not pid or not _is_listener(pid, pid_file):
        return False
    for sig, seconds in ((signal.SIGTERM, wait), (signal.SIGKILL, wait)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            # not _is_listener: an exiting process has an empty command line before it is gone
            if not process_running(pid):
                return True
            time.sleep(0.02)
    return True


# ---------------------------------------------------------------------------------------------
# faults


def _matches(fault: dict[str, Any], module: str, args: dict[str, Any]) -> bool:
    if str(fault.get("module", "")).rsplit(".", 1)[-1].lower() != module.lower():
        return False
    lowered = {k.lower(): v for k, v in args.items()}
    for key, expected in fault.items():
        if key in ("module", "msg", "after"):
            continue
        actual = lowered.get(key.lower())
        if actual is None or str(actual).lower() != str(expected).lower():
            return False
    return True


def matching_fault(state: dict[str, Any], faults: list[dict[str, Any]], module: str, args: dict[str, Any]) -> str | None:
    """Message of the first fault that applies to this call; counts matches for ``after: N``."""
    hits = state.setdefault("_lab", {}).setdefault("fault_hits", {})
    for fault in faults:
        if not _matches(fault, module, args):
            continue
        key = json.dumps(fault, sort_keys=True)
        hits[key] = hits.get(key, 0) + 1
        if hits[key] >= int(fault.get("after", 1)):
            return str(fault.get("msg", "Access is denied"))
    return None


def faults_from_env(environ: dict[str, str]) -> list[dict[str, Any]]:
    raw = environ.get(ENV_FAULTS) or "[]"
    faults = json.loads(raw)
    if not isinstance(faults, list) or not all(isinstance(f, dict) and "module" in f for f in faults):
        raise LabError(f"lab_faults must be a list of dicts with a 'module' key, got {raw}")
    return faults


def sleep_from_env(variable: str) -> None:
    """Sleep the seconds in environment ``variable`` (set by the lab connection from ``lab_latency`` /
    ``lab_restart_duration`` / ``lab_boot_duration``; unset or empty: no sleep)."""
    raw = os.environ.get(variable) or "0"
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise LabError(f"{variable} must be a number of seconds, 0 or more; got {raw!r}")
    time.sleep(seconds)


# ---------------------------------------------------------------------------------------------
# running one module call


Handler = Callable[[dict[str, Any], dict[str, Any], bool], dict[str, Any]]


def apply_call(state: dict[str, Any], handler: Handler, params: dict[str, Any], check_mode: bool,
               fault: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """One module call on ``state`` in memory: ``(result, the state to keep)``.

    ``fault`` (a matching lab fault's message) fails the call. The handler works on a copy, kept only when the call
    succeeded outside check mode, so a faulted or check-mode call provably writes nothing. The unit tests' fake host
    (``tests/unit/plugins/action/fakehost.py``) runs the emulated modules through this too.
    """
    work = copy.deepcopy(state)
    try:
        if fault is not None:
            raise LabError(fault)
        result = handler(work, params, check_mode)
    except LabError as error:
        result = {"failed": True, "changed": False, "msg": str(error)}
    return result, (work if not result.get("failed") and not check_mode else state)


def run_call(module: Any, name: str, handler: Handler) -> None:
    """Run ``handler(state, params, check_mode)`` under the host lock, journal it, exit like the real module.

    ``module`` is an AnsibleModule. The handler returns the result dict and changes the state it
    is given in place; it raises LabError to fail. The changed state is kept only when the call
    succeeded outside check mode, so a faulted or check-mode call provably writes nothing.
    """
    host_name = os.environ.get(ENV_HOST)
    state_dir = os.environ.get(ENV_STATE_DIR)
    if not host_name or not state_dir:
        module.fail_json(msg=f"not running under the lab connection: {ENV_HOST}/{ENV_STATE_DIR} unset")
    try:
        sleep_from_env(ENV_LATENCY)  # the round trip of this call (lab_latency), outside the host lock
    except LabError as error:
        module.fail_json(msg=str(error))
    host = LabHost(host_name, state_dir)
    secret = {k for k, spec in module.argument_spec.items() if spec.get("no_log")}
    args = {k: v for k, v in module.params.items() if v is not None and k not in secret}
    with host.locked():
        try:
            state = host.load()
            fault = matching_fault(state, faults_from_env(dict(os.environ)), name, args)
        except LabError as error:
            module.fail_json(msg=str(error))
        result, state = apply_call(state, handler, module.params, module.check_mode, fault)
        entry = {
            "module": name,
            "args": args,
            "check_mode": module.check_mode,
            "diff_mode": module._diff,  # pylint: disable=protected-access
            "changed": bool(result.get("changed", False)),
            "failed": bool(result.get("failed", False)),
        }
        if "msg" in result:
            entry["msg"] = result["msg"]
        host.append_journal(state, entry)
        host.save(state)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
