"""AWX / Automation Controller paths: ansible-runner jobs against the lab, and the execution environment example.

AWX runs a job template as ``ansible_runner.run`` over a private data directory holding the project, the
inventory and the extra vars (written to ``env/extravars``, never to the command line); a "check" job type
adds ``--check``. These tests do the same with a project playbook that imports the collection's playbook, as
an AWX project would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import ansible_runner
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = REPO_ROOT / "examples" / "awx"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"


def _job(lab, playbook: str, extravars: dict[str, Any], *, check: bool = False, name: str = "job") -> ansible_runner.Runner:
    """Run a job template: the project playbook imports ``aovpn.rras.<playbook>``."""
    private = lab.tmp_path / name
    (private / "project").mkdir(parents=True)
    project_playbook = EXAMPLES / "project" / "site.yml"
    text = project_playbook.read_text(encoding="utf-8").replace("aovpn.rras.site", f"aovpn.rras.{playbook}")
    (private / "project" / "job.yml").write_text(text, encoding="utf-8")
    envvars = {key: value for key, value in lab.env.items() if key.startswith(("ANSIBLE_", "AOVPN_")) or key == "PATH"}
    return ansible_runner.run(
        private_data_dir=str(private),
        playbook="job.yml",
        inventory=str(lab.inventory),
        extravars=extravars,
        envvars=envvars,
        cmdline="--check" if check else None,
        quiet=True,
        json_mode=False,
    )


def _restarts(journal: list[dict[str, Any]]) -> int:
    return sum(1 for e in journal if e["module"] == "win_service" and e["args"].get("state") == "restarted" and not e["check_mode"])


def _value(lab, host: str, key: str, name: str) -> Any:
    values = {k.lower(): v["value"] for k, v in (lab.reg_values(host, key) or {}).items()}
    return values.get(name.lower())


SCENARIOS = {
    "site": ({"aovpn_rras_sstp_offload": True, "aovpn_rras_ikev2_fragmentation": True},
             [(SSTP_KEY, "UseHttps", 0), (IKEV2_KEY, "EnableServerFragmentation", 1)]),
    "sstp_offload": ({}, [(SSTP_KEY, "UseHttps", 0), (SSTP_KEY, "isHashConfiguredByAdmin", 1)]),
    "sstp_certificate": ({"sstp_certificate_use_http": True}, [(SSTP_KEY, "UseHttps", 0), (SSTP_KEY, "isHashConfiguredByAdmin", 1)]),
    "ikev2_fragmentation": ({}, [(IKEV2_KEY, "EnableServerFragmentation", 1)]),
}


def _extravars(lab, playbook: str) -> dict[str, Any]:
    switches = SCENARIOS[playbook][0]
    return {
        "aovpn_rras_target": "ws2019-rras",
        "sstp_offload_certificate_file": lab.pki["pem"],
        "sstp_certificate_pfx_file": lab.pki["pfx"],
        "sstp_certificate_pfx_password": lab.pki["password"],
        "sstp_certificate_fqdn": "vpn.example.com",
        **switches,
    }


@pytest.mark.lab
@pytest.mark.parametrize("playbook", sorted(SCENARIOS))
def test_job_template_check_job_then_run_job(lab, playbook: str) -> None:
    before = lab.state("ws2019-rras")["registry"]
    check = _job(lab, playbook, _extravars(lab, playbook), check=True, name="check")
    assert (check.status, check.rc) == ("successful", 0), check.stdout.read()
    journal = lab.journal("ws2019-rras")
    assert journal and all(entry["check_mode"] for entry in journal)
    assert lab.state("ws2019-rras")["registry"] == before
    assert check.stats["changed"].get("ws2019-rras", 0) > 0

    run = _job(lab, playbook, _extravars(lab, playbook), name="run")
    assert (run.status, run.rc) == ("successful", 0), run.stdout.read()
    for key, name, expected in SCENARIOS[playbook][1]:
        assert _value(lab, "ws2019-rras", key, name) == expected, (playbook, name)
    assert _restarts(lab.journal("ws2019-rras")) == 1
    output = "".join(event.get("stdout", "") for event in run.events) + json.dumps(list(run.events), default=str)
    assert lab.pki["password"] not in output


@pytest.mark.lab
def test_job_template_with_a_bad_survey_answer_fails_before_any_host(lab) -> None:
    run = _job(lab, "site", {**_extravars(lab, "site"), "ikev2_fragmentation_state": "yes please"})
    assert run.status == "failed"
    assert "ikev2_fragmentation_state" in run.stdout.read()
    assert all(lab.journal(host) == [] for host in lab.hosts)


def test_execution_environment_example_builds_a_context_offline(tmp_path: Path) -> None:
    definition = yaml.safe_load((EXAMPLES / "execution-environment.yml").read_text(encoding="utf-8"))
    assert definition["version"] == 3
    builder = str(Path(sys.executable).with_name("ansible-builder"))
    result = subprocess.run([builder, "create", "-f", str(EXAMPLES / "execution-environment.yml"), "-c", str(tmp_path / "context")],
                            capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    context = tmp_path / "context"
    containerfile = next(path for path in (context / "Containerfile", context / "Dockerfile") if path.is_file())
    text = containerfile.read_text(encoding="utf-8")
    assert definition["images"]["base_image"]["name"] in text
    # the ansible-core the gates test as the newest (requirements-test.txt)
    tested_core = next(line for line in (REPO_ROOT / "requirements-test.txt").read_text(encoding="utf-8").splitlines() if line.startswith("ansible-core=="))
    assert tested_core in text and "ansible-runner" in text
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert {c["name"] for c in galaxy["collections"]} >= {"ansible.windows", "aovpn.rras", "community.crypto"}


def test_the_collection_declares_its_execution_environment_needs() -> None:
    """What ansible-builder reads from the installed collection while it builds the image (its introspect step)."""
    from ansible_builder._target_scripts import introspect  # pylint: disable=import-outside-toplevel

    python, system = introspect.process_collection(str(REPO_ROOT))
    assert any(line.startswith("pywinrm[kerberos]") for line in python) and any(line.startswith("cryptography") for line in python)
    assert any(line.startswith("krb5-workstation") for line in system) and any(line.startswith("krb5-user") for line in system)
