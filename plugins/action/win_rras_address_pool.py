# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_rras_address_pool: the size checked before the host is touched, one read of the Ip key."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    IP_KEY,
    IP_KEY_MISSING_MSG,
    address_pool_settings,
    address_pool_size_error,
    address_pool_steps,
    static_pool_warning,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryPlan


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "initial_size": {"type": "int", "required": True},
            "restart": {"type": "bool", "default": False},
        },
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        error = address_pool_size_error(args["initial_size"])
        if error:
            raise AnsibleActionFail(error)
        ip = self._rras_read_key(IP_KEY, task_vars)
        if ip is None:
            raise RrasActionError(IP_KEY_MISSING_MSG, changed=False)
        warning = static_pool_warning(ip)
        if warning:
            self._rras_warn(warning)
        plan = RegistryPlan.from_steps(IP_KEY, ip, address_pool_steps(ip, args["initial_size"]), address_pool_settings)
        return self._rras_converge(plan, restart=args["restart"], task_vars=task_vars)
