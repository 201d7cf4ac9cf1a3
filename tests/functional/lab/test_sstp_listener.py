"""The lab's SSTP listener: each emulated host's running RemoteAccess serves what the service would, and nothing outlives it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import labctl
import pytest

from ansible_collections.aovpn.rras.plugins.module_utils._sstp_health import Expectation, Observation, observe

pytestmark = pytest.mark.lab

HOST = "ws2022-sstp"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"


def service(lab, state: str, host: str = HOST) -> None:
    run = lab.adhoc(host, "ansible.windows.win_service", f"name=RemoteAccess state={state}")
    assert run.rc == 0, run.stdout[-2000:]


def alive(pid: int) -> bool:
    return labctl.lab_host.process_running(pid)


def listeners_of(directory: Path) -> list[int]:
    """Pids of running tls_endpoint.py listeners whose pid file lies under ``directory`` (what ``ps`` shows)."""
    out = subprocess.run(["ps", "-e", "-ww", "-o", "pid=,args="], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "tls_endpoint.py" in line and f"--pid-file {directory}/" in line]


def test_https_start_serves_the_bound_certificate_on_the_hosts_own_address_and_stop_ends_it(lab) -> None:
    service(lab, "restarted")
    listener = lab.listener(HOST)
    assert listener["https"] and listener["port"] == 443 and listener["address"].startswith("127.")
    assert listener["address"] != "127.0.0.1" and alive(listener["pid"])
    sha256 = lab.pki["sha256"]  # vpn_server, the certificate the profile binds
    seen = observe(Expectation(listener["address"], 443, True, sha256), 5)
    assert seen == Observation(status=401, sha256=sha256)
    service(lab, "stopped")
    assert lab.listener(HOST) is None and not alive(listener["pid"])
    assert observe(Expectation(listener["address"], 443, True, sha256), 2).error.startswith("refused:")


def test_a_restart_replaces_the_listener_and_offload_serves_plain_http_on_the_listener_port(lab) -> None:
    service(lab, "restarted")
    first = lab.listener(HOST)
    lab.set_reg_value(HOST, SSTP_KEY, "UseHttps", "REG_DWORD", 0)
    service(lab, "restarted")
    second = lab.listener(HOST)
    assert not alive(first["pid"]) and alive(second["pid"])
    assert second["https"] is False and second["port"] == 80 and second["address"] == first["address"]
    assert observe(Expectation(second["address"], 80, False, None), 5) == Observation(status=401)


def test_a_start_that_binds_nothing_serves_nothing(lab) -> None:
    service(lab, "restarted")
    before = lab.listener(HOST)
    lab.set_reg_value(HOST, SSTP_KEY, "SHA256CertificateHash", "REG_BINARY", [0xAB] * 32)  # not in the store: Event 25
    service(lab, "restarted")
    assert [e["event_id"] for e in lab.events(HOST)][-1] == 25
    assert lab.listener(HOST) is None and not alive(before["pid"])


def test_the_unhealthy_fault_answers_the_sstp_path_with_its_status(lab) -> None:
    inventory = lab.inventory_with({HOST: {"lab_faults": [{"module": "sstp_listener", "status": 503}]}})
    run = lab.adhoc(HOST, "ansible.windows.win_service", "name=RemoteAccess state=restarted", inventory=inventory)
    assert run.rc == 0
    listener = lab.listener(HOST)
    assert observe(Expectation(listener["address"], 443, True, lab.pki["sha256"]), 5).status == 503


def test_check_mode_starts_nothing(lab) -> None:
    run = lab.adhoc(HOST, "ansible.windows.win_service", "name=RemoteAccess state=restarted", check=True)
    assert run.rc == 0 and lab.listener(HOST) is None and listeners_of(lab.state_dir) == []


def test_reset_and_the_end_of_the_lab_stop_every_listener(lab) -> None:
    service(lab, "restarted")
    service(lab, "restarted", "ws2019-rras")  # no certificate: Event 11, nothing served
    pid = lab.listener(HOST)["pid"]
    assert alive(pid) and listeners_of(lab.state_dir) == [pid]
    labctl.reset(lab.inventory, lab.state_dir)
    assert not alive(pid) and listeners_of(lab.state_dir) == []
    service(lab, "restarted")
    pid = lab.listener(HOST)["pid"]
    address = lab.listener(HOST)["address"]
    lab.close()
    assert not alive(pid) and listeners_of(lab.state_dir) == []
    assert not (labctl.LOOPBACK_DIR / address).exists(), "the address is given back"


def test_each_host_of_each_lab_has_its_own_address(lab, tmp_path: Path) -> None:
    other = labctl.reset(lab.inventory, tmp_path / "other-lab")
    addresses = [labctl.lab_host.listener_config(str(directory / host))["address"] for host, directory in other.items()]
    addresses += [labctl.lab_host.listener_config(str(lab.state_dir / host))["address"] for host in lab.hosts]
    assert len(set(addresses)) == len(addresses) == 2 * len(lab.hosts)
    assert all(os.path.exists(labctl.LOOPBACK_DIR / address) for address in addresses)
