# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.rollout_errors (the checks of the playbook switches), aovpn.rras.sstp_server (the health gate's input) and
aovpn.rras.http_sys_certificates (the certificates http.sys bindings use)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.aovpn.rras.plugins.filter.rollout import http_sys_certificates, rollout_errors, sstp_server
from ansible_collections.aovpn.rras.plugins.module_utils._sstp_health import expectation

ON = {"aovpn_rras_ikev2_fragmentation": True}


@pytest.mark.parametrize("switches", [
    ON,
    {**ON, "aovpn_rras_serial": None, "aovpn_rras_health_port": None},  # unset: the defaults
    {"aovpn_rras_sstp_offload": "yes", "aovpn_rras_serial": "2"},  # from -e: strings
    {**ON, "aovpn_rras_serial": [1, "25%", "100%"], "aovpn_rras_max_fail_percentage": 100},
    {**ON, "aovpn_rras_health_port": 0, "aovpn_rras_health_timeout": "1", "aovpn_rras_before_restart_tasks": ""},
    {"aovpn_rras_sstp_certificate": True, "aovpn_rras_hardening": True, "aovpn_rras_health_port": 65535},
])
def test_valid_switches_give_no_error(switches: dict[str, Any]) -> None:
    assert rollout_errors(switches) == []


@pytest.mark.parametrize(("switches", "message"), [
    ({**ON, "aovpn_rras_serial": "abc"}, 'aovpn_rras_serial must be a positive number of servers, a percentage from 1% to 100% '
                                         'or a list of them; got "abc".'),
    ({**ON, "aovpn_rras_serial": 0}, "aovpn_rras_serial must be a positive number of servers, a percentage from 1% to 100% or a list of them; got 0."),
    ({**ON, "aovpn_rras_serial": [1, "150%"]}, 'got [1, "150%"].'),
    ({**ON, "aovpn_rras_serial": []}, "got []."),
    ({**ON, "aovpn_rras_serial": ""}, 'got "".'),
    ({**ON, "aovpn_rras_serial": True}, "got true."),
    ({**ON, "aovpn_rras_max_fail_percentage": 101}, "aovpn_rras_max_fail_percentage must be between 0 and 100; got 101."),
    ({**ON, "aovpn_rras_health_timeout": 0}, "aovpn_rras_health_timeout must be at least 1 (seconds); got 0."),
    ({**ON, "aovpn_rras_health_port": 70000}, "aovpn_rras_health_port must be between 1 and 65535 (or 0: the server's own SSTP port); got 70000."),
    ({**ON, "aovpn_rras_after_restart_tasks": "/nonexistent/hook.yml"},
     "aovpn_rras_after_restart_tasks /nonexistent/hook.yml is not a file on the controller: give the absolute path of a task file."),
    ({"aovpn_rras_sstp_offload": True, "aovpn_rras_sstp_certificate": "true"},
     "aovpn_rras_sstp_offload and aovpn_rras_sstp_certificate both set the SSTP certificate hashes: choose one"),
    ({"aovpn_rras_sstp_offload": False}, "No role is switched on, nothing to do: set aovpn_rras_sstp_offload, aovpn_rras_sstp_certificate, "
                                         "aovpn_rras_ikev2_fragmentation or aovpn_rras_hardening to true"),
])
def test_each_wrong_switch_is_named_with_its_value(switches: dict[str, Any], message: str) -> None:
    errors = rollout_errors(switches)
    assert len(errors) == 1 and message in errors[0], errors


def test_every_wrong_switch_is_reported_at_once(tmp_path: Path) -> None:
    hook = tmp_path / "drain.yml"
    hook.write_text("[]\n", encoding="utf-8")
    errors = rollout_errors({"aovpn_rras_serial": "x", "aovpn_rras_health_timeout": -1, "aovpn_rras_before_restart_tasks": str(hook),
                             "aovpn_rras_after_restart_tasks": str(tmp_path)})
    assert [error.split(" ")[0] for error in errors] == ["aovpn_rras_serial", "aovpn_rras_after_restart_tasks", "aovpn_rras_health_timeout", "No"]


