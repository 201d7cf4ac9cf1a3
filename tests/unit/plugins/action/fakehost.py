# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A fake Windows host for the action plugins: ``_execute_module`` replaced by a recorder.

Import as ``ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost``.

It answers ``win_reg_stat``, ``win_regedit``, ``win_service``, ``win_feature_info`` and ``win_certificate_info``
following the ansible.windows 3.3.0 return contract (see docs in shared/reference), keeps one
registry in memory and can fail a chosen write, like the lab's ``lab_faults``.
"""

from __future__ import annotations

import base64
import typing as t
from dataclasses import dataclass, field

from ansible.errors import AnsibleConnectionFailure

_STAT_TYPES = {"binary": "REG_BINARY", "dword": "REG_DWORD", "qword": "REG_QWORD", "string": "REG_SZ"}


@dataclass
class FakeCertificate:
    der: bytes
    thumbprint: str
    has_private_key: bool = True


@dataclass
class FakeHost:
    """In-memory registry: ``keys[path][name] = (reg type, value)``; ``calls`` records every module call."""

    keys: dict[str, dict[str, tuple[str, t.Any]]] = field(default_factory=dict)
    certificates: list[FakeCertificate] = field(default_factory=list)
    fail_write: str | None = None
    fail_restart: bool = False
    lose_connection_at: str | None = None
    """Name of a value whose write raises AnsibleConnectionFailure (the write is not made), like a lost WinRM connection."""
    service_exists: bool = True
    start_mode: str = "auto"
    """``disabled`` = RRAS not configured (or the role not installed: see :attr:`role_installed`)."""
    role_installed: bool = True
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

    def modules(self) -> list[str]:
        return [name.rsplit(".", 1)[-1] for name, dummy in self.calls]

    def _win_reg_stat(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        key = self.keys.get(args["path"])
        if key is None:
            return {"changed": False, "exists": False}
        properties = {}
        for name, (reg_type, value) in key.items():
            raw = [f"0x{byte:02x}" for byte in value] if reg_type == "REG_BINARY" else value
            properties[name] = {"type": reg_type, "value": list(value) if reg_type == "REG_BINARY" else value, "raw_value": raw}
        return {"changed": False, "exists": True, "properties": properties, "sub_keys": []}

    def _win_regedit(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        if self.lose_connection_at is not None and args["name"].lower() == self.lose_connection_at.lower():
            raise AnsibleConnectionFailure("ntlm: HTTPSConnectionPool(host='vpn1', port=5986): Read timed out.")
        if self.fail_write is not None and args["name"].lower() == self.fail_write.lower():
            return {"failed": True, "msg": "Access is denied", "changed": False}
        key = self.keys.setdefault(args["path"], {})
        existing = next((name for name in key if name.lower() == args["name"].lower()), None)
        if args.get("state") == "absent":
            if existing is not None:
                del key[existing]
            return {"changed": existing is not None}
        value = bytes(args["data"]) if args["type"] == "binary" else args["data"]
        key[existing or args["name"]] = (_STAT_TYPES[args["type"]], value)
        return {"changed": True}

    def _win_service(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        if not self.service_exists:
            return {"changed": False, "exists": False}
        if "state" not in args:  # name only: a read
            state = "stopped" if self.start_mode == "disabled" else "running"
            return {"changed": False, "exists": True, "name": args["name"], "state": state, "start_mode": self.start_mode}
        if self.fail_restart:
            return {"failed": True, "msg": "Service RemoteAccess did not start", "changed": False}
        return {"changed": True, "exists": True, "name": args["name"], "state": "running"}

    def _win_feature_info(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        features = [{"name": name, "installed": self.role_installed, "install_state": "Installed" if self.role_installed else "Available",
                     "feature_type": "Role" if name == "RemoteAccess" else "Role Service"}
                    for name in ("RemoteAccess", "DirectAccess-VPN", "Routing") if args.get("name", "*") in ("*", name)]
        return {"changed": False, "exists": bool(features), "features": features}

    def _win_certificate_info(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        found = [
            {"thumbprint": cert.thumbprint, "has_private_key": cert.has_private_key, "raw": base64.b64encode(cert.der).decode()}
            for cert in self.certificates
            if "thumbprint" not in args or cert.thumbprint == args["thumbprint"].upper()
        ]
        return {"changed": False, "exists": bool(found), "certificates": found}
