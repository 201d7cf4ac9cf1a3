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
Tests use :class:`TlsEndpoint` (a context manager) directly; it is also the listener of the TLS peers of
``tests/functional/tls/peers.py`` (a handler per connection), so the tests have one TLS server.
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

Handler = t.Callable[[socket.socket, "TlsEndpoint"], None]
"""Serves one accepted connection (a plain socket: the handler does the TLS it wants)."""


def read_http_head(conn: socket.socket) -> bytes:
    """The request line and headers (up to the blank line); less when the client hangs up first."""
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 65536:
        data = conn.recv(4096)
        if not data:
            break
        head += data
    return head


def http_answer(status: int, reason: str | None = None, server: str | None = "Microsoft-HTTPAPI/2.0") -> bytes:
    """An empty HTTP/1.1 answer; ``Server: Microsoft-HTTPAPI/2.0`` is what RRAS answers a load balancer's health monitor."""
    header = f"Server: {server}\r\n" if server else ""
    reason = _REASONS.get(status, "Status") if reason is None else reason
    return f"HTTP/1.1 {status} {reason}\r\n{header}Content-Length: 0\r\nConnection: close\r\n\r\n".encode()


def server_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """A TLS server context presenting ``cert`` (PEM, a chain is sent as given) with ``key``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    return context


class SstpHandler:
    """Answer like RRAS: TLS with ``context`` (``None``: plain HTTP), ``status`` for the SSTP path, ``404`` otherwise."""

    def __init__(self, context: ssl.SSLContext | None, status: int = 401) -> None:
        self.context = context
        self.status = status

    def __call__(self, conn: socket.socket, endpoint: TlsEndpoint) -> None:
        with self.context.wrap_socket(conn, server_side=True) if self.context else conn as peer:
            head = read_http_head(peer)
            if b"\r\n\r\n" not in head:
                return  # a client that only looks at the certificate hangs up here
            endpoint.requests.append(head)
            words = head.split(b"\r\n", 1)[0].split()
            path = words[1].decode("ascii", "replace") if len(words) > 1 else ""
            peer.sendall(http_answer(self.status if path.lower() == SSTP_PATH.lower() else 404))


class _Connection(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        endpoint: TlsEndpoint = self.server.endpoint  # type: ignore[attr-defined]
        endpoint.connections += 1
        self.request.settimeout(5)
        try:
            endpoint.handler(self.request, endpoint)
        except (OSError, ssl.SSLError):
            pass  # a client that gives up mid-handshake, or the end of a test: not the endpoint's problem


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], endpoint: TlsEndpoint) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.endpoint = endpoint
        super().__init__(address, _Connection)


class TlsEndpoint:
    """A server on ``host`` (127.0.0.1; an IPv6 address such as ``::1`` works too) in background threads.

    By default it serves ``cert`` (PEM, a chain is sent as given) with ``key`` and answers SSTP like RRAS
    (:class:`SstpHandler`); without ``cert`` it serves plain HTTP. A ``handler`` serves each connection its own way
    instead (the TLS peers of the tests). With ``lifetime`` (seconds) the endpoint stops by itself then, so no
    thread outlives it. ``connections`` counts the TCP connections accepted, ``requests`` holds the HTTP heads read.
    """

    def __init__(self, cert: str | Path | None = None, key: str | Path | None = None, port: int = 0, *, host: str = "127.0.0.1",
                 status: int = 401, handler: Handler | None = None, lifetime: float | None = None) -> None:
        self.handler: Handler = handler or SstpHandler(server_context(cert, key) if cert is not None else None, status)
        self.connections = 0
        self.requests: list[bytes] = []
        self._stopping = threading.Event()
        self._deadline = time.monotonic() + lifetime if lifetime else None
        self._server = _Server((host, port), self)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def _serve(self) -> None:
        if self._deadline is not None:
            threading.Thread(target=lambda: self.wait_stopped(self._remaining()) and self._server.shutdown(), daemon=True).start()
        self._server.serve_forever(poll_interval=0.1)

    def _remaining(self) -> float:
        return float("inf") if self._deadline is None else max(self._deadline - time.monotonic(), 0)

    def wait_stopped(self, seconds: float) -> bool:
        """Wait up to ``seconds``; whether the endpoint is stopping (or its lifetime is over). Handlers that linger use it."""
        return self._stopping.wait(min(seconds, self._remaining())) or self._remaining() == 0

    def start(self) -> TlsEndpoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
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
