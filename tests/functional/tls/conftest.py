"""Fixtures starting the loopback TLS peers of ``peers.py``; every peer is shut down at teardown."""

from __future__ import annotations

import socket
import typing as t

import pytest

from ansible_collections.aovpn.rras.tests.functional.tls.peers import (
    Certificates,
    OpensslServer,
    Peer,
    Served,
    make_certificates,
    start_openssl_server,
    stop_openssl_server,
)


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def start_peer() -> t.Iterator[t.Callable[..., Peer]]:
    started: list[Peer] = []

    def start(handler: t.Callable[[socket.socket, Peer], None], family: int = socket.AF_INET) -> Peer:
        started.append(Peer(handler, family))
        return started[-1]

    yield start
    for peer in started:
        peer.close()


@pytest.fixture
def openssl_server() -> t.Iterator[t.Callable[[Served], OpensslServer]]:
    started: list[OpensslServer] = []

    def start(served: Served) -> OpensslServer:
        started.append(start_openssl_server(served))
        assert started[-1].port, "openssl s_server did not start"
        return started[-1]

    yield start
    for server in started:
        stop_openssl_server(server)
