"""Behaviour of the lab itself: persistence, reset, journal, check mode, faults, reachability, runners."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import labctl
import pytest
from lab_session import Lab

pytestmark = pytest.mark.lab

SSTP = r"HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters"
BINDINGS = r"HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo"
IKEV2 = r"HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2"

WRITE_AND_READ = r"""
- hosts: ws2019-rras
  gather_facts: false
  tasks:
    - name: write
      ansible.windows.win_regedit:
        path: 'HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2'
        name: EnableServerFragmentation
        type: dword
        data: 1
    - name: read
      ansible.windows.win_reg_stat:
        path: 'HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2'
        name: enableserverfragmentation
"""


def test_state_survives_between_runs_and_reset_restores_profile(lab):
    first = lab.playbook(WRITE_AND_READ)
    assert first.rc == 0, first.stdout + first.stderr
    assert first.results("ws2019-rras", "write")[0]["changed"] is True
    second = lab.playbook(WRITE_AND_READ)
    assert second.results("ws2019-rras", "write")[0]["changed"] is False
    assert second.results("ws2019-rras", "read")[0]["value"] == 1
    assert lab.reg_values("ws2019-rras", IKEV2) == {"EnableServerFragmentation": {"type": "REG_DWORD", "value": 1}}

    result = subprocess.run([sys.executable, "tests/lab/labctl.py", "reset", "--state-dir", str(lab.state_dir)],
                            capture_output=True, text=True, check=True, env=lab.env, cwd=labctl.REPO_ROOT)
    assert "ws2019-rras" in result.stdout
    assert lab.reg_values("ws2019-rras", IKEV2) is None
    assert lab.journal("ws2019-rras") == []


def test_journal_records_check_mode_run_as_writing_nothing(lab):
    before = lab.state("ws2022-sstp")
    run = lab.playbook(r"""
- hosts: ws2022-sstp
  gather_facts: false
  tasks:
    - name: offload
      ansible.windows.win_regedit:
        path: 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters'
        name: UseHttps
        type: dword
        data: 0
""", check=True, diff=True)
    assert run.rc == 0, run.stdout + run.stderr
    result = run.results("ws2022-sstp", "offload")[0]
    assert result["changed"] is True
    assert result["diff"]["after"] == {SSTP: {"UseHttps": {"type": "DWord", "value": "0x00000000"}}}
    journal = lab.journal("ws2022-sstp")
    assert [(e["module"], e["check_mode"], e["changed"]) for e in journal] == [("win_regedit", True, True)]
    after = lab.state("ws2022-sstp")
    after.pop("_lab"), before.pop("_lab")
    assert after == before


def test_faults_unreachable_and_secrets(lab):
    faults = [
        {"module": "win_regedit", "name": "SHA256CertificateHash", "msg": "Access is denied"},
        {"module": "ansible.windows.win_service", "name": "RemoteAccess", "state": "restarted", "msg": "Failed to restart service", "after": 2},
    ]
    inventory = lab.inventory_with({"ws2022-sstp": {"lab_faults": faults}, "ws2016-rras": {"lab_unreachable": True}})
    run = lab.playbook(r"""
