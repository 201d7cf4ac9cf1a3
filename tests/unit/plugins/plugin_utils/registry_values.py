# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the tests of the registry planners share: a key's values as the registry parser returns them."""

from __future__ import annotations

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryProperties, RegistryValue


def key(**values: tuple[str, object]) -> RegistryProperties:
    """The values of a key, given as ``Name=(type, data)``."""
    return RegistryProperties(RegistryValue(name, value_type, data) for name, (value_type, data) in values.items())
