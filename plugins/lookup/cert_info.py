# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: cert_info
short_description: Facts and problems of a certificate file on the controller, to check it before use
version_added: 0.1.0
author: aovpn.rras contributors (@aovpn)
description:
  - Reads certificate files on the Ansible controller and returns, for each, the facts of the
    P(aovpn.rras.cert_info#filter) filter (subject, DNS names, extended key usages, validity, thumbprints...), the
    certificate alone as PEM text, and the reasons it cannot be a TLS server certificate (not valid yet, expired,
    a CA, no Server Authentication EKU, not covering O(fqdn)).
  - The file-based companion of the P(aovpn.rras.cert_info#filter) filter, the way P(aovpn.rras.cert_thumbprint#lookup)
    is the companion of P(aovpn.rras.cert_thumbprint#filter). Files are found like the P(ansible.builtin.file#lookup)
    lookup finds them, in the C(files/) directories of the role and playbook, and may be encrypted with Ansible Vault.
  - Understands PEM (bundles in any order), DER, base64 DER, PKCS#7 and PKCS#12 (with O(password)), like
    P(aovpn.rras.cert_thumbprint#lookup).
  - Fails with a message naming the file and the cause (not found, wrong or missing PKCS#12 password, no
    certificate...). Messages and results never contain key material or the password.
extends_documentation_fragment:
  - aovpn.rras.certificate_files
  - aovpn.rras.certificate_select
options:
  fqdn:
    description:
      - The name clients connect to. When given, a certificate that does not cover it (subject alternative names,
        wildcards per RFC 6125, the subject CN only without DNS names) gets a problem.
    type: str
  fqdn_name:
    description:
      - How the problem about O(fqdn) names it, for example the variable the name came from, so the message points
        at what to fix. By default C(fqdn 'NAME').
    type: str
notes:
  - The private key of a PKCS#12 file is read by the parser but never returned; RV(_raw[].pem) is the certificate alone.
seealso:
  - plugin: aovpn.rras.cert_info
    plugin_type: filter
  - plugin: aovpn.rras.cert_thumbprint
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Refuse an unfit load balancer certificate before touching any server
  vars:
    info: "{{ lookup('aovpn.rras.cert_info', 'vpn.example.com.pem', fqdn='vpn.example.com') }}"
  ansible.builtin.assert:
    that:
      - info.problems | length == 0
      - info.days_left > 14
    fail_msg: "{{ info.subject }} (SHA-256 {{ info.sha256 }}) cannot serve vpn.example.com: it {{ info.problems | join('; it ') }}"

- name: Check the PFX on the controller, then pin SSTP offload to its certificate (SHA-256 and SHA-1)
  vars:
    info: "{{ lookup('aovpn.rras.cert_info', 'vpn.example.com.pfx', password=vpn_pfx_password) }}"
  aovpn.rras.win_sstp_offload:
    certificate: "{{ info.pem }}"

- name: Subjects of a chain exported by Windows, leaf and CAs
  ansible.builtin.debug:
    msg: "{{ lookup('aovpn.rras.cert_info', 'chain.p7b', select='all') | map(attribute='subject') }}"
"""

RETURN = r"""
_raw:
  description:
    - One dictionary per term (with O(select=all), one list of them per term) holding every key the
      P(aovpn.rras.cert_info#filter) filter returns (C(subject), C(subject_cn), C(issuer), C(dns_names), C(ekus),
      C(eku_names), C(server_auth), C(key_usage), C(key_type), C(key_size), C(not_before), C(not_after),
      C(days_left), C(is_ca), C(serial), C(sha1), C(sha256), C(self_signed)) and the following.
  type: list
  elements: dict
  contains:
    pem:
      description: The selected certificate alone as PEM text, public (no key), the input the SSTP modules take.
      type: str
      sample: "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIU...\n-----END CERTIFICATE-----\n"
    pkcs12_key:
      description:
        - Whether the file is a PKCS#12 (PFX) file that holds a private key, as C(win_certificate_store) needs to
          import a certificate with its key. V(false) for PEM, DER and PKCS#7 files and a PFX without a key.
      type: bool
      sample: true
    problems:
      description:
        - Why the certificate cannot be presented by a TLS server, each a sentence to put after "it"; empty when fit.
        - Checked now; not valid yet, expired, a CA certificate, no Server Authentication EKU, not covering O(fqdn).
      type: list
      elements: str
      sample: ["lacks the Server Authentication EKU (1.3.6.1.5.5.7.3.1); it has Client Authentication"]
"""

from typing import Any

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import certificate_facts, load_certificates, pkcs12_holds_key, select_certificates
from ansible_collections.aovpn.rras.plugins.plugin_utils._lookup_files import CertificateFileLookup


class LookupModule(CertificateFileLookup):
    """Find each file like the ``file`` lookup, then summarise and check its certificate with the core."""

    NAME = "aovpn.rras.cert_info"

    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        return self.each_file(terms, variables, kwargs, self._facts)

    def _facts(self, path: str, data: bytes) -> list[dict[str, Any]]:
        fqdn, fqdn_name = self.get_option("fqdn"), self.get_option("fqdn_name")
        label = f"{fqdn_name} {fqdn}" if fqdn and fqdn_name else None
        password = self.get_option("password")
        certs = select_certificates(load_certificates(data, password, path), self.get_option("select"), path)
        pkcs12_key = pkcs12_holds_key(data, password)
        return [dict(certificate_facts(cert, fqdn or None, label), pkcs12_key=pkcs12_key) for cert in certs]
