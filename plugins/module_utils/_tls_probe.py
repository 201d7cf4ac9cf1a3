# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""See what a TLS endpoint presents, trusting nothing, within one deadline.

SSTP clients drop the tunnel (RasSstp Event ID 6) when the certificate they are shown is not the one
whose hash RRAS holds: TLS offload without the right hash, or SSL inspection on the client network.
This probe is the outside view: it connects like a client but verifies nothing, so self-signed,
expired and intercepting certificates are reported instead of rejected. It has no Ansible imports.

Every step (name resolution, connect, handshake, SSTP request) draws on one deadline, so a peer that
accepts and never answers, or answers one byte at a time, cannot hold the caller past ``timeout``.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations
__metaclass__ = type

import _ssl
import ipaddress
import re
import socket
import ssl
import threading
import time
import typing as t
from dataclasses import dataclass

DEFAULT_PORT = 443
DEFAULT_HTTP_PORT = 80
SSTP_PATH = "/sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/"
SSTP_ANSWERING_STATUS = 401
_MAX_HTTP_HEAD = 65536
_STATUS_LINE = re.compile(r"HTTP/\d(?:\.\d)? (\d{3})(?: (.*))?")
# OpenSSL reasons meaning "the bytes that came back are not a TLS record".
_NOT_TLS_REASONS = frozenset({"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST",
                              "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE", "WRONG_SSL_VERSION"})


class TlsProbeError(Exception):
    """The endpoint could not be probed; ``kind`` is one of dns, refused, unreachable, timeout, closed, not_tls, handshake, verify."""

    def __init__(self, host: str, port: int, kind: str, cause: str) -> None:
        self.host = host
        self.port = port
        self.kind = kind
        self.cause = cause
        super().__init__(f"no TLS certificate from {format_endpoint(host, port)}: {cause}")


@dataclass(frozen=True)
class SstpAnswer:
    """What answered the SSTP health request; ``status`` is None when no HTTP answer came."""

    status: int | None
    reason: str
    server: str | None
    error: str | None = None

    @property
    def answering(self) -> bool:
        """RRAS answers the SSTP URL with 401 (Hicks' load-balancer health monitor relies on it)."""
        return self.status == SSTP_ANSWERING_STATUS


@dataclass(frozen=True)
class PresentedTls:
    """The outcome of one handshake: the certificate (DER) the peer presented and what came with it."""

    host: str
    port: int
    server_name: str | None
    address: str
    tls_version: str
    certificate: bytes
    chain: tuple[bytes, ...] | None
    sstp: SstpAnswer | None


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def format_endpoint(host: str, port: int) -> str:
    """``host:port``, with IPv6 literals in brackets, as users write it (and as HTTP Host wants it)."""
    return f"{_bracketed(host)}:{port}"


def parse_target(term: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """Split ``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 literal into host and port."""
    text = term.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"'{term}' is not [IPv6 address]:port")
        port_text = rest[1:] if rest else ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""  # a name, or an IPv6 literal without brackets (no port possible)
    if not host:
        raise ValueError(f"'{term}' has no host")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"'{term}' has an invalid port '{port_text}'")
    return host, int(port_text)


def default_server_name(host: str) -> str | None:
    """SNI carries names only (RFC 6066), so an IP address target sends none."""
    return None if is_ip_address(host) else host


def _client_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the point is to see what is presented, not to judge it
    return context


def _presented_chain(tls: ssl.SSLSocket, leaf: bytes) -> tuple[bytes, ...]:
    """The certificates the peer sent after its own, in the order sent, unverified.

    Python 3.13 has ``SSLSocket.get_unverified_chain``; 3.10 to 3.12 expose the same OpenSSL call
    (``SSL_get_peer_cert_chain``) only on the private ``_sslobj``, which 3.13 itself wraps.
    """
    public = getattr(tls, "get_unverified_chain", None)
    if public is not None:
        certificates = list(public() or [])
    else:
        sslobj = tls._sslobj  # type: ignore[attr-defined]  # pylint: disable=protected-access
        certificates = [certificate.public_bytes(_ssl.ENCODING_DER) for certificate in sslobj.get_unverified_chain() or []]
    if certificates and certificates[0] == leaf:
        certificates.pop(0)
    return tuple(certificates)


