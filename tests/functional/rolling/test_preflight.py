"""aovpn.rras.site's first play checks every input of every server on the controller before any server is touched.

Issue 12, "What was seen" 1, 4 and 6: each case is a run that must fail (or refuse) with a message naming the host
and the variable, and leave every host's journal empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = REPO_ROOT / "playbooks"
TWO_HOSTS = "ws2022-sstp:ws2019-rras"

pytestmark = pytest.mark.lab


def untouched(lab) -> None:
    for host in lab.hosts:
        assert lab.journal(host) == [], f"{host} was touched"


def test_a_sha1_hash_in_the_host_vars_of_the_second_server_stops_the_run_before_the_first(lab) -> None:
    inventory = lab.inventory_with({"ws2022-sstp": {"sstp_offload_certificate_hash": lab.pki["sha256"]},
                                    "ws2019-rras": {"sstp_offload_certificate_hash": lab.pki["sha1"]}})
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", inventory=inventory, extra_vars={"aovpn_rras_target": TWO_HOSTS}, callback="default")
    assert run.rc != 0
    assert "ws2019-rras" in run.stdout and "sstp_offload_certificate_hash" in run.stdout, run.stdout[-3000:]
    untouched(lab)


def test_a_bad_hash_for_every_server_fails_in_the_first_play(lab) -> None:
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars={"aovpn_rras_target": TWO_HOSTS, "sstp_offload_certificate_hash": "not a hash"},
                       callback="default")
    assert run.rc != 0 and "sstp_offload_certificate_hash" in run.stdout, run.stdout[-3000:]
    assert "PLAY [Configure RRAS" not in run.stdout
    untouched(lab)


def test_a_certificate_only_pem_as_pfx_fails_in_the_first_play(lab) -> None:
    run = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", callback="default",
                       extra_vars={"aovpn_rras_target": "ws2019-rras", "sstp_certificate_pfx_file": lab.pki["pem"], "sstp_certificate_fqdn": "vpn.example.com"})
    assert run.rc != 0
    assert "sstp_certificate_pfx_file" in run.stdout and "private key" in run.stdout, run.stdout[-3000:]
    untouched(lab)


@pytest.mark.parametrize(
    ("extra", "name", "words"),
    [
        ({"aovpn_rras_serial": "abc"}, "aovpn_rras_serial", "abc"),
        ({"aovpn_rras_ikev2_fragmentation": "maybe"}, "aovpn_rras_ikev2_fragmentation", "bool"),
        ({"aovpn_rras_max_fail_percentage": 140}, "aovpn_rras_max_fail_percentage", "100"),
    ],
)
def test_bad_playbook_switches_are_refused_by_name(lab, extra: dict[str, Any], name: str, words: str) -> None:
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars={"aovpn_rras_target": TWO_HOSTS, "aovpn_rras_ikev2_fragmentation": True, **extra},
                       callback="default")
    assert run.rc not in (0, 250), run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    assert name in run.stdout and words in run.stdout, run.stdout[-3000:]
    untouched(lab)


def test_site_with_no_role_switched_on_fails_and_says_so(lab) -> None:
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars={"aovpn_rras_target": TWO_HOSTS}, callback="default")
    assert run.rc != 0
    assert "aovpn_rras_sstp_offload" in run.stdout and "aovpn_rras_ikev2_fragmentation" in run.stdout, run.stdout[-3000:]
    untouched(lab)