- hosts: ws2022-sstp:ws2016-rras
  gather_facts: false
  tasks:
    - name: hash
      ansible.windows.win_regedit: {path: 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters', name: sha256certificatehash, type: binary, data: '00'}
      ignore_errors: true
    - {name: restart1, ansible.windows.win_service: {name: RemoteAccess, state: restarted}}
    - {name: restart2, ansible.windows.win_service: {name: RemoteAccess, state: restarted}, ignore_errors: true}
    - {name: copy, ansible.windows.win_copy: {src: "{{ pfx }}", dest: 'C:\Windows\Temp\s.pfx'}}
    - {name: import, ansible.windows.win_certificate_store: {path: 'C:\Windows\Temp\s.pfx', password: "{{ pw }}", key_storage: machine}}
""", inventory=inventory, extra_vars={"pfx": lab.pki["pfx"], "pw": lab.pki["password"]})
    assert run.stats["ws2016-rras"]["unreachable"] == 1
    assert run.results("ws2022-sstp", "hash")[0]["msg"] == "Access is denied"
    assert run.results("ws2022-sstp", "restart1")[0]["changed"] is True
    assert run.results("ws2022-sstp", "restart2")[0]["msg"] == "Failed to restart service"
    imported = run.results("ws2022-sstp", "import")[0]
    # as on Windows, every certificate of the PFX goes into the one store: the leaf was there, its CA was not
    assert imported["thumbprints"] == [lab.pki["sha1"], lab.pki["certs"]["lab_root_ca"]["sha1"]] and imported["changed"] is True
    assert lab.reg_values("ws2022-sstp", SSTP)["SHA256CertificateHash"]["value"] == list(bytes.fromhex(lab.pki["sha256"]))
    journal = lab.journal("ws2022-sstp")
    assert [(e["module"], e["failed"]) for e in journal] == [
        ("win_regedit", True), ("win_service", False), ("win_service", True), ("win_copy", False), ("win_certificate_store", False)]
    assert len(lab.state("ws2022-sstp")["services"]["RemoteAccess"]["starts"]) == 1
    assert "password" not in journal[-1]["args"] and lab.pki["password"] not in json.dumps(journal)
    assert lab.journal("ws2016-rras") == []


def test_restart_with_unknown_hash_logs_event_25_and_without_certificate_event_11(lab):
    lab.set_reg_value("ws2022-sstp", SSTP, "SHA256CertificateHash", "REG_BINARY", [0] * 32)
    run = lab.adhoc("ws2022-sstp:ws2019-rras", "ansible.windows.win_service", "name=RemoteAccess state=restarted")
    assert run.rc == 0, run.stdout + run.stderr
    broken = lab.state("ws2022-sstp")["services"]["RemoteAccess"]["sstp_binding"]
    assert (broken["bound"], broken["event"]) == (False, 25)
    assert [(e["event_id"], e["level"]) for e in lab.events("ws2022-sstp")] == [(25, "Error")]
    assert "00" * 32 in lab.events("ws2022-sstp")[0]["message"]
    # default mode and no server certificate in LocalMachine\My: Event 11, nothing bound, no hash written
    assert lab.state("ws2019-rras")["services"]["RemoteAccess"]["sstp_binding"]["event"] == 11
    assert [e["event_id"] for e in lab.events("ws2019-rras")] == [11]
    assert "SHA256CertificateHash" not in lab.reg_values("ws2019-rras", SSTP)
    assert labctl.lab_host.sub_key_names(lab.state("ws2019-rras"), BINDINGS) == []


def test_adhoc_and_ansible_runner(lab):
    adhoc = lab.adhoc("rras", "ansible.windows.win_reg_stat",
                      {"path": r"HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "name": "CurrentBuildNumber"})
    assert adhoc.rc == 0, adhoc.stdout + adhoc.stderr
    builds = {host: adhoc.results(host)[0]["value"] for host in ("ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras")}
    assert builds == {"ws2022-sstp": "20348", "ws2019-rras": "17763", "ws2016-rras": "14393", "ws2012r2-rras": "9600"}

    import ansible_runner

    (lab.tmp_path / "runner").mkdir()
    runner = ansible_runner.run(
        private_data_dir=str(lab.tmp_path / "runner"), host_pattern="ws2022-base", module="ansible.windows.win_reg_stat",
        module_args=r"path=HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters", inventory=str(labctl.INVENTORY),
        envvars={k: v for k, v in lab.env.items() if k.startswith(("ANSIBLE_", "AOVPN_", "PATH"))}, quiet=True)
    assert runner.rc == 0
    result = next(e["event_data"]["res"] for e in runner.events if e["event"] == "runner_on_ok")
    assert result["exists"] is True and result["properties"] == {}, "the key exists empty on a server without the role"
    assert [e["module"] for e in lab.journal("ws2022-base")] == ["win_reg_stat"]


@pytest.mark.parametrize("key_kind", ["p256", "ed25519"])
def test_certificate_info_reports_non_rsa_certificates(lab: Lab, tmp_path: Path, key_kind: str) -> None:
    """The emulated win_certificate_info returns `public_key` as .NET GetPublicKey() does, for EC/EdDSA keys too."""
    from ansible_collections.aovpn.rras.tests.unit import certgen

    leaf = certgen.make_leaf(None, key_kind=key_kind)
    pem = certgen.write(tmp_path / "leaf.pem", certgen.cert_pem(leaf.cert))
    run = lab.playbook(f"""
- hosts: ws2019-rras
  gather_facts: false
  tasks:
    - ansible.windows.win_copy:
        src: {pem}
        dest: C:\\Windows\\Temp\\leaf.pem
    - ansible.windows.win_certificate_store:
        path: C:\\Windows\\Temp\\leaf.pem
    - ansible.windows.win_certificate_info:
        thumbprint: {certgen.openssl_fingerprint(leaf.cert, "sha1")}
      register: info
""")
    assert run.rc == 0, run.stdout[-3000:]
    (certificate,) = run.results("ws2019-rras")[-1]["certificates"]
    assert certificate["thumbprint"] == certgen.openssl_fingerprint(leaf.cert, "sha1")
    assert certificate["public_key"]
