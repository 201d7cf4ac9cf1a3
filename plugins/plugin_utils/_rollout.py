# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the aovpn.rras playbooks decide about a rollout on the controller (pure: no Ansible imports)."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def first_of_each_variable_set(hosts: Iterable[str], variables_of: Callable[[str], Mapping[str, Any]], pattern: str) -> list[str]:
    """The first host (in ``hosts`` order) of each distinct set of the variables whose names match ``pattern``.

    Two hosts share a set when they have the same matching names with equal values; a variable only one of them
    has, or a value that differs, gives each its own set. Checking the returned hosts checks every host's values.
    """
    matcher = re.compile(pattern)
    seen: set[str] = set()
    picked: list[str] = []
    for host in hosts:
        variables = variables_of(host)
        names = sorted(name for name in variables if matcher.match(name))
        key = json.dumps([[name, variables[name]] for name in names], sort_keys=True, default=repr)
        if key not in seen:
            seen.add(key)
            picked.append(host)
    return picked
