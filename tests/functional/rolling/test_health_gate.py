"""Health gate (issue 12): after each restart, each server must answer SSTP as a healthy one does before the rollout goes on.

The lab makes it real: each emulated host's RemoteAccess start serves SSTP (tests/lab/tls_endpoint.py) on the host's
own loopback address, which the lab's vars plugin gives as ``ansible_host``, and on the SSTP port of its registry,
so the gate runs with its default address and port.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lab_session import recorded_calls as calls  # pylint: disable=import-error
from lab_session import recording_hooks as hooks  # pylint: disable=import-error

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
FIRST, SECOND = "ws2022-sstp", "ws2019-rras"
TWO = f"{FIRST}:{SECOND}"
GATE = "Wait until the server is healthy (RemoteAccess running, SSTP answering 401 with the certificate it holds)"

pytestmark = pytest.mark.lab


def gate_results(run, host: str, skipped: bool = False, task: str = GATE) -> list[dict[str, Any]]:
    """The host's gate results (the handler also "runs", skipped, in the play that reads every server first)."""
    return [result for play in run.json["plays"] for entry in play["tasks"] if entry["task"]["name"].endswith(task)
            for name, result in entry["hosts"].items() if name == host and bool(result.get("skipped")) is skipped]


def writes(lab, host: str) -> list[dict[str, Any]]:
    return [e for e in lab.journal(host) if not e["check_mode"] and (e["changed"] or e["failed"])]


def assert_passed_on_its_listener(lab, run, host: str, mode: str, port: int, sha256: str | None) -> None:
    (gate,) = gate_results(run, host)
    listener = lab.listener(host)
    assert listener is not None and listener["error"] is None, listener
    # the default address (ansible_host, the host's own loopback address) and port (the registry's SSTP port)
    assert gate["endpoint"] == f"{listener['address']}:{port}" and listener["port"] == port
    assert gate["healthy"] and gate["sstp_probed"] and gate["mode"] == mode and gate["status"] == 401, gate
    assert gate["presented_sha256"] == sha256 and gate["expected_sha256"] == sha256


def test_https_rollout_restarts_each_server_and_each_passes_the_gate_with_its_new_certificate(lab) -> None:
    new = lab.pki["certs"]["vpn_server_next"]
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars={
        "aovpn_rras_target": TWO, "aovpn_rras_sstp_certificate": True, "sstp_certificate_pfx_file": new["pfx"],
        "sstp_certificate_pfx_password": lab.pki["password"], "sstp_certificate_fqdn": "vpn.example.com"})
    assert run.rc == 0, run.failures() or run.stdout[-3000:]
    for host in (FIRST, SECOND):
        assert_passed_on_its_listener(lab, run, host, "https", 443, new["sha256"])
        assert lab.listener(host)["https"] is True


def test_offload_rollout_restarts_each_server_and_each_passes_the_gate_over_plain_http(lab) -> None:
    sha256 = lab.pki["certs"]["vpn_server_next"]["sha256"]
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars={
        "aovpn_rras_target": TWO, "aovpn_rras_sstp_offload": True, "sstp_offload_certificate_hash": sha256})
    assert run.rc == 0, run.failures() or run.stdout[-3000:]
    for host in (FIRST, SECOND):
        assert_passed_on_its_listener(lab, run, host, "offload", 80, None)
        assert lab.listener(host)["https"] is False
    # the summary names the servers in the order they roll: the target's
    (summary,) = [result["msg"] for play in run.json["plays"] for entry in play["tasks"]
                  if entry["task"]["name"] == "Say how many servers are in step and which will change" for result in entry["hosts"].values()]
    assert summary.endswith(f"2 to change (serial 1): {FIRST}, {SECOND}."), summary
    restarts = {host: [e["time_ns"] for e in lab.journal(host) if e["module"] == "win_service" and e["args"].get("state") == "restarted"]
                for host in (FIRST, SECOND)}
    assert restarts[FIRST][0] < restarts[SECOND][0], restarts


