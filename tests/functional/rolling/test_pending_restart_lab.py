"""A pending restart is never lost (issue 12, "What was seen" 2), through the roles on the lab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
MARKER = "AovpnRrasRestartPending"

pytestmark = pytest.mark.lab


def restarts(lab, host: str) -> int:
    return sum(1 for e in lab.journal(host) if e["module"] == "win_service" and e["args"].get("state") == "restarted"
               and not e["check_mode"] and not e["failed"])


def offload(lab, **extra: Any) -> dict[str, Any]:
    return {"aovpn_rras_target": "ws2022-sstp", "aovpn_rras_ikev2_fragmentation": True, "aovpn_rras_sstp_offload": True,
            "sstp_offload_certificate_file": lab.pki["pem"], "sstp_offload_fqdn": "vpn.example.com", **extra}


def markers(lab, host: str) -> list[str]:
    return [key for key in (SSTP_KEY, IKEV2_KEY) if MARKER.lower() in {name.lower() for name in (lab.reg_values(host, key) or {})}]


def test_a_failed_restart_is_restarted_by_the_next_run(lab) -> None:
    faulty = lab.inventory_with({"ws2022-sstp": {"lab_faults": [{"module": "win_service", "state": "restarted", "msg": "The service did not respond"}]}})
    first = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=offload(lab), inventory=faulty, callback="default")
    assert first.rc != 0 and "The service did not respond" in first.stdout
    assert restarts(lab, "ws2022-sstp") == 0 and markers(lab, "ws2022-sstp") == [SSTP_KEY, IKEV2_KEY]
    lab.clear_journal()

    rerun = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=offload(lab))
    assert rerun.rc == 0, rerun.stdout[-3000:]
    assert rerun.stats["ws2022-sstp"]["changed"] > 0 and restarts(lab, "ws2022-sstp") == 1
    writes = [e for e in lab.journal("ws2022-sstp") if e["module"] == "win_regedit" and e["changed"]]
    assert {e["args"]["name"] for e in writes} == {MARKER}, "only the markers are removed: the settings were in place"
    assert markers(lab, "ws2022-sstp") == []
    lab.clear_journal()

    steady = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=offload(lab))
    assert steady.rc == 0 and steady.stats["ws2022-sstp"]["changed"] == 0 and restarts(lab, "ws2022-sstp") == 0
    assert [e["module"] for e in lab.journal("ws2022-sstp")] == ["win_reg_stat", "win_reg_stat"], "one read per module"


def test_the_never_policy_leaves_the_restart_to_the_next_run_of_the_roles(lab) -> None:
    never = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=offload(lab, sstp_offload_restart="never", ikev2_fragmentation_restart="never"))
    assert never.rc == 0 and restarts(lab, "ws2022-sstp") == 0 and markers(lab, "ws2022-sstp") == [SSTP_KEY, IKEV2_KEY]
    lab.clear_journal()
    check = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=offload(lab), check=True)
    assert check.rc == 0 and check.stats["ws2022-sstp"]["changed"] > 0, "check mode shows the pending restart"
    assert markers(lab, "ws2022-sstp") == [SSTP_KEY, IKEV2_KEY]
    handler = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=offload(lab))
    assert handler.rc == 0 and restarts(lab, "ws2022-sstp") == 1 and markers(lab, "ws2022-sstp") == []
