# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_file over the host's emulated file system (win_file.ps1 rules)."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_files import make_dirs
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError, delete_file_tree, get_file, put_file, run_call


ARGUMENT_SPEC: dict[str, Any] = {
    "path": {"type": "path", "required": True, "aliases": ["dest", "name"]},
    "state": {"type": "str", "choices": ["absent", "directory", "file", "touch"]},
}
"""The options of the real module (what the lab checks a call against)."""


def file(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    path, wanted = params["path"], params["state"]
    entry = get_file(state, path)
    result: dict[str, Any] = {"changed": False}
    if wanted == "touch":
        if entry is None:
            put_file(state, path, "file")
        result["changed"] = True
    elif entry is not None:
        if wanted == "absent":
            delete_file_tree(state, path)
            result["changed"] = True
        elif wanted == "directory" and entry["type"] != "directory":
            raise LabError(f"path {path} is not a directory")
        elif wanted == "file" and entry["type"] == "directory":
            raise LabError(f"path {path} is not a file")
    elif wanted == "directory":
        make_dirs(state, path)
        result["changed"] = True
    elif wanted == "file":
        raise LabError(f"path {path} will not be created")
    return result


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_call(module, "win_file", file)


if __name__ == "__main__":
    main()
