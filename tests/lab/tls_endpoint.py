# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's SSTP endpoint: a real TLS (or plain HTTP) server on loopback, answering SSTP like RRAS.

It stands for the load balancer (or the RRAS server) that SSTP clients reach, so ``aovpn.rras.diagnose``
and the ``tls_certificate`` lookup have something real to handshake with, and it is the SSTP listener of
each emulated host whose RemoteAccess runs (``_lab_listener.py``, started by the emulated ``win_service``).
``HEAD`` or ``GET`` of the SSTP path is answered ``401 Unauthorized`` (or ``--status``) with
``Server: Microsoft-HTTPAPI/2.0`` (what RRAS answers a load balancer's health monitor), any other path
``404``. Only the standard library is used.

    tls_endpoint.py (--cert CERT.pem --key KEY.pem | --plain) [--host 127.0.0.1] [--port 0] [--status 401]
                    [--seconds 600] [--pid-file FILE]

prints ``HOST:PORT`` on its first line once it listens, and exits after ``--seconds``, on SIGTERM/SIGINT,
or (with ``--pid-file``, which it writes once listening) as soon as that file no longer holds its pid.
Tests use :class:`TlsEndpoint` (a context manager) directly.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import typing as t
from pathlib import Path

SSTP_PATH = "/sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/"
_REASONS = {401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        self.server.connections += 1  # type: ignore[attr-defined]
        conn.settimeout(5)
        try:
            context: ssl.SSLContext | None = self.server.context  # type: ignore[attr-defined]
            with context.wrap_socket(conn, server_side=True) if context else conn as peer:
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = peer.recv(4096)
                    if not data:
                        return  # a client that only looks at the certificate hangs up here
                    head += data
                words = head.split(b"\r\n", 1)[0].split()
                path = words[1].decode("ascii", "replace") if len(words) > 1 else ""
                status = self.server.status if path.lower() == SSTP_PATH.lower() else 404  # type: ignore[attr-defined]
                reason = _REASONS.get(status, "Status")
                peer.sendall(f"HTTP/1.1 {status} {reason}\r\nServer: Microsoft-HTTPAPI/2.0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        except (OSError, ssl.SSLError):
            pass  # a client that gives up mid-handshake is not the endpoint's problem


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext | None, status: int) -> None:
        self.context = context  # None: plain HTTP
        self.status = status
        self.connections = 0  # TCP connections accepted (tests count fetches with it)
        super().__init__(address, _Handler)


class TlsEndpoint:
    """Serve ``cert`` (PEM, a chain is sent as given) with ``key`` on ``host`` (127.0.0.1) in a background thread.

    Without ``cert`` it serves plain HTTP; ``status`` is the answer to the SSTP path.
    """

    def __init__(self, cert: str | Path | None, key: str | Path | None, port: int = 0, *, host: str = "127.0.0.1", status: int = 401) -> None:
        context = None
        if cert is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(cert), str(key))
        self._server = _Server((host, port), context, status)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def connections(self) -> int:
        return self._server.connections

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

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
    served = parser.add_mutually_exclusive_group(required=True)
    served.add_argument("--cert", help="PEM certificate (chain) to present")
    served.add_argument("--plain", action="store_true", help="serve plain HTTP (SSTP behind a TLS-offloading load balancer)")
    parser.add_argument("--key", help="PEM private key of the certificate")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--status", type=int, default=401, help="HTTP status answering the SSTP path")
    parser.add_argument("--seconds", type=float, default=600, help="exit after this many seconds")
    parser.add_argument("--pid-file", help="write the pid here once listening; exit when the file no longer holds it")
    args = parser.parse_args(argv)
    if args.cert and not args.key:
        parser.error("--cert needs --key")
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    with TlsEndpoint(args.cert, args.key, args.port, host=args.host, status=args.status) as endpoint:
        if args.pid_file:
            Path(args.pid_file).write_text(f"{os.getpid()}\n", encoding="ascii")
        print(endpoint.endpoint, flush=True)
        end = time.monotonic() + args.seconds
        while not stop.wait(min(0.5, max(end - time.monotonic(), 0))) and time.monotonic() < end:
            if args.pid_file and not _holds_pid(Path(args.pid_file)):
                break
    return 0


def _holds_pid(path: Path) -> bool:
    try:
        return path.read_text(encoding="ascii").strip() == str(os.getpid())
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