def _parse_http_head(head: bytes) -> SstpAnswer:
    lines = head.decode("iso-8859-1").split("\r\n")
    match = _STATUS_LINE.fullmatch(lines[0].strip())
    if match is None:
        return SstpAnswer(status=None, reason="", server=None, error=f"the answer is not HTTP: {lines[0][:60]!r}")
    server = None
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "server":
            server = value.strip()
    return SstpAnswer(status=int(match.group(1)), reason=(match.group(2) or "").strip(), server=server)


class _Probe:
    """One probe of one endpoint; every blocking call gets only what is left of the deadline."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.host = host
        self.port = port
        self.timeout = timeout
        self._end = time.monotonic() + timeout

    def fail(self, kind: str, cause: str) -> t.NoReturn:
        raise TlsProbeError(self.host, self.port, kind, cause)

    def timed_out(self, what: str) -> t.NoReturn:
        self.fail("timeout", f"timed out after {self.timeout:g} s {what}")

    def remaining(self, what: str) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            self.timed_out(what)
        return left

    def resolve(self) -> list[tuple[t.Any, ...]]:
        """getaddrinfo cannot be interrupted, so it runs in a daemon thread the deadline can abandon."""
        outcome: dict[str, t.Any] = {}

        def lookup() -> None:
            try:
                outcome["addresses"] = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as error:
                outcome["error"] = error

        worker = threading.Thread(target=lookup, name=f"tls-probe-dns-{self.host}", daemon=True)
        worker.start()
        worker.join(self.remaining("resolving the name"))
        if worker.is_alive():
            self.timed_out("resolving the name")
        if "error" in outcome:
            error = outcome["error"]
            self.fail("dns", f"cannot resolve the name: {getattr(error, 'strerror', None) or error}")
        return outcome["addresses"]

    def connect(self) -> socket.socket:
        """Try each resolved address in turn, as a client would; report the last failure."""
        last: OSError | None = None
        for family, kind, proto, _canonical, address in self.resolve():
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self.remaining("connecting"))
                sock.connect(address)
            except TimeoutError:
                sock.close()
                self.timed_out(f"connecting to {address[0]}")
            except OSError as error:
                sock.close()
                last = error
                continue
            return sock
        if isinstance(last, ConnectionRefusedError):
            self.fail("refused", "connection refused (nothing listens on that port)")
        self.fail("unreachable", f"cannot connect: {getattr(last, 'strerror', None) or last}")

    def handshake(self, sock: socket.socket, server_name: str | None, context: ssl.SSLContext | None = None) -> ssl.SSLSocket:
        tls = (context or _client_context()).wrap_socket(sock, server_hostname=server_name, do_handshake_on_connect=False)
        try:
            tls.settimeout(self.remaining("before the TLS handshake"))
            tls.do_handshake()  # CPython bounds the whole call by the socket timeout
        except TimeoutError:
            tls.close()
            self.timed_out("waiting for the TLS handshake (the peer accepted the connection but did not complete it)")
        except ssl.SSLCertVerificationError as error:
            tls.close()
            self.fail("verify", f"the certificate does not verify: {error.verify_message or error.reason or error}")
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError, BrokenPipeError):
            tls.close()
            self.fail("closed", "the peer closed the connection during the TLS handshake")
        except ssl.SSLError as error:
            tls.close()
            reason = error.reason or str(error)
            if reason in _NOT_TLS_REASONS:
                self.fail("not_tls", f"the peer does not speak TLS ({reason})")
            self.fail("handshake", f"TLS handshake failed: {reason}")
        except OSError as error:
            tls.close()
            self.fail("closed", f"the connection failed during the TLS handshake: {error.strerror or error}")
        return tls

    def sstp_request(self, tls: socket.socket, host_header: str) -> SstpAnswer:
        """Send the load-balancer health request (over TLS, or plain HTTP); any failure here is an answer, not an error."""
        request = (f"HEAD {SSTP_PATH} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: aovpn.rras tls_certificate\r\n"
                   "Connection: close\r\n\r\n").encode("ascii")
        head = b""
        try:
            tls.settimeout(self.remaining("sending the SSTP request"))
            tls.sendall(request)
            while b"\r\n\r\n" not in head and len(head) < _MAX_HTTP_HEAD:
                tls.settimeout(self.remaining("waiting for the SSTP answer"))
                data = tls.recv(4096)
                if not data:
                    break
                head += data
        except TlsProbeError as error:
            return SstpAnswer(status=None, reason="", server=None, error=error.cause)
        except TimeoutError:
            return SstpAnswer(status=None, reason="", server=None, error=f"timed out after {self.timeout:g} s waiting for the SSTP answer")
        except OSError as error:
            return SstpAnswer(status=None, reason="", server=None, error=f"the connection failed: {error}")
        if not head:
            return SstpAnswer(status=None, reason="", server=None, error="the peer closed the connection without an HTTP answer")
        return _parse_http_head(head.partition(b"\r\n\r\n")[0])


def fetch_presented(
    host: str,
    port: int = DEFAULT_PORT,
    *,
    server_name: str | None = None,
    timeout: float = 10.0,
    chain: bool = False,
    sstp_probe: bool = False,
) -> PresentedTls:
    """Handshake with ``host:port`` trusting nothing and return what it presented.

    ``server_name`` defaults to :func:`default_server_name` of the host. Raises :class:`TlsProbeError`
    when no handshake completes; SSTP probe failures are reported in :attr:`PresentedTls.sstp`.
    """
    probe = _Probe(host, port, timeout)
    sni = default_server_name(host) if server_name is None else server_name
    sock = probe.connect()
    address = sock.getpeername()[0]
    with probe.handshake(sock, sni or None) as tls:
        leaf = tls.getpeercert(binary_form=True)
        if not leaf:
            probe.fail("handshake", "the peer presented no certificate")
        presented_chain = _presented_chain(tls, leaf) if chain else None
        sstp = None
        if sstp_probe:
            sstp = probe.sstp_request(tls, _host_header(sni or host, port, DEFAULT_PORT))
        return PresentedTls(
            host=host,
            port=port,
            server_name=sni or None,
            address=address,
            tls_version=tls.version() or "",
            certificate=leaf,
            chain=presented_chain,
            sstp=sstp,
        )


def _host_header(name: str, port: int, default_port: int) -> str:
    return _bracketed(name) if port == default_port else format_endpoint(name, port)


def probe_sstp_plain(host: str, port: int = DEFAULT_HTTP_PORT, *, timeout: float = 10.0) -> SstpAnswer:
    """Send the SSTP health request over plain HTTP (RRAS behind a TLS-offloading load balancer).

    Raises :class:`TlsProbeError` (kinds dns, refused, unreachable, timeout) when no connection is made;
    what happens after the connection (no answer, not HTTP) is reported in the answer.
    """
    probe = _Probe(host, port, timeout)
    with probe.connect() as sock:
        return probe.sstp_request(sock, _host_header(host, port, DEFAULT_HTTP_PORT))


def fetch_verified(host: str, port: int, *, server_name: str, ca_path: str | None = None, timeout: float = 10.0) -> tuple[bytes, ...]:
    """Handshake as a strict client and return the verified chain (DER, leaf first).

    The chain must verify against ``ca_path`` (a PEM bundle) or, without it, the controller's trust store
    (OpenSSL's default paths, ``SSL_CERT_FILE``), be valid now and name ``server_name`` (also sent as SNI).
    Anything else raises :class:`TlsProbeError` (kind ``verify`` for a certificate that does not verify:
    an untrusted issuer, SSL inspection on the way, a wrong name, an expired certificate).
    """
    probe = _Probe(host, port, timeout)
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_path)
    sock = probe.connect()
    with probe.handshake(sock, server_name, context) as tls:
        leaf = tls.getpeercert(binary_form=True)
        if not leaf:
            probe.fail("handshake", "the peer presented no certificate")
        return (leaf, *_presented_chain(tls, leaf))
