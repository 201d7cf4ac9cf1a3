# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_sstp_offload
short_description: Configure SSTP for TLS offload on a load balancer
version_added: 0.1.0
author: aovpn.rras contributors (@aovpn)
description:
  - Configures the Windows Server RRAS SSTP service for TLS offload, where a load balancer or ADC
    terminates TLS with its own certificate and forwards plain HTTP to RRAS (Always On VPN).
  - Writes C(HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters) like Richard Hicks'
    C(Enable-SstpOffload) script, but idempotently, with check and diff mode, input validation
    and a write order that keeps the server usable if a run is interrupted.
  - With O(state=present) the key converges to C(SHA256CertificateHash) = the hash bytes in the
    order the hex string is written, C(isHashConfiguredByAdmin) = 1 and C(UseHttps) = 0;
    C(SHA1CertificateHash) is set when O(certificate) is given and removed otherwise.
    SSTP clients compare these hashes with the certificate of their TLS session (crypto binding),
    so they must be those of the certificate the load balancer presents; a mismatch makes clients
    log Event ID 6 from RasSstp.
  - With O(state=absent) C(UseHttps) becomes 1 and C(SHA256CertificateHash), C(SHA1CertificateHash) and
    C(isHashConfiguredByAdmin) are removed, so RRAS picks its TLS certificate itself at start. To choose
    the certificate use M(aovpn.rras.win_sstp_certificate) instead.
  - Registry value names are compared case-insensitively (C(IsHashConfiguredByAdmin) and
    C(isHashConfiguredByAdmin) are the same value). A value of the wrong type is rewritten.
  - Fails with C(RRAS/SSTP is not installed or not configured on this host) and changes nothing if the
    C(SstpSvc\Parameters) key does not exist; the key is never created.
  - The change applies when the C(RemoteAccess) service restarts, which disconnects every VPN client on
    the server. Use O(restart) or restart in a maintenance window, one server of a farm at a time.
  - Runs on the controller and uses M(ansible.windows.win_reg_stat) (one call), M(ansible.windows.win_regedit)
    (one call per changed value) and M(ansible.windows.win_service). When nothing needs to change
    the module makes exactly one call to the host.
options:
  state:
    description:
      - V(present) turns TLS offload on, V(absent) turns it off (SSTP on HTTPS).
    type: str
    choices: [present, absent]
    default: present
  certificate_hash:
    description:
      - SHA-256 hash of the certificate the load balancer presents to clients, as 64 hexadecimal
        characters in any pasted form (upper or lower case, spaces, colons, an invisible mark copied
        from the Windows certificate dialog).
      - A SHA-1 thumbprint, a hash of the wrong length or a non-hexadecimal character is refused
        before the host is contacted.
      - Mutually exclusive with O(certificate). One of them is required when O(state=present).
    type: str
  certificate:
    description:
      - The certificate the load balancer presents, as PEM or base64 DER text. Its SHA-256 and SHA-1
        hashes are computed on the controller; from a chain the end-entity certificate is used.
      - Mutually exclusive with O(certificate_hash).
    type: str
  restart:
    description:
      - Restart the C(RemoteAccess) service after a change, once, and only after every registry
        write succeeded. Without it a change returns RV(restart_required=true) and a warning (none when the task notifies a handler).
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
attributes:
  check_mode:
    details: Reads the registry, reports the planned change and writes nothing.
  diff_mode:
    support: full
    details: Shows the SSTP settings before and after, hashes as uppercase hexadecimal strings.
notes:
  - The RRAS facts used are in the collection's guide R(RRAS facts for SSTP and IKEv2,ansible_collections.aovpn.rras.docsite.rras),
    with their sources, among them Richard Hicks' C(Enable-SstpOffload.ps1) and C(Get-SstpOffload.ps1) (aovpntools).
  - If a registry write fails the module stops, reports which writes were applied and which were not,
    does not restart the service, and a rerun converges.
seealso:
  - module: aovpn.rras.win_sstp_certificate
  - module: ansible.windows.win_regedit
  - ref: ansible_collections.aovpn.rras.docsite.rras
    description: The RRAS facts the collection relies on, with their sources.
"""

EXAMPLES = r"""
- name: Offload TLS to the load balancer (hash of its certificate)
  aovpn.rras.win_sstp_offload:
    certificate_hash: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"

- name: Offload TLS using the load balancer's certificate file, restart RemoteAccess if changed
  aovpn.rras.win_sstp_offload:
    certificate: "{{ lookup('ansible.builtin.file', 'files/vpn.example.com.pem') }}"
    restart: true

- name: Turn TLS offload off again (RRAS terminates TLS itself)
  aovpn.rras.win_sstp_offload:
    state: absent
  register: sstp

- name: Restart RemoteAccess in the maintenance window when needed
  ansible.windows.win_service:
    name: RemoteAccess
    state: restarted
  when: sstp.restart_required
"""

RETURN = r"""
certificate_sha256:
  description: SHA-256 hash of the load balancer's certificate, uppercase hexadecimal.
  returned: state=present
  type: str
  sample: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08
certificate_sha1:
  description: SHA-1 hash (Windows thumbprint) of the certificate, uppercase hexadecimal.
  returned: when O(certificate) was given
  type: str
  sample: 3E8B0C1E2AAD1E8F1E12B8C5E7F4D3A1B2C3D4E5
before:
  description: The SSTP settings before the task.
  returned: when the key exists
  type: dict
  contains: &settings
    mode:
      description: V(https) or V(offload).
      type: str
      sample: https
    use_https:
      description: Whether SSTP expects TLS (C(UseHttps) non-zero, missing or not a DWORD).
      type: bool
    listener_port:
      description: Effective port (C(ListenerPort), or 443 for HTTPS and 80 for HTTP when 0 or missing).
      type: int
      sample: 443
    certificate_sha256:
      description: C(SHA256CertificateHash) as uppercase hexadecimal, null when missing.
      type: str
    certificate_sha1:
      description: C(SHA1CertificateHash) as uppercase hexadecimal, null when missing.
      type: str
    hash_configured_by_admin:
      description: Whether C(isHashConfiguredByAdmin) pins the hashes.
      type: bool
    sha256_enabled:
      description: SHA-256 crypto binding enabled (C(SHA256Enabled), default true).
      type: bool
    sha1_enabled:
      description: SHA-1 crypto binding enabled (C(SHA1Enabled), default false).
      type: bool
after:
  description: The SSTP settings after the task (predicted in check mode).
  returned: when the key exists
  type: dict
  contains: *settings
restart_required:
  description: A change was made (or would be in check mode) and C(RemoteAccess) has not been restarted yet.
  returned: when the key exists
  type: bool
restarted:
  description: Whether the module restarted C(RemoteAccess).
  returned: when the key exists
  type: bool
applied:
  description: The registry writes applied before a write failed.
  returned: when a write failed
  type: list
  elements: str
not_applied:
  description: The failed write and those after it.
  returned: when a write failed
  type: list
  elements: str
"""