def test_a_value_the_argument_spec_would_refuse_fails_naming_the_filter() -> None:
    with pytest.raises(AnsibleFilterError, match="aovpn.rras.rollout_errors"):
        rollout_errors({"aovpn_rras_ikev2_fragmentation": "maybe"})


def _stat(**properties: tuple[str, Any]) -> dict[str, Any]:
    return {"changed": False, "exists": True, "sub_keys": [],
            "properties": {name: {"type": kind, "value": value, "raw_value": value} for name, (kind, value) in properties.items()}}


RESTARTED = {"changed": True, "exists": True, "name": "RemoteAccess", "state": "running", "start_mode": "auto"}


def test_sstp_server_in_offload_mode_expects_plain_http_on_the_registry_port() -> None:
    server = sstp_server(_stat(UseHttps=("REG_DWORD", 0), ListenerPort=("REG_DWORD", 8080)), RESTARTED)
    assert server["remote_access_service"] == {"exists": True, "state": "running", "start_mode": "auto"}
    assert server["sstp"]["mode"] == "offload"
    found = expectation(server, "10.0.0.1")
    assert found is not None and (found.https, found.port, found.sha256) == (False, 8080, None)


def test_sstp_server_in_https_mode_expects_the_hash_the_server_holds() -> None:
    sha256 = list(range(32))
    server = sstp_server(_stat(SHA256CertificateHash=("REG_BINARY", sha256)), RESTARTED)
    found = expectation(server, "10.0.0.1")
    assert found is not None and (found.https, found.port, found.sha256) == (True, 443, bytes(sha256).hex().upper())


def test_sstp_server_without_the_key_or_service() -> None:
    server = sstp_server({"changed": False, "exists": False}, {"exists": False})
    assert server == {"sstp": None, "remote_access_service": {"exists": False, "state": None, "start_mode": None}}


def test_sstp_server_takes_the_first_service_result_that_ran() -> None:
    """The health gate after a reboot: the restart was skipped, the read after the boot counts."""
    stopped = {"changed": False, "exists": True, "name": "RemoteAccess", "state": "stopped", "start_mode": "auto"}
    skipped = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
    assert sstp_server(_stat(), [skipped, stopped])["remote_access_service"]["state"] == "stopped"
    assert sstp_server(_stat(), [RESTARTED, stopped])["remote_access_service"]["state"] == "running"
    assert sstp_server(_stat(), [skipped, skipped])["remote_access_service"] == {"exists": False, "state": None, "start_mode": None}


def test_http_sys_certificates_one_sha1_per_binding_that_has_one() -> None:
    sha1 = bytes(range(20))
    iis = {**_stat(SslCertHash=("REG_BINARY", list(sha1)), AppId=("REG_BINARY", [0] * 16)), "item": "0.0.0.0:443"}
    lower_case = {**_stat(sslcerthash=("REG_BINARY", [255] * 20)), "item": "[::]:443"}
    without = {**_stat(SslCertStoreName=("REG_SZ", "MY")), "item": "0.0.0.0:8443"}
    missing = {"changed": False, "exists": False, "item": "10.0.0.1:443"}
    skipped = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
    assert http_sys_certificates([iis, lower_case, without, missing, skipped]) == [sha1.hex().upper(), "FF" * 20]
    assert http_sys_certificates([]) == []


def test_http_sys_certificates_refuses_a_malformed_hash_naming_the_binding() -> None:
    with pytest.raises(AnsibleFilterError, match=r"aovpn.rras.http_sys_certificates: SslBindingInfo\\0.0.0.0:443: binary value"):
        http_sys_certificates([{**_stat(SslCertHash=("REG_BINARY", ["zz"])), "item": "0.0.0.0:443"}])
