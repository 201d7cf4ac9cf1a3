# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection against the lab's model of the RRAS service (issue 11): what RemoteAccess writes at start, the
http.sys bindings, the Remote Access role, PFX import on old builds. Journal, registry and event log asserted."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from lab_session import task_play  # pylint: disable=import-error

pytestmark = pytest.mark.lab

REPO_ROOT = Path(__file__).resolve().parents[3]
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
BINDINGS = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\"
HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
ROLE_CHECK = ["win_service", "win_feature_info"]
NOT_INSTALLED = "the Remote Access role is not installed; nothing was written"
NOT_CONFIGURED = ("RRAS is installed but not configured (RemoteAccess is disabled): configure it first (Install-RemoteAccess -VpnType Vpn); "
                  "nothing was written")


def value(lab: Any, host: str, name: str, key: str = SSTP_KEY) -> Any:
    values = {k.lower(): v for k, v in (lab.reg_values(host, key) or {}).items()}
    entry = values.get(name.lower())
    return None if entry is None else entry["value"]


def run_task(lab: Any, host: str, module: str, args: dict[str, Any], **options: Any) -> dict[str, Any]:
    run = lab.playbook(task_play("Task", module, args, hosts=host, ignore_errors=False), **options)
    return run.results(host, "Task")[0]


def test_absent_after_the_service_wrote_its_own_hashes_is_one_read(lab: Any) -> None:
    """present, restart, absent, restart (the service picks a certificate and writes both hashes, flag 0), absent again."""
    host = "ws2022-sstp"  # HTTPS pinned to vpn_server, which is in LocalMachine\My
    present = run_task(lab, host, "aovpn.rras.win_sstp_offload", {"certificate_hash": HASH, "restart": True})
    assert present["changed"] is True and present["restarted"] is True, present
    assert value(lab, host, "isHashConfiguredByAdmin") == 1 and value(lab, host, "UseHttps") == 0

    lab.clear_journal(host)
    absent = run_task(lab, host, "aovpn.rras.win_sstp_offload", {"state": "absent", "restart": True})
    assert absent["changed"] is True and absent["restarted"] is True, absent
    journal = lab.journal(host)
    writes = [(entry["args"]["name"], entry["args"]["state"]) for entry in journal if entry["module"] == "win_regedit"]
    # the pending-restart marker before the first change, removed once RemoteAccess has restarted
    assert writes == [("AovpnRrasRestartPending", "present"), ("isHashConfiguredByAdmin", "absent"), ("UseHttps", "present"),
                      ("SHA256CertificateHash", "absent"), ("AovpnRrasRestartPending", "absent")]
    assert journal[-2]["args"] == {"name": "RemoteAccess", "state": "restarted", "force_dependent_services": False}
    assert lab.modules(host) == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_regedit", "win_regedit", "win_regedit", "win_service", "win_regedit"]
    assert value(lab, host, "AovpnRrasRestartPending") is None
    # The restart was the service's start in HTTPS mode: it picked the VPN certificate and wrote the hashes itself.
    assert value(lab, host, "isHashConfiguredByAdmin") == 0 and value(lab, host, "UseHttps") == 1
    assert bytes(value(lab, host, "SHA1CertificateHash")) == bytes.fromhex(lab.pki["sha1"])
    assert bytes(value(lab, host, "SHA256CertificateHash")) == bytes.fromhex(lab.pki["sha256"])
    events = lab.events(host)
    assert [event["event_id"] for event in events] == [], "the service found and bound its certificate (no Event 11, 25 or 32)"
    registry = lab.state(host)["registry"]

    lab.clear_journal(host)
    again = run_task(lab, host, "aovpn.rras.win_sstp_offload", {"state": "absent", "restart": True})
    assert again["changed"] is False and again["restarted"] is False and again["restart_required"] is False, again
    assert lab.modules(host) == ["win_reg_stat"], "steady state: one read, no role check, no restart"
    assert lab.state(host)["registry"] == registry and lab.events(host) == events


def test_a_port_bound_to_iis_fails_the_binding_and_writes_nothing(lab: Any) -> None:
    host = "ws2022-iis443"
    lab.delete_reg_value(host, SSTP_KEY, "isHashConfiguredByAdmin")  # a write is planned: the pin
    registry, events = lab.state(host)["registry"], lab.events(host)
    result = run_task(lab, host, "aovpn.rras.win_sstp_certificate", {"thumbprint": lab.pki["sha1"], "restart": True})
    iis_sha1 = bytes(value(lab, host, "SslCertHash", BINDINGS + "0.0.0.0:443")).hex().upper()
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("http.sys binds 0.0.0.0:443 to another application: app id {4DC3E181-E14B-4A21-B022-59FC669B0914} (IIS), "
                                    f"certificate SHA-1 {iis_sha1}.")
    assert "`netsh http delete sslcert ipport=0.0.0.0:443`" in result["msg"] and "Event 32" in result["msg"]
    assert [(entry["module"], entry["args"].get("path")) for entry in lab.journal(host)] == [
        ("win_reg_stat", SSTP_KEY), ("win_certificate_info", None), ("win_service", None), ("win_feature_info", None),
        ("win_reg_stat", BINDINGS + "0.0.0.0:443")]
    assert lab.state(host)["registry"] == registry and lab.events(host) == events, "nothing written, nothing restarted"


