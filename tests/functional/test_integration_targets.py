"""Run every ansible-test integration target against every lab host.

The targets under ``tests/integration/targets`` are plain roles written for ``ansible-test
windows-integration``: they adapt to the host they run on (build, RRAS installed or not), so the same
tasks run here against each emulated profile and, unchanged, against a real Windows server.
"""

from __future__ import annotations

import pytest

from aovpn_testing import REPO_ROOT

TARGETS_DIR = REPO_ROOT / "tests" / "integration" / "targets"
TARGETS = sorted(path.name for path in TARGETS_DIR.iterdir() if (path / "tasks" / "main.yml").is_file()) if TARGETS_DIR.is_dir() else []


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
def test_integration_target_passes_on_every_lab_host(lab, target: str) -> None:
    run = lab.playbook(_target_playbook(target), env={"ANSIBLE_ROLES_PATH": str(TARGETS_DIR)})
    assert run.rc == 0, f"{target} failed:\n" + "\n".join(run.failures()) + f"\n{run.stderr[-2000:]}"
    assert set(run.stats) == set(lab.hosts), "every lab host must have run the target"
    for host, stats in run.stats.items():
        assert stats["failures"] == 0 and stats["unreachable"] == 0, f"{target} on {host}: {stats}"


def test_every_target_declares_windows_aliases() -> None:
    assert TARGETS, "no integration targets"
    for target in TARGETS:
        aliases = (TARGETS_DIR / target / "aliases").read_text().split()
        assert "windows" in aliases and any(alias.startswith("shippable/windows/") for alias in aliases), target
