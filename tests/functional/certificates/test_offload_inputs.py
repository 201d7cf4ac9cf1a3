# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""win_sstp_offload's certificate_file and certificate_endpoint inputs on the lab, against real files and TLS servers."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.aovpn.rras.tests.unit import certgen

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lab"))
from tls_endpoint import TlsEndpoint  # noqa: E402  pylint: disable=wrong-import-position,import-error

pytestmark = pytest.mark.lab

HOST = "ws2019-rras"
NAME = "vpn.example.test"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
ROOT = certgen.make_ca("Inputs Test Root", slot=60)
ISSUING = certgen.make_ca("Inputs Test Issuing CA", issuer=ROOT, slot=61)
LEAF = certgen.make_leaf(ISSUING, NAME, slot=62)
SHA256 = certgen.openssl_fingerprint(LEAF.cert)
SHA1 = certgen.openssl_fingerprint(LEAF.cert, "sha1")
PASSWORD = "Inputs!2026"


def play(args: dict, hosts: str = HOST) -> str:
    return f"""
- name: Offload
  hosts: {hosts}
  gather_facts: false
  tasks:
    - name: Offload
      aovpn.rras.win_sstp_offload: {json.dumps(args)}
"""


def write_formats(directory: Path) -> dict[str, tuple[Path, str | None]]:
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "pem": (certgen.write(directory / "lb.pem", certgen.cert_pem(LEAF.cert, ISSUING.cert)), None),
        "der": (certgen.write(directory / "lb.der", certgen.cert_der(LEAF.cert)), None),
        "pfx": (certgen.write_pkcs12(directory / "lb.pfx", LEAF, (ISSUING.cert,), password=PASSWORD), PASSWORD),
        "p7b": (certgen.write_pkcs7(directory / "lb.p7b", (ISSUING.cert, LEAF.cert)), None),
    }


def pinned(lab) -> tuple[str, str | None]:
    values = {name.lower(): value for name, value in lab.reg_values(HOST, SSTP_KEY).items()}
    sha1 = values.get("sha1certificatehash")
    return bytes(values["sha256certificatehash"]["value"]).hex().upper(), bytes(sha1["value"]).hex().upper() if sha1 else None


@pytest.mark.parametrize("fmt", ["pem", "der", "pfx", "p7b"])
def test_certificate_file_every_format_relative_and_absolute(lab, fmt: str) -> None:
    files = write_formats(lab.tmp_path / "files")  # files/ next to the playbook the lab writes into tmp_path
    path, password = files[fmt]
    extra = {"certificate_password": password} if password else {}
    # restart: true applies the change (a change left for a later restart stays pending, and changed, until then)
    relative = lab.playbook(play({"certificate_file": path.name, "fqdn": NAME, "restart": True, **extra}))
    assert relative.rc == 0, relative.stdout
    result = relative.results(HOST, "Offload")[0]
    assert result["changed"] is True and result["restarted"] is True
    assert result["certificate_sha256"] == SHA256 and result["certificate_sha1"] == SHA1
    assert pinned(lab) == (SHA256, SHA1)
    again = lab.playbook(play({"certificate_file": str(path), "fqdn": NAME, **extra}))
    assert again.rc == 0 and again.results(HOST, "Offload")[0]["changed"] is False
    assert PASSWORD not in relative.stdout + again.stdout


def test_expiring_file_gives_a_real_warning(lab) -> None:
    soon = certgen.make_leaf(ISSUING, NAME, slot=63, not_after=certgen.NOW + datetime.timedelta(days=5, hours=1))
    path = certgen.write(lab.tmp_path / "soon.pem", certgen.cert_pem(soon.cert))
    run = lab.playbook(play({"certificate_file": str(path), "fqdn": NAME, "restart": True}))  # applied: no pending-restart warning next run
    assert run.rc == 0, run.stdout
    warnings = run.results(HOST, "Offload")[0]["warnings"]
    assert any("expires in 5 day(s)" in warning for warning in warnings), warnings
    assert not lab.playbook(play({"certificate_file": str(path), "fqdn": NAME, "warn_days": 3})).results(HOST, "Offload")[0].get("warnings")


