# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Remote Access role decision, the http.sys binding model and the one restart definition."""

from __future__ import annotations

import pathlib
import typing as t
import uuid

import pytest
import yaml

from ansible_collections.aovpn.rras.plugins.plugin_utils._http_sys import binding_summary, foreign_binding_error, parse_app_id
from ansible_collections.aovpn.rras.plugins.plugin_utils._remote_access import (
    NOT_CONFIGURED_MSG,
    NOT_INSTALLED_MSG,
    RESTART_ARGS,
    HostFacts,
    role_state,
)
from ansible_collections.aovpn.rras.tests.unit.plugins.plugin_utils.registry_values import key

ROOT = pathlib.Path(__file__).resolve().parents[4]
SSTP = uuid.UUID("ba195980-cd49-458b-9e23-c84ee0adcd75")


def features(**installed: bool) -> dict[str, t.Any]:
    return {"exists": True, "features": [{"name": name.replace("_", "-"), "installed": value} for name, value in installed.items()]}


@pytest.mark.parametrize(("service", "feature_result", "error"), [
    ({"exists": True, "start_mode": "disabled"}, features(RemoteAccess=False), NOT_INSTALLED_MSG),
    ({"exists": True, "start_mode": "auto"}, features(RemoteAccess=False, DirectAccess_VPN=True), NOT_INSTALLED_MSG),
    ({"exists": False}, {"exists": False, "features": []}, NOT_INSTALLED_MSG),
    ({"exists": True, "start_mode": "disabled"}, features(RemoteAccess=True), NOT_CONFIGURED_MSG),
    ({"exists": True, "start_mode": "Disabled"}, {"features": [{"name": "remoteaccess", "install_state": "Installed"}]}, NOT_CONFIGURED_MSG),
    ({"exists": True, "start_mode": "auto"}, features(RemoteAccess=True), None),
    ({"exists": True, "start_mode": "delayed"}, features(RemoteAccess=True), None),
    ({"exists": True, "start_mode": "manual"}, {"features": [{"name": "RemoteAccess", "install_state": "Installed"}]}, None),
])
def test_role_state(service: dict[str, t.Any], feature_result: dict[str, t.Any], error: str | None) -> None:
    assert role_state(service, feature_result).error == error


def test_messages_are_the_documented_ones() -> None:
    assert NOT_INSTALLED_MSG == "the Remote Access role is not installed"
    assert NOT_CONFIGURED_MSG == ("RRAS is installed but not configured (RemoteAccess is disabled): configure it first "
                                  "(Install-RemoteAccess -VpnType Vpn)")


def _restart_tasks(path: pathlib.Path) -> list[dict[str, t.Any]]:
    found = []

    def walk(tasks: list[dict[str, t.Any]]) -> None:
        for task in tasks:
            for nested in ("block", "rescue", "always"):
                walk(task.get(nested) or [])
            args = task.get("ansible.windows.win_service")
            if args and args.get("state") == "restarted":
                found.append(args)

    walk(yaml.safe_load(path.read_text()))
    return found


@pytest.mark.parametrize("path", ["roles/remoteaccess_restart/handlers/main.yml", "roles/sstp_certificate/tasks/converge.yml"])
def test_every_restart_path_uses_the_one_definition(path: str) -> None:
    """The handler and the role's bind-restart restart RemoteAccess exactly as the modules' restart=true does."""
    restarts = _restart_tasks(ROOT / path)
    assert restarts and all(args == RESTART_ARGS for args in restarts)


def test_app_id_is_accepted_in_both_byte_orders() -> None:
    assert parse_app_id(SSTP.bytes_le) == SSTP and parse_app_id(SSTP.bytes) == SSTP
    other = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
    assert parse_app_id(other.bytes_le) == other, "unknown app ids are read in GUID memory order"
    assert parse_app_id(b"\x01\x02") is None


def test_binding_summary_and_error() -> None:
    binding = binding_summary("[::]:443", key(AppId=("binary", bytes(16)), SslCertHash=("binary", bytes(range(20)))))
    assert binding == {"address": "[::]:443", "app_id": "{00000000-0000-0000-0000-000000000000}", "owner": "unknown",
                       "certificate_sha1": bytes(range(20)).hex().upper(), "certificate_store": "MY", "sstp_owned": False}
    message = foreign_binding_error(binding)
    assert message.startswith("http.sys binds [::]:443 to another application: app id {00000000-0000-0000-0000-000000000000}, certificate SHA-1 ")
    assert "`netsh http delete sslcert ipport=[::]:443`" in message
    unreadable = binding_summary("0.0.0.0:443", key())
    assert unreadable["app_id"] is None and unreadable["sstp_owned"] is False and unreadable["certificate_sha1"] is None
    assert "app id unreadable" in foreign_binding_error(unreadable)


def test_host_facts_read_only_what_a_module_kept_in_this_run() -> None:
    assert HostFacts.of({}, "r1").known == {} and HostFacts.of({"ansible_facts": {"aovpn_rras_host": "junk"}}, "r1").known == {}
    fact = {"remote_access": "configured", "os_build": 20348, "run": "r1"}
    known = HostFacts.of({"ansible_facts": {"aovpn_rras_host": fact}}, "r1")
    assert known.remote_access_configured and known.os_build == 20348
    # another run's fact (a persistent fact cache): the role may have been removed, the OS upgraded since
    assert HostFacts.of({"ansible_facts": {"aovpn_rras_host": fact}}, "r2").known == {}
    assert HostFacts.of({"ansible_facts": {"aovpn_rras_host": {k: v for k, v in fact.items() if k != "run"}}}, "r1").known == {}
    for build in (True, 0, -1, "20348", None):
        assert HostFacts({"os_build": build}, "r1").os_build is None
    assert not HostFacts({"remote_access": "installed"}, "r1").remote_access_configured
    merged = HostFacts({"os_build": 1, "restart_pending": ["B", "A"], "run": "r1"}, "r1").learned(
        {"restart_pending": ["A", "C"], "remote_access": "configured"})
    assert merged == {"aovpn_rras_host": {"os_build": 1, "remote_access": "configured", "restart_pending": ["A", "B", "C"], "run": "r1"}}
    merged = HostFacts({"restart_pending": ["A"], "reboot_pending": ["R2"], "run": "r1"}, "r1").learned({"reboot_pending": ["R1", "R2"]})
    assert merged == {"aovpn_rras_host": {"restart_pending": ["A"], "reboot_pending": ["R1", "R2"], "run": "r1"}}
