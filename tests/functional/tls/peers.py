"""Real TLS peers on loopback for the ``tls_certificate`` tests: nothing is mocked at the socket.

Certificates come from the shared generator ``tests/unit/certgen.py`` (``cryptography``). Servers are the lab's
``tests/lab/tls_endpoint.py`` with the handlers below (Python ``ssl``), or ``openssl s_server`` processes, on
ephemeral ports; each has a bounded lifetime and the fixtures in ``conftest.py`` always shut them down.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import subprocess
import typing as t
from dataclasses import dataclass
from pathlib import Path

from ansible_collections.aovpn.rras.tests.lab.tls_endpoint import TlsEndpoint, http_answer, read_http_head
from ansible_collections.aovpn.rras.tests.unit import certgen

VPN_NAME = "vpn.example.test"
SERVER_LIFETIME = 20.0  # seconds: no server thread or process outlives this


@dataclass(frozen=True)
class Served:
    """A leaf and the certificates a server sends after it, as PEM files: leaf, key, leaf + extra, extra only."""

    issued: certgen.Issued
    extra: tuple[certgen.Issued, ...]
    cert_path: Path
    key_path: Path
    chain_path: Path
    extra_path: Path

    @property
    def der(self) -> bytes:
        return certgen.cert_der(self.issued.cert)


def serve(directory: Path, label: str, leaf: certgen.Issued, *extra: certgen.Issued) -> Served:
    certs = [leaf.cert] + [issued.cert for issued in extra]
    return Served(
        leaf,
        extra,
        certgen.write(directory / f"{label}.crt", certgen.cert_pem(leaf.cert)),
        certgen.write(directory / f"{label}.key", certgen.key_pem(leaf.key)),
        certgen.write(directory / f"{label}-chain.crt", certgen.cert_pem(*certs)),
        certgen.write(directory / f"{label}-extra.crt", certgen.cert_pem(*certs[1:])),
    )


@dataclass(frozen=True)
class Certificates:
    """The four situations the lookup must tell apart, all for the same VPN name."""

    public_root: certgen.Issued
    public_issuing: certgen.Issued
    inspection_ca: certgen.Issued
    public: Served  # the real certificate, sent with its issuing CA (not the root)
    self_signed: Served
    inspected: Served  # an SSL inspection device re-signing the same name with its own CA
    expired: Served


def make_certificates(directory: Path) -> Certificates:
    root = certgen.make_ca("Example Public Root R1", slot=40)
    issuing = certgen.make_ca("Example Public TLS CA 1", issuer=root, slot=41)
    inspection = certgen.make_ca("Contoso Firewall Inspection CA", slot=42)
    now = certgen.NOW
    return Certificates(
        public_root=root,
        public_issuing=issuing,
        inspection_ca=inspection,
        public=serve(directory, "public", certgen.make_leaf(issuing, VPN_NAME, (VPN_NAME, "sstp.example.test"), slot=43), issuing),
        self_signed=serve(directory, "self-signed", certgen.make_leaf(None, VPN_NAME, slot=44)),
        inspected=serve(directory, "inspected", certgen.make_leaf(inspection, VPN_NAME, slot=45), inspection),
        expired=serve(
            directory,
            "expired",
            certgen.make_leaf(issuing, VPN_NAME, slot=46, not_before=now - datetime.timedelta(days=400), not_after=now - datetime.timedelta(days=35)),
            issuing,
        ),
    )


def start_peer(handler: t.Callable[[socket.socket, TlsEndpoint], None], family: int = socket.AF_INET) -> TlsEndpoint:
    """A :class:`TlsEndpoint` on loopback (``::1`` for ``AF_INET6``) whose connections go to ``handler``, one thread each."""
    return TlsEndpoint(host="::1" if family == socket.AF_INET6 else "127.0.0.1", handler=handler, lifetime=SERVER_LIFETIME).start()


def tls_context(served: Served, *, require_client_cert: bool = False) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(served.chain_path, served.key_path)
    if require_client_cert:
        # TLS 1.2 makes the server refuse during the handshake (TLS 1.3 would refuse after it).
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(served.cert_path)
    return context


class TlsHandler:
    """Handshake, then (with ``status``) answer one HTTP request; ``drip`` answers one byte per 0.2 s forever."""

    def __init__(self, context: ssl.SSLContext, *, status: int | None = None, reason: str = "", server: str | None = None,
                 drip: bool = False) -> None:
        self.context = context
        self.status = status
        self.reason = reason
        self.server = server
        self.drip = drip
        self.server_names: list[str | None] = []
        context.sni_callback = self._remember_sni

    def _remember_sni(self, _sslobj: t.Any, name: str | None, _context: ssl.SSLContext) -> None:
        self.server_names.append(name)

    def __call__(self, conn: socket.socket, peer: TlsEndpoint) -> None:
        with self.context.wrap_socket(conn, server_side=True) as tls:
            if self.status is None and not self.drip:
                peer.wait_stopped(1.0)  # keep the session open briefly, like a server waiting for a request
                return
            peer.requests.append(read_http_head(tls))
            if self.drip:
                while not peer.wait_stopped(0.2):
                    tls.sendall(b"H")
                return
            tls.sendall(http_answer(self.status, self.reason, self.server))


def junk_handler(conn: socket.socket, peer: TlsEndpoint) -> None:
    """A plain HTTP server: answers the ClientHello with an HTTP error page."""
    peer.requests.append(conn.recv(4096))
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html><body>Bad Request</body></html>")


def silent_handler(_conn: socket.socket, peer: TlsEndpoint) -> None:
    """Accepts and never answers."""
    peer.wait_stopped(SERVER_LIFETIME)


def drip_handshake_handler(conn: socket.socket, peer: TlsEndpoint) -> None:
    """Starts a 16 KiB TLS handshake record, then sends one byte of it every 0.2 s forever."""
    conn.recv(4096)
    conn.sendall(b"\x16\x03\x03\x40\x00")
    while not peer.wait_stopped(0.2):
        conn.sendall(b"\x00")


def closing_handler(conn: socket.socket, _peer: TlsEndpoint) -> None:
    """Reads the ClientHello and hangs up."""
    conn.recv(4096)


@dataclass
class OpensslServer:
    process: subprocess.Popen[str]
    port: int = 0


def start_openssl_server(served: Served) -> OpensslServer:
    """``openssl s_server -www``: an independent TLS implementation serving ``served`` and its chain."""
    args = ["timeout", str(int(SERVER_LIFETIME)), "openssl", "s_server", "-accept", "127.0.0.1:0",
            "-cert", str(served.cert_path), "-key", str(served.key_path), "-www"]
    if served.extra:
        args += ["-cert_chain", str(served.extra_path)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    server = OpensslServer(process)
    assert process.stdout is not None
    for line in process.stdout:  # "ACCEPT 127.0.0.1:PORT" once it listens
        if line.startswith("ACCEPT "):
            server.port = int(line.rsplit(":", 1)[1])
            break
    return server


def stop_openssl_server(server: OpensslServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
