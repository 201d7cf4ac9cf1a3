# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The health gate's pure logic: what a server must serve (from win_rras_info), and real probes of real peers.

The peers are ``tests/lab/tls_endpoint.py`` (the lab's SSTP endpoint: TLS or plain HTTP, 401 on the SSTP path
or another status); the expected hashes are computed here from the served certificates' DER.
"""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations
__metaclass__ = type

import hashlib
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.aovpn.rras.plugins.module_utils._sstp_health import (
    Expectation,
    HealthError,
    Observation,
    check,
    expectation,
    observe,
    wait_healthy,
)
from ansible_collections.aovpn.rras.tests.unit import certgen

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "lab"))
from tls_endpoint import TlsEndpoint  # noqa: E402  pylint: disable=import-error,wrong-import-position


def _server(state: str = "running", use_https: bool = True, sha256: str | None = "AB" * 32, port: int = 443) -> dict[str, Any]:
    """A win_rras_info result, as far as the gate reads it."""
    return {
        "remote_access_service": {"exists": True, "state": state, "start_mode": "auto"},
        "sstp": {"mode": "https" if use_https else "offload", "use_https": use_https, "listener_port": port,
                 "certificate_sha256": sha256, "hash_configured_by_admin": True},
    }


@pytest.fixture(name="identity", scope="module")
def fixture_identity(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A server certificate and key on disk, and the certificate's SHA-256 (uppercase hex)."""
    directory = tmp_path_factory.mktemp("sstp-health")
    leaf = certgen.make_leaf(certgen.make_ca(), slot=3)
    cert = certgen.write(directory / "cert.pem", certgen.cert_pem(leaf.cert))
    key = certgen.write(directory / "key.pem", certgen.key_pem(leaf.key))
    return cert, key, hashlib.sha256(certgen.cert_der(leaf.cert)).hexdigest().upper()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- what the server must serve


def test_https_expectation_takes_the_registry_port_and_hash() -> None:
    expected = expectation(_server(sha256="ab" * 32, port=8443), "10.0.0.5")
    assert expected == Expectation("10.0.0.5", 8443, True, "AB" * 32)


def test_offload_expectation_is_plain_http_on_the_registry_port_without_a_certificate() -> None:
    assert expectation(_server(use_https=False, port=80), "rras1") == Expectation("rras1", 80, False, None)


def test_an_explicit_port_wins_over_the_registry() -> None:
    assert expectation(_server(port=443), "rras1", 10443).port == 10443


@pytest.mark.parametrize("state", ["stopped", "start_pending"])
def test_remoteaccess_not_running_is_unhealthy_whatever_sstp_does(state: str) -> None:
    with pytest.raises(HealthError, match=f"RemoteAccess is not running after the restart \\(state: {state}\\)"):
        expectation(_server(state=state), "rras1")
    verdict = check(_server(state=state), "rras1", probe=lambda *_: pytest.fail("probed a server whose RemoteAccess is not running"))
    assert not verdict.healthy and verdict.attempts == 0


def test_no_sstp_parameters_is_unhealthy() -> None:
    with pytest.raises(HealthError, match="SstpSvc"):
        expectation({"remote_access_service": {"exists": True, "state": "running"}, "sstp": None}, "rras1")


def test_https_without_a_certificate_hash_offers_no_sstp_and_is_not_probed() -> None:
    verdict = check(_server(sha256=None), "rras1", probe=lambda *_: pytest.fail("probed a server without an SSTP certificate"))
    assert verdict.healthy and verdict.expected is None
    assert "SSTP is not probed" in verdict.msg


# ---- retrying until the timeout (a fake clock: no waiting)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_a_server_that_becomes_healthy_passes_on_the_first_good_probe() -> None:
    expected = Expectation("rras1", 443, True, "AB" * 32)
    seen = iter([Observation(error="refused: connection refused"), Observation(status=503, sha256="AB" * 32),
                 Observation(status=401, sha256="AB" * 32)])
    clock = _Clock()
    verdict = wait_healthy(expected, timeout=30, interval=2, probe=lambda *_: next(seen), clock=clock, sleep=clock.sleep)
    assert verdict.healthy and verdict.attempts == 3 and clock.sleeps == [2, 2]


