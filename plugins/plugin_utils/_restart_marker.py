# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pending-restart marker: a change applied without its RemoteAccess restart is remembered on the host (pure).

A registry change of RRAS applies only when RemoteAccess restarts. When the restart does not follow (it failed, the
play was interrupted before the handler ran, or the ``never`` policy), the host must not look converged on the next
run. So a module that changes a key first writes the DWORD :data:`PENDING_RESTART` = 1 into that same key (the one it
reads anyway: knowing costs no extra call), and it is removed only after RemoteAccess restarted successfully (by the
module itself with ``restart=true``, else by the handler of the ``aovpn.rras.remoteaccess_restart`` role). While it
exists the modules report ``changed`` and ``restart_required``, so the roles' handler restarts RemoteAccess.
Neither RRAS nor SSTP reads the value.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryValue, RegistryWrite

PENDING_RESTART = "AovpnRrasRestartPending"


def restart_pending(current: Mapping[str, RegistryValue] | None) -> bool:
    """True when the key holds the marker (of any type: only its presence counts)."""
    return current is not None and PENDING_RESTART in current


@dataclass(frozen=True)
class WriteSequence:
    """The calls of one converge, in order: ``writes`` (marker first), then a restart and ``after_restart``."""

    writes: list[RegistryWrite]
    changed: bool
    after_restart: list[RegistryWrite]


def write_sequence(key: str, writes: list[RegistryWrite], pending: bool, restart: bool) -> WriteSequence:
    """Plan the marker around ``writes`` to ``key``, whose marker was ``pending`` when read.

    The marker is written before the first change (an interruption between the two costs one restart too many,
    never one too few), unless it is there already; with ``restart`` it is removed after the restart.
    """
    changed = bool(writes) or pending
    marker = [RegistryWrite.set(key, PENDING_RESTART, "dword", 1)] if writes and not pending else []
    clear = [RegistryWrite.remove(key, PENDING_RESTART)] if changed and restart else []
    return WriteSequence(marker + writes, changed, clear)
