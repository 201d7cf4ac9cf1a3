# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pending-reboot marker: a change read only at boot (SCHANNEL) is remembered on the host until it booted (pure).

The twin of ``_restart_marker`` for a reboot. A module that changes a key first writes the QWORD
:data:`PENDING_REBOOT` into that key (one it reads anyway), holding the host's last boot time (a FILETIME, read with
:data:`BOOT_TIME_COMMAND` right before the write). A later run that finds the marker reads the boot time once (and only
then: a key without it costs nothing more than its read):

* the same boot: the change is still not applied, the module reports ``changed`` and ``reboot_required`` with no write
  (so ``hardening_reboot: rolling`` reboots a server changed under ``never``, or whose reboot failed);
* a later boot (the host rebooted since, by hand or by another tool): the change is applied, the module removes the
  stale marker and reports no reboot.

The rolling reboot handler of ``aovpn.rras.remoteaccess_restart`` removes the marker after a successful ``win_reboot``.
Windows computes ``LastBootUpTime`` from the clock and the uptime, so it moves by milliseconds to seconds without a
reboot (clock corrections): a boot counts as later only when it is more than :data:`BOOT_TIME_MARGIN` after the
marker's. A reboot of a server booted less than that before the marker was written is taken for the same boot: one
reboot too many, never one too few. A marker whose data is not a boot time counts as the same boot.
SCHANNEL does not read the value.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryKeys, RegistryValue, RegistryWrite

PENDING_REBOOT = "AovpnRrasRebootPending"

BOOT_TIME_COMMAND = "(Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime).LastBootUpTime.ToFileTime()"
"""The boot time command of ansible.windows' reboot (``plugin_utils/_reboot.py`` ``_DEFAULT_BOOT_TIME_COMMAND``; a unit test
compares them): a FILETIME, 100 ns ticks since 1601-01-01 UTC."""

BOOT_TIME_MARGIN = 60 * 10_000_000
"""One minute in FILETIME ticks: more than ``LastBootUpTime`` moves without a reboot, less than a boot and the run before it."""

_QWORD_MAX = 0xFFFFFFFFFFFFFFFF


def powershell_command(script: str) -> str:
    """``script`` as ansible.windows' reboot sends it through the connection (``_execute_command``): encoded, exit code kept."""
    wrapped = script + "; If (-not $?) { If (Get-Variable LASTEXITCODE -ErrorAction SilentlyContinue) { exit $LASTEXITCODE } Else { exit 1 } }"
    return "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand " + base64.b64encode(wrapped.encode("utf-16-le")).decode()


def boot_time(stdout: str) -> int:
    """The FILETIME the boot time command printed; ``ValueError`` when it is not one."""
    text = stdout.strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _QWORD_MAX:
        raise ValueError(f"the boot time is not a FILETIME: {text[:200]!r}")
    return int(text)


def _marker_boot(value: RegistryValue) -> int | None:
    data = value.data
    if isinstance(data, str) and data.strip().isascii() and data.strip().isdigit():
        return int(data.strip())
    return data if isinstance(data, int) and value.value_type in ("qword", "dword") else None


def booted_since(marker: RegistryValue, boot: int) -> bool:
    """Whether ``boot`` (the host's last boot time) is a boot after the one the ``marker`` was written in."""
    written_in = _marker_boot(marker)
    return written_in is not None and boot > written_in + BOOT_TIME_MARGIN


def marked_keys(keys: RegistryKeys, paths: Iterable[str]) -> list[str]:
    """The ``paths`` whose key holds the marker (of any type: its presence asks for the boot time)."""
    return [path for path in paths if PENDING_REBOOT in keys.key(path)]


@dataclass(frozen=True)
class RebootSequence:
    """The calls of one converge, in order: ``writes`` (markers first, then the changes, then the stale markers' removals)."""

    writes: list[RegistryWrite]
    pending: list[str]
    """Keys whose marker is from the current boot: a change of an earlier run waits for a reboot."""
    stale: list[str]
    """Keys whose marker is from an earlier boot and nothing changes now: the marker is removed, the change applies."""
    marked: list[str]
    """Keys that hold the marker after the run (a change now or pending): the reboot handler removes it there."""

    @property
    def reboot_required(self) -> bool:
        return bool(self.marked)


def reboot_sequence(keys: RegistryKeys, paths: Iterable[str], changes: list[RegistryWrite], boot: int | None) -> RebootSequence:
    """Plan the markers around ``changes`` to the keys of ``paths`` as read (``keys``); ``boot`` is the host's boot time.

    ``boot`` may be ``None`` only when no key holds the marker (it was not read: check mode, where the marker writes are
    left out, since nothing is written). A marker is written before the first change into each changed key (an
    interruption costs one reboot too many, never one too few), or rewritten there with this boot when it is stale.
    """
    paths = list(paths)
    marked = marked_keys(keys, paths)
    if marked and boot is None:
        raise ValueError("the boot time is needed to judge the reboot markers found")
    changed = {change.path.casefold() for change in changes}
    booted = [path for path in marked if boot is not None and booted_since(keys.key(path)[PENDING_REBOOT], boot)]
    pending = [path for path in marked if path not in booted]
    stale = [path for path in booted if path.casefold() not in changed]
    markers = [] if boot is None else [RegistryWrite.set(path, PENDING_REBOOT, "qword", boot) for path in paths
                                       if path.casefold() in changed and path not in pending]
    return RebootSequence(
        writes=markers + changes + [RegistryWrite.remove(path, PENDING_REBOOT) for path in stale],
        pending=pending,
        stale=stale,
        marked=[path for path in paths if path.casefold() in changed or path in pending],
    )
