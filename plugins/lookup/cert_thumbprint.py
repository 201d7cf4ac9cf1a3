# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: cert_thumbprint
short_description: Thumbprint (SHA-256, SHA-1...) of a certificate file on the controller
version_added: 0.1.0
author: aovpn.rras contributors (@aovpn)
description:
  - Reads certificate files on the Ansible controller and returns the hash of the certificate's DER encoding,
    the value Windows calls the thumbprint and RRAS stores in C(SHA256CertificateHash) and C(SHA1CertificateHash).
  - Files are found like the P(ansible.builtin.file#lookup) lookup finds them, in the C(files/) directories of the
    role and playbook, and may be encrypted with Ansible Vault.
  - Understands PEM (one certificate or a bundle in any order, CRLF or LF, with text or private keys around the
    blocks), DER (C(.cer)/C(.crt)), base64-encoded DER, PKCS#7 (C(.p7b), PEM or DER, as Windows exports chains) and
    PKCS#12 (C(.pfx)/C(.p12), legacy RC2/3DES or AES encrypted, as C(openssl pkcs12 -export) and Windows write them).
  - Returns one value per term.
  - Fails with a message naming the file and the cause (not found and where it was looked for, empty, no certificate,
    only a private key, corrupt PEM block, wrong or missing PKCS#12 password, unsupported format). Messages never
    contain key material or the password.
extends_documentation_fragment:
  - aovpn.rras.certificate_files
  - aovpn.rras.certificate_select
options:
  algorithm:
    description:
      - Hash algorithm. C(sha256) is what SSTP needs in C(SHA256CertificateHash); C(sha1) is the classic Windows thumbprint.
    type: str
    choices: [sha256, sha1, sha384, sha512]
    default: sha256
  format:
    description:
      - V(hex) is uppercase hex without separators, as Windows shows it and the SSTP modules take it.
      - V(colon) is lowercase hex pairs separated by colons, as C(openssl x509 -fingerprint) and community.crypto show it.
      - V(bytes) is a list of integers, the form M(ansible.windows.win_regedit) takes for a C(binary) value.
    type: str
    choices: [hex, colon, bytes]
    default: hex
notes:
  - The same parser backs the P(aovpn.rras.cert_thumbprint#filter) filter for certificates held in variables.
seealso:
  - plugin: aovpn.rras.cert_thumbprint
    plugin_type: filter
  - plugin: aovpn.rras.thumbprint
    plugin_type: filter
  - plugin: aovpn.rras.cert_info
    plugin_type: filter
"""

EXAMPLES = r"""
- name: SHA-256 thumbprint of the VPN server certificate in files/
  ansible.builtin.debug:
    msg: "{{ lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pem') }}"

- name: SHA-1 thumbprint in the colon-separated openssl form
  ansible.builtin.debug:
    msg: "{{ lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pem', algorithm='sha1', format='colon') }}"

- name: Thumbprint of the certificate in a password-protected PFX (leaf picked from the chain)
  ansible.builtin.set_fact:
    vpn_sha256: "{{ lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pfx', password=vpn_pfx_password) }}"

- name: Every certificate of a chain exported by Windows, leaf and CAs
  ansible.builtin.debug:
    msg: "{{ lookup('aovpn.rras.cert_thumbprint', 'chain.p7b', select='all') }}"

- name: Write the hash the way the registry stores it (one byte per pair, no reversal)
  ansible.windows.win_regedit:
    path: HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters
    name: SHA256CertificateHash
    type: binary
    data: "{{ lookup('aovpn.rras.cert_thumbprint', 'vpn.example.com.pem', format='bytes') }}"
"""

RETURN = r"""
_raw:
  description:
    - One thumbprint per term, a string for O(format=hex) and O(format=colon), a list of integers for O(format=bytes).
    - With O(select=all), one list of such values per term.
  type: list
  elements: raw
  sample:
    - 3A7D5C3F0E1B2A4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4
"""

from typing import Any

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import certificate_thumbprints
from ansible_collections.aovpn.rras.plugins.plugin_utils._lookup_files import CertificateFileLookup


class LookupModule(CertificateFileLookup):
    """Find each file like the ``file`` lookup, then hand its bytes to the certificate core."""

    NAME = "aovpn.rras.cert_thumbprint"

    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        return self.each_file(terms, variables, kwargs, self._thumbprints)

    def _thumbprints(self, path: str, data: bytes) -> list[Any]:
        return certificate_thumbprints(data, source=path, algorithm=self.get_option("algorithm"), fmt=self.get_option("format"),
                                       select=self.get_option("select"), password=self.get_option("password"))
