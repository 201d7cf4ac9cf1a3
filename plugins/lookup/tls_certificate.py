# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: tls_certificate
short_description: The certificate a TLS endpoint presents, seen from the controller without trusting it
version_added: 0.1.0
author: aovpn.rras contributors (@aovpn)
description:
  - Connects to each C(host[:port]) with TLS from the Ansible controller and returns the certificate the endpoint
    presents, its SHA-256 and SHA-1 thumbprints, names, validity and the negotiated TLS version.
  - Nothing is verified or trusted on purpose. The point is to see what an SSTP client is shown, including
    self-signed, expired and SSL-inspection certificates, so it can be compared with the hash RRAS holds
    (clients disconnect with RasSstp Event ID 6 when the two differ).
  - The hashes have the same form as the P(aovpn.rras.cert_thumbprint#lookup) lookup and the registry values
    C(SHA256CertificateHash)/C(SHA1CertificateHash) written by M(aovpn.rras.win_sstp_offload), that is uppercase hex without separators.
  - Each term is probed within O(timeout) seconds in total (name resolution, connect, handshake and the optional
    SSTP request together), so an endpoint that accepts and never answers cannot hang the play.
  - Fails with a message naming the host, the port and the cause when the name does not resolve, the connection is
    refused or times out, the peer does not speak TLS, closes the connection, or the handshake fails.
options:
  _terms:
    description:
      - Endpoints as C(host), C(host:port), C([IPv6 address]:port) or a bare IPv6 address. The port defaults to 443.
    type: list
    elements: str
    required: true
  server_name:
    description:
      - Name sent in the TLS Server Name Indication, for an endpoint reached by address or through a different name.
      - Defaults to the host of the term, or to no SNI at all when the host is an IP address (SNI carries names only).
    type: str
  timeout:
    description:
      - Seconds the whole probe of one term may take, all steps together.
    type: float
    default: 10
  chain:
    description:
      - Also return the other certificates the endpoint sends after its own, in the order sent, unverified.
      - Reads OpenSSL's peer chain through Python's C(ssl) module (public from Python 3.13, the same call on a private
        object before), so no second connection and no extra library are needed.
    type: bool
    default: false
  sstp_probe:
    description:
      - After the handshake, send the SSTP health request a load balancer sends
        (C(HEAD /sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/ HTTP/1.1)) and report the HTTP answer in RV(_raw[].sstp).
      - RRAS answers C(401) when SSTP is listening; anything else means something other than SSTP answers on that port.
      - A missing or non-HTTP answer is reported there too, not raised, so the certificate is still returned.
    type: bool
    default: false
  ca_path:
    description:
      - Also verify what the endpoint presents, in a second handshake as a strict client, and report the outcome in
        RV(_raw[].verified) and RV(_raw[].verify_error) (the certificate is returned either way).
      - A PEM file of the CA certificates to trust, or V(system) for the controller's trust store. The name verified is
        O(server_name), else the host of the term.
    type: str
  on_error:
    description:
      - V(fail) fails the lookup when no certificate comes back (unresolvable name, refused, timeout, not TLS).
      - V(return) returns a dictionary with only the key C(error) (the short reason) for that term instead, so a report can show it as a finding.
    type: str
    choices: [fail, return]
    default: fail
requirements:
  - cryptography (Python library, on the controller)
notes:
  - Lookups always run on the controller, also with C(delegate_to). To see what clients inside another network are
    shown (SSL inspection there), run the play from a controller or execution node inside that network.
  - A lookup in C(vars) runs again every time the variable is used, so keep the result with M(ansible.builtin.set_fact).
  - Uses Python's C(ssl) module and C(cryptography); no C(openssl) binary is needed.
  - TLS 1.2 and 1.3 are offered (Python's default client protocols).
seealso:
  - plugin: aovpn.rras.cert_thumbprint
    plugin_type: lookup
  - module: aovpn.rras.win_sstp_offload
"""

EXAMPLES = r"""
- name: Show what the public VPN endpoint presents
  ansible.builtin.debug:
    msg: "{{ lookup('aovpn.rras.tls_certificate', 'vpn.example.com') }}"

- name: Read what the load balancer presents, once
  ansible.builtin.set_fact:
    served: "{{ lookup('aovpn.rras.tls_certificate', 'vpn.example.com:443', sstp_probe=true) }}"

- name: Fail when it is not the certificate whose hash RRAS holds
  ansible.builtin.assert:
    that:
      - served.sha256 == expected_sha256
      - served.sstp.answering
    fail_msg: >-
      {{ served.sha256 }} is served (issuer {{ served.issuer }}; {{ served.sstp.message }}),
      RRAS expects {{ expected_sha256 }}; clients will disconnect with RasSstp Event ID 6.

- name: Probe one RRAS server directly by address, sending the public name as SNI, with the chain
  ansible.builtin.set_fact:
    vpn1_presented: "{{ lookup('aovpn.rras.tls_certificate', '[2001:db8::10]:443', server_name='vpn.example.com', chain=true, timeout=5) }}"

- name: Warn about certificates that expire soon on every endpoint
  ansible.builtin.debug:
    msg: "{{ item.host }}: {{ item.subject }} expires in {{ item.days_left }} days"
  loop: "{{ query('aovpn.rras.tls_certificate', 'vpn1.example.com', 'vpn2.example.com') }}"
  when: item.days_left < 30
"""

RETURN = r"""
_raw:
  description:
    - One dictionary per term, describing the certificate the endpoint presented.
  type: list
  elements: dict
  contains:
    host:
      description: The host of the term.
      type: str
      sample: vpn.example.com
    port:
      description: The port of the term.
      type: int
      sample: 443
    server_name:
      description: The SNI name sent, or V(null) when none was sent.
      type: str
      sample: vpn.example.com
    address:
      description: The IP address the connection went to.
      type: str
      sample: 203.0.113.10
    tls_version:
      description: The negotiated protocol.
      type: str
      sample: TLSv1.3
    sha256:
      description: SHA-256 of the DER certificate, uppercase hex (what RRAS stores in C(SHA256CertificateHash)).
      type: str
      sample: 0D5BBE4E6F3C29A4D32C8D1A2E4B44B7A8E0F3D6B1C9E2A7F4D8C3B5A6E9F0D1
    sha1:
      description: SHA-1 of the DER certificate, uppercase hex (the Windows thumbprint).
      type: str
      sample: 6A3C1B9E8F2D4A7C0B5E3F1D9A8C7B6E5D4F3A2B
    subject:
      description: The subject, RFC 4514 string.
      type: str
      sample: CN=vpn.example.com
    subject_cn:
      description: The subject common name, V(null) when there is none.
      type: str
      sample: vpn.example.com
    issuer:
      description: The issuer, RFC 4514 string. An unexpected issuer on the public name suggests SSL inspection.
      type: str
      sample: CN=R11,O=Let's Encrypt,C=US
    dns_names:
      description: DNS names of the subject alternative name extension.
      type: list
      elements: str
      sample: [vpn.example.com]
    not_before:
      description: Start of validity, UTC, ISO 8601.
      type: str
      sample: "2026-01-10T08:00:00Z"
    not_after:
      description: End of validity, UTC, ISO 8601.
      type: str
      sample: "2026-04-10T07:59:59Z"
    days_left:
      description: Whole days until RV(_raw[].not_after); negative once expired.
      type: int
      sample: 42
    self_signed:
      description: Whether the certificate is signed by its own key.
      type: bool
      sample: false
    is_ca:
      description: Whether the basic constraints mark it as a CA.
      type: bool
      sample: false
    ekus:
      description: Extended key usage OIDs.
      type: list
      elements: str
      sample: [1.3.6.1.5.5.7.3.1]
    eku_names:
      description: Extended key usages by name.
      type: list
      elements: str
      sample: [Server Authentication]
    server_auth:
      description: Whether the certificate may authenticate a TLS server (Server Authentication EKU, any purpose, or no EKU).
      type: bool
      sample: true
    key_usage:
      description: Key usage flags.
      type: list
      elements: str
      sample: [digital_signature]
    key_type:
      description: Public key algorithm.
      type: str
      sample: RSA
    key_size:
      description: Public key size in bits.
      type: int
      sample: 2048
    serial:
      description: Serial number, uppercase hex.
      type: str
      sample: 03A1B2
    chain:
      description:
        - The certificates the endpoint sent after its own, in the order sent, each described with the certificate
          keys above (RV(_raw[].sha256) to RV(_raw[].serial)).
        - Only with O(chain=true).
      type: list
      elements: dict
      returned: when O(chain=true)
    problems:
      description:
        - Why this certificate cannot be the SSTP certificate (the collection's one fitness policy, see
          P(aovpn.rras.cert_info#lookup)); empty when it can. The name is not part of it (compare RV(_raw[].dns_names)).
      type: list
      elements: str
      sample: ["has expired (valid until 2026-01-01T00:00:00Z)"]
    verified:
      description: Whether the chain verified against O(ca_path) for the name.
      type: bool
      returned: when O(ca_path) is set
    verify_error:
      description: Why it did not verify (V(null) when it did).
      type: str
      returned: when O(ca_path) is set
      sample: "certificate verify failed: unable to get local issuer certificate"
    error:
      description: The short reason no certificate came back; the only key then.
      type: str
      returned: with O(on_error=return), when the endpoint presented no certificate
      sample: "no TLS certificate from vpn.example.com:443: connection refused (nothing listens on that port)"
    sstp:
      description: The answer to the SSTP health request.
      type: dict
      returned: when O(sstp_probe=true)
      contains:
        status:
          description: HTTP status code, V(null) when no HTTP answer came.
          type: int
          sample: 401
        reason:
          description: HTTP reason phrase.
          type: str
          sample: Unauthorized
        answering:
          description: Whether SSTP answers (status 401).
          type: bool
          sample: true
        server:
          description: The C(Server) header, V(null) when absent.
          type: str
          sample: Microsoft-HTTPAPI/2.0
        message:
          description: A sentence for humans saying what answers.
          type: str
          sample: SSTP is answering on vpn.example.com:443 (HTTP 401 Unauthorized)
"""

import datetime
import ssl
import typing as t

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import (
    PresentedTls,
    SstpAnswer,
    TlsProbeError,
    fetch_presented,
    fetch_verified,
    format_endpoint,
    parse_target,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    certificate_summary,
    load_certificates,
    sstp_certificate_problems,
)


def _describe(der: bytes, source: str, now: datetime.datetime) -> dict[str, t.Any]:
    return certificate_summary(load_certificates(der, source=source)[0], now)


def _sstp(answer: SstpAnswer, endpoint: str) -> dict[str, t.Any]:
    if answer.answering:
        message = f"SSTP is answering on {endpoint} (HTTP {answer.status} {answer.reason})".rstrip()
    elif answer.status is not None:
        message = f"something else answers on {endpoint}: HTTP {answer.status} {answer.reason} instead of 401".replace("  ", " ")
    else:
        message = f"no HTTP answer to the SSTP request on {endpoint}: {answer.error}"
    return {"status": answer.status, "reason": answer.reason, "answering": answer.answering, "server": answer.server, "message": message}


def presented_facts(presented: PresentedTls, now: datetime.datetime) -> dict[str, t.Any]:
    """The lookup's result for one endpoint: the certificate summary, its fitness, plus how it was reached."""
    endpoint = format_endpoint(presented.host, presented.port)
    facts = _describe(presented.certificate, f"the certificate presented by {endpoint}", now)
    facts["problems"] = sstp_certificate_problems(load_certificates(presented.certificate)[0], now=now)
    facts.update(host=presented.host, port=presented.port, server_name=presented.server_name,
                 address=presented.address, tls_version=presented.tls_version)
    if presented.chain is not None:
        facts["chain"] = [_describe(der, f"chain certificate {number} presented by {endpoint}", now)
                          for number, der in enumerate(presented.chain, start=1)]
    if presented.sstp is not None:
        facts["sstp"] = _sstp(presented.sstp, endpoint)
    return facts


class LookupModule(LookupBase):
    def run(self, terms: list[t.Any], variables: dict[str, t.Any] | None = None, **kwargs: t.Any) -> list[dict[str, t.Any]]:
        if CRYPTOGRAPHY_IMPORT_ERROR:
            raise AnsibleLookupError("aovpn.rras.tls_certificate needs the Python library cryptography on the controller") from CRYPTOGRAPHY_IMPORT_ERROR
        self.set_options(var_options=variables, direct=kwargs)
        timeout = self.get_option("timeout")
        if timeout <= 0:
            raise AnsibleLookupError(f"timeout must be a positive number of seconds, not {timeout}")
        now = datetime.datetime.now(datetime.timezone.utc)
        results = []
        for term in terms:
            if not isinstance(term, str):
                raise AnsibleLookupError(f"a term must be 'host[:port]', not {type(term).__name__}")
            try:
                host, port = parse_target(term)
                presented = fetch_presented(host, port, server_name=self.get_option("server_name"), timeout=timeout,
                                            chain=self.get_option("chain"), sstp_probe=self.get_option("sstp_probe"))
                facts = presented_facts(presented, now)
            except TlsProbeError as error:
                if self.get_option("on_error") == "return":
                    results.append({"error": str(error)})
                    continue
                raise AnsibleLookupError(str(error)) from error
            except ValueError as error:  # a bad term; CertificateError is a ValueError
                raise AnsibleLookupError(str(error)) from error
            if self.get_option("ca_path"):
                facts.update(self._verify(host, port, timeout))
            results.append(facts)
        return results

    def _verify(self, host: str, port: int, timeout: float) -> dict[str, t.Any]:
        ca_path = self.get_option("ca_path")
        name = self.get_option("server_name") or host
        try:
            fetch_verified(host, port, server_name=name, ca_path=None if ca_path == "system" else ca_path, timeout=timeout)
        except TlsProbeError as error:
            return {"verified": False, "verify_error": error.cause}
        except (OSError, ssl.SSLError) as error:
            raise AnsibleLookupError(f"ca_path {ca_path}: cannot be loaded as a PEM CA bundle ({getattr(error, 'strerror', None) or error})") from None
        return {"verified": True, "verify_error": None}
