# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What only the lab journal and state can show about the SSTP modules (real ansible runs)."""

from __future__ import annotations

import pytest

SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
HOST = "ws2019-rras"
ROLE_CHECK = ["win_service", "win_feature_info"]
"""The reads that confirm the Remote Access role before the first write (never in the steady state)."""

pytestmark = pytest.mark.lab


def _offload_play(args: str) -> str:
    return f"""
- name: Offload
  hosts: {HOST}
  gather_facts: false
  tasks:
    - name: Offload
      aovpn.rras.win_sstp_offload: {args}
"""


def _modules(journal: list[dict]) -> list[str]:
    return [entry["module"] for entry in journal]


def _value(values: dict, name: str) -> dict | None:
    return next((value for stored, value in values.items() if stored.lower() == name.lower()), None)


def test_adhoc_offload_writes_hash_bytes_in_written_order(lab) -> None:
    run = lab.adhoc(HOST, "aovpn.rras.win_sstp_offload", f"certificate_hash={HASH.lower()}")
    assert run.rc == 0, run.stdout + run.stderr
    result = run.results(HOST)[0]
    assert result["changed"] is True and result["certificate_sha256"] == HASH
    values = lab.reg_values(HOST, SSTP_KEY)
    assert _value(values, "SHA256CertificateHash") == {"type": "REG_BINARY", "value": list(bytes.fromhex(HASH))}
    assert _value(values, "UseHttps") == {"type": "REG_DWORD", "value": 0}
    assert _value(values, "isHashConfiguredByAdmin") == {"type": "REG_DWORD", "value": 1}
    # the pending-restart marker first, then the three values (no restart: the marker stays)
    assert _modules(lab.journal(HOST)) == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_regedit", "win_regedit", "win_regedit"]
    assert _value(values, "AovpnRrasRestartPending") == {"type": "REG_DWORD", "value": 1}


def test_check_mode_writes_nothing_and_second_run_reads_once(lab) -> None:
    check = lab.playbook(_offload_play(f"{{certificate_hash: '{HASH}', restart: true}}"), check=True, diff=True)
    assert check.rc == 0, check.stdout
    result = check.results(HOST, "Offload")[0]
    assert result["changed"] is True and result["diff"]["after"]["certificate_sha256"] == HASH
    assert _modules(lab.journal(HOST)) == ["win_reg_stat", *ROLE_CHECK], "check mode reads (the role check too), writes nothing"
    assert "state" not in lab.journal(HOST)[1]["args"], "the role check's win_service call is a read"
    assert _value(lab.reg_values(HOST, SSTP_KEY), "SHA256CertificateHash") is None

    assert lab.playbook(_offload_play(f"{{certificate_hash: '{HASH}', restart: true}}")).rc == 0
    lab.clear_journal(HOST)
    again = lab.playbook(_offload_play(f"{{certificate_hash: '{HASH}', restart: true}}"))
    assert again.results(HOST, "Offload")[0]["changed"] is False
    assert _modules(lab.journal(HOST)) == ["win_reg_stat"], "steady state is exactly one module call"


def test_fault_mid_way_stops_without_restart_and_rerun_converges(lab) -> None:
    faulty = lab.inventory_with({HOST: {"lab_faults": [{"module": "win_regedit", "name": "UseHttps", "msg": "Access is denied"}]}})
    run = lab.playbook(_offload_play(f"{{certificate_hash: '{HASH}', restart: true}}"), inventory=faulty)
    assert run.rc != 0
    result = run.results(HOST, "Offload")[0]
    assert result["failed"] is True and "Access is denied" in result["msg"]
    assert result["msg"].startswith("Failed to set UseHttps (dword) = 0")
    assert "Applied before the failure: set AovpnRrasRestartPending (dword) = 1; set SHA256CertificateHash" in result["msg"]
    assert not [entry for entry in lab.journal(HOST) if entry["module"] == "win_service" and "state" in entry["args"]], "no restart"
    values = lab.reg_values(HOST, SSTP_KEY)
    assert _value(values, "SHA256CertificateHash")["value"] == list(bytes.fromhex(HASH))
    assert _value(values, "UseHttps") is None, "the failed write left UseHttps as it was (missing = HTTPS)"

    lab.clear_journal(HOST)
    rerun = lab.playbook(_offload_play(f"{{certificate_hash: '{HASH}', restart: true}}"))
    assert rerun.rc == 0, rerun.stdout
    assert rerun.results(HOST, "Offload")[0]["restarted"] is True
    assert _modules(lab.journal(HOST)) == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_service", "win_regedit"]
    assert _value(lab.reg_values(HOST, SSTP_KEY), "AovpnRrasRestartPending") is None
    assert _value(lab.reg_values(HOST, SSTP_KEY), "UseHttps")["value"] == 0


def test_host_without_rras_is_refused_untouched(lab) -> None:
    run = lab.adhoc("ws2022-base", "aovpn.rras.win_sstp_offload", f"certificate_hash={HASH}")
    assert run.rc != 0
    assert run.results("ws2022-base")[0]["msg"] == "the Remote Access role is not installed; nothing was written"
    assert lab.reg_values("ws2022-base", SSTP_KEY) == {}, "nothing written: the key exists empty without the role"
    assert _modules(lab.journal("ws2022-base")) == ["win_reg_stat", *ROLE_CHECK]


def test_bad_input_never_reaches_the_host(lab) -> None:
    run = lab.adhoc(HOST, "aovpn.rras.win_sstp_offload", "certificate_hash=" + "AB" * 20)
    assert run.rc != 0 and run.results(HOST)[0]["msg"].startswith("certificate_hash looks like a SHA-1 thumbprint")
    assert lab.journal(HOST) == []
