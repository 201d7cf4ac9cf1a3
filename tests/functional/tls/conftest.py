"""Fixtures starting the loopback TLS peers of ``peers.py``; every peer is shut down at teardown."""

from __future__ import annotations

import socket
import typing as t

import pytest

from ansible_collections.aovpn.rras.tests.functional.tls import peers


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> peers.Certificates:
    return peers.make_certificates(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def start_peer() -> t.Iterator[t.Callable[..., peers.Peer]]:
    started: list[peers.Peer] = []

    def start(handler: t.Callable[[socket.socket, peers.Peer], None], family: int = socket.AF_INET) -> peers.Peer:
        started.append(peers.Peer(handler, family))
        return started[-1]

    yield start
    for peer in started:
        peer.close()


@pytest.fixture
def openssl_server() -> t.Iterator[t.Callable[[peers.Served], peers.OpensslServer]]:
    started: list[peers.OpensslServer] = []

    def start(served: peers.Served) -> peers.OpensslServer:
        started.append(peers.start_openssl_server(served))
        assert started[-1].port, "openssl s_server did not start"
        return started[-1]

    yield start
    for server in started:
        peers.stop_openssl_server(server)
