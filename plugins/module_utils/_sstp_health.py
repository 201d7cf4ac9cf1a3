# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is an RRAS server healthy after a RemoteAccess restart? The health gate of the aovpn.rras rollout, without Ansible imports.

Healthy means: RemoteAccess runs, and SSTP answers the load balancer health request
(``HEAD /sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/``) with 401, over TLS presenting the certificate whose
SHA-256 the server holds in ``SstpSvc\\Parameters`` (HTTPS mode), or over plain HTTP (offload mode,
``UseHttps`` = 0). What the server should serve comes from ``aovpn.rras.win_rras_info`` (its ``sstp`` and
``remote_access_service``), read after the restart: the service writes the hashes itself at start when an
admin did not pin them.

A server in HTTPS mode without ``SHA256CertificateHash`` has no SSTP certificate (the service found none:
RasSstp Event 11), so it offers no SSTP (an IKEv2-only server): only RemoteAccess is checked, and the
result says so. The probe is retried until the timeout: a service that is still binding is given the time.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations
__metaclass__ = type

import hashlib
import time
import typing as t
from dataclasses import dataclass

from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import (
    SSTP_PATH,
    SstpAnswer,
    TlsProbeError,
    fetch_presented,
    format_endpoint,
    probe_sstp_plain,
)


HEALTHY_STATUS = 401
DEFAULT_TIMEOUT = 120
DEFAULT_INTERVAL = 0.5
_ATTEMPT_TIMEOUT = 10.0


class HealthError(Exception):
    """The server cannot be healthy whatever the probe sees (RemoteAccess stopped, no SSTP parameters)."""


@dataclass(frozen=True)
class Expectation:
    """What a healthy server serves: where, and over TLS with which certificate (``sha256`` None: plain HTTP)."""

    address: str
    port: int
    https: bool
    sha256: str | None

    @property
    def endpoint(self) -> str:
        return format_endpoint(self.address, self.port)

    def describe(self) -> str:
        how = f"over TLS presenting the certificate with SHA-256 {self.sha256}" if self.https else "over plain HTTP (offload mode)"
        return f"HTTP {HEALTHY_STATUS} to HEAD {SSTP_PATH} at {self.endpoint} {how}"


@dataclass(frozen=True)
class Observation:
    """One probe: the HTTP status (None without an answer), the presented certificate's SHA-256 (TLS only), the error."""

    status: int | None = None
    sha256: str | None = None
    error: str | None = None

    def healthy_for(self, expected: Expectation) -> bool:
        if self.error is not None or self.status != HEALTHY_STATUS:
            return False
        return not expected.https or self.sha256 == expected.sha256

    def describe(self) -> str:
        seen = [f"status {self.status}" if self.status is not None else "no HTTP status"]
        if self.sha256 is not None:
            seen.append(f"certificate SHA-256 {self.sha256}")
        if self.error is not None:
            seen.append(self.error)
        return ", ".join(seen)


@dataclass(frozen=True)
class Verdict:
    """The gate's outcome; ``expected`` is None when the server offers no SSTP (only RemoteAccess was checked)."""

    healthy: bool
    expected: Expectation | None
    observation: Observation | None
    attempts: int
    elapsed: float
    msg: str


def expectation(server: dict[str, t.Any], address: str, port: int | None = None) -> Expectation | None:
    """What the server must serve, from a ``win_rras_info`` result; None when it offers no SSTP.

    ``port`` defaults to the SSTP listener port the server holds (``ListenerPort``, else 443 for HTTPS and
    80 for plain HTTP). Raises :class:`HealthError` when RemoteAccess does not run or SSTP has no parameters.
    """
    service = server.get("remote_access_service") or {}
    if service.get("state") != "running":
        state = service.get("state") if service.get("exists") else "missing"
        raise HealthError(f"RemoteAccess is not running after the restart (state: {state})")
    sstp = server.get("sstp")
    if not sstp:
        raise HealthError("SstpSvc\\Parameters does not exist: the server has no SSTP settings to serve")
    https = bool(sstp.get("use_https", True))
    sha256 = (sstp.get("certificate_sha256") or "").upper() or None
    if https and sha256 is None:
        return None
    return Expectation(address=address, port=int(port or sstp["listener_port"]), https=https, sha256=sha256 if https else None)


def observe(expected: Expectation, timeout: float = _ATTEMPT_TIMEOUT) -> Observation:
    """Probe once, within ``timeout`` seconds."""
    try:
        if expected.https:
            presented = fetch_presented(expected.address, expected.port, timeout=timeout, sstp_probe=True)
            answer = presented.sstp or SstpAnswer(status=None, reason="", server=None, error="no SSTP answer")
            sha256: str | None = hashlib.sha256(presented.certificate).hexdigest().upper()
        else:
            answer = probe_sstp_plain(expected.address, expected.port, timeout=timeout)
            sha256 = None
    except TlsProbeError as error:
        return Observation(error=f"{error.kind}: {error.cause}")
    return Observation(status=answer.status, sha256=sha256, error=answer.error)


def wait_healthy(
    expected: Expectation,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = DEFAULT_INTERVAL,
    probe: t.Callable[[Expectation, float], Observation] = observe,
    clock: t.Callable[[], float] = time.monotonic,
    sleep: t.Callable[[float], None] = time.sleep,
) -> Verdict:
    """Probe until the server is healthy or ``timeout`` seconds have passed (at least one probe)."""
    if timeout <= 0 or interval <= 0:
        raise ValueError("timeout and interval must be positive")
    start = clock()
    attempts = 0
    while True:
        left = timeout - (clock() - start)
        attempts += 1
        seen = probe(expected, max(min(_ATTEMPT_TIMEOUT, left), 0.1))
        elapsed = clock() - start
        if seen.healthy_for(expected):
            return Verdict(True, expected, seen, attempts, elapsed, f"SSTP answers {expected.endpoint} as expected ({seen.describe()})")
        if elapsed + interval >= timeout:
            return Verdict(False, expected, seen, attempts, elapsed,
                           f"not healthy within {timeout:g} s ({attempts} probe{'s' if attempts > 1 else ''}): expected {expected.describe()}; "
                           f"last seen: {seen.describe()}")
        sleep(interval)


def check(server: dict[str, t.Any], address: str, port: int | None = None, timeout: float = DEFAULT_TIMEOUT,
          interval: float = DEFAULT_INTERVAL, probe: t.Callable[[Expectation, float], Observation] = observe) -> Verdict:
    """The whole gate: :func:`expectation` from the server's settings, then :func:`wait_healthy`."""
    try:
        expected = expectation(server, address, port)
    except HealthError as error:
        return Verdict(False, None, None, 0, 0.0, str(error))
    if expected is None:
        return Verdict(True, None, None, 0, 0.0,
                       "RemoteAccess is running; SSTP is not probed: the server holds no SSTP certificate (HTTPS mode without SHA256CertificateHash), "
                       "so it offers no SSTP")
    return wait_healthy(expected, timeout, interval, probe)