BAD_FILES = {
    "expired": (certgen.make_leaf(ISSUING, NAME, slot=64, not_before=certgen.NOW - datetime.timedelta(days=60),
                                  not_after=certgen.NOW - datetime.timedelta(days=1)), NAME, "has expired"),
    "not_yet_valid": (certgen.make_leaf(ISSUING, NAME, slot=65, not_before=certgen.NOW + datetime.timedelta(days=3)), NAME, "is not valid yet"),
    "client_auth": (certgen.make_leaf(ISSUING, NAME, slot=66, ekus=(certgen.CLIENT_AUTH,)), NAME, "lacks the Server Authentication EKU"),
    "wrong_name": (LEAF, "other.example.test", "does not cover fqdn 'other.example.test'"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_unfit_file_is_refused_before_any_host_call(lab, kind: str) -> None:
    issued, fqdn, reason = BAD_FILES[kind]
    path = certgen.write(lab.tmp_path / f"{kind}.pem", certgen.cert_pem(issued.cert))
    run = lab.playbook(play({"certificate_file": str(path), "fqdn": fqdn}))
    result = run.results(HOST, "Offload")[0]
    assert run.rc != 0 and result["failed"] is True
    assert result["msg"].startswith("certificate_file: the certificate") and reason in result["msg"], result["msg"]
    assert lab.journal(HOST) == [], "nothing may be sent to the host"


@pytest.mark.parametrize(("args", "message"), [
    ({"certificate_file": "missing.pem"}, "certificate_file missing.pem was not found on the controller"),
    ({"certificate_file": "lb.pfx", "certificate_password": "wrong"}, "the password is wrong"),
    ({"certificate_endpoint": "127.0.0.1:notaport", "fqdn": NAME}, "certificate_endpoint '127.0.0.1:notaport' has an invalid port"),
    ({"certificate_endpoint": "127.0.0.1:443"}, "certificate_endpoint '127.0.0.1:443' is an IP address: give fqdn"),
    ({"certificate_endpoint": "127.0.0.1:443", "fqdn": NAME, "ca_path": "/nonexistent/ca.pem"}, "ca_path /nonexistent/ca.pem does not exist"),
    ({"certificate_hash": SHA256, "ca_path": "/x"}, "ca_path"),
    ({"certificate_file": "lb.pem", "certificate_endpoint": "a:1"}, "mutually exclusive"),
])
def test_bad_input_names_the_option_and_touches_no_host(lab, args: dict, message: str) -> None:
    write_formats(lab.tmp_path / "files")
    run = lab.playbook(play(args))
    result = run.results(HOST, "Offload")[0]
    assert run.rc != 0 and message in result["msg"], result["msg"]
    assert lab.journal(HOST) == []
    assert "wrong" not in json.dumps(result) or "password is wrong" in result["msg"]


def serve(directory: Path, label: str, leaf: certgen.Issued, *chain: certgen.Issued) -> TlsEndpoint:
    cert = certgen.write(directory / f"{label}.crt", certgen.cert_pem(leaf.cert, *(issued.cert for issued in chain)))
    key = certgen.write(directory / f"{label}.key", certgen.key_pem(leaf.key))
    return TlsEndpoint(cert, key)


def test_endpoint_trusted_chain_pinned_once_per_run_for_every_server(lab) -> None:
    ca_path = certgen.write(lab.tmp_path / "root.pem", certgen.cert_pem(ROOT.cert))
    with serve(lab.tmp_path, "trusted", LEAF, ISSUING) as endpoint:
        first = {"certificate_endpoint": endpoint.endpoint, "fqdn": NAME, "ca_path": str(ca_path), "restart": True}  # applied, not left pending
        run = lab.playbook(play(first, hosts="rras"))
        assert run.rc == 0, run.stdout
        assert endpoint.connections == 1, "one fetch per run for every server sharing the endpoint"
        hosts = [host for host, stats in run.stats.items() if stats.get("changed")]
        assert len(hosts) == 4
        for host in hosts:
            assert run.results(host, "Offload")[0]["certificate_sha256"] == SHA256
        again = lab.playbook(play({"certificate_endpoint": endpoint.endpoint, "fqdn": NAME, "ca_path": str(ca_path)}))
        assert again.rc == 0 and again.results(HOST, "Offload")[0]["changed"] is False
        assert endpoint.connections == 2, "a new run fetches again"
    assert pinned(lab) == (SHA256, SHA1)


ENDPOINT_REFUSALS = {
    "untrusted": (LEAF, (ISSUING,), NAME, False, "does not verify against the controller's trust store"),
    "other_ca": (LEAF, (ISSUING,), NAME, "other", "does not verify against ca_path"),
    "wrong_name": (LEAF, (ISSUING,), "other.example.test", True, "Hostname mismatch"),
    "expired": (certgen.make_leaf(ISSUING, NAME, slot=67, not_before=certgen.NOW - datetime.timedelta(days=60),
                                  not_after=certgen.NOW - datetime.timedelta(days=1)), (ISSUING,), NAME, True, "expired"),
}


@pytest.mark.parametrize("kind", ENDPOINT_REFUSALS)
def test_endpoint_that_does_not_verify_is_refused_with_no_host_call(lab, kind: str) -> None:
    leaf, chain, fqdn, trust, reason = ENDPOINT_REFUSALS[kind]
    args: dict = {"fqdn": fqdn}
    if trust is True:
        args["ca_path"] = str(certgen.write(lab.tmp_path / "root.pem", certgen.cert_pem(ROOT.cert)))
    elif trust == "other":
        args["ca_path"] = str(certgen.write(lab.tmp_path / "other.pem", certgen.cert_pem(certgen.make_ca("Someone Else", slot=68).cert)))
    with serve(lab.tmp_path, kind, leaf, *chain) as endpoint:
        run = lab.playbook(play({"certificate_endpoint": endpoint.endpoint, **args}, hosts="rras"))
        assert endpoint.connections == 1
    result = run.results(HOST, "Offload")[0]
    assert run.rc != 0 and result["msg"].startswith(f"certificate_endpoint {endpoint.endpoint}") and reason in result["msg"], result["msg"]
    for host in lab.hosts:
        assert lab.journal(host) == [], host


def test_vault_encrypted_certificate_file_is_decrypted_on_the_controller(lab) -> None:
    # The PFX of the load balancer kept in git, encrypted with ansible-vault (as the PFX password is).
    path, password = write_formats(lab.tmp_path / "vaulted")["pfx"]
    vault_password = certgen.write(lab.tmp_path / "vault-pass", b"Vault!2026\n")
    encrypt = subprocess.run([str(Path(sys.executable).parent / "ansible-vault"), "encrypt", "--vault-password-file", str(vault_password), str(path)],
                             capture_output=True, text=True, check=False)
    assert encrypt.returncode == 0, encrypt.stderr
    assert path.read_bytes().startswith(b"$ANSIBLE_VAULT;")

    run = lab.playbook(play({"certificate_file": str(path), "certificate_password": password, "fqdn": NAME, "restart": True}),
                       env={"ANSIBLE_VAULT_PASSWORD_FILE": str(vault_password)})

    assert run.rc == 0, run.stdout
    assert pinned(lab) == (SHA256, SHA1)
    assert password not in run.stdout + run.stderr
