"""aovpn.rras.diagnose with diagnose_probe_from: its optional dependency and its probe host, checked first.

community.crypto.get_certificate is a Python module from an optional dependency: without community.crypto the
role must say what is missing (not abort the play on an unresolvable module), and a Windows probe host is refused
before anything is probed from it.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

VPN_NAME = "vpn.example.com"


def _diagnose_from(lab: t.Any, tmp_path: Path, probe_from: str, **options: t.Any) -> t.Any:
    extra = {"diagnose_endpoint": f"{VPN_NAME}:443", "diagnose_probe_from": probe_from, "diagnose_report_json": str(tmp_path / "report.json")}
    return lab.playbook("playbooks/diagnose.yml", limit="ws2022-sstp", extra_vars=extra, callback="default", **options)


def test_missing_community_crypto_is_named(lab: t.Any, tmp_path: Path) -> None:
    # The lab collections path holds ansible.windows and aovpn.rras only; the `ansible` package's collections
    # (community.crypto among them) are found through sys.path, switched off here.
    run = _diagnose_from(lab, tmp_path, "localhost", env={"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false"})

    assert run.rc != 0
    assert "diagnose_probe_from needs the collection community.crypto" in run.stdout, run.stdout + run.stderr
    assert "couldn't resolve module" not in run.stdout + run.stderr
    assert "Fetch the certificate the endpoint presents, from diagnose_probe_from" not in run.stdout


def test_windows_probe_host_is_refused(lab: t.Any, tmp_path: Path) -> None:
    inventory = lab.inventory_with({"ws2022-base": {"ansible_connection": "winrm"}})

    run = _diagnose_from(lab, tmp_path, "ws2022-base", inventory=inventory)

    assert run.rc != 0
    assert "the probe host must run Python (a Linux jump host" in run.stdout, run.stdout + run.stderr
    assert "Fetch the certificate the endpoint presents, from diagnose_probe_from" not in run.stdout
