# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_ikev2_crl_check: one read of the Ikev2 key, a write only when it differs."""

from __future__ import annotations

import typing as t

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import STATES, crl_check_settings, crl_check_steps
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY, NOT_INSTALLED_MSG, REMOTE_ACCESS_PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryPlan, RegistryProperties


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "state": {"type": "str", "choices": list(STATES), "default": "enabled"},
            "restart": {"type": "bool", "default": False},
        },
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # The Ikev2 key always; RemoteAccess\Parameters only when Ikev2 is missing (is RRAS there at all?).
        ikev2 = self._rras_read_key_under(IKEV2_KEY, REMOTE_ACCESS_PARAMETERS_KEY, NOT_INSTALLED_MSG, task_vars)
        current = ikev2 if ikev2 is not None else RegistryProperties()
        plan = RegistryPlan.from_steps(IKEV2_KEY, current, crl_check_steps(ikev2, args["state"]), crl_check_settings)
        return self._rras_converge(plan, restart=args["restart"], task_vars=task_vars)
