# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_rras_info: a few read-only calls, assembled by ``_rras_info``."""

from __future__ import annotations

import typing as t

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import HARDENING_INFO_KEYS, hardening_info
from ansible_collections.aovpn.rras.plugins.plugin_utils._http_sys import binding_addresses, binding_key
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import CURRENT_VERSION_KEY, IKEV2_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_info import certificate_store_check, rras_info
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import PARAMETERS_KEY as SSTP_PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import sstp_settings


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "certificate_store_check": {"type": "bool", "default": False},
            "hardening_check": {"type": "bool", "default": False},
        },
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        sstp = self._rras_read_key(SSTP_PARAMETERS_KEY, task_vars)
        bindings = []
        if sstp is not None:
            bindings = [(address, self._rras_read_key(binding_key(address), task_vars))
                        for address in binding_addresses(sstp_settings(sstp)["listener_port"])]
        service = self._rras_read_service(task_vars)
        features = self._rras_read_role_features(task_vars)
        ikev2 = self._rras_read_key(IKEV2_KEY, task_vars)
        info = rras_info(
            service=service,
            features=features,
            sstp_parameters=sstp,
            ikev2_parameters=ikev2,
            current_version=self._rras_read_key(CURRENT_VERSION_KEY, task_vars),
            http_sys_bindings=bindings,
        )
        if args["certificate_store_check"]:
            info["certificate_store"] = None
            if info["sstp"] is not None:
                info["certificate_store"] = certificate_store_check(info["sstp"], self._rras_read_machine_store(task_vars))
        if args["hardening_check"]:
            info["hardening"] = None
            if info["rras_installed"]:
                keys = {path: self._rras_read_key(path, task_vars) for path in HARDENING_INFO_KEYS}
                info["hardening"] = hardening_info(ikev2, keys, info["os"]["build"])
        return dict(info, changed=False)
