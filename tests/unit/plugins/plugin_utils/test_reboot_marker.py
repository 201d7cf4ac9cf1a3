# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pending-reboot marker: the boot time as ansible.windows reads it, and the writes planned around a change."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from aovpn_testing import load_by_path

from ansible_collections.aovpn.rras.plugins.plugin_utils._reboot_marker import (
    BOOT_TIME_COMMAND,
    BOOT_TIME_MARGIN,
    PENDING_REBOOT,
    boot_time,
    booted_since,
    powershell_command,
    reboot_sequence,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryKeys, RegistryValue, RegistryWrite

A = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server"
B = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.1\\Server"
BOOT = 133_500_000_000_000_000
LATER = BOOT + BOOT_TIME_MARGIN + 1
OFF_A, OFF_B = RegistryWrite.set(A, "Enabled", "dword", 0), RegistryWrite.set(B, "Enabled", "dword", 0)


LAB_COLLECTION = Path(__file__).resolve().parents[3] / "lab" / "lab_collection.py"


def real_reboot() -> types.ModuleType:
    """ansible.windows' ``plugin_utils/_reboot.py``, the copy the lab runs (``lab_collection.real_collection``: the ``ansible``
    package's, or ``$AOVPN_LAB_ANSIBLE_WINDOWS`` in the version matrix), loaded by path in a package of its own (the tests'
    collection loader sees only this collection) so its relative imports work."""
    folder = load_by_path("aovpn_lab_collection", LAB_COLLECTION).real_collection() / "plugins" / "plugin_utils"
    package = sys.modules.setdefault("aovpn_real_windows_plugin_utils", types.ModuleType("aovpn_real_windows_plugin_utils"))
    package.__path__ = [str(folder)]
    return load_by_path("aovpn_real_windows_plugin_utils._reboot", folder / "_reboot.py")


def marker(data: object, value_type: str = "qword") -> RegistryValue:
    return RegistryValue(PENDING_REBOOT, value_type, data)  # type: ignore[arg-type]


def keys(**markers: RegistryValue) -> RegistryKeys:
    """``a=``/``b=`` the marker of key A/B (both keys exist with Enabled = 1)."""
    return RegistryKeys({path: {"Enabled": RegistryValue("Enabled", "dword", 1), **({PENDING_REBOOT: markers[name]} if name in markers else {})}
                         for name, path in (("a", A), ("b", B))})


def test_the_boot_time_command_is_ansible_windows_own_sent_the_same_way() -> None:
    _reboot = real_reboot()
    assert BOOT_TIME_COMMAND == _reboot._DEFAULT_BOOT_TIME_COMMAND
    connection = MagicMock()
    connection.exec_command.return_value = (0, b"133500000000000000\r\n", b"")
    assert _reboot._get_system_boot_time("test", connection, BOOT_TIME_COMMAND) == "133500000000000000"
    connection.exec_command.assert_called_once_with(powershell_command(BOOT_TIME_COMMAND), in_data=None, sudoable=False)


def test_boot_time_is_a_filetime_or_an_error() -> None:
    assert boot_time(" 133500000000000000\r\n") == BOOT
    for junk in ("", "-1", "0", "1.5", "\u00b2", "Get-CimInstance : Access denied", str(2 ** 64)):
        with pytest.raises(ValueError, match="the boot time is not a FILETIME"):
            boot_time(junk)


@pytest.mark.parametrize(("value", "boot", "since"), [
    (marker(BOOT), BOOT, False),
    (marker(BOOT), BOOT + BOOT_TIME_MARGIN, False),  # LastBootUpTime moves with clock corrections: still the same boot
    (marker(BOOT), BOOT - 10 * BOOT_TIME_MARGIN, False),  # the clock set back: not a later boot
    (marker(BOOT), LATER, True),
    (marker(str(BOOT), "string"), LATER, True),
    (marker("junk", "string"), LATER, False),
    (marker("\u00b2", "string"), LATER, False),  # not a boot time: the same boot (one reboot too many, never too few)
    (marker(b"\x01", "binary"), LATER, False),
])
def test_a_boot_is_later_only_beyond_the_margin(value: RegistryValue, boot: int, since: bool) -> None:
    assert booted_since(value, boot) is since


def test_a_change_writes_the_marker_first_into_each_changed_key() -> None:
    sequence = reboot_sequence(keys(), [A, B], [OFF_A], BOOT)
    assert sequence.writes == [RegistryWrite.set(A, PENDING_REBOOT, "qword", BOOT), OFF_A]
    assert (sequence.marked, sequence.pending, sequence.stale, sequence.reboot_required) == ([A], [], [], True)


def test_without_markers_nothing_changes_and_check_mode_leaves_the_marker_out() -> None:
    steady = reboot_sequence(keys(), [A, B], [], None)
    assert (steady.writes, steady.marked, steady.reboot_required) == ([], [], False)
    check = reboot_sequence(keys(), [A, B], [OFF_A, OFF_B], None)
    assert check.writes == [OFF_A, OFF_B] and check.marked == [A, B] and check.reboot_required
    with pytest.raises(ValueError, match="boot time is needed"):
        reboot_sequence(keys(a=marker(BOOT)), [A, B], [], None)


def test_a_marker_of_this_boot_keeps_the_reboot_required_without_a_write() -> None:
    sequence = reboot_sequence(keys(a=marker(BOOT)), [A, B], [], BOOT)
    assert (sequence.writes, sequence.pending, sequence.marked, sequence.reboot_required) == ([], [A], [A], True)
    # a new change in the other key: its own marker; the pending one is not written again
    sequence = reboot_sequence(keys(a=marker(BOOT)), [A, B], [OFF_A, OFF_B], BOOT)
    assert sequence.writes == [RegistryWrite.set(B, PENDING_REBOOT, "qword", BOOT), OFF_A, OFF_B] and sequence.marked == [A, B]


def test_a_marker_of_an_earlier_boot_is_removed_or_renewed_by_a_new_change() -> None:
    sequence = reboot_sequence(keys(a=marker(BOOT), b=marker(BOOT)), [A, B], [], LATER)
    assert sequence.writes == [RegistryWrite.remove(A, PENDING_REBOOT), RegistryWrite.remove(B, PENDING_REBOOT)]
    assert (sequence.stale, sequence.pending, sequence.marked, sequence.reboot_required) == ([A, B], [], [], False)
    sequence = reboot_sequence(keys(a=marker(BOOT), b=marker(BOOT)), [A, B], [OFF_B], LATER)
    assert sequence.writes == [RegistryWrite.set(B, PENDING_REBOOT, "qword", LATER), OFF_B, RegistryWrite.remove(A, PENDING_REBOOT)]
    assert (sequence.stale, sequence.marked) == ([A], [B])
