# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of aovpn.rras.win_sstp_tls: options checked first, one read per SCHANNEL key, writes, reboot_required until the host booted, never a reboot."""

from __future__ import annotations

import typing as t
from functools import partial

from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    CIPHER_SUITES_KEY,
    DEFAULT_DISABLED_PROTOCOLS,
    GROUP_POLICY_WARNING,
    REBOOT_WARNING,
    RECOMMENDED,
    cipher_suites_option,
    protocols_option,
    recommended_cipher_suites,
    tls_keys,
    tls_settings,
    tls_steps,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryKeys, RegistryPlan


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "disabled_protocols": {"type": "list", "elements": "str", "default": list(DEFAULT_DISABLED_PROTOCOLS)},
            "cipher_suites": {"type": "list", "elements": "str"},
        },
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        try:
            protocols = protocols_option(args["disabled_protocols"])
            suites = cipher_suites_option(args["cipher_suites"])
        except ValueError as exc:
            raise AnsibleActionFail(str(exc)) from None
        extra: dict[str, t.Any] = {}
        if suites == RECOMMENDED:
            build = self._rras_read_os_build(task_vars)
            extra["os_build"] = build
            try:
                suites = recommended_cipher_suites(build)
            except ValueError as exc:
                raise RrasActionError(str(exc), changed=False, **extra) from None
        paths = tls_keys(protocols, suites is not None)
        keys = RegistryKeys({path: self._rras_read_key(path, task_vars) for path in paths})
        settings = partial(tls_settings, protocols=protocols, cipher_suites=suites is not None)
        plan = RegistryPlan.from_keys(keys, tls_steps(protocols, suites), settings, extra)
        result = self._rras_converge_until_reboot(plan, paths, task_vars)
        if any(write.path == CIPHER_SUITES_KEY for write in plan.writes):
            self._rras_warn(GROUP_POLICY_WARNING)
        if result["reboot_required"]:
            self._rras_warn(REBOOT_WARNING)
        return result
