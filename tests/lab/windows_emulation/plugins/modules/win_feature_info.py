# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_feature_info (see win_feature_info.ps1 in ansible.windows 3.3.0).

``Get-WindowsFeature -Name $name`` over the host's feature catalog (``features`` in the state,
seeded from the profile): ``name`` is a PowerShell wildcard matched case-insensitively on the
feature name only; no match returns ``exists: false`` and an empty list, not an error.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import run_call


ARGUMENT_SPEC: dict[str, Any] = {
    "name": {"type": "str", "default": "*"},
}
"""The options of the real module (what the lab checks a call against)."""


def _feature(entry: dict[str, Any]) -> dict[str, Any]:
    """The dict win_feature_info.ps1 builds from a Get-WindowsFeature object."""
    installed = bool(entry.get("installed"))
    return {
        "name": entry["name"],
        "display_name": entry.get("display_name", entry["name"]),
        "description": entry.get("description", ""),
        "installed": installed,
        "install_state": "Installed" if installed else entry.get("install_state", "Available"),
        "feature_type": entry.get("feature_type", "Feature"),
        "path": entry.get("path", entry.get("display_name", entry["name"])),
        "depth": entry.get("depth", 1),
        "depends_on": entry.get("depends_on", []),
        "parent": entry.get("parent"),
        "server_component_descriptor": entry.get("server_component_descriptor"),
        "sub_features": entry.get("sub_features", []),
        "system_service": entry.get("system_service", []),
        "best_practices_model_id": entry.get("best_practices_model_id"),
        "event_query": entry.get("event_query"),
        "post_configuration_needed": bool(entry.get("post_configuration_needed", False)),
        "additional_info": entry.get("additional_info", {}),
    }


def feature_info(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    pattern = params["name"].lower()
    features = [_feature(entry) for entry in state.get("features", []) if fnmatch.fnmatchcase(entry["name"].lower(), pattern)]
    return {"changed": False, "exists": bool(features), "features": features}


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_call(module, "win_feature_info", feature_info)


if __name__ == "__main__":
    main()
