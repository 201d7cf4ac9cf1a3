"""The ``aovpn.rras.tls_certificate`` lookup against real TLS peers on loopback.

Peers are Python ``ssl`` servers and ``openssl s_server``; hashes are checked against
``openssl x509 -fingerprint``. Nothing is mocked at the socket.
"""

from __future__ import annotations

import socket
import time
import typing as t

import pytest
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import SSTP_PATH
from ansible_collections.aovpn.rras.tests.functional.tls import peers
from ansible_collections.aovpn.rras.tests.lab.tls_endpoint import TlsEndpoint
from ansible_collections.aovpn.rras.tests.unit import certgen

VPN_NAME = peers.VPN_NAME


def lookup(*terms: str, **options: t.Any) -> list[dict[str, t.Any]]:
    return lookup_loader.get("aovpn.rras.tls_certificate").run(list(terms), variables={}, **options)


def timed_failure(term: str, timeout: float) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(AnsibleLookupError) as caught:
        lookup(term, timeout=timeout)
    return str(caught.value), time.monotonic() - started


def reference(issued: certgen.Issued) -> dict[str, str]:
    return {"sha256": certgen.openssl_fingerprint(issued.cert, "sha256"), "sha1": certgen.openssl_fingerprint(issued.cert, "sha1")}


def test_public_chain_from_python_server(certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint]) -> None:
    handler = peers.TlsHandler(peers.tls_context(certs.public))
    peer = start_peer(handler)
    [seen] = lookup(f"127.0.0.1:{peer.port}", server_name=VPN_NAME, chain=True)
    assert {key: seen[key] for key in ("sha256", "sha1")} == reference(certs.public.issued)
    assert seen["subject"] == f"CN={VPN_NAME}"
    assert seen["issuer"] == "CN=Example Public TLS CA 1"
    assert seen["dns_names"] == [VPN_NAME, "sstp.example.test"]
    assert seen["self_signed"] is False
    assert 88 <= seen["days_left"] <= 90
    assert seen["tls_version"] == "TLSv1.3"
    assert (seen["host"], seen["port"], seen["server_name"], seen["address"]) == ("127.0.0.1", peer.port, VPN_NAME, "127.0.0.1")
    assert handler.server_names == [VPN_NAME]
    assert [link["sha256"] for link in seen["chain"]] == [reference(certs.public_issuing)["sha256"]]
    assert seen["chain"][0]["subject"] == "CN=Example Public TLS CA 1" and seen["chain"][0]["is_ca"] is True
    assert "sstp" not in seen


@pytest.mark.parametrize(
    ("label", "issuer", "self_signed", "chain_subjects"),
    [
        ("public", "CN=Example Public TLS CA 1", False, ["CN=Example Public TLS CA 1"]),
        ("self_signed", f"CN={VPN_NAME}", True, []),
        ("inspected", "CN=Contoso Firewall Inspection CA", False, ["CN=Contoso Firewall Inspection CA"]),
        ("expired", "CN=Example Public TLS CA 1", False, ["CN=Example Public TLS CA 1"]),
    ],
)
def test_openssl_s_server_presentations(
    certs: peers.Certificates, openssl_server: t.Callable[..., peers.OpensslServer], label: str, issuer: str, self_signed: bool,
    chain_subjects: list[str],
) -> None:
    served: peers.Served = getattr(certs, label)
    server = openssl_server(served)
    [seen] = lookup(f"localhost:{server.port}", chain=True, timeout=5)
    assert {key: seen[key] for key in ("sha256", "sha1")} == reference(served.issued)
    assert (seen["subject"], seen["issuer"], seen["self_signed"]) == (f"CN={VPN_NAME}", issuer, self_signed)
    assert [link["subject"] for link in seen["chain"]] == chain_subjects
    assert seen["server_name"] == "localhost"
    assert seen["not_after"] == served.issued.cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    if label == "expired":
        assert seen["days_left"] in (-36, -35)  # 35 days ago, give or take the seconds since the certificate was made


def test_inspection_is_visible_as_a_different_hash_for_the_same_name(
    certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint]
) -> None:
    real = start_peer(peers.TlsHandler(peers.tls_context(certs.public)))
    inspecting = start_peer(peers.TlsHandler(peers.tls_context(certs.inspected)))
    seen_real, seen_inspected = lookup(f"127.0.0.1:{real.port}", f"127.0.0.1:{inspecting.port}", server_name=VPN_NAME)
    assert seen_real["subject"] == seen_inspected["subject"] and seen_real["dns_names"][0] == seen_inspected["dns_names"][0]
    assert seen_real["sha256"] != seen_inspected["sha256"]
    assert seen_inspected["sha256"] == reference(certs.inspected.issued)["sha256"]


def test_ipv6_term_sends_no_sni_for_an_address(certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint]) -> None:
    handler = peers.TlsHandler(peers.tls_context(certs.self_signed))
    peer = start_peer(handler, socket.AF_INET6)
    [seen] = lookup(f"[::1]:{peer.port}")
    assert (seen["host"], seen["address"], seen["server_name"]) == ("::1", "::1", None)
    assert handler.server_names == [None]
    assert seen["sha256"] == reference(certs.self_signed.issued)["sha256"] and seen["self_signed"] is True