def test_a_server_never_healthy_fails_at_the_timeout_saying_what_was_expected_and_seen() -> None:
    expected = Expectation("rras1", 443, True, "AB" * 32)
    clock = _Clock()
    verdict = wait_healthy(expected, timeout=10, interval=2, probe=lambda *_: Observation(status=401, sha256="CD" * 32),
                           clock=clock, sleep=clock.sleep)
    assert not verdict.healthy
    assert verdict.attempts == 5 and clock.now == 8  # probes at 0, 2, 4, 6, 8; the next would start at the timeout
    assert "not healthy within 10 s (5 probes)" in verdict.msg
    assert f"certificate with SHA-256 {'AB' * 32}" in verdict.msg and f"certificate SHA-256 {'CD' * 32}" in verdict.msg


def test_each_probe_gets_at_most_what_is_left_of_the_timeout() -> None:
    given: list[float] = []
    clock = _Clock()

    def probe(_expected: Expectation, timeout: float) -> Observation:
        given.append(timeout)
        clock.now += timeout  # a peer that never answers uses all it is given
        return Observation(error="timeout: timed out")

    verdict = wait_healthy(Expectation("rras1", 443, True, "AB" * 32), timeout=15, interval=1, probe=probe, clock=clock, sleep=clock.sleep)
    assert not verdict.healthy and given == [10.0, 4.0]


# ---- real probes of real peers


def test_tls_peer_answering_401_with_the_held_certificate_is_healthy(identity: tuple[Path, Path, str]) -> None:
    cert, key, sha256 = identity
    with TlsEndpoint(cert, key) as peer:
        verdict = check(_server(sha256=sha256, port=peer.port), "127.0.0.1", timeout=5, interval=0.1)
    assert verdict.healthy, verdict.msg
    assert verdict.observation == Observation(status=401, sha256=sha256)


def test_tls_peer_answering_another_status_is_unhealthy(identity: tuple[Path, Path, str]) -> None:
    cert, key, sha256 = identity
    with TlsEndpoint(cert, key, status=503) as peer:
        verdict = check(_server(sha256=sha256, port=peer.port), "127.0.0.1", timeout=1, interval=0.2)
    assert not verdict.healthy and verdict.observation.status == 503
    assert "last seen: status 503" in verdict.msg


def test_tls_peer_presenting_another_certificate_is_unhealthy(identity: tuple[Path, Path, str]) -> None:
    cert, key, sha256 = identity
    held = "EF" * 32
    with TlsEndpoint(cert, key) as peer:
        verdict = check(_server(sha256=held, port=peer.port), "127.0.0.1", timeout=1, interval=0.2)
    assert not verdict.healthy
    assert verdict.observation == Observation(status=401, sha256=sha256)
    assert f"expected HTTP 401 to HEAD /sra_{{BA195980-CD49-458B-9E23-C84EE0ADCD75}}/ at 127.0.0.1:{peer.port} over TLS presenting " \
           f"the certificate with SHA-256 {held}; last seen: status 401, certificate SHA-256 {sha256}" in verdict.msg


def test_plain_http_peer_answering_401_is_healthy_in_offload_mode() -> None:
    with TlsEndpoint(None, None) as peer:
        verdict = check(_server(use_https=False, port=peer.port), "127.0.0.1", timeout=5, interval=0.1)
    assert verdict.healthy, verdict.msg
    assert verdict.observation == Observation(status=401)


def test_tls_peer_is_unhealthy_in_offload_mode(identity: tuple[Path, Path, str]) -> None:
    cert, key, _sha256 = identity
    with TlsEndpoint(cert, key) as peer:
        seen = observe(Expectation("127.0.0.1", peer.port, False, None), 2)
    assert seen.status is None and seen.error  # the TLS server does not answer a plain HTTP request with HTTP


def test_plain_http_peer_is_unhealthy_in_https_mode() -> None:
    with TlsEndpoint(None, None) as peer:
        seen = observe(Expectation("127.0.0.1", peer.port, True, "AB" * 32), 1)
    # the lab's plain peer waits for an HTTP head that a ClientHello never completes: no handshake within the time
    assert seen.status is None and seen.sha256 is None and seen.error is not None and seen.error.startswith("timeout:")


def test_nothing_listening_is_reported_as_refused_until_the_timeout() -> None:
    port = _free_port()
    start = time.monotonic()
    verdict = check(_server(sha256="AB" * 32, port=port), "127.0.0.1", timeout=1, interval=0.3)
    assert not verdict.healthy and verdict.attempts >= 2
    assert verdict.observation.error is not None and verdict.observation.error.startswith("refused:")
    assert time.monotonic() - start < 5


def test_a_peer_that_never_answers_is_a_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        seen = observe(Expectation("127.0.0.1", silent.getsockname()[1], True, "AB" * 32), 0.5)
    assert seen.error is not None and seen.error.startswith("timeout:")
