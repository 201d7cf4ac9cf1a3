# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin for aovpn.rras.win_sstp_offload: options -> checked certificate -> SSTP plan -> registry writes."""

from __future__ import annotations

import typing as t

from ansible import constants as C
from ansible.errors import AnsibleError

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificate_inputs import (
    certificate_from_file,
    check_certificate,
    endpoint_certificate,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CertificateError, format_thumbprint, thumbprint
from ansible_collections.aovpn.rras.plugins.plugin_utils._lookup_files import ControllerFileError, read_controller_file
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_action import RrasActionBase, RrasActionError
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryPlan
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import (
    NOT_INSTALLED_MSG,
    PARAMETERS_KEY,
    certificate_option,
    hash_option,
    offload_absent_steps,
    pinned_certificate_steps,
    sha1_hash_warning,
    sstp_settings,
)

if t.TYPE_CHECKING:
    from cryptography import x509

CERTIFICATE_INPUTS = ("certificate_hash", "certificate", "certificate_file", "certificate_endpoint")


class ActionModule(RrasActionBase):
    ARGUMENT_SPEC = {
        "argument_spec": {
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "certificate_hash": {"type": "str"},
            "certificate": {"type": "str"},
            "certificate_file": {"type": "str"},
            "certificate_password": {"type": "str", "no_log": True},
            "certificate_endpoint": {"type": "str"},
            "ca_path": {"type": "path"},
            "fqdn": {"type": "str"},
            "warn_days": {"type": "int", "default": 30},
            "restart": {"type": "bool", "default": False},
        },
        "mutually_exclusive": [CERTIFICATE_INPUTS],
        "required_if": [("state", "present", CERTIFICATE_INPUTS, True)],
        "required_by": {"certificate_password": "certificate_file", "ca_path": "certificate_endpoint"},
    }

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        extra: dict[str, t.Any] = {}
        if args["state"] == "present":
            if args["warn_days"] < 0:
                raise RrasActionError(f"warn_days must be 0 or more, not {args['warn_days']}", changed=False)
            try:
                if args["certificate_hash"] is not None:
                    if args["fqdn"] is not None:
                        raise CertificateError("fqdn cannot be checked against a hash: give certificate, certificate_file or certificate_endpoint")
                    sha256, sha1 = hash_option("certificate_hash", args["certificate_hash"]), None
                else:
                    checked = check_certificate(*self._certificate(args), args["fqdn"], args["warn_days"])
                    for warning in checked.warnings:
                        self._rras_warn(warning)
                    sha256, sha1 = thumbprint(checked.cert, "sha256"), thumbprint(checked.cert, "sha1")
            except CertificateError as exc:
                raise RrasActionError(str(exc), changed=False) from None
            extra["certificate_sha256"] = format_thumbprint(sha256)
            if sha1 is not None:
                extra["certificate_sha1"] = format_thumbprint(sha1)
            steps = pinned_certificate_steps(sha256, sha1, use_https=False)
        else:
            for option in (*CERTIFICATE_INPUTS, "fqdn"):
                if args[option] is not None:
                    raise RrasActionError(f"{option} applies only to state=present", changed=False)
        current = self._rras_read_key(PARAMETERS_KEY, task_vars)
        if current is None:
            raise RrasActionError(NOT_INSTALLED_MSG, changed=False)
        if args["state"] == "absent":
            steps = offload_absent_steps(current)
        plan = RegistryPlan.from_steps(PARAMETERS_KEY, current, steps, sstp_settings, extra)
        sha1_warning = sha1_hash_warning(plan.after())
        if sha1_warning:
            self._rras_warn(sha1_warning)
        return self._rras_converge(plan, restart=args["restart"], task_vars=task_vars)

    def _certificate(self, args: dict[str, t.Any]) -> tuple[x509.Certificate, str]:
        """The end-entity certificate of the given input, and the option it came from (nothing sent to the host)."""
        if args["certificate"] is not None:
            return certificate_option("certificate", args["certificate"]), "certificate"
        if args["certificate_endpoint"] is not None:
            # Ansible's per-run local temporary directory: every worker of this run shares the fetch.
            return endpoint_certificate(args["certificate_endpoint"], args["fqdn"], args["ca_path"], C.DEFAULT_LOCAL_TMP), "certificate_endpoint"
        return certificate_from_file(self._read_file(args["certificate_file"]), args["certificate_password"],
                                     f"certificate_file {args['certificate_file']}"), "certificate_file"

    def _read_file(self, name: str) -> bytes:
        """A controller file, found as win_copy finds ``src`` (the role's and playbook's files/), vault-decrypted."""
        try:
            path = self._find_needle("files", name)
        except AnsibleError:
            raise CertificateError(f"certificate_file {name} was not found on the controller (a relative path is looked up in the files/ "
                                   "directories of the role and the playbook, then next to them)") from None
        try:
            return read_controller_file(self._loader, path)
        except ControllerFileError as exc:
            raise CertificateError(f"certificate_file {path}: {exc}") from None
