"""The pure probe core against real loopback peers: what it sees, and how it fails, within its deadline."""

from __future__ import annotations

import socket
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ansible_collections.aovpn.rras.tests.unit import certgen
from ansible_collections.aovpn.rras.plugins.plugin_utils._tls_probe import TlsProbeError, fetch_presented, parse_target

from ansible_collections.aovpn.rras.tests.functional.tls.peers import VPN_NAME, TlsHandler, tls_context


def der(issued) -> bytes:
    return issued.certificate.public_bytes(serialization.Encoding.DER)


def test_presented_leaf_and_chain_from_python_server(certs, start_peer) -> None:
    handler = TlsHandler(tls_context(certs.public))
    peer = start_peer(handler)
    seen = fetch_presented("127.0.0.1", peer.port, server_name=VPN_NAME, timeout=5, chain=True)
    assert seen.certificate == certs.public.der
    assert seen.chain == (certgen.cert_der(certs.public_issuing.cert),)
    assert seen.tls_version == "TLSv1.3"
    assert handler.server_names == [VPN_NAME]
