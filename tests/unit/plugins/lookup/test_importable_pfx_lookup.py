# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.importable_pfx: PBES2 PFX re-encoded (still encrypted) for builds before 17763, checked with openssl."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ansible_collections.aovpn.rras.plugins.plugin_utils._pfx import needs_legacy_pkcs12
from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.tests.unit.plugins.lookup.file_lookups import run_lookup, vaulted

PASSWORD = "s3cret-Pfx!"
CA = certgen.make_ca("Lookup Test CA", slot=80)
LEAF = certgen.make_leaf(CA, dns_names=("vpn.example.com",), slot=81)


def pbes2_pfx() -> bytes:
    """The cryptography (and OpenSSL 3) default: PBES2/AES-256, SHA-256 MAC."""
    return pkcs12.serialize_key_and_certificates(b"vpn", LEAF.key, LEAF.cert, [CA.cert],
                                                 serialization.BestAvailableEncryption(PASSWORD.encode()))


def openssl_info(path: Path) -> str:
    """What openssl says about the file's encryption (it needs the password: proof that it is encrypted with it)."""
    run = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-in", str(path), "-passin", f"pass:{PASSWORD}"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout + run.stderr


@pytest.mark.parametrize(("build", "needed"), [(None, True), (9600, True), (14393, True), (17134, True), (17763, False), (20348, False)])
def test_only_builds_before_2019_need_the_legacy_form(build: int | None, needed: bool) -> None:
    assert needs_legacy_pkcs12(build) is needed


@pytest.mark.parametrize("build", ["14393", "6.3.9600", None, "garbage"])
def test_old_or_unknown_build_gets_a_legacy_encrypted_copy(tmp_path: Path, build: str | None) -> None:
    (tmp_path / "vpn.pfx").write_bytes(pbes2_pfx())
    assert "PBES2" in openssl_info(tmp_path / "vpn.pfx")
    options = {"password": PASSWORD} if build is None else {"password": PASSWORD, "build": build}
    result = run_lookup("aovpn.rras.importable_pfx", tmp_path, "vpn.pfx", **options)[0]
    path = Path(result["path"])
    try:
        assert result["reencoded"] is True and path != tmp_path / "vpn.pfx"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        info = openssl_info(path)
        assert "PBES2" not in info and "pbeWithSHA1And3-KeyTripleDES-CBC" in info and "MAC: sha1" in info
        with pytest.raises(ValueError):
            pkcs12.load_pkcs12(path.read_bytes(), None)  # encrypted: no key without the password
        bundle = pkcs12.load_pkcs12(path.read_bytes(), PASSWORD.encode())
        assert bundle.cert.certificate == LEAF.cert and bundle.cert.friendly_name == b"vpn"
        assert [extra.certificate for extra in bundle.additional_certs] == [CA.cert]
        assert bundle.key.private_numbers() == LEAF.key.private_numbers()
    finally:
        path.unlink()


def test_recent_build_gets_the_file_itself_even_vaulted(tmp_path: Path) -> None:
    loader = vaulted(tmp_path / "vpn.pfx", pbes2_pfx())
    result = run_lookup("aovpn.rras.importable_pfx", tmp_path, "vpn.pfx", loader=loader, password=PASSWORD, build="10.0.17763")
    assert result == [{"path": str(tmp_path / "vpn.pfx"), "reencoded": False, "build": 17763}]


def test_a_vaulted_pfx_is_re_encoded_for_an_old_build(tmp_path: Path) -> None:
    loader = vaulted(tmp_path / "vpn.pfx", pbes2_pfx())
    path = Path(run_lookup("aovpn.rras.importable_pfx", tmp_path, "vpn.pfx", loader=loader, password=PASSWORD, build=14393)[0]["path"])
    try:
        assert "pbeWithSHA1And3-KeyTripleDES-CBC" in openssl_info(path)
    finally:
        path.unlink()


@pytest.mark.parametrize(("password", "message"), [
    ("Not-The-Password-42", "the password is wrong or the file is corrupt"),
    (None, "a password is needed to re-encode the PKCS#12 file"),
])
def test_errors_name_the_file_and_never_the_password(tmp_path: Path, password: str | None, message: str) -> None:
    (tmp_path / "vpn.pfx").write_bytes(pbes2_pfx())
    options = {"build": "14393"} if password is None else {"build": "14393", "password": password}
    with pytest.raises(AnsibleLookupError) as error:
        run_lookup("aovpn.rras.importable_pfx", tmp_path, "vpn.pfx", **options)
    assert str(tmp_path / "vpn.pfx") in str(error.value) and message in str(error.value) and "build 14393" in str(error.value)
    assert PASSWORD not in str(error.value) and "Not-The-Password-42" not in str(error.value)
