# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_certificate_info over the host's emulated certificate stores."""

from __future__ import annotations

import base64
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_certs import cert_info, thumbprint
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import run_call, store_entries


ARGUMENT_SPEC: dict[str, Any] = {
    "thumbprint": {"type": "str"},
    "store_name": {"type": "str", "default": "My"},
    "store_location": {"type": "str", "default": "LocalMachine", "choices": ["CurrentUser", "LocalMachine"]},
}
"""The options of the real module (what the lab checks a call against)."""


def info(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    entries = store_entries(state, params["store_location"], params["store_name"]) or []
    wanted = (params["thumbprint"] or "").upper()
    certificates = []
    for entry in entries:
        der = base64.b64decode(entry["der_b64"])
        if not wanted or thumbprint(der) == wanted:
            certificates.append(cert_info(der, entry.get("has_private_key", False), entry.get("friendly_name", "")))
    certificates.sort(key=lambda c: c["thumbprint"])
    return {"changed": False, "exists": bool(certificates), "certificates": certificates}


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_call(module, "win_certificate_info", info)


if __name__ == "__main__":
    main()
