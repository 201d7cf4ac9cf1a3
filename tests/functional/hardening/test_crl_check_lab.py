# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_ikev2_crl_check through ansible-playbook and ansible against every lab profile (the journal is the proof)."""

from __future__ import annotations

import pytest
from lab_session import task_play  # pylint: disable=import-error

pytestmark = pytest.mark.lab

IKEV2 = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
TASK = "CRL check"
PLAY = task_play(TASK, "aovpn.rras.win_ikev2_crl_check",
                 {"state": "{{ crl_state | default('enabled') }}", "restart": "{{ crl_restart | default(false) }}"})
RRAS = ("ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras", "ws2022-iis443")
"""Configured RRAS (the first four form the group rras)."""


def test_converges_restarts_once_then_one_read(lab) -> None:
    run = lab.playbook(PLAY, extra_vars={"crl_restart": True})
    for host in RRAS:
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and outcome["restarted"] is True and not outcome.get("failed"), (host, outcome)
        assert lab.reg_values(host, IKEV2) == {"CertAuthFlags": {"type": "REG_DWORD", "value": 4}}, "marker removed after the restart"
        assert lab.modules(host).count("win_service") == 2, "the role check's read and one restart"
    for host, message in (("ws2022-base", "the Remote Access role is not installed"),
                          ("ws2022-unconfigured", "RRAS is installed but not configured (RemoteAccess is disabled)")):
        outcome = run.result(host, TASK)
        assert outcome["failed"] is True and outcome["msg"].startswith(message) and outcome["changed"] is False
        assert lab.reg_values(host, IKEV2) == {} and "win_regedit" not in lab.modules(host)

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"crl_restart": True}, limit="rras")
    for host in RRAS[:4]:
        assert run.result(host, TASK)["changed"] is False and lab.modules(host) == ["win_reg_stat"]


def test_check_mode_diff_and_disabled_without_a_needless_write(lab) -> None:
    before = {host: lab.state(host)["registry"] for host in lab.hosts}
    run = lab.playbook(PLAY, check=True, diff=True, limit="rras")
    for host in ("ws2022-sstp", "ws2019-rras"):
        outcome = run.result(host, TASK)
        assert outcome["changed"] is True and outcome["diff"]["after"] == {"crl_check": True, "cert_auth_flags": 4}
        assert "win_regedit" not in lab.modules(host) and lab.state(host)["registry"] == before[host]

    lab.clear_journal()
    run = lab.playbook(PLAY, extra_vars={"crl_state": "disabled", "crl_restart": True}, limit="rras")
    for host in ("ws2022-sstp", "ws2019-rras"):
        assert run.result(host, TASK)["changed"] is False and "win_regedit" not in lab.modules(host)
    assert lab.reg_values("ws2019-rras", IKEV2) is None, "no Ikev2 key created to write a 'not enforced'"

    lab.set_reg_value("ws2022-sstp", IKEV2, "CertAuthFlags", "REG_DWORD", 4)
    lab.clear_journal()
    run = lab.adhoc("ws2022-sstp", "aovpn.rras.win_ikev2_crl_check", "state=disabled")
    (outcome,) = run.results("ws2022-sstp")
    assert lab.reg_values("ws2022-sstp", IKEV2)["CertAuthFlags"] == {"type": "REG_DWORD", "value": 2}
    assert outcome["changed"] is True and outcome["restart_required"] is True
    assert any("RemoteAccess service must be restarted" in warning for warning in outcome["warnings"])