@pytest.mark.parametrize(
    ("status", "reason", "server", "answering", "message"),
    [
        (401, "Unauthorized", "Microsoft-HTTPAPI/2.0", True, "SSTP is answering on {endpoint} (HTTP 401 Unauthorized)"),
        (200, "OK", "nginx", False, "something else answers on {endpoint}: HTTP 200 OK instead of 401"),
        (404, "Not Found", None, False, "something else answers on {endpoint}: HTTP 404 Not Found instead of 401"),
    ],
)
def test_sstp_probe(
    certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint], status: int, reason: str, server: str | None, answering: bool,
    message: str,
) -> None:
    peer = start_peer(peers.TlsHandler(peers.tls_context(certs.public), status=status, reason=reason, server=server))
    [seen] = lookup(f"127.0.0.1:{peer.port}", server_name=VPN_NAME, sstp_probe=True)
    endpoint = f"127.0.0.1:{peer.port}"
    assert seen["sstp"] == {"status": status, "reason": reason, "answering": answering, "server": server,
                            "message": message.format(endpoint=endpoint)}
    assert seen["sha256"] == reference(certs.public.issued)["sha256"]
    request_line, *headers = peer.requests[0].decode().split("\r\n")
    assert request_line == f"HEAD {SSTP_PATH} HTTP/1.1"
    assert f"Host: {VPN_NAME}:{peer.port}" in headers


def test_sstp_probe_against_openssl_www_is_not_sstp(certs: peers.Certificates, openssl_server: t.Callable[..., peers.OpensslServer]) -> None:
    server = openssl_server(certs.public)
    started = time.monotonic()
    [seen] = lookup(f"127.0.0.1:{server.port}", sstp_probe=True, timeout=1.5)
    assert time.monotonic() - started < 2.5
    # s_server -www answers GET only: it keeps the HEAD request waiting, so nothing SSTP-like answers.
    assert seen["sstp"] == {"status": None, "reason": "", "answering": False, "server": None,
                            "message": f"no HTTP answer to the SSTP request on 127.0.0.1:{server.port}: timed out after 1.5 s waiting for the SSTP answer"}
    assert seen["sha256"] == reference(certs.public.issued)["sha256"]


def test_sstp_probe_dripping_answer_is_bounded(certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint]) -> None:
    peer = start_peer(peers.TlsHandler(peers.tls_context(certs.public), drip=True))
    started = time.monotonic()
    [seen] = lookup(f"127.0.0.1:{peer.port}", sstp_probe=True, timeout=1.5)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert seen["sstp"]["status"] is None and seen["sstp"]["answering"] is False
    assert seen["sstp"]["message"].endswith(": timed out after 1.5 s waiting for the SSTP answer")
    assert seen["sha256"] == reference(certs.public.issued)["sha256"]


def test_refused() -> None:
    port = peers.free_port()
    message = timed_failure(f"127.0.0.1:{port}", 5)[0]
    assert message == f"no TLS certificate from 127.0.0.1:{port}: connection refused (nothing listens on that port)"


def test_plain_http_peer(start_peer: t.Callable[..., TlsEndpoint]) -> None:
    peer = start_peer(peers.junk_handler)
    message = timed_failure(f"127.0.0.1:{peer.port}", 5)[0]
    assert message.startswith(f"no TLS certificate from 127.0.0.1:{peer.port}: the peer does not speak TLS (")
    assert peer.requests[0][:1] == b"\x16"  # it did receive a TLS ClientHello


def test_peer_hanging_up(start_peer: t.Callable[..., TlsEndpoint]) -> None:
    peer = start_peer(peers.closing_handler)
    message = timed_failure(f"127.0.0.1:{peer.port}", 5)[0]
    assert message == f"no TLS certificate from 127.0.0.1:{peer.port}: the peer closed the connection during the TLS handshake"


def test_handshake_failure(certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint]) -> None:
    peer = start_peer(peers.TlsHandler(peers.tls_context(certs.public, require_client_cert=True)))
    message = timed_failure(f"127.0.0.1:{peer.port}", 5)[0]
    assert message.startswith(f"no TLS certificate from 127.0.0.1:{peer.port}: TLS handshake failed: ")


@pytest.mark.parametrize("handler", [peers.silent_handler, peers.drip_handshake_handler], ids=["silent", "dripping"])
def test_timeout_is_a_deadline(start_peer: t.Callable[..., TlsEndpoint], handler: t.Callable[..., None]) -> None:
    peer = start_peer(handler)
    message, elapsed = timed_failure(f"127.0.0.1:{peer.port}", 1.0)
    assert 0.9 < elapsed < 2.0
    assert message.startswith(f"no TLS certificate from 127.0.0.1:{peer.port}: timed out after 1 s waiting for the TLS handshake")


def test_dns_failure() -> None:
    message, elapsed = timed_failure("vpn.aovpn-rras-test.invalid:8443", 5)
    assert message.startswith("no TLS certificate from vpn.aovpn-rras-test.invalid:8443: cannot resolve the name: ")
    assert elapsed < 6
