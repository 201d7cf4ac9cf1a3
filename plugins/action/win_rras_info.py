# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_rras_info: a few read-only calls, assembled by ``_rras_info``."""

from __future__ import annotations

import typing as t

from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import CURRENT_VERSION_KEY, IKEV2_KEY, REMOTE_ACCESS_PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import REMOTE_ACCESS_SERVICE, RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_info import certificate_store_check, rras_info
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import PARAMETERS_KEY as SSTP_PARAMETERS_KEY


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "certificate_store_check": {"type": "bool", "default": False},
        },
    }

    def run_rras(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # win_service with only a name reads the service and changes nothing.
        service = self._read_module("ansible.windows.win_service", {"name": REMOTE_ACCESS_SERVICE}, task_vars)
        ikev2 = self.read_key(IKEV2_KEY, task_vars)
        # An existing Ikev2 key implies its parent; without the service RRAS is absent either way.
        parameters = ikev2 is not None or (bool(service.get("exists")) and self.read_key(REMOTE_ACCESS_PARAMETERS_KEY, task_vars) is not None)
        info = rras_info(
            service=service,
            remote_access_parameters=parameters,
            sstp_parameters=self.read_key(SSTP_PARAMETERS_KEY, task_vars),
            ikev2_parameters=ikev2,
            current_version=self.read_key(CURRENT_VERSION_KEY, task_vars),
        )
        if args["certificate_store_check"]:
            info["certificate_store"] = None
            if info["sstp"] is not None:
                store = self._read_module("ansible.windows.win_certificate_info", {"store_name": "My", "store_location": "LocalMachine"}, task_vars)
                info["certificate_store"] = certificate_store_check(info["sstp"], store.get("certificates") or [])
        return dict(info, changed=False)

    def _read_module(self, module_name: str, module_args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        result = self.call_module(module_name, module_args, task_vars)
        if result.get("failed"):
            raise RrasActionError(f"{module_name} failed: {result.get('msg', 'unknown error')}", changed=False)
        return result
