# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filter aovpn.rras.first_of_each_variable_set (documented in first_of_each_variable_set.yml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ansible_collections.aovpn.rras.plugins.plugin_utils._rollout import first_of_each_variable_set as _first_of_each


def first_of_each_variable_set(hosts: Iterable[str], hostvars: Mapping[str, Mapping[str, Any]], pattern: str) -> list[str]:
    """The first of ``hosts`` of each distinct set of its variables whose names match ``pattern``."""
    return _first_of_each(hosts, lambda host: hostvars[host], pattern)


class FilterModule:
    """Rollout filters of aovpn.rras."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"first_of_each_variable_set": first_of_each_variable_set}
