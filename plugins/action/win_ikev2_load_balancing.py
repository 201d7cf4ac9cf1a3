# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_ikev2_load_balancing: one read of IKEEXT\\Parameters; IKEEXT (not RemoteAccess) restarts it."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    DEFAULT_ESTABLISHED_FOR_INITIAL_QUERY,
    IKEEXT_MISSING_MSG,
    IKEEXT_PARAMETERS_KEY,
    IKEEXT_RESTART,
    IKEEXT_SERVICE_KEY,
    established_for_initial_query_error,
    load_balancing_settings,
    load_balancing_steps,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryPlan, RegistryProperties


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "established_for_initial_query": {"type": "int", "default": DEFAULT_ESTABLISHED_FOR_INITIAL_QUERY},
            "restart": {"type": "bool", "default": False},
        },
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        value = args["established_for_initial_query"]
        error = established_for_initial_query_error(value)
        if error:
            raise AnsibleActionFail(error)
        # IKEEXT\Parameters; the service key only when Parameters is missing (a write creates Parameters under it).
        parameters = self._rras_read_key_under(IKEEXT_PARAMETERS_KEY, IKEEXT_SERVICE_KEY, IKEEXT_MISSING_MSG, task_vars)
        current = parameters if parameters is not None else RegistryProperties()
        plan = RegistryPlan.from_steps(IKEEXT_PARAMETERS_KEY, current, load_balancing_steps(parameters, value), load_balancing_settings,
                                       {"restart_service": IKEEXT_RESTART.service})
        return self._rras_converge(plan, restart=args["restart"], task_vars=task_vars, service=IKEEXT_RESTART)
