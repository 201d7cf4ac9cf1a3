# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A fake Windows host for the action plugins: ``_execute_module`` replaced by a recorder that runs the lab's modules.

Import as ``ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost``.

The answers come from the lab's emulation of ansible.windows (``tests/lab/windows_emulation``: ``win_reg_stat``,
``win_regedit``, ``win_service``, ``win_feature_info``, ``win_certificate_info``), run in memory on a host state
made from this object (``_lab_host.apply_call``) after the call is checked against the module's options, so the unit
tests and the lab share one model of the ansible.windows contract, the one ``tests/functional/lab/test_contract.py``
checks against the real ansible.windows sources. The PowerShell commands of ansible.windows' reboot that an action
sends through the connection (the boot time) are answered by the lab's ``_lab_powershell`` (:meth:`FakeHost.exec_command`,
the connection's ``exec_command``). A chosen write, restart or boot time read fails through the lab's faults
(``lab_faults``); the host's SSTP listener (a process) is left out.
"""

from __future__ import annotations

import base64
import functools
import types
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from aovpn_testing import load_by_path

EMULATION = Path(__file__).resolve().parents[3] / "lab" / "windows_emulation" / "plugins"
_MODULE_UTILS = "ansible_collections.ansible.windows.plugins.module_utils."
# the lab's modules import their helpers from ansible.windows, where labctl installs them; in dependency order
_LAB_UTILS = ("_lab_host", "_lab_certs", "_lab_listener", "_lab_rras", "_lab_services", "_lab_powershell")
HANDLERS = {"win_reg_stat": "stat", "win_regedit": "regedit", "win_service": "service", "win_feature_info": "feature_info",
            "win_certificate_info": "info"}
"""Module -> the function of its lab emulation that serves a call."""
ROLE_FEATURES = ("RemoteAccess", "DirectAccess-VPN", "Routing")


@functools.lru_cache(maxsize=None)
def lab() -> types.SimpleNamespace:
    """The lab's host model and emulated modules, loaded by path once."""
    utils = {}
    for util in _LAB_UTILS:
        utils[util] = load_by_path(_MODULE_UTILS + util, EMULATION / "module_utils" / f"{util}.py")
        if util == "_lab_listener":
            # no listener process in unit tests (patched before the modules that import it are loaded)
            utils[util].follow = lambda state, service: None
    modules = {name: load_by_path(f"aovpn_lab_modules.{name}", EMULATION / "modules" / f"{name}.py") for name in HANDLERS}
    return types.SimpleNamespace(host=utils["_lab_host"], services=utils["_lab_services"], powershell=utils["_lab_powershell"], modules=modules)


@dataclass
class FakeCertificate:
    der: bytes
    thumbprint: str
    has_private_key: bool = True


def _stored(reg_type: str, value: t.Any) -> t.Any:
    return list(value) if reg_type in ("REG_BINARY", "REG_NONE") else value


def _kept(entry: dict[str, t.Any]) -> tuple[str, t.Any]:
    return entry["type"], bytes(entry["value"]) if entry["type"] in ("REG_BINARY", "REG_NONE") else entry["value"]


