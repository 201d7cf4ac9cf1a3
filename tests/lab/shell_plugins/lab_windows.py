# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shell of the lab connection: sh on the controller, Windows path rules for Windows paths."""

from __future__ import annotations

DOCUMENTATION = r"""
name: lab_windows
short_description: The sh shell with Windows path rules for an emulated Windows host's paths
description:
  - The lab's emulated ansible.windows modules are Python run on the controller, so commands, temporary
    directories and file transfers are those of the builtin P(ansible.builtin.sh#shell) shell.
  - The real ansible.windows action plugins also use the shell for the host's paths (for example
    M(ansible.windows.win_copy) appends the source's name to a C(dest) ending in C(\)). For a path with a drive
    letter, a UNC prefix or a backslash, C(join_path) is that of P(ansible.builtin.powershell#shell);
    C(path_has_trailing_slash) is always PowerShell's (C(/) or C(\)), as on a real Windows host.
  - Test infrastructure of aovpn.rras (C(tests/lab)); not part of the collection.
author: aovpn.rras contributors
extends_documentation_fragment:
  - shell_common
"""

import ntpath

from ansible.plugins.shell.powershell import ShellModule as PowerShellModule
from ansible.plugins.shell.sh import ShellModule as ShModule

_WINDOWS_PATHS = PowerShellModule()  # only its pure path functions are used


def is_windows_path(path: str) -> bool:
    """A path of the emulated Windows host (``C:\\...``, ``\\\\server\\share``, anything with a backslash)."""
    return bool(ntpath.splitdrive(path)[0]) or "\\" in path


class ShellModule(ShModule):
    """sh for the controller, PowerShell's path rules for the emulated host's paths."""

    def join_path(self, *args: str) -> str:
        if args and is_windows_path(str(args[0])):
            return _WINDOWS_PATHS.join_path(*args)
        return super().join_path(*args)

    def path_has_trailing_slash(self, path: str) -> bool:
        return _WINDOWS_PATHS.path_has_trailing_slash(path)