def test_an_unhealthy_first_server_fails_is_not_put_back_and_the_second_batch_is_never_touched(lab, tmp_path: Path) -> None:
    log, files = hooks(tmp_path)
    inventory = lab.inventory_with({FIRST: {"lab_faults": [{"module": "sstp_listener", "status": 503}]}})
    sha256 = lab.pki["certs"]["vpn_server_next"]["sha256"]
    run = lab.playbook(PLAYBOOKS / "site.yml", inventory=inventory, extra_vars={
        "aovpn_rras_target": TWO, "aovpn_rras_sstp_offload": True, "sstp_offload_certificate_hash": sha256,
        "aovpn_rras_serial": 1, "aovpn_rras_max_fail_percentage": 0, "aovpn_rras_health_timeout": 3, **files})
    assert run.rc != 0
    (gate,) = gate_results(run, FIRST)
    assert gate["failed"] and gate["status"] == 503 and gate["attempts"] >= 2
    listener = lab.listener(FIRST)
    assert "not healthy within 3 s" in gate["msg"] and f"at {listener['address']}:80 over plain HTTP" in gate["msg"]
    assert "last seen: status 503" in gate["msg"]
    assert run.stats[FIRST]["failures"] == 1
    assert calls(log) == [("before", FIRST)], "the unhealthy server is not put back into the pool"
    assert [e["module"] for e in writes(lab, FIRST)].count("win_service") == 1, "the first server restarted"
    assert writes(lab, SECOND) == [], "the rollout stopped before the second batch"
    assert gate_results(run, SECOND) == []


def test_health_check_false_skips_the_gate(lab, tmp_path: Path) -> None:
    log, files = hooks(tmp_path)
    inventory = lab.inventory_with({FIRST: {"lab_faults": [{"module": "sstp_listener", "status": 503}]}})
    run = lab.playbook(PLAYBOOKS / "site.yml", inventory=inventory, extra_vars={
        "aovpn_rras_target": FIRST, "aovpn_rras_sstp_offload": True,
        "sstp_offload_certificate_hash": lab.pki["certs"]["vpn_server_next"]["sha256"], "aovpn_rras_health_check": False, **files})
    assert run.rc == 0, run.failures()
    assert gate_results(run, FIRST) == []
    assert len(gate_results(run, FIRST, skipped=True)) == 2, "skipped in the reading play and after the restart"
    assert calls(log) == [("before", FIRST), ("after", FIRST)]


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("aovpn_rras_health_timeout", 0, "aovpn_rras_health_timeout must be at least 1 (seconds); got 0."),
    ("aovpn_rras_health_port", 70000, "aovpn_rras_health_port must be between 1 and 65535 (or 0: the server's own SSTP port); got 70000."),
    ("aovpn_rras_health_check", "maybe", "aovpn_rras_health_check"),
])
def test_bad_gate_settings_are_refused_before_any_server_is_touched(lab, variable: str, value: Any, message: str) -> None:
    run = lab.playbook(PLAYBOOKS / "site.yml", callback="default", extra_vars={
        "aovpn_rras_target": TWO, "aovpn_rras_ikev2_fragmentation": True, variable: value})
    assert run.rc != 0 and message in run.stdout, run.stdout[-3000:]
    for host in lab.hosts:
        assert lab.journal(host) == []


def test_renewal_removes_nothing_from_a_server_unhealthy_with_the_new_certificate(lab) -> None:
    """sstp_certificate_remove_superseded runs the gate first (also with the immediate restart policy)."""
    old, new = lab.pki["certs"]["vpn_server"], lab.pki["certs"]["vpn_server_next"]
    base = {"aovpn_rras_target": SECOND, "sstp_certificate_pfx_password": lab.pki["password"], "sstp_certificate_fqdn": "vpn.example.com"}
    assert lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars={**base, "sstp_certificate_pfx_file": old["pfx"]}).rc == 0
    inventory = lab.inventory_with({SECOND: {"lab_faults": [{"module": "sstp_listener", "status": 503}]}})
    playbook = f"""
- name: Renew with the immediate restart policy
  hosts: {SECOND}
  gather_facts: false
  vars:
    remoteaccess_restart_health_timeout: 2
  roles:
    - role: aovpn.rras.sstp_certificate
      sstp_certificate_pfx_file: {new['pfx']}
      sstp_certificate_pfx_password: {lab.pki['password']}
      sstp_certificate_restart: immediate
      sstp_certificate_remove_superseded: true
"""
    run = lab.playbook(playbook, inventory=inventory)
    assert run.rc != 0
    (gate,) = gate_results(run, SECOND)
    assert gate["failed"] and gate["status"] == 503 and gate["presented_sha256"] == new["sha256"], gate
    assert not [e for e in lab.journal(SECOND) if e["module"] == "win_certificate_store" and e["args"].get("state") == "absent"]
