# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The certificate lookup and filters inside real ``ansible-playbook`` runs, checked against ``openssl``.

Also runs the EXAMPLES of their documentation, so the examples admins copy do work.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ansible_collections.aovpn.rras.tests.unit import certgen

REPO_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO_ROOT / "tests" / "output" / "collections"
PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
PFX_PASSWORD = "Pfx-Secret-4711"
WRONG_PASSWORD = "Not-The-Secret-0815"
LOCAL_MODULES = {"ansible.builtin.debug", "ansible.builtin.set_fact", "ansible.builtin.assert", "block"}


def _colon(hex_digest: str) -> str:
    return ":".join(hex_digest[i:i + 2] for i in range(0, len(hex_digest), 2)).lower()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A playbook directory with certificate files in ``files/`` and the expected values as extra vars."""
    root, intermediate, leaf = certgen.make_chain()
    base = tmp_path_factory.mktemp("certificates")
    files = base / "files"
    files.mkdir()
    chain = certgen.cert_pem(root.cert, leaf.cert, intermediate.cert).replace(b"\n", b"\r\n")
    certgen.write(files / "chain.pem", chain)
    certgen.write(files / "vpn.example.com.pem", certgen.cert_pem(leaf.cert) + certgen.key_pem(leaf.key))
    certgen.write(files / "vpn.cer", certgen.cert_der(leaf.cert))
    certgen.write(files / "key.pem", certgen.key_pem(leaf.key))
    certgen.write_pkcs12(files / "vpn.example.com.pfx", leaf, (root.cert, intermediate.cert), PFX_PASSWORD, "legacy")
    certgen.write_pkcs12(files / "vpn-aes.pfx", leaf, (intermediate.cert,), PFX_PASSWORD, "aes")
    certgen.write_pkcs7(files / "chain.p7b", (intermediate.cert, root.cert, leaf.cert), der=True)
    sha256 = certgen.openssl_fingerprint(leaf.cert)
    expected = {
        "leaf_sha256": sha256,
        "leaf_sha1_colon": _colon(certgen.openssl_fingerprint(leaf.cert, "sha1")),
        "leaf_sha256_bytes": list(bytes.fromhex(sha256)),
        "chain_sha256": [certgen.openssl_fingerprint(cert) for cert in (root.cert, leaf.cert, intermediate.cert)],
        "leaf_serial": certgen.openssl_x509_field(leaf.cert, "-serial"),
        "pasted_sha256": "\u200e" + " ".join(sha256[i:i + 2] for i in range(0, 64, 2)).lower(),
        # What the documentation examples use.
        "vpn_certificate_pem": chain.decode(),
        "vpn_certificate_base64": base64.b64encode(certgen.cert_der(leaf.cert)).decode(),
        "vpn_pfx_password": PFX_PASSWORD,
    }
    return base, expected


def run_playbook(base: Path, name: str, tasks: list[dict[str, Any]], extra_vars: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    play = [{"name": name, "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
    playbook = base / f"{name}.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False, allow_unicode=True), encoding="utf-8")
    variables = base / f"{name}.vars.json"
    variables.write_text(json.dumps(extra_vars), encoding="utf-8")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return subprocess.run([PLAYBOOK, "-i", "localhost,", str(playbook), "-e", f"@{variables}"], capture_output=True, text=True,
                          env=env, cwd=base, check=False, timeout=120)


def _assert(*that: str) -> dict[str, Any]:
    return {"ansible.builtin.assert": {"that": list(that), "quiet": True}}


def test_lookup_and_filters_in_a_playbook(project: tuple[Path, dict[str, Any]]) -> None:
    base, expected = project
    tasks = [
        _assert(
            "lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pem') == leaf_sha256",
            "lookup('aovpn.rras.cert_thumbprint', 'chain.pem') == leaf_sha256",
            "lookup('aovpn.rras.cert_thumbprint', 'vpn.cer', algorithm='sha1', format='colon') == leaf_sha1_colon",
            "lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pfx', password=vpn_pfx_password) == leaf_sha256",
            "lookup('aovpn.rras.cert_thumbprint', 'vpn-aes.pfx', password=vpn_pfx_password) == leaf_sha256",
            "lookup('aovpn.rras.cert_thumbprint', 'chain.p7b') == leaf_sha256",
            "lookup('aovpn.rras.cert_thumbprint', 'vpn.cer', format='bytes') == leaf_sha256_bytes",
            "query('aovpn.rras.cert_thumbprint', 'chain.pem', select='all') == [chain_sha256]",
            "query('aovpn.rras.cert_thumbprint', 'vpn.cer', 'chain.p7b') == [leaf_sha256, leaf_sha256]",
        ),
        _assert(
            "vpn_certificate_pem | aovpn.rras.cert_thumbprint == leaf_sha256",
            "vpn_certificate_base64 | aovpn.rras.cert_thumbprint(algorithm='sha1', format='colon') == leaf_sha1_colon",
            "lookup('ansible.builtin.file', 'chain.pem') | aovpn.rras.cert_thumbprint(select='all') == chain_sha256",
            "pasted_sha256 | aovpn.rras.thumbprint == leaf_sha256",
            "(vpn_certificate_pem | aovpn.rras.cert_info).sha256 == leaf_sha256",
            "(vpn_certificate_pem | aovpn.rras.cert_info).serial == leaf_serial",
            "(vpn_certificate_pem | aovpn.rras.cert_info).dns_names == ['vpn.example.com']",
            "'1.3.6.1.5.5.7.3.1' in (vpn_certificate_pem | aovpn.rras.cert_info).ekus",
        ),
        _assert(
            "lookup('aovpn.rras.cert_info', 'vpn.example.com.pfx', password=vpn_pfx_password).sha256 == leaf_sha256",
            "lookup('aovpn.rras.cert_info', 'vpn.example.com.pfx', password=vpn_pfx_password).pem | aovpn.rras.cert_thumbprint == leaf_sha256",
            "'PRIVATE KEY' not in lookup('aovpn.rras.cert_info', 'vpn.example.com.pem').pem",
            "lookup('aovpn.rras.cert_info', 'chain.p7b', fqdn='vpn.example.com').problems == []",
            "lookup('aovpn.rras.cert_info', 'vpn.cer', fqdn='sstp.example.org', fqdn_name='vpn_name').problems"
            " == ['does not cover vpn_name sstp.example.org (it names vpn.example.com)']",
            # the lookup returns every key of the filter and pkcs12_key (documented in its RETURN): false for a DER file
            "lookup('aovpn.rras.cert_info', 'vpn.cer', fqdn='sstp.example.org')"
            " == (vpn_certificate_pem | aovpn.rras.cert_info(fqdn='sstp.example.org') | combine({'pkcs12_key': false}))",
            "query('aovpn.rras.cert_info', 'chain.pem', select='all')[0] | map(attribute='sha256') == chain_sha256",
            "query('aovpn.rras.cert_info', 'chain.pem', select='first')[0].problems[0] is match('is a CA certificate')",
        ),
    ]
    result = run_playbook(base, "happy", tasks, expected)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok=3" in result.stdout and "failed=0" in result.stdout


ERROR_CASES = [
    ("lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pfx', password=wrong_password)",
     "{base}/files/vpn.example.com.pfx: cannot open the PKCS#12 file: the password is wrong or the file is corrupt"),
    ("lookup('aovpn.rras.cert_thumbprint', 'absent.pem')", "absent.pem: file not found; looked in {base}/files, {base}"),
    ("lookup('aovpn.rras.cert_thumbprint', 'key.pem', password=wrong_password)", "{base}/files/key.pem: holds a private key but no certificate"),
    ("lookup('aovpn.rras.cert_info', 'vpn-aes.pfx', password=wrong_password)",
     "{base}/files/vpn-aes.pfx: cannot open the PKCS#12 file: the password is wrong or the file is corrupt"),
    ("lookup('aovpn.rras.cert_info', 'absent.pem')", "absent.pem: file not found; looked in {base}/files, {base}"),
    ("('A' * 40) | aovpn.rras.thumbprint", "the input looks like a SHA-1 thumbprint (40 hex characters) where a SHA-256 thumbprint (64) is expected"),
    ("wrong_password | aovpn.rras.cert_thumbprint", "input: is not a certificate in a supported format"),
    ("lookup('ansible.builtin.file', 'key.pem') | aovpn.rras.cert_info", "input: holds a private key but no certificate"),
]


def test_errors_in_a_playbook(project: tuple[Path, dict[str, Any]]) -> None:
    """One failing task per case (ignored, so all run in one play): message present, no secret, no traceback."""
    base, expected = project
    tasks = [{"name": f"Bad input {number}", "ansible.builtin.debug": {"msg": "{{ " + case[0] + " }}"}, "ignore_errors": True}
             for number, case in enumerate(ERROR_CASES)]
    result = run_playbook(base, "error", tasks, {**expected, "wrong_password": WRONG_PASSWORD})
    output = result.stdout + result.stderr
    assert result.returncode == 0 and f"ignored={len(ERROR_CASES)}" in output, output
    for case in ERROR_CASES:
        assert case[1].format(base=base) in output
    assert "Traceback" not in output
    assert WRONG_PASSWORD not in output and PFX_PASSWORD not in output
    assert "PRIVATE KEY" not in output


def _documented_examples() -> list[str]:
    """EXAMPLES of the two lookups (a Python constant) and of the three filters (YAML documentation files)."""
    examples = []
    for name in ("cert_thumbprint", "cert_info"):
        lookup = ast.parse((REPO_ROOT / "plugins" / "lookup" / f"{name}.py").read_text(encoding="utf-8"))
        examples += [ast.literal_eval(node.value) for node in lookup.body if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES"]
    for name in ("cert_thumbprint", "thumbprint", "cert_info"):
        examples.append(yaml.safe_load((REPO_ROOT / "plugins" / "filter" / f"{name}.yml").read_text(encoding="utf-8"))["EXAMPLES"])
    return examples


def _runnable(task: dict[str, Any]) -> dict[str, Any]:
    """Tasks for a Windows host become a debug of their templated arguments: the expressions still run."""
    module = next(key for key in task if key not in ("name", "vars", "register", "when", "loop"))
    if module in LOCAL_MODULES:
        return task
    return {"name": task.get("name"), "vars": task.get("vars", {}), "ansible.builtin.debug": {"msg": task[module]}}


def test_documentation_examples_run(project: tuple[Path, dict[str, Any]]) -> None:
    base, expected = project
    tasks = [_runnable(task) for examples in _documented_examples() for task in yaml.safe_load(examples)]
    result = run_playbook(base, "examples", tasks, expected)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok={len(tasks)}" in result.stdout, result.stdout
