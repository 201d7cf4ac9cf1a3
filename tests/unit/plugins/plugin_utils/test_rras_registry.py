# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The generic registry model: win_reg_stat parsing, the planner, win_regedit arguments, rendering."""

from __future__ import annotations

import pytest

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import (
    RegistryFormatError,
    RegistryProperties,
    RegistryValue,
    RegistryWrite,
    parse_key_stat,
    plan_writes,
    readable_value,
)

KEY = "HKLM:\\SOFTWARE\\Example"


def stat(**properties: dict) -> dict:
    """A key-level win_reg_stat result as ansible.windows returns it."""
    return {"changed": False, "exists": True, "properties": properties, "sub_keys": []}


def test_missing_key_is_none() -> None:
    assert parse_key_stat({"changed": False, "exists": False}) is None


def test_parse_every_type_and_keep_stored_names() -> None:
    props = parse_key_stat(stat(
        IsHashConfiguredByAdmin={"type": "REG_DWORD", "value": 1, "raw_value": 1},
        Big={"type": "REG_QWORD", "value": 2**40, "raw_value": 2**40},
        Hash={"type": "REG_BINARY", "value": [0, 171, 255], "raw_value": ["0x00", "0xab", "0xff"]},
        Nothing={"type": "REG_NONE", "value": [], "raw_value": []},
        Text={"type": "REG_SZ", "value": "abc", "raw_value": "abc"},
        Path={"type": "REG_EXPAND_SZ", "value": "C:\\Windows\\x", "raw_value": "%SystemRoot%\\x"},
        Multi={"type": "REG_MULTI_SZ", "value": ["a", "b"], "raw_value": ["a", "b"]},
    ))
    assert props is not None
    assert list(props) == ["IsHashConfiguredByAdmin", "Big", "Hash", "Nothing", "Text", "Path", "Multi"]
    assert props["ishashconfiguredbyadmin"] == RegistryValue("IsHashConfiguredByAdmin", "dword", 1)
    assert props["BIG"].data == 2**40 and props["Big"].value_type == "qword"
    assert props["hash"].data == b"\x00\xab\xff" and props["hash"].value_type == "binary"
    assert props["Nothing"] == RegistryValue("Nothing", "none", b"")
    assert props["text"].data == "abc"
    assert props["Path"].data == "%SystemRoot%\\x", "expandstring compares the unexpanded text that was written"
    assert props["multi"].data == ("a", "b")


def test_single_byte_binary_unwrapped_by_powershell() -> None:
    props = parse_key_stat(stat(B={"type": "REG_BINARY", "value": 7, "raw_value": "0x07"}))
    assert props is not None and props["b"].data == b"\x07"


def test_malformed_binary_is_an_error() -> None:
    with pytest.raises(RegistryFormatError, match="binary"):
        parse_key_stat(stat(B={"type": "REG_BINARY", "value": ["zz"], "raw_value": []}))


def test_malformed_properties_is_an_error() -> None:
    with pytest.raises(RegistryFormatError):
        parse_key_stat({"exists": True, "properties": ["x"]})


def test_default_value_name_is_empty_string() -> None:
    props = parse_key_stat(stat(**{"": {"type": "REG_SZ", "value": "d", "raw_value": "d"}}))
    assert props is not None and props[""].data == "d"


def test_set_validates_data() -> None:
    with pytest.raises(RegistryFormatError):
        RegistryWrite.set(KEY, "X", "dword", 2**32)
    with pytest.raises(RegistryFormatError):
        RegistryWrite.set(KEY, "X", "dword", True)
    with pytest.raises(RegistryFormatError):
        RegistryWrite.set(KEY, "X", "binary", "beef")
    with pytest.raises(RegistryFormatError):
        RegistryWrite.set(KEY, "X", "multistring", "ab")
    with pytest.raises(RegistryFormatError):
        RegistryWrite.set(KEY, "X", "reg_sz", "ab")


def test_module_args_are_fresh_and_binary_is_a_byte_list() -> None:
    write = RegistryWrite.set(KEY, "Hash", "binary", bytes.fromhex("00AB10"))
    args = write.module_args()
    assert args == {"path": KEY, "name": "Hash", "type": "binary", "data": [0, 171, 16], "state": "present"}
    args["data"].append(1)
    assert write.module_args()["data"] == [0, 171, 16]
    assert RegistryWrite.remove(KEY, "Hash").module_args() == {"path": KEY, "name": "Hash", "state": "absent"}
    assert RegistryWrite.set(KEY, "M", "multistring", ("a",)).module_args()["data"] == ["a"]


def test_describe_renders_binary_as_hex() -> None:
    assert RegistryWrite.set(KEY, "Hash", "binary", b"\xab\x01").describe() == "set Hash (binary) = AB01"
    assert RegistryWrite.set(KEY, "UseHttps", "dword", 0).describe() == "set UseHttps (dword) = 0"
    assert RegistryWrite.remove(KEY, "Hash").describe() == "remove Hash"


def test_plan_keeps_order_and_drops_satisfied_steps() -> None:
    current = RegistryProperties([RegistryValue("usehttps", "dword", 0), RegistryValue("Hash", "binary", b"\x01")])
    steps = [
        RegistryWrite.set(KEY, "Hash", "binary", b"\x02"),
        RegistryWrite.set(KEY, "Flag", "dword", 1),
        RegistryWrite.set(KEY, "UseHttps", "dword", 0),
        RegistryWrite.remove(KEY, "Gone"),
        RegistryWrite.remove(KEY, "HASH"),
    ]
    assert plan_writes(current, steps) == [steps[0], steps[1], steps[4]]


def test_plan_wrong_type_needs_rewrite() -> None:
    current = RegistryProperties([RegistryValue("UseHttps", "string", "0"), RegistryValue("Hash", "none", b"\x01")])
    steps = [RegistryWrite.set(KEY, "UseHttps", "dword", 0), RegistryWrite.set(KEY, "Hash", "binary", b"\x01")]
    assert plan_writes(current, steps) == steps


def test_plan_binary_compares_bytes_exactly() -> None:
    current = RegistryProperties([RegistryValue("Hash", "binary", bytes.fromhex("0102"))])
    assert plan_writes(current, [RegistryWrite.set(KEY, "hash", "binary", bytes.fromhex("0102"))]) == []
    assert plan_writes(current, [RegistryWrite.set(KEY, "hash", "binary", bytes.fromhex("0201"))]) != []
    assert plan_writes(current, [RegistryWrite.set(KEY, "hash", "binary", bytes.fromhex("010200"))]) != []


def test_with_writes_predicts_after_and_keeps_stored_case() -> None:
    current = RegistryProperties([RegistryValue("IsHashConfiguredByAdmin", "dword", 0), RegistryValue("Old", "dword", 1)])
    after = current.with_writes([
        RegistryWrite.set(KEY, "isHashConfiguredByAdmin", "dword", 1),
        RegistryWrite.set(KEY, "New", "binary", b"\xff"),
        RegistryWrite.remove(KEY, "OLD"),
    ])
    assert dict(after) == {
        "IsHashConfiguredByAdmin": RegistryValue("IsHashConfiguredByAdmin", "dword", 1),
        "New": RegistryValue("New", "binary", b"\xff"),
    }
    assert current["ishashconfiguredbyadmin"].data == 0, "with_writes must not change the original"


def test_readable_rendering() -> None:
    props = RegistryProperties([RegistryValue("H", "binary", b"\xde\xad"), RegistryValue("M", "multistring", ("x",))])
    assert readable_value(props["h"]) == "DEAD"
    assert readable_value(None) is None
    assert readable_value(props["M"]) == ["x"]
