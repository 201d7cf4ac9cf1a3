# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_rras_address_pool through ansible-playbook and ansible against every lab profile (the journal is the proof)."""

from __future__ import annotations

import pytest
from lab_session import task_play  # pylint: disable=import-error

pytestmark = pytest.mark.lab

IP = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ip"
TASK = "Address pool"
PLAY = task_play(TASK, "aovpn.rras.win_rras_address_pool",
                 {"initial_size": "{{ pool_size | default(100) }}", "restart": "{{ pool_restart | default(false) }}"})
RRAS = ("ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras")


def test_converges_once_refuses_hosts_without_the_ip_key_then_one_read(lab) -> None:
    run = lab.playbook(PLAY, extra_vars={"pool_restart": True})
    for host in RRAS:
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and outcome["restarted"] is True, (host, outcome)
        assert lab.reg_values(host, IP)["InitialAddressPoolSize"] == {"type": "REG_DWORD", "value": 100}
        assert "AovpnRrasRestartPending" not in lab.reg_values(host, IP)
        assert ("static pool" in " ".join(outcome.get("warnings", []))) is (host == "ws2016-rras")
    for host in ("ws2022-base", "ws2022-unconfigured"):
        outcome = run.result(host, TASK)
        assert outcome["failed"] is True and outcome["msg"].startswith(f"{IP} does not exist") and "not created" in outcome["msg"]
        assert lab.modules(host) == ["win_reg_stat"] and lab.reg_values(host, IP) is None

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"pool_restart": True}, limit="rras")
    for host in RRAS:
        assert run.result(host, TASK)["changed"] is False and lab.modules(host) == ["win_reg_stat"]


def test_check_mode_diff_and_bad_size_refused_before_any_host_call(lab) -> None:
    before = {host: lab.state(host)["registry"] for host in RRAS}
    run = lab.playbook(PLAY, extra_vars={"pool_size": 250}, check=True, diff=True, limit="rras")
    for host in RRAS:
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and outcome["diff"]["after"] == {"initial_size": 250, "initial_address_pool_size": 250}
        assert "win_regedit" not in lab.modules(host) and lab.state(host)["registry"] == before[host]

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"pool_size": 5}, limit="rras")
    for host in RRAS:
        outcome = run.result(host, TASK)
        assert outcome["failed"] is True and "initial_size must be at least 10" in outcome["msg"] and lab.journal(host) == []
    run = lab.adhoc("ws2022-sstp", "aovpn.rras.win_rras_address_pool", "initial_size=5")
    assert run.rc != 0 and "initial_size must be at least 10" in run.results("ws2022-sstp")[0]["msg"] and lab.journal("ws2022-sstp") == []
