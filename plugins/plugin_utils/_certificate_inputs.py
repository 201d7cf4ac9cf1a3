# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The certificate an SSTP module is given, from any input, checked before any host call (pure: no Ansible imports).

Three inputs name the certificate clients are shown: PEM/base64 text (``certificate``), a controller file
(``certificate_file``: PEM, DER, PKCS#7, PKCS#12) and the load balancer itself (``certificate_endpoint``:
the chain it presents, verified). Each ends in one end-entity certificate judged by
:func:`~._certificates.sstp_certificate_problems`; errors start with the option's name and never echo
a password or key material.

An endpoint is fetched once per run for every server that shares it: the verified chain (public data) or the
refusal is kept in a file of a per-run directory the caller gives (the action plugin passes Ansible's per-run
local temporary directory, which the main process creates before forking its workers and removes at exit),
keyed by endpoint, ``ca_path`` and name, under a lock so parallel workers wait for the first fetch.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import base64
import datetime
import fcntl
import hashlib
import json
import os
import ssl
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    CertificateError,
    expiry_warning,
    load_certificates,
    select_certificates,
    sstp_certificate_problems,
)
from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import TlsProbeError, fetch_verified, format_endpoint, is_ip_address, parse_target

if t.TYPE_CHECKING:  # cryptography is needed to parse certificates, not to import this module
    from cryptography import x509

ENDPOINT_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckedCertificate:
    """A certificate fit to be pinned, and the warnings to show (expiry within ``warn_days``)."""

    cert: x509.Certificate
    warnings: list[str] = field(default_factory=list)


def check_certificate(
    cert: x509.Certificate, option: str, fqdn: str | None, warn_days: int, fqdn_option: str = "fqdn", now: datetime.datetime | None = None
) -> CheckedCertificate:
    """Refuse an unfit certificate (the collection's one policy) with a message naming ``option``."""
    problems = sstp_certificate_problems(cert, fqdn, now, fqdn_label=f"{fqdn_option} {fqdn!r}")
    if problems:
        raise CertificateError(f"{option}: the certificate {cert.subject.rfc4514_string()!r} cannot be the certificate SSTP clients see: it "
                               + "; it ".join(problems))
    warning = expiry_warning(cert, warn_days, f"{option}: the certificate {cert.subject.rfc4514_string()!r}", now)
    return CheckedCertificate(cert, [warning] if warning else [])


def certificate_from_file(data: bytes, password: str | None, source: str) -> x509.Certificate:
    """The end-entity certificate of a file's bytes (PEM, DER, PKCS#7, PKCS#12)."""
    return select_certificates(load_certificates(data, password, source), "leaf", source)[0]


def parse_endpoint(endpoint: str, fqdn: str | None) -> tuple[str, int, str]:
    """Host, port and the name to verify (``fqdn``, default the endpoint's host name)."""
    try:
        host, port = parse_target(endpoint)
    except ValueError as exc:
        raise CertificateError(f"certificate_endpoint {exc}; expected host:port (the load balancer's address)") from None
    name = fqdn or host
    if is_ip_address(name):
        raise CertificateError(f"certificate_endpoint {endpoint!r} is an IP address: give fqdn, the name clients connect to and the certificate must name")
    return host, port, name


def _fetch(host: str, port: int, name: str, ca_path: str | None) -> dict[str, t.Any]:
    """Fetch and verify; the outcome as the JSON the cache keeps (chain in base64, or the refusal)."""
    where = format_endpoint(host, port)
    trust = f"ca_path {ca_path}" if ca_path else "the controller's trust store"
    try:
        chain = fetch_verified(host, port, server_name=name, ca_path=ca_path, timeout=ENDPOINT_TIMEOUT)
    except TlsProbeError as exc:
        if exc.kind == "verify":
            return {"error": f"certificate_endpoint {where}: the certificate it presents for {name!r} does not verify against {trust}: {exc.cause}. "
                             "Nothing was changed: pinning it would disconnect every client (if SSL inspection sits between the controller "
                             "and the load balancer, run from a network without it)."}
        return {"error": f"certificate_endpoint {where}: {exc.cause}. Nothing was changed."}
    except (OSError, ssl.SSLError) as exc:  # ca_path missing or not a PEM bundle
        return {"error": f"ca_path {ca_path}: cannot be loaded as a PEM CA bundle ({getattr(exc, 'strerror', None) or exc})"}
    return {"chain": [base64.b64encode(der).decode("ascii") for der in chain]}


def endpoint_certificate(endpoint: str, fqdn: str | None, ca_path: str | None, cache_dir: str | None) -> x509.Certificate:
    """The verified end-entity certificate the endpoint presents, fetched once per ``cache_dir``.

    Raises :class:`CertificateError` for a bad endpoint, an unreachable one, or a chain that does not verify.
    """
    host, port, name = parse_endpoint(endpoint, fqdn)
    if ca_path is not None and not os.path.isfile(ca_path):
        raise CertificateError(f"ca_path {ca_path} does not exist on the controller (a PEM file of the CA certificates to trust)")
    if cache_dir is None:
        outcome = _fetch(host, port, name, ca_path)
    else:
        key = hashlib.sha256(json.dumps([host.lower(), port, name.lower(), ca_path]).encode()).hexdigest()[:32]
        path = Path(cache_dir) / f"aovpn-rras-endpoint-{key}.json"
        with open(path.with_suffix(".lock"), "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.exists():
                outcome = json.loads(path.read_text(encoding="utf-8"))
            else:
                outcome = _fetch(host, port, name, ca_path)
                path.write_text(json.dumps(outcome), encoding="utf-8")
    if "error" in outcome:
        raise CertificateError(outcome["error"])
    return load_certificates(base64.b64decode(outcome["chain"][0]), source=f"the certificate presented by {format_endpoint(host, port)}")[0]
