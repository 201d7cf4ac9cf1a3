# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hardening role checks on the controller what the modules check on the host: the same limits and protocol names."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import (
    DWORD_MAX,
    IKEEXT_PARAMETERS_KEY,
    IKEEXT_RESTART,
    MIN_ADDRESS_POOL_SIZE,
    PROTOCOLS,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART

ROLE = Path(__file__).resolve().parents[4] / "roles" / "hardening"


def test_the_role_limits_are_the_planner_constants() -> None:
    variables = yaml.safe_load((ROLE / "vars" / "main.yml").read_text(encoding="utf-8"))
    # the one other role variable: the RemoteAccess notification of the CRL check and address pool tasks
    assert "['aovpn.rras : restart RemoteAccess']" in variables.pop("__hardening_notify_remoteaccess")
    assert variables == {"__hardening_min_address_pool_size": MIN_ADDRESS_POOL_SIZE, "__hardening_max_dword": DWORD_MAX,
                         "__hardening_ikeext_marker_key": IKEEXT_PARAMETERS_KEY, "__hardening_restart_marker_name": PENDING_RESTART}


def test_the_ikeext_handler_restarts_as_the_module_does() -> None:
    handlers = yaml.safe_load((ROLE / "handlers" / "main.yml").read_text(encoding="utf-8"))
    (restart,) = [handler["ansible.windows.win_service"] for handler in handlers if "ansible.windows.win_service" in handler]
    assert restart == IKEEXT_RESTART.args
    assert {handler["listen"] for handler in handlers} == {"aovpn.rras : restart IKEEXT", "aovpn.rras : reboot"}


def test_the_role_protocol_choices_are_the_module_names() -> None:
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))["argument_specs"]
    for entry_point in ("main", "preflight"):
        assert tuple(specs[entry_point]["options"]["hardening_sstp_disabled_protocols"]["choices"]) == PROTOCOLS
