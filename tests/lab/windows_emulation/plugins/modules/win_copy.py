# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_copy, single-file mode, into the host's emulated file system.

The lab's action plugin transfers the controller file (or ``content``) to the connection's
temporary directory and passes it as ``src`` with ``_copy_mode: single``, as the real action does.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError, get_file, is_directory, parent_path, put_file, run_call


def copy(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    with open(params["src"], "rb") as handle:
        content = handle.read()
    dest = params["dest"]
    if dest.endswith(("\\", "/")) or is_directory(state, dest):
        dest = dest.rstrip("\\/") + "\\" + params["_original_basename"]
    parent = parent_path(dest)
    if not is_directory(state, parent):
        if get_file(state, parent) is not None:
            raise LabError(f"object at destination parent dir '{parent}' is currently a file")
        raise LabError(f"Destination directory '{parent}' does not exist")
    checksum = hashlib.sha1(content).hexdigest()  # nosec - the checksum win_copy reports
    existing = get_file(state, dest)
    result: dict[str, Any] = {"changed": False, "dest": dest, "checksum": checksum, "size": len(content),
                              "src": params["src"], "original_basename": params["_original_basename"], "operation": "file_copy"}
    if existing is not None and not params["force"]:
        return result
    if existing is None or base64.b64decode(existing.get("content_b64", "")) != content or existing["type"] != "file":
        put_file(state, dest, "file", content)
        result["changed"] = True
    return result


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "src": {"type": "path", "required": True},
            "dest": {"type": "path", "required": True},
            "force": {"type": "bool", "default": True},
            "_copy_mode": {"type": "str", "default": "single", "choices": ["single"]},
            "_original_basename": {"type": "str", "required": True},
        },
        supports_check_mode=True,
    )
    run_call(module, "win_copy", copy)


if __name__ == "__main__":
    main()
