# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_reg_stat (see win_reg_stat.ps1 in ansible.windows 3.3.0)."""

from __future__ import annotations

import re
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import REG_PATH_RE, LabError, find_value, get_key, run_call, sub_key_names

# environment a REG_EXPAND_SZ value is expanded with (the real module returns the expanded `value`)
_HOST_ENV = {"systemroot": "C:\\Windows", "windir": "C:\\Windows", "systemdrive": "C:", "programfiles": "C:\\Program Files"}


ARGUMENT_SPEC: dict[str, Any] = {
    "path": {"type": "str", "required": True, "aliases": ["key"]},
    "name": {"type": "str", "aliases": ["entry", "value"]},
}
"""The options of the real module (what the lab checks a call against)."""


def format_property(entry: dict[str, Any]) -> dict[str, Any]:
    """``{type, value, raw_value}`` as Get-PropertyValue in win_reg_stat.ps1 builds it."""
    reg_type, value = entry["type"], entry["value"]
    raw_value = value
    if reg_type in ("REG_BINARY", "REG_NONE"):
        raw_value = ["0x{0:02x}".format(byte) for byte in value]  # "0x{0:x2}" -f $byte
    elif reg_type == "REG_EXPAND_SZ":
        value = re.sub(r"%([^%]+)%", lambda m: _HOST_ENV.get(m.group(1).lower(), m.group(0)), value)
    return {"type": reg_type, "value": value, "raw_value": raw_value}


def stat(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    path, name = params["path"], params["name"]
    if not REG_PATH_RE.match(path):
        raise LabError(f"path: {path} is not a valid registry path, see module documentation for examples.")
    result: dict[str, Any] = {"changed": False}
    key = get_key(state, path)
    if key is None:
        result["exists"] = False
    elif name is None:
        result["exists"] = True
        result["properties"] = {stored: format_property(entry) for stored, entry in key["values"].items()}
        result["sub_keys"] = sub_key_names(state, path)
    else:
        stored = find_value(key, name)
        result["exists"] = stored is not None
        if stored is not None:
            result.update(format_property(key["values"][stored]))
    return result


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_call(module, "win_reg_stat", stat)


if __name__ == "__main__":
    main()
