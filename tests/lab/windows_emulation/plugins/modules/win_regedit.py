# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_regedit (see win_regedit.ps1 in ansible.windows 3.3.0).

Follows the real module's data conversion, comparison, check mode and diff (``{path: {name:
{type, value}}}`` with .NET RegistryValueKind names and ``0x`` formatted numbers/bytes).
"""

from __future__ import annotations

import re
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import (
    REG_PATH_RE,
    LabError,
    create_key,
    delete_key_tree,
    delete_value,
    find_value,
    get_key,
    run_call,
    set_value,
)

# option type -> (stored type, .NET RegistryValueKind name used in the diff)
_TYPES = {
    "none": ("REG_NONE", "None"),
    "binary": ("REG_BINARY", "Binary"),
    "dword": ("REG_DWORD", "DWord"),
    "qword": ("REG_QWORD", "QWord"),
    "string": ("REG_SZ", "String"),
    "expandstring": ("REG_EXPAND_SZ", "ExpandString"),
    "multistring": ("REG_MULTI_SZ", "MultiString"),
}
_KIND = dict(_TYPES.values())


ARGUMENT_SPEC: dict[str, Any] = {
    "path": {"type": "str", "required": True, "aliases": ["key"]},
    "name": {"type": "str", "aliases": ["entry", "value"]},
    "data": {"type": "raw"},
    "type": {"type": "str", "default": "string", "aliases": ["datatype"],
             "choices": ["none", "binary", "dword", "expandstring", "multistring", "string", "qword"]},
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "delete_key": {"type": "bool", "default": True},
}
"""The options of the real module (what the lab checks a call against)."""


def hex_to_bytes(text: str) -> list[int]:
    """Convert-RegExportHexStringToByteArray: ``hex:be,ef``, ``be,ef`` or ``beef``."""
    text = re.sub(r"^hex:", "", text.lower())
    text = re.sub(r"[^a-f0-9\\,x\-:]", "", text).replace(",", ":")
    if not text:
        return []
    if len(text) == 1:
        return [int(text, 16)]
    if ":" not in text and len(text) % 2 == 0:
        return [int(text[i:i + 2], 16) for i in range(0, len(text), 2)]
    if ":" in text:
        return [int(part, 16) for part in re.split(":+", text)]
    return []


def _to_int(data: Any) -> int:
    if isinstance(data, str):
        text = data.strip()
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    if isinstance(data, float):
        if data % 1:
            raise LabError(f"data '{data}' cannot be a decimal or float value with a remainder when type is dword or qword")
        return int(data)
    return int(data)


def convert_data(reg_type: str, name: str | None, data: Any) -> Any:
    """The value the real module writes for ``data`` of option type ``reg_type``."""
    if reg_type in ("binary", "none"):
        if data is None:
            data = ""
        if isinstance(data, str):
            return hex_to_bytes(data)
        if isinstance(data, int):
            if data > 255:
                raise LabError(f"cannot convert binary data '{data}' to byte array, please specify this value as a "
                               "yaml byte array or a comma separated hex value string")
            return [data]
        values = [_to_int(item) for item in data]
        if any(not 0 <= item <= 255 for item in values):
            raise LabError(f"cannot convert binary data '{data}' to byte array")
        return values
    if reg_type in ("dword", "qword"):
        value = 0 if data is None else _to_int(data)
        if reg_type == "dword" and value > 0xFFFFFFFF:
            raise LabError("data cannot be larger than 0xffffffff when type is dword")
        if value > 0xFFFFFFFFFFFFFFFF:
            raise LabError("data cannot be larger than 0xffffffffffffffff when type is qword")
        return value
    if reg_type in ("string", "expandstring"):
        return "" if data is None and name else (None if data is None else str(data))
    if data is None:
        return []
    return [str(item) for item in data] if isinstance(data, list) else [str(data)]


def diff_value(stored_type: str, value: Any) -> dict[str, Any]:
    """Get-DiffValue in win_regedit.ps1."""
    if stored_type in ("REG_BINARY", "REG_NONE"):
        value = ["0x{0:02x}".format(byte) for byte in value]
    elif stored_type == "REG_DWORD":
        value = "0x{0:08x}".format(value)
    elif stored_type == "REG_QWORD":
        value = "0x{0:016x}".format(value)
    return {"type": _KIND[stored_type], "value": value}


def _differs(existing: Any, new: Any) -> bool:
    if isinstance(existing, list) or isinstance(new, list):
        return [str(item) for item in existing] != [str(item) for item in new] if isinstance(existing, list) and isinstance(new, list) else True
    return str(existing) != str(new)  # -cne: case-sensitive


def _absent(state: dict[str, Any], params: dict[str, Any], check_mode: bool, result: dict[str, Any]) -> None:
    path, name = params["path"], params["name"]
    key = get_key(state, path)
    if key is None:
        return
    if params["delete_key"] and not name:
        if not check_mode:
            delete_key_tree(state, path)
        result["changed"] = True
        result["diff"] = {"before": {path: {}}, "after": {}}
        return
    stored = find_value(key, name or "")
    if stored is None:
        return
    entry = key["values"][stored]
    if not check_mode:
        delete_value(key, stored)
    result["changed"] = True
    result["diff"] = {"before": {path: {stored: diff_value(entry["type"], entry["value"])}}, "after": {path: {}}}


def _present(state: dict[str, Any], params: dict[str, Any], check_mode: bool, result: dict[str, Any]) -> None:
    path, name, reg_type = params["path"], params["name"], params["type"]
    stored_type = _TYPES[reg_type][0]
    data = convert_data(reg_type, name, params["data"])
    key = get_key(state, path)
    if key is None:
        if not check_mode:
            key = create_key(state, path)
        result["changed"] = True
        before: dict[str, Any] = {}
        after: dict[str, Any] = {path: {}}
    else:
        before, after = {path: {}}, {path: {}}
    result["diff"] = {"before": before, "after": after}
    if key is None or data is None:
        return
    value_name = name or ""
    stored = find_value(key, value_name)
    if stored is None:
        if not check_mode:
            set_value(key, value_name, stored_type, data)
        result["changed"] = True
        after[path][value_name] = diff_value(stored_type, data)
        return
    existing = key["values"][stored]
    change = False
    if existing["type"] != stored_type:
        change = result["data_type_changed"] = True
        result["data_changed"] = _differs(existing["value"], data)
    elif _differs(existing["value"], data):
        change = result["data_changed"] = True
    before[path][value_name] = diff_value(existing["type"], existing["value"])
    if change:
        if not check_mode:
            set_value(key, stored, stored_type, data)
        result["changed"] = True
        after[path][value_name] = diff_value(stored_type, data)
    else:
        after[path][value_name] = before[path][value_name]


def regedit(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    if not REG_PATH_RE.match(params["path"]):
        raise LabError(f"path: {params['path']} is not a valid powershell path, see module documentation for examples.")
    result: dict[str, Any] = {"changed": False, "data_changed": False, "data_type_changed": False, "diff": {"before": "", "after": ""}}
    if params["name"] == "":
        params["name"] = None
    if params["state"] == "present":
        _present(state, params, check_mode, result)
    else:
        _absent(state, params, check_mode, result)
    return result


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if module.params["name"] is None and module.params["type"] != "string":
        module.warn("the data type when name is not specified can only be 'string', the type has automatically been converted")
        module.params["type"] = "string"

    def call(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        result = regedit(state, dict(params), check_mode)
        if not module._diff:  # pylint: disable=protected-access
            del result["diff"]
        return result

    run_call(module, "win_regedit", call)


if __name__ == "__main__":
    main()
