# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's public VPN endpoint: a real TLS server on loopback presenting a certificate, answering SSTP like RRAS.

It stands for the load balancer (or the RRAS server) that SSTP clients reach, so ``aovpn.rras.diagnose``
and the ``tls_certificate`` lookup have something real to handshake with. ``HEAD`` or ``GET`` of the
SSTP path is answered ``401 Unauthorized`` with ``Server: Microsoft-HTTPAPI/2.0`` (what RRAS answers a
load balancer's health monitor), any other path ``404``. Only the standard library is used.

    tls_endpoint.py --cert CERT.pem --key KEY.pem [--port 0] [--seconds 600]

prints ``127.0.0.1:PORT`` on its first line once it listens, and exits after ``--seconds`` or on
SIGTERM/SIGINT. Tests use :class:`TlsEndpoint` (a context manager) directly.
"""

from __future__ import annotations

import argparse
import signal
import socket
import socketserver
import ssl
import sys
import threading
import typing as t
from pathlib import Path

SSTP_PATH = "/sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        self.server.connections += 1  # type: ignore[attr-defined]
        conn.settimeout(5)
        try:
            with self.server.context.wrap_socket(conn, server_side=True) as tls:  # type: ignore[attr-defined]
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = tls.recv(4096)
                    if not data:
                        return  # a client that only looks at the certificate hangs up here
                    head += data
                words = head.split(b"\r\n", 1)[0].split()
                path = words[1].decode("ascii", "replace") if len(words) > 1 else ""
                status = "401 Unauthorized" if path.lower() == SSTP_PATH.lower() else "404 Not Found"
                tls.sendall(f"HTTP/1.1 {status}\r\nServer: Microsoft-HTTPAPI/2.0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        except (OSError, ssl.SSLError):
            pass  # a client that gives up mid-handshake is not the endpoint's problem


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext) -> None:
        self.context = context
        self.connections = 0  # TCP connections accepted (tests count fetches with it)
        super().__init__(address, _Handler)


class TlsEndpoint:
    """Serve ``cert`` (PEM, a chain is sent as given) with ``key`` on 127.0.0.1 in a background thread."""

    def __init__(self, cert: str | Path, key: str | Path, port: int = 0) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        self._server = _Server(("127.0.0.1", port), context)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def connections(self) -> int:
        return self._server.connections

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> TlsEndpoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> TlsEndpoint:
        return self.start()

    def __exit__(self, *_exc: t.Any) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cert", required=True, help="PEM certificate (chain) to present")
    parser.add_argument("--key", required=True, help="PEM private key of the certificate")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seconds", type=float, default=600, help="exit after this many seconds")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    with TlsEndpoint(args.cert, args.key, args.port) as endpoint:
        print(endpoint.endpoint, flush=True)
        stop.wait(args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
