# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Temporary files with secrets that a run put on the host, remembered until removed (pure: no Ansible imports).

The ``aovpn.rras.sstp_certificate`` role copies a PFX (the private key) to the host for its import. Before the copy it
writes a string value named :data:`TEMPORARY_FILE_PREFIX` + the file name, holding the path, into
``SstpSvc\\Parameters``; it removes the value once the file is gone. A file that could not be removed (the removal
failed, the connection was lost) therefore stays listed in the key ``win_sstp_certificate`` reads anyway, which
returns it as ``temporary_files``, and the role's next run removes it. Neither RRAS nor SSTP reads these values.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryValue

TEMPORARY_FILE_PREFIX = "AovpnRrasTemporaryFile:"


def temporary_files(current: Mapping[str, RegistryValue]) -> list[dict[str, str]]:
    """``[{name, path}]`` of the temporary files listed in ``current``, by value name."""
    prefix = TEMPORARY_FILE_PREFIX.casefold()
    return sorted(
        ({"name": value.name, "path": value.data} for value in current.values()
         if value.name.casefold().startswith(prefix) and isinstance(value.data, str) and value.data),
        key=lambda entry: entry["name"],
    )
