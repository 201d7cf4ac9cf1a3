"""No key left behind (issue 12, "What was seen" 3): a temporary PFX that could not be removed is removed by the next run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
HOST = "ws2019-rras"

pytestmark = pytest.mark.lab


def pfx_vars(lab) -> dict[str, Any]:
    return {"aovpn_rras_target": HOST, "sstp_certificate_pfx_file": lab.pki["certs"]["vpn_server"]["pfx"],
            "sstp_certificate_pfx_password": lab.pki["password"], "sstp_certificate_fqdn": "vpn.example.com"}


def pfx_files(lab) -> list[str]:
    return [entry["path"] for entry in lab.state(HOST)["files"].values() if entry["path"].lower().endswith(".pfx")]


def listed(lab) -> list[str]:
    return [name for name in (lab.reg_values(HOST, SSTP_KEY) or {}) if name.lower().startswith("aovpnrrastemporaryfile:")]


def test_a_temporary_pfx_that_could_not_be_removed_is_named_and_removed_by_the_next_run(lab) -> None:
    faulty = lab.inventory_with({HOST: {"lab_faults": [{"module": "win_file", "state": "absent", "msg": "The process cannot access the file"}]}})
    first = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab), inventory=faulty, callback="default")
    assert first.rc != 0
    (left,) = pfx_files(lab)
    assert left.lower().startswith("c:\\windows\\temp\\aovpn-rras-")
    assert f"The temporary PFX {left}" in first.stdout and "The process cannot access the file" in first.stdout, first.stdout[-3000:]
    assert len(listed(lab)) == 1
    lab.clear_journal()

    rerun = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab))
    assert rerun.rc == 0, rerun.stdout[-3000:]
    assert pfx_files(lab) == [] and listed(lab) == []
    modules = [e["module"] for e in lab.journal(HOST)]
    assert "win_copy" not in modules, "the certificate was imported by the first run"
    lab.clear_journal()

    steady = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab))
    assert steady.rc == 0 and steady.stats[HOST]["changed"] == 0
    assert "win_file" not in [e["module"] for e in lab.journal(HOST)]