@pytest.mark.parametrize(("host", "message"), [("ws2022-base", NOT_INSTALLED), ("ws2022-unconfigured", NOT_CONFIGURED)])
def test_writing_modules_refuse_a_server_without_configured_rras(lab: Any, host: str, message: str) -> None:
    """The keys exist on these hosts (as on every Windows Server): the role and the start mode decide, before any write."""
    registry = lab.state(host)["registry"]
    for module, args in (("aovpn.rras.win_sstp_offload", {"certificate_hash": HASH, "restart": True}),
                         ("aovpn.rras.win_ikev2_fragmentation", {"restart": True})):
        lab.clear_journal(host)
        result = run_task(lab, host, module, args)
        assert result["failed"] is True and result["msg"] == message and result["changed"] is False, result
        assert lab.modules(host)[-2:] == ROLE_CHECK and "win_regedit" not in lab.modules(host)
    assert lab.state(host)["registry"] == registry and lab.events(host) == []
    lab.clear_journal(host)
    steady = run_task(lab, host, "aovpn.rras.win_ikev2_fragmentation", {"state": "disabled"})
    assert steady["changed"] is False and not steady.get("failed") and lab.modules(host) == ["win_reg_stat"]


def test_info_tells_installed_configured_and_the_bindings(lab: Any) -> None:
    run = lab.playbook(task_play("Task", "aovpn.rras.win_rras_info", {}, hosts="rras_edge:ws2022-sstp", ignore_errors=False))
    assert run.rc == 0, run.stdout[-3000:]
    found = {host: run.results(host, "Task")[0] for host in ("ws2022-base", "ws2022-unconfigured", "ws2022-iis443", "ws2022-sstp")}
    assert {host: (info["rras_installed"], info["rras_configured"]) for host, info in found.items()} == {
        "ws2022-base": (False, False), "ws2022-unconfigured": (True, False), "ws2022-iis443": (True, True), "ws2022-sstp": (True, True)}
    iis = found["ws2022-iis443"]["http_sys_bindings"]
    assert [(b["address"], b["owner"], b["app_id"], b["sstp_owned"]) for b in iis] == [
        ("0.0.0.0:443", "IIS", "{4DC3E181-E14B-4A21-B022-59FC669B0914}", False)]
    assert iis[0]["certificate_sha1"] == bytes(value(lab, "ws2022-iis443", "SslCertHash", BINDINGS + "0.0.0.0:443")).hex().upper()
    assert all(binding["sstp_owned"] for binding in found["ws2022-sstp"]["http_sys_bindings"])


def _openssl_pkcs12_info(path: str, password: str) -> str:
    run = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-in", path, "-passin", f"pass:{password}"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout + run.stderr


def test_a_pbes2_pfx_imports_on_windows_server_2016(lab: Any, tmp_path: Path) -> None:
    """2016 refuses PBES2/AES ("The specified network password is not correct."): the role sends the legacy form."""
    pfx = lab.pki["certs"]["vpn_server"]["pfx"]
    assert "PBES2" in _openssl_pkcs12_info(pfx, lab.pki["password"]), "the lab PFX must be the modern form for this test"
    local_tmp = tmp_path / "local-tmp"
    local_tmp.mkdir()
    variables = {"aovpn_rras_target": "ws2016-rras", "sstp_certificate_pfx_file": pfx, "sstp_certificate_pfx_password": lab.pki["password"],
                 "sstp_certificate_fqdn": "vpn.example.com"}
    run = lab.playbook(REPO_ROOT / "playbooks" / "sstp_certificate.yml", extra_vars=variables, env={"ANSIBLE_LOCAL_TEMP": str(local_tmp)})
    assert run.rc == 0, run.stdout[-5000:]
    journal = lab.journal("ws2016-rras")
    names = [entry["module"] for entry in journal]
    # the build read, the temporary file remembered before the copy, the real win_copy action (a query call, then the
    # transfer), the import, the temporary file removed and forgotten
    copy = names.index("win_copy")
    assert names[copy - 2:copy + 5] == ["win_reg_stat", "win_regedit", "win_copy", "win_copy", "win_certificate_store", "win_file", "win_regedit"]
    assert journal[copy - 2]["args"]["name"] == "CurrentBuildNumber"
    assert journal[copy - 1]["args"]["data"] == journal[copy + 3]["args"]["path"], "the copy's path is remembered, then removed"
    assert journal[copy + 4]["args"] == {**journal[copy + 4]["args"], "name": journal[copy - 1]["args"]["name"], "state": "absent"}
    assert not journal[names.index("win_certificate_store")]["failed"]
    assert bytes(value(lab, "ws2016-rras", "SHA1CertificateHash")) == bytes.fromhex(lab.pki["sha1"])
    # the drift probe (check mode) skips it; the rolling play removes the file
    (removed,) = [entry["hosts"]["ws2016-rras"] for play_result in run.json["plays"] for entry in play_result["tasks"]
                  if entry["task"]["name"].endswith("Remove the re-encoded PFX from the controller") and not entry["hosts"]["ws2016-rras"].get("skipped")]
    assert removed["changed"] is True and removed["path"].startswith(str(local_tmp)), "the re-encoded PFX is deleted from the controller"
    assert lab.pki["password"] not in run.stdout
