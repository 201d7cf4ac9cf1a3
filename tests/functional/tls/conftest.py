"""Fixtures starting the loopback TLS peers of ``peers.py``; every peer is shut down at teardown."""

from __future__ import annotations

import socket
import typing as t

import pytest

from ansible_collections.aovpn.rras.tests.functional.tls.peers import (
    Certificates,
    OpensslServer,
    Served,
    make_certificates,
    start_openssl_server,
    start_peer as start_tls_peer,
    stop_openssl_server,
)
from ansible_collections.aovpn.rras.tests.lab.tls_endpoint import TlsEndpoint


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def start_peer() -> t.Iterator[t.Callable[..., TlsEndpoint]]:
    started: list[TlsEndpoint] = []

    def start(handler: t.Callable[[socket.socket, TlsEndpoint], None], family: int = socket.AF_INET) -> TlsEndpoint:
        started.append(start_tls_peer(handler, family))
        return started[-1]

    yield start
    for peer in started:
        peer.stop()


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
