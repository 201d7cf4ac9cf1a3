"""Run every ansible-test integration target against the lab hosts whose profiles differ for it.

The targets under ``tests/integration/targets`` are plain roles written for ``ansible-test
windows-integration``: they adapt to the host they run on (build, RRAS installed or not), so the same
tasks run here against the emulated profiles and, unchanged, against a real Windows server. Each target runs on
one host per profile that takes another branch of it (:data:`TARGET_HOSTS`); a host whose profile differs from
another only in what the target does not read adds nothing but time.
"""

from __future__ import annotations

import pytest

from aovpn_testing import REPO_ROOT

TARGETS_DIR = REPO_ROOT / "tests" / "integration" / "targets"
TARGETS = sorted(path.name for path in TARGETS_DIR.iterdir() if (path / "tasks" / "main.yml").is_file()) if TARGETS_DIR.is_dir() else []

# Every target: the role missing (ws2022-base) and installed but not configured (ws2022-unconfigured).
_ROLE_STATES = ["ws2022-base", "ws2022-unconfigured"]
TARGET_HOSTS: dict[str, list[str]] = {
    # the Ikev2 key present (ws2022-sstp) or created under RemoteAccess\Parameters (ws2019-rras)
    "win_ikev2_crl_check": ["ws2022-sstp", "ws2019-rras", *_ROLE_STATES],
    # and the builds: supported (>= 17763) and refused until allow_unsupported_build (< 17134: 2016 as 2012 R2)
    "win_ikev2_fragmentation": ["ws2022-sstp", "ws2019-rras", "ws2016-rras", *_ROLE_STATES],
    # IKEEXT\Parameters is the same on every Windows Server profile
    "win_ikev2_load_balancing": ["ws2019-rras", *_ROLE_STATES],
    # DHCP addressing, and a static pool (ws2016-rras: the module warns)
    "win_rras_address_pool": ["ws2019-rras", "ws2016-rras", *_ROLE_STATES],
    # SSTP pinned with its certificate in the store, SSTP defaults, each build support and the 2012 R2 CurrentVersion
    "win_rras_info": ["ws2022-sstp", "ws2019-rras", "ws2016-rras", "ws2012r2-rras", *_ROLE_STATES],
    # a usable certificate in LocalMachine\My or none, and IIS owning port 443
    "win_sstp_certificate": ["ws2022-sstp", "ws2019-rras", "ws2022-iis443", *_ROLE_STATES],
    # hashes pinned by an admin, and SSTP defaults
    "win_sstp_offload": ["ws2022-sstp", "ws2019-rras", *_ROLE_STATES],
    # the recommended cipher suites of >= 17763 and of 14393 to 17762, refused below 14393
    "win_sstp_tls": ["ws2019-rras", "ws2016-rras", "ws2012r2-rras", *_ROLE_STATES],
}


def _target_playbook(target: str) -> str:
    return f"""
- name: Integration target {target}
  hosts: lab
  gather_facts: false
  roles:
    - role: {target}
"""


@pytest.mark.lab
@pytest.mark.parametrize("target", TARGETS)
def test_integration_target_passes_on_its_lab_hosts(lab, target: str) -> None:
    hosts = TARGET_HOSTS[target]
    assert set(hosts) <= set(lab.hosts), f"{target}: no such lab host {sorted(set(hosts) - set(lab.hosts))}"
    run = lab.playbook(_target_playbook(target), limit=",".join(hosts), env={"ANSIBLE_ROLES_PATH": str(TARGETS_DIR)})
    assert run.rc == 0, f"{target} failed:\n" + "\n".join(run.failures()) + f"\n{run.stderr[-2000:]}"
    assert set(run.stats) == set(hosts), "every host of the target must have run it"
    for host, stats in run.stats.items():
        assert stats["failures"] == 0 and stats["unreachable"] == 0, f"{target} on {host}: {stats}"


def test_every_target_has_its_hosts_and_every_profile_is_used() -> None:
    from labctl import inventory_hosts  # pylint: disable=import-outside-toplevel,import-error

    assert set(TARGET_HOSTS) == set(TARGETS), "a target without its hosts (or hosts of no target)"
    assert set().union(*TARGET_HOSTS.values()) == set(inventory_hosts()), "a lab host (profile) that no target runs on"


def test_every_target_declares_windows_aliases() -> None:
    assert TARGETS, "no integration targets"
    for target in TARGETS:
        aliases = (TARGETS_DIR / target / "aliases").read_text().split()
        assert "windows" in aliases and any(alias.startswith("shippable/windows/") for alias in aliases), target
