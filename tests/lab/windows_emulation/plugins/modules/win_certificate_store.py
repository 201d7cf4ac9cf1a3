# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_certificate_store: import/remove on the host's emulated stores.

Like win_certificate_store.ps1 (ansible.windows 3.3.0) it imports a file that is already on the
host (``path`` in the emulated file system; copy it there with win_copy first), every certificate
of a PKCS#12 goes into the one store, and a certificate present without its key is re-imported.
On builds below 17763 (the host's ``CurrentBuildNumber``) a PKCS#12 encrypted with PBES2 fails as
on Windows Server 2016/2012 R2 (docs/docsite/rst/rras.rst "Platform facts"); which encryption a file uses is read
from its structure by ``_lab_pfx.encryption_algorithms``.
"""

from __future__ import annotations

import base64
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_certs import load_file, thumbprint
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError, find_value, get_file, get_key, run_call, store_entries
from ansible_collections.ansible.windows.plugins.module_utils._lab_pfx import OID_PBES2, encryption_algorithms

CURRENT_VERSION = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
FIRST_PBES2_BUILD = 17763  # Windows Server 2019: PKCS12_PBES2_EXPORT_PARAMS, minimum server version


ARGUMENT_SPEC: dict[str, Any] = {
    "state": {"type": "str", "default": "present", "choices": ["absent", "exported", "present"]},
    "path": {"type": "path"},
    "thumbprint": {"type": "str"},
    "store_name": {"type": "str", "default": "My"},
    "store_location": {"type": "str", "default": "LocalMachine"},
    "store_type": {"type": "str", "default": "system", "choices": ["system", "service"]},
    "password": {"type": "str", "no_log": True},
    "key_exportable": {"type": "bool", "default": True},
    "key_storage": {"type": "str", "default": "default", "choices": ["default", "machine", "user"]},
    "file_type": {"type": "str", "default": "der", "choices": ["der", "pem", "pkcs12"]},
}
"""The options of the real module (what the lab checks a call against)."""


def _build(state: dict[str, Any]) -> int:
    key = get_key(state, CURRENT_VERSION)
    stored = find_value(key, "CurrentBuildNumber") if key else None
    return int(key["values"][stored]["value"]) if key and stored else FIRST_PBES2_BUILD


def _refuse_pbes2(state: dict[str, Any], data: bytes) -> None:
    """Fail like X509Certificate2Collection.Import on a build that cannot decrypt PBES2."""
    if _build(state) >= FIRST_PBES2_BUILD:
        return
    try:
        algorithms = encryption_algorithms(data)
    except (ValueError, IndexError):  # not a PKCS#12: load_file reads it as PEM or DER
        return
    if OID_PBES2 in algorithms:
        raise LabError("Failed to load cert from file: The specified network password is not correct.")


def _file_certs(state: dict[str, Any], params: dict[str, Any]) -> list[tuple[bytes, bytes | None]]:
    entry = get_file(state, params["path"]) if params["path"] else None
    if entry is None or entry["type"] != "file":
        raise LabError(f"File at '{params['path']}' either does not exist or is not a file")
    data = base64.b64decode(entry["content_b64"])
    _refuse_pbes2(state, data)
    return load_file(data, params["password"])


def store(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    if params["store_type"] != "system" or params["store_location"] not in ("CurrentUser", "LocalMachine"):
        raise LabError(f"value of store_location must be one of: CurrentUser, LocalMachine. Got no match for: {params['store_location']}")
    if params["state"] == "exported":
        raise LabError("state=exported is not emulated by the lab")
    entries = store_entries(state, params["store_location"], params["store_name"], create=True)
    result: dict[str, Any] = {"changed": False, "thumbprints": []}
    if params["state"] == "absent":
        wanted = [thumbprint(der) for der, _key in _file_certs(state, params)] if params["path"] else [params["thumbprint"] or ""]
        for print_ in wanted:
            result["thumbprints"].append(print_)
            kept = [e for e in entries if thumbprint(base64.b64decode(e["der_b64"])) != print_.upper()]
            if len(kept) != len(entries):
                result["changed"] = True
                entries[:] = kept
        return result
    for der, key_pem in _file_certs(state, params):
        has_key = key_pem is not None
        print_ = thumbprint(der)
        result["thumbprints"].append(print_)
        found = [e for e in entries if thumbprint(base64.b64decode(e["der_b64"])) == print_]
        if found and not (has_key and not any(e["has_private_key"] for e in found)):
            continue
        entries[:] = [e for e in entries if e not in found]
        entries.append({"der_b64": base64.b64encode(der).decode(), "has_private_key": has_key, "friendly_name": "",
                        "key_exportable": params["key_exportable"] if has_key else None,
                        "key_storage": params["key_storage"] if has_key else None})
        if key_pem is not None:  # the lab's own field: the key the SSTP listener serves with
            entries[-1]["key_pem_b64"] = base64.b64encode(key_pem).decode()
        result["changed"] = True
    return result


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_if=[["state", "absent", ["path", "thumbprint"], True], ["state", "exported", ["path", "thumbprint"]],
                     ["state", "present", ["path"]]],
        supports_check_mode=True,
    )
    run_call(module, "win_certificate_store", store)


if __name__ == "__main__":
    main()