@dataclass
class FakeHost:
    """In-memory host: ``keys[path][name] = (reg type, value)`` (bytes for binary); ``calls`` records every module call."""

    keys: dict[str, dict[str, tuple[str, t.Any]]] = field(default_factory=dict)
    certificates: list[FakeCertificate] = field(default_factory=list)
    fail_write: str | None = None
    """Name of a value whose write fails with ``Access is denied`` (a lab fault)."""
    fail_restart: bool = False
    lose_connection_at: str | None = None
    """Name of a value whose write raises AnsibleConnectionFailure (the write is not made), like a lost WinRM connection."""
    service_exists: bool = True
    start_mode: str = "auto"
    """``disabled`` = RRAS not configured (or the role not installed: see :attr:`role_installed`)."""
    role_installed: bool = True
    boot_filetime: int | None = None
    """The host's last boot time (FILETIME); ``None``: the lab's seeded host's. A test boots the host by changing it."""
    fail_boot_time: bool = False
    calls: list[tuple[str, dict[str, t.Any]]] = field(default_factory=list)
    _arg_dicts: list[dict[str, t.Any]] = field(default_factory=list)

    def __call__(
        self, module_name: str | None = None, module_args: dict[str, t.Any] | None = None, task_vars: t.Any = None, **kwargs: t.Any
    ) -> dict[str, t.Any]:
        assert module_name, "always pass module_name"
        assert module_args is not None and not any(module_args is seen for seen in self._arg_dicts), "pass a fresh args dict each call"
        args = dict(module_args)
        self.calls.append((module_name, args))
        self._arg_dicts.append(module_args)
        module_args["_ansible_check_mode"] = False  # the real call changes its args dict in place
        handler = getattr(self, "_" + module_name.rsplit(".", 1)[-1])
        return handler(args)

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        """The connection's ``exec_command``: a PowerShell command of ansible.windows' reboot, answered by the lab, recorded as
        ``("powershell", {"command": <kind>})``; the lab's answer to a reboot is not kept (a test boots with :attr:`boot_filetime`)."""
        prefix = "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand "
        assert cmd.startswith(prefix) and in_data is None and not sudoable, cmd
        faults = [{"module": "powershell", "command": "boot_time", "msg": "Get-CimInstance : Access denied"}] if self.fail_boot_time else []
        (rc, stdout, stderr), entry, dummy = lab().powershell.respond(self._state(), cmd[len(prefix):], faults)
        self.calls.append(("powershell", dict(entry["args"])))
        return rc, stdout.encode(), stderr.encode()

    def modules(self) -> list[str]:
        return [name.rsplit(".", 1)[-1] for name, dummy in self.calls]

    # each module can be replaced by a test (``host._win_reg_stat = lambda args: ...``)
    def _win_reg_stat(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        return self._run("win_reg_stat", args)

    def _win_regedit(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        if self.lose_connection_at is not None and args["name"].lower() == self.lose_connection_at.lower():
            raise AnsibleConnectionFailure("ntlm: HTTPSConnectionPool(host='vpn1', port=5986): Read timed out.")
        return self._run("win_regedit", args)

    def _win_service(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        return self._run("win_service", args)

    def _win_feature_info(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        return self._run("win_feature_info", args)

    def _win_certificate_info(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        return self._run("win_certificate_info", args)

    def _run(self, name: str, args: dict[str, t.Any]) -> dict[str, t.Any]:
        """The lab module ``name`` on the state of this host; a successful call's registry changes come back to :attr:`keys`."""
        model, module = lab(), lab().modules[name]
        checked = ArgumentSpecValidator(module.ARGUMENT_SPEC).validate(args)
        if checked.error_messages:
            return {"failed": True, "changed": False, "msg": "; ".join(checked.error_messages)}
        state = self._state()
        result, kept = model.host.apply_call(state, getattr(module, HANDLERS[name]), checked.validated_parameters, False,
                                             model.host.matching_fault(state, self._faults(), name, args))
        if kept is not state:
            self._keep_registry(kept["registry"], args.get("path") if name == "win_regedit" else None)
        return result

    def _faults(self) -> list[dict[str, t.Any]]:
        faults: list[dict[str, t.Any]] = []
        if self.fail_write is not None:
            faults.append({"module": "win_regedit", "name": self.fail_write, "msg": "Access is denied"})
        if self.fail_restart:
            faults.append({"module": "win_service", "state": "restarted", "msg": "Service RemoteAccess did not start"})
        return faults

    def _state(self) -> dict[str, t.Any]:
        """The lab's host state of this fake: its keys (no implied parent keys), RemoteAccess and IKEEXT, the role, LocalMachine\\My."""
        norm_key = lab().host.norm_key
        registry = {
            norm_key(path): {"path": path, "values": {name: {"type": kind, "value": _stored(kind, value)} for name, (kind, value) in values.items()}}
            for path, values in self.keys.items()
        }
        services = {"IKEEXT": {"start_mode": "auto", "state": "running"}}
        if self.service_exists:
            services["RemoteAccess"] = {"start_mode": self.start_mode, "state": "stopped" if self.start_mode == "disabled" else "running"}
        features = [{"name": name, "installed": self.role_installed, "feature_type": "Role" if name == "RemoteAccess" else "Role Service"}
                    for name in ROLE_FEATURES]
        store = [{"der_b64": base64.b64encode(cert.der).decode(), "has_private_key": cert.has_private_key} for cert in self.certificates]
        boot = lab().services.boot_record({}) if self.boot_filetime is None else {"count": 1, "filetime": self.boot_filetime}
        return {"registry": registry, "services": services, "features": features, "cert_stores": {"LocalMachine\\My": store}, "files": {},
                "boot": boot}

    def _keep_registry(self, registry: dict[str, dict[str, t.Any]], written: str | None) -> None:
        """The keys after a call: those the fake had and the one written (not the parents the lab creates with it)."""
        norm_key = lab().host.norm_key
        kept = {norm_key(path) for path in self.keys} | ({norm_key(written)} if written else set())
        self.keys = {key["path"]: {name: _kept(entry) for name, entry in key["values"].items()} for lookup, key in registry.items() if lookup in kept}
