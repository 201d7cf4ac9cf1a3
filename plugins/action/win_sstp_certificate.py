# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for aovpn.rras.win_sstp_certificate: find and check the certificate, then pin it."""

from __future__ import annotations

import typing as t

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    MACHINE_STORE,
    CertificateError,
    format_thumbprint,
    sstp_certificate_problems,
    store_certificate,
    thumbprint,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._http_sys import binding_addresses, binding_key, binding_summary, foreign_binding_error
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryPlan
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import (
    NOT_INSTALLED_MSG,
    PARAMETERS_KEY,
    certificate_option,
    hash_option,
    pinned_certificate_steps,
    sstp_settings,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._temporary_files import temporary_files


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "thumbprint": {"type": "str"},
            "certificate": {"type": "str"},
            "use_http": {"type": "bool", "default": False},
            "fqdn": {"type": "str"},
            "restart": {"type": "bool", "default": False},
        },
        "mutually_exclusive": [("thumbprint", "certificate")],
        "required_one_of": [("thumbprint", "certificate")],
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        try:
            if args["certificate"] is not None:
                sha1_hex = format_thumbprint(thumbprint(certificate_option("certificate", args["certificate"]), "sha1"))
            else:
                sha1_hex = format_thumbprint(hash_option("thumbprint", args["thumbprint"], "sha1"))
        except CertificateError as exc:
            raise RrasActionError(str(exc), changed=False) from None
        current = self._rras_read_key(PARAMETERS_KEY, task_vars)
        if current is None:
            raise RrasActionError(NOT_INSTALLED_MSG, changed=False)
        cert, has_private_key = self._find_certificate(str(sha1_hex), task_vars)
        problems = sstp_certificate_problems(cert, args["fqdn"], has_private_key=has_private_key)
        if problems:
            raise RrasActionError(f"The certificate {sha1_hex} in {MACHINE_STORE} cannot be the SSTP certificate: it " + "; it ".join(problems),
                                  changed=False, certificate_sha1=sha1_hex, certificate_installed=has_private_key)
        sha256, sha1 = thumbprint(cert, "sha256"), thumbprint(cert, "sha1")
        extra = {"certificate_sha256": format_thumbprint(sha256), "certificate_sha1": format_thumbprint(sha1),
                 "certificate_installed": True, "temporary_files": temporary_files(current)}
        plan = RegistryPlan.from_steps(PARAMETERS_KEY, current, pinned_certificate_steps(sha256, sha1, use_https=not args["use_http"]), sstp_settings, extra)
        return self._rras_converge(plan, restart=args["restart"], task_vars=task_vars)

    def _rras_before_writes(self, plan: RegistryPlan, task_vars: dict[str, t.Any]) -> None:
        """In HTTPS mode, refuse a port that http.sys has bound to another application (RemoteAccess would log Event 32)."""
        if not plan.after()["use_https"]:
            return
        for address in binding_addresses(plan.after()["listener_port"]):
            key = self._rras_read_key(binding_key(address), task_vars)
            if key is not None:
                binding = binding_summary(address, key)
                if not binding["sstp_owned"]:
                    raise RrasActionError(foreign_binding_error(binding), changed=False, http_sys_binding=binding)

    def _find_certificate(self, sha1_hex: str, task_vars: dict[str, t.Any]) -> tuple[t.Any, bool]:
        """The certificate with this SHA-1 thumbprint in LocalMachine\\My (one win_certificate_info call)."""
        matches = [entry for entry in self._rras_read_machine_store(task_vars, sha1_hex) if str(entry.get("thumbprint", "")).upper() == sha1_hex]
        if not matches:
            raise RrasActionError(f"No certificate with thumbprint {sha1_hex} in {MACHINE_STORE}; import it with its private key first "
                                  "(ansible.windows.win_certificate_store, key_storage=machine)", changed=False, certificate_sha1=sha1_hex,
                                  certificate_installed=False)
        try:
            cert = store_certificate(matches[0], f"the certificate data of {sha1_hex}")
        except CertificateError as exc:
            raise RrasActionError(f"{MACHINE_STORE} returned unreadable data: {exc}", changed=False) from None
        return cert, bool(matches[0].get("has_private_key"))
