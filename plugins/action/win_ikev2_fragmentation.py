# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_ikev2_fragmentation: reads first, checks the build only when it must write."""

from __future__ import annotations

import typing as t

from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import (
    IKEV2_KEY,
    NOT_INSTALLED_MSG,
    REMOTE_ACCESS_PARAMETERS_KEY,
    STATES,
    check_build,
    fragmentation_steps,
    ikev2_settings,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryPlan, RegistryProperties


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "state": {"type": "str", "choices": list(STATES), "default": "enabled"},
            "restart": {"type": "bool", "default": False},
            "allow_unsupported_build": {"type": "bool", "default": False},
        },
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # Round trips: the Ikev2 key always; RemoteAccess\Parameters only when Ikev2 is missing (is
        # RRAS there at all?); CurrentVersion only when enabling needs a write and no Windows facts were
        # gathered nor known from an earlier module of the run. Steady state: one read.
        ikev2 = self._rras_read_key_under(IKEV2_KEY, REMOTE_ACCESS_PARAMETERS_KEY, NOT_INSTALLED_MSG, task_vars)
        writes = fragmentation_steps(ikev2, args["state"])
        extra: dict[str, t.Any] = {}
        if writes and args["state"] == "enabled":
            build = self._rras_read_os_build(task_vars)
            verdict = check_build(build, args["allow_unsupported_build"])
            extra["os_build"] = verdict.build
            if verdict.error:
                raise RrasActionError(verdict.error, changed=False, **extra)
            if verdict.warning:
                self._rras_warn(verdict.warning)
        current = ikev2 if ikev2 is not None else RegistryProperties()
        plan = RegistryPlan.from_steps(IKEV2_KEY, current, writes, ikev2_settings, extra)
        return self._rras_converge(plan, restart=args["restart"], task_vars=task_vars)
