# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for aovpn.rras.win_sstp_offload: options -> SSTP plan -> registry writes."""

from __future__ import annotations

import typing as t

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CertificateError, format_thumbprint, thumbprint
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RegistryPlan, RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import (
    NOT_INSTALLED_MSG,
    PARAMETERS_KEY,
    certificate_option,
    hash_option,
    offload_absent_steps,
    pinned_certificate_steps,
    sstp_settings,
)


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "certificate_hash": {"type": "str"},
            "certificate": {"type": "str"},
            "restart": {"type": "bool", "default": False},
        },
        "mutually_exclusive": [("certificate_hash", "certificate")],
        "required_if": [("state", "present", ("certificate_hash", "certificate"), True)],
    }

    def run_rras(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        extra: dict[str, t.Any] = {}
        if args["state"] == "present":
            try:
                if args["certificate"] is not None:
                    cert = certificate_option("certificate", args["certificate"])
                    sha256, sha1 = thumbprint(cert, "sha256"), thumbprint(cert, "sha1")
                else:
                    sha256, sha1 = hash_option("certificate_hash", args["certificate_hash"]), None
            except CertificateError as exc:
                raise RrasActionError(str(exc), changed=False) from None
            extra["certificate_sha256"] = format_thumbprint(sha256)
            if sha1 is not None:
                extra["certificate_sha1"] = format_thumbprint(sha1)
            steps = pinned_certificate_steps(sha256, sha1, use_https=False)
        else:
            for option in ("certificate_hash", "certificate"):
                if args[option] is not None:
                    raise RrasActionError(f"{option} applies only to state=present", changed=False)
            steps = offload_absent_steps()
        current = self.read_key(PARAMETERS_KEY, task_vars)
        if current is None:
            raise RrasActionError(NOT_INSTALLED_MSG, changed=False)
        plan = RegistryPlan.from_steps(PARAMETERS_KEY, current, steps, sstp_settings, extra)
        return self.converge(plan, restart=args["restart"], task_vars=task_vars)
