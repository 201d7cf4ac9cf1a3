# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``aovpn.rras.cert_thumbprint`` lookup as Ansible loads it: search path, vault, options, errors."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError, AnsibleOptionsError

from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.tests.unit.plugins.lookup.file_lookups import PASSWORD, certificate_files, run_lookup, vaulted, without_cryptography

ROOT, INTERMEDIATE, LEAF = certgen.make_chain()


@pytest.fixture
def playbook_dir(tmp_path: Path) -> Path:
    return certificate_files(tmp_path, (ROOT, INTERMEDIATE, LEAF), "legacy", {"vpn.cer": certgen.cert_der(LEAF.cert), "empty.pem": b""})


run = functools.partial(run_lookup, "aovpn.rras.cert_thumbprint")


def test_one_value_per_term_found_in_files(playbook_dir: Path) -> None:
    expected = certgen.openssl_fingerprint(LEAF.cert)
    assert run(playbook_dir, "chain.pem", "vpn.cer", str(playbook_dir / "files" / "vpn.pfx"), password=PASSWORD) == [expected] * 3


def test_options(playbook_dir: Path) -> None:
    sha1 = certgen.openssl_fingerprint(LEAF.cert, "sha1")
    assert run(playbook_dir, "vpn.cer", algorithm="sha1", format="colon") == [":".join(sha1[i:i + 2] for i in range(0, 40, 2)).lower()]
    assert run(playbook_dir, "vpn.cer", format="bytes") == [list(bytes.fromhex(certgen.openssl_fingerprint(LEAF.cert)))]
    assert run(playbook_dir, "chain.pem", "vpn.cer", select="all") == [
        [certgen.openssl_fingerprint(cert) for cert in (ROOT.cert, LEAF.cert, INTERMEDIATE.cert)],
        [certgen.openssl_fingerprint(LEAF.cert)],
    ]
    assert run(playbook_dir, "chain.pem", select="first") == [certgen.openssl_fingerprint(ROOT.cert)]


def test_vaulted_file(playbook_dir: Path) -> None:
    loader = vaulted(playbook_dir / "files" / "vaulted.pem", certgen.cert_pem(LEAF.cert))
    assert run(playbook_dir, "vaulted.pem", loader=loader) == [certgen.openssl_fingerprint(LEAF.cert)]


@pytest.mark.parametrize(
    ("term", "options", "message"),
    [
        ("missing.pem", {}, "missing.pem: file not found; looked in {dir}/files, {dir}"),
        ("/nonexistent/vpn.pem", {}, "/nonexistent/vpn.pem: file not found"),
        ("empty.pem", {}, "{dir}/files/empty.pem: is empty"),
        ("key.pem", {}, "{dir}/files/key.pem: holds a private key but no certificate"),
        ("vpn.pfx", {"password": "not-" + PASSWORD}, "{dir}/files/vpn.pfx: cannot open the PKCS#12 file: the password is wrong or the file is corrupt"),
        ("vpn.pfx", {}, "{dir}/files/vpn.pfx: cannot open the PKCS#12 file: it needs a password (none was given) or it is corrupt"),
    ],
)
def test_errors_name_the_file_and_cause(playbook_dir: Path, term: str, options: dict[str, str], message: str) -> None:
    with pytest.raises(AnsibleLookupError) as error:
        run(playbook_dir, term, **options)
    assert message.format(dir=playbook_dir) in str(error.value)
    assert PASSWORD not in str(error.value)
    assert "BEGIN" not in str(error.value)


def test_option_choices_are_checked_by_ansible(playbook_dir: Path) -> None:
    with pytest.raises(AnsibleOptionsError, match=r"Invalid value .md5. for config.*algorithm"):
        run(playbook_dir, "vpn.cer", algorithm="md5")


def test_missing_cryptography_is_a_lookup_error(playbook_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lookup = without_cryptography("aovpn.rras.cert_thumbprint", monkeypatch)
    with pytest.raises(AnsibleLookupError, match="needs the Python library cryptography on the controller"):
        lookup.run(["vpn.cer"], variables={"ansible_search_path": [str(playbook_dir)]})
