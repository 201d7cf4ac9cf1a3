# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``aovpn.rras.cert_info`` lookup as Ansible loads it: search path, vault, PFX password, problems, errors."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import pytest
from ansible.errors import AnsibleLookupError, AnsibleOptionsError
from ansible.plugins.loader import filter_loader

from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.tests.unit.plugins.lookup.file_lookups import PASSWORD, certificate_files, run_lookup, vaulted, without_cryptography

ROOT, INTERMEDIATE, LEAF = certgen.make_chain()
CLIENT_ONLY = certgen.make_leaf(INTERMEDIATE, ekus=(certgen.CLIENT_AUTH,), slot=5)
EXPIRED = certgen.make_leaf(None, not_before=certgen.NOW - datetime.timedelta(days=30), not_after=certgen.NOW - datetime.timedelta(days=1), slot=6)


@pytest.fixture
def playbook_dir(tmp_path: Path) -> Path:
    return certificate_files(tmp_path, (ROOT, INTERMEDIATE, LEAF), "aes", {
        "client.cer": certgen.cert_der(CLIENT_ONLY.cert), "expired.pem": certgen.cert_pem(EXPIRED.cert)})


run = functools.partial(run_lookup, "aovpn.rras.cert_info")


def test_facts_pem_and_no_problem_for_a_fit_certificate(playbook_dir: Path) -> None:
    (info,) = run(playbook_dir, "chain.pem", fqdn="vpn.example.com")
    assert info["sha256"] == certgen.openssl_fingerprint(LEAF.cert) and info["sha1"] == certgen.openssl_fingerprint(LEAF.cert, "sha1")
    assert info["pem"] == certgen.cert_pem(LEAF.cert).decode() and info["problems"] == []
    assert info["dns_names"] == ["vpn.example.com"] and info["server_auth"] and not info["is_ca"]


def test_same_result_as_the_filter_on_the_same_text(playbook_dir: Path) -> None:
    text = (playbook_dir / "files" / "chain.pem").read_text(encoding="ascii")
    from_filter = filter_loader.get("aovpn.rras.cert_info").j2_function(text, fqdn="other.example.com", fqdn_name="vpn_name")
    (from_lookup,) = run(playbook_dir, "chain.pem", fqdn="other.example.com", fqdn_name="vpn_name")
    assert from_lookup == dict(from_filter, pkcs12_key=False)
    assert from_lookup["problems"] == ["does not cover vpn_name other.example.com (it names vpn.example.com)"]


def test_pfx_with_password_returns_the_certificate_but_never_the_key(playbook_dir: Path) -> None:
    (info,) = run(playbook_dir, "vpn.pfx", password=PASSWORD)
    assert info["pem"] == certgen.cert_pem(LEAF.cert).decode()
    assert "PRIVATE KEY" not in str(info) and PASSWORD not in str(info)
    assert info["pkcs12_key"] is True
    with pytest.raises(AnsibleLookupError, match="the password is wrong") as caught:
        run(playbook_dir, "vpn.pfx", password="Wr0ng-" + PASSWORD)
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    ("term", "options", "expected"),
    [
        ("client.cer", {}, ["lacks the Server Authentication EKU (1.3.6.1.5.5.7.3.1); it has Client Authentication"]),
        ("expired.pem", {}, ["has expired"]),
        ("chain.pem", {"select": "first"}, ["is a CA certificate, not the server certificate"]),
        ("chain.pem", {"fqdn": "a.vpn.example.com"}, ["does not cover fqdn 'a.vpn.example.com' (it names vpn.example.com)"]),
    ],
)
def test_problems(playbook_dir: Path, term: str, options: dict[str, Any], expected: list[str]) -> None:
    (info,) = run(playbook_dir, term, **options)
    assert len(info["problems"]) == len(expected)
    assert all(problem.startswith(prefix) for problem, prefix in zip(info["problems"], expected)), info["problems"]


def test_pkcs12_key_only_for_a_pfx_holding_its_key(playbook_dir: Path) -> None:
    certgen.write_pkcs12(playbook_dir / "files" / "nokey.pfx", LEAF, with_key=False)
    (chain,), (der,), (nokey,) = run(playbook_dir, "chain.pem"), run(playbook_dir, "client.cer"), run(playbook_dir, "nokey.pfx")
    assert (chain["pkcs12_key"], der["pkcs12_key"], nokey["pkcs12_key"]) == (False, False, False)


def test_select_all_and_several_terms(playbook_dir: Path) -> None:
    chain, client = run(playbook_dir, "chain.pem", "client.cer", select="all")
    assert [item["subject"] for item in chain] == ["CN=Test Root CA", "CN=vpn.example.com", "CN=Test Issuing CA"]
    assert [bool(item["problems"]) for item in chain] == [True, False, True]
    assert [item["sha256"] for item in client] == [certgen.openssl_fingerprint(CLIENT_ONLY.cert)]


def test_vaulted_file(playbook_dir: Path) -> None:
    loader = vaulted(playbook_dir / "files" / "vaulted.pem", certgen.cert_pem(LEAF.cert))
    (info,) = run(playbook_dir, "vaulted.pem", loader=loader)
    assert info["sha256"] == certgen.openssl_fingerprint(LEAF.cert)


@pytest.mark.parametrize(
    ("term", "options", "error", "message"),
    [
        ("missing.pem", {}, AnsibleLookupError, "^missing.pem: file not found; looked in .*files"),
        ("key.pem", {}, AnsibleLookupError, "key.pem: holds a private key but no certificate$"),
        ("vpn.pfx", {}, AnsibleLookupError, "it needs a password"),
        ("chain.pem", {"select": "last"}, AnsibleOptionsError, "select"),
    ],
)
def test_errors(playbook_dir: Path, term: str, options: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        run(playbook_dir, term, **options)


def test_missing_cryptography_is_a_lookup_error(playbook_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lookup = without_cryptography("aovpn.rras.cert_info", monkeypatch)
    with pytest.raises(AnsibleLookupError, match="^aovpn.rras.cert_info needs the Python library cryptography on the controller"):
        lookup.run(["chain.pem"], variables={"ansible_search_path": [str(playbook_dir)]})
