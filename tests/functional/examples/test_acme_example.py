# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""examples/acme/renew.yml against a real ACME server (Debian's pebble, started here) and the lab."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import typing as t
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ansible_collections.aovpn.rras.tests.unit import certgen

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = REPO_ROOT / "examples" / "acme" / "renew.yml"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
HOSTS = "ws2019-rras:ws2016-rras"
FQDN = "vpn.example.com"
PASSWORD = "Acme!Pfx2026"

pytestmark = pytest.mark.lab


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def pebble(tmp_path: Path) -> t.Iterator[str]:
    """A pebble ACME server on loopback with challenge validation switched off; yields its directory URL."""
    if shutil.which("pebble") is None:
        pytest.fail("pebble is not installed: apt-get install pebble (tests/ci/gates.sh installs it)")
    tls = certgen.make_leaf(certgen.make_ca("Pebble Listener CA", slot=90), "localhost", slot=91)
    cert = certgen.write(tmp_path / "pebble.crt", certgen.cert_pem(tls.cert))
    key = certgen.write(tmp_path / "pebble.key", certgen.key_pem(tls.key))
    port = free_port()
    config = {"pebble": {"listenAddress": f"127.0.0.1:{port}", "managementListenAddress": f"127.0.0.1:{free_port()}",
                         "certificate": str(cert), "privateKey": str(key), "httpPort": free_port(), "tlsPort": free_port(),
                         "ocspResponderURL": "", "externalAccountBindingRequired": False}}
    (tmp_path / "pebble.json").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "PEBBLE_VA_ALWAYS_VALID": "1", "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"}
    with open(tmp_path / "pebble.log", "wb") as log:
        process = subprocess.Popen(["pebble", "-config", str(tmp_path / "pebble.json")], env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        pytest.fail("pebble did not start: " + (tmp_path / "pebble.log").read_text(errors="replace"))
                    time.sleep(0.2)
            yield f"https://127.0.0.1:{port}/dir"
        finally:
            process.terminate()
            process.wait(10)


def real_changes(journal: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    return [e for e in journal if e["changed"] and not e["check_mode"]]


def test_acme_renewal_example_binds_the_issued_certificate_and_a_rerun_changes_nothing(lab, pebble: str) -> None:
    workdir = lab.tmp_path / "acme"
    extra = {"aovpn_rras_target": HOSTS, "acme_directory": pebble, "acme_validate_certs": False, "acme_workdir": str(workdir),
             "acme_sstp_fqdn": FQDN, "acme_sstp_pfx_password": PASSWORD, "acme_email": "vpn-admins@example.com"}
    first = lab.playbook(PLAYBOOK, extra_vars=extra, callback="default")
    assert first.rc == 0, first.stdout[-5000:] + first.stderr[-2000:]
    issued = x509.load_pem_x509_certificate((workdir / f"{FQDN}.crt").read_bytes())
    der = issued.public_bytes(Encoding.DER)
    assert "Pebble" in issued.issuer.rfc4514_string(), "issued by the ACME server"
    for host in HOSTS.split(":"):
        values = {name.lower(): value for name, value in lab.reg_values(host, SSTP_KEY).items()}
        assert bytes(values["sha256certificatehash"]["value"]) == hashlib.sha256(der).digest(), host
        assert bytes(values["sha1certificatehash"]["value"]) == hashlib.sha1(der).digest(), host  # noqa: S324
        assert len([e for e in lab.journal(host) if e["module"] == "win_service" and e["args"].get("state") == "restarted"]) == 1
    assert PASSWORD not in first.stdout + first.stderr
    lab.clear_journal()
    pfx_before = (workdir / f"{FQDN}.pfx").read_bytes()
    again = lab.playbook(PLAYBOOK, extra_vars=extra, callback="default")
    assert again.rc == 0, again.stdout[-5000:]
    assert (workdir / f"{FQDN}.crt").read_bytes() == issued.public_bytes(Encoding.PEM), "no new order"
    assert (workdir / f"{FQDN}.pfx").read_bytes() == pfx_before
    for host in HOSTS.split(":"):
        assert real_changes(lab.journal(host)) == [], host
