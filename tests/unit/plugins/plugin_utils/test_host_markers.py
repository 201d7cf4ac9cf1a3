"""The roles clear the markers the modules read, under the same names in the same keys."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import IP_KEY, PROTOCOLS, tls_keys
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import IKEV2_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._reboot_marker import PENDING_REBOOT
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryProperties, RegistryValue
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import PARAMETERS_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._temporary_files import TEMPORARY_FILE_PREFIX, temporary_files

ROLE_VARS = Path(__file__).resolve().parents[4] / "roles" / "remoteaccess_restart" / "vars" / "main.yml"


def test_the_handler_clears_the_marker_of_every_module_key() -> None:
    variables = yaml.safe_load(ROLE_VARS.read_text(encoding="utf-8"))
    assert variables["__remoteaccess_restart_marker_name"] == PENDING_RESTART
    assert variables["__remoteaccess_restart_marker_keys"] == [PARAMETERS_KEY, IKEV2_KEY, IP_KEY]


def test_the_reboot_handler_clears_the_reboot_marker_of_every_key_win_sstp_tls_writes() -> None:
    variables = yaml.safe_load(ROLE_VARS.read_text(encoding="utf-8"))
    assert variables["__remoteaccess_restart_reboot_marker_name"] == PENDING_REBOOT
    assert variables["__remoteaccess_restart_reboot_marker_keys"] == tls_keys(PROTOCOLS, cipher_suites=True)


def test_the_certificate_role_lists_its_temporary_pfx_where_the_module_looks() -> None:
    role = ROLE_VARS.parents[2] / "sstp_certificate"
    variables = yaml.safe_load((role / "vars" / "main.yml").read_text(encoding="utf-8"))
    assert variables["__sstp_certificate_key"] == PARAMETERS_KEY
    converge = yaml.safe_load((role / "tasks" / "converge.yml").read_text(encoding="utf-8"))
    block = next(task for task in converge if "block" in task)
    assert block["vars"]["__sstp_certificate_temp_file"]["name"].startswith(TEMPORARY_FILE_PREFIX)
    assert temporary_files(RegistryProperties([RegistryValue(TEMPORARY_FILE_PREFIX.upper() + "x.pfx", "string", "C:\\x.pfx"),
                                               RegistryValue("UseHttps", "dword", 1)])) == [
        {"name": TEMPORARY_FILE_PREFIX.upper() + "x.pfx", "path": "C:\\x.pfx"}]
