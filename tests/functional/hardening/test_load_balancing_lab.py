# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_ikev2_load_balancing in the lab: IKEEXT restarts (never RemoteAccess), dependents are not forced."""

from __future__ import annotations

import pytest
from lab_session import task_play  # pylint: disable=import-error

pytestmark = pytest.mark.lab

PARAMETERS = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\IKEEXT\\Parameters"
TASK = "IKE load balancing"
PLAY = task_play(TASK, "aovpn.rras.win_ikev2_load_balancing", {"restart": "{{ ike_restart | default(false) }}"})
RRAS = ("ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras")


def starts(lab, host: str, service: str) -> int:
    return len(lab.state(host)["services"][service].get("starts", []))


def test_ikeext_restarts_once_remoteaccess_never_then_one_read(lab) -> None:
    run = lab.playbook(PLAY, extra_vars={"ike_restart": True})
    for host in RRAS:
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and outcome["restarted"] is True and outcome["restart_service"] == "IKEEXT", (host, outcome)
        assert lab.reg_values(host, PARAMETERS)["IkeNumEstablishedForInitialQuery"] == {"type": "REG_DWORD", "value": 50000}
        assert "AovpnRrasRestartPending" not in lab.reg_values(host, PARAMETERS)
        assert starts(lab, host, "IKEEXT") == 1 and starts(lab, host, "RemoteAccess") == 0
        assert lab.state(host)["services"]["RemoteAccess"]["state"] == "running"
    for host in ("ws2022-base", "ws2022-unconfigured"):
        outcome = run.result(host, TASK)
        assert outcome["failed"] is True and "nothing was written" in outcome["msg"] and starts(lab, host, "IKEEXT") == 0
        assert "IkeNumEstablishedForInitialQuery" not in lab.reg_values(host, PARAMETERS)

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"ike_restart": True}, limit="rras")
    for host in RRAS:
        assert run.result(host, TASK)["changed"] is False and [e["module"] for e in lab.journal(host)] == ["win_reg_stat"]
        assert starts(lab, host, "IKEEXT") == 1


def test_check_mode_then_no_restart_then_a_running_dependent_is_not_forced(lab) -> None:
    host = "ws2022-sstp"
    before = lab.state(host)["registry"]
    run = lab.playbook(PLAY, extra_vars={"ike_restart": True}, check=True, diff=True, limit=host)
    outcome = run.result(host, TASK)
    assert outcome["changed"] is True and outcome["diff"]["after"] == {"established_for_initial_query": 50000}
    assert lab.state(host)["registry"] == before and starts(lab, host, "IKEEXT") == 0

    run = lab.playbook(PLAY, limit=host)
    outcome = run.result(host, TASK)
    assert outcome["restart_required"] is True and outcome["restarted"] is False
    assert any(w.startswith("The IKEEXT service must be restarted") for w in outcome["warnings"])
    assert lab.reg_values(host, PARAMETERS)["AovpnRrasRestartPending"] == {"type": "REG_DWORD", "value": 1}

    # A running service that depends on IKEEXT: the restart is refused (Restart-Service without -Force), nothing restarts,
    # the change stays pending for the next run.
    lab.set_service(host, "IkeDependent", state="running", start_mode="auto", dependencies=["IKEEXT"])
    run = lab.playbook(PLAY, extra_vars={"ike_restart": True}, limit=host)
    outcome = run.result(host, TASK)
    assert outcome["failed"] is True and "restarting IKEEXT failed" in outcome["msg"] and "dependent services" in outcome["msg"]
    assert outcome["restart_required"] is True and starts(lab, host, "IKEEXT") == 0
    assert lab.state(host)["services"]["IkeDependent"]["state"] == "running"

    lab.set_service(host, "IkeDependent", state="stopped")
    run = lab.playbook(PLAY, extra_vars={"ike_restart": True}, limit=host)
    outcome = run.result(host, TASK)
    assert outcome["changed"] is True and outcome["restart_pending"] is True and outcome["restarted"] is True
    assert starts(lab, host, "IKEEXT") == 1 and "AovpnRrasRestartPending" not in lab.reg_values(host, PARAMETERS)
