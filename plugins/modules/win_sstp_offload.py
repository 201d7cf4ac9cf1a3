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
    C(SHA1CertificateHash) is set when the certificate itself is given (O(certificate), O(certificate_file) or
    O(certificate_endpoint)) and removed when only O(certificate_hash) is.
    SSTP clients compare these hashes with the certificate of their TLS session (crypto binding),
    so they must be those of the certificate the load balancer presents; a mismatch makes clients
    log Event ID 6 from RasSstp.
  - With O(state=absent) the key converges to C(UseHttps) = 1 with C(isHashConfiguredByAdmin) not set to 1, so
    RRAS picks its TLS certificate itself at start. When C(isHashConfiguredByAdmin) is 1 (the hashes were pinned,
    they are the load balancer's) the run removes it and removes C(SHA256CertificateHash) and C(SHA1CertificateHash)
    with it. When it is already 0 or missing the hashes belong to the service and are left alone.
  - What the service does at start, and why O(state=absent) leaves those hashes alone - in HTTPS mode with
    C(isHashConfiguredByAdmin) missing or 0, RemoteAccess picks a certificate at every start (the one bound in http.sys
    for the SSTP port with the SSTP app id, else the first valid Server Authentication certificate with a private key in
    C(LocalMachine\My)) and writes C(SHA256CertificateHash), C(SHA1CertificateHash) and C(isHashConfiguredByAdmin) = 0
    itself. Deleting them would report a change and, with O(restart=true), restart RemoteAccess (dropping every VPN
    client) on every run. This comes from a public decompilation of C(sstpcfg.dll) and is not verified on a real host;
    the module is safe either way, as it never deletes hashes unless it also removes the pin.
  - To choose the certificate use M(aovpn.rras.win_sstp_certificate) instead.
  - With a hash-only offload (O(certificate_hash)) and C(SHA1Enabled) on, the service rejects the configuration (no
    C(SHA1CertificateHash), RasSstp Event 19), so the module warns; give O(certificate) so both hashes are written.
  - Registry value names are compared case-insensitively (C(IsHashConfiguredByAdmin) and
    C(isHashConfiguredByAdmin) are the same value). A value of the wrong type is rewritten.
  - Fails with C(RRAS/SSTP is not installed or not configured on this host) and changes nothing if the
    C(SstpSvc\Parameters) key does not exist; the key is never created.
  - The change applies when the C(RemoteAccess) service restarts, which disconnects every VPN client on
    the server. Use O(restart) or restart in a maintenance window, one server of a farm at a time.
  - Runs on the controller and uses M(ansible.windows.win_reg_stat) (one call), M(ansible.windows.win_service) and
    M(ansible.windows.win_feature_info) (the role check, only when something is to be written),
    M(ansible.windows.win_regedit) (one call per changed value) and M(ansible.windows.win_service) to restart. When
    nothing needs to change the module makes exactly one call to the host.
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
      - Nothing about the certificate can be checked from a hash; prefer O(certificate_file) or O(certificate_endpoint).
      - O(certificate_hash), O(certificate), O(certificate_file) and O(certificate_endpoint) are mutually exclusive;
        one of them is required when O(state=present).
    type: str
  certificate:
    description:
      - The certificate the load balancer presents, as PEM or base64 DER text. Its SHA-256 and SHA-1
        hashes are computed on the controller; from a chain the end-entity certificate is used.
      - Checked like O(certificate_file) before the host is contacted.
    type: str
  certificate_file:
    description:
      - The certificate the load balancer presents, as a file on the controller, PEM (a bundle is fine, the
        end-entity certificate is used), DER, PKCS#7 (C(.p7b)) or PKCS#12 (C(.pfx), see O(certificate_password)),
        plain or encrypted with C(ansible-vault encrypt).
      - A relative path is looked up the way M(ansible.windows.win_copy) finds C(src) (C(files/) of the role,
        then of the playbook, then next to them).
      - Read, parsed and checked on the controller before the host is contacted; only the hashes reach the host.
        Refused when the certificate is expired, not yet valid, a CA certificate, lacks the Server
        Authentication EKU, or does not cover O(fqdn) (the collection's one fitness policy, see
        P(aovpn.rras.cert_info#lookup)); a certificate that expires within O(warn_days) days gives a warning.
    type: str
  certificate_password:
    description:
      - Password of a PKCS#12 O(certificate_file). Never logged.
    type: str
  certificate_endpoint:
    description:
      - The load balancer's address, C(host:port) (C([IPv6]:port)). The controller connects to it as a client,
        fetches the chain it presents and verifies it against O(ca_path) (or the controller's trust store), its
        validity and the name O(fqdn) (default the endpoint's host name, also sent as SNI); then the verified
        end-entity certificate is checked like O(certificate_file) and its hashes are pinned.
      - Anything that does not verify (an untrusted issuer, SSL inspection between the controller and the load
        balancer, a wrong name, an expired certificate) or an endpoint that cannot be reached is refused with
        the reason, before the host is contacted.
      - Fetched once per run for every server that shares the endpoint, O(ca_path) and O(fqdn) (the outcome is
        kept in Ansible's per-run local temporary directory), so every server of a farm pins the same
        certificate.
      - This is the job that keeps RRAS in step with the load balancer after each renewal; see the example of a
        scheduled AWX job template.
    type: str
  ca_path:
    description:
      - A PEM file on the controller with the CA certificates that O(certificate_endpoint)'s chain must verify
        against. Default the controller's trust store (OpenSSL's default paths, C(SSL_CERT_FILE)).
    type: path
  fqdn:
    description:
      - The public VPN name clients connect to. The certificate must cover it (subject alternative names,
        wildcards per RFC 6125). With O(certificate_endpoint) it defaults to the endpoint's host name and is
        required when that is an IP address. Not allowed with O(certificate_hash) (a hash cannot be checked).
    type: str
  warn_days:
    description:
      - Warn (an Ansible warning, which AWX shows on the job) when the certificate expires in fewer days than this.
    type: int
    default: 30
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.remote_access_role
  - aovpn.rras.remote_access_role.restart
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

- name: Offload TLS using the load balancer's certificate file (files/ next to the playbook), restart RemoteAccess if changed
  aovpn.rras.win_sstp_offload:
    certificate_file: vpn.example.com.pem
    fqdn: vpn.example.com
    restart: true

- name: Pin what the load balancer presents now, verified against the corporate CA bundle
  aovpn.rras.win_sstp_offload:
    certificate_endpoint: vpn.example.com:443
    ca_path: /etc/pki/tls/certs/ca-bundle.crt

# Keep RRAS in step with the load balancer (an AWX schedule): a job template running this play against the
# RRAS group with serial: 1, scheduled daily (Templates > the template > Schedules > Add, "Repeat frequency:
# Day"). When the load balancer presents a renewed certificate, each server gets its hash and one restart;
# on other days nothing changes and nothing restarts. Run it soon after the load balancer's renewal window.
- name: Keep RRAS in step with the load balancer
  hosts: rras
  gather_facts: false
  serial: 1
  tasks:
    - name: Pin the certificate the load balancer presents
      aovpn.rras.win_sstp_offload:
        certificate_endpoint: vpn.example.com:443
        warn_days: 14
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
  returned: when the certificate itself was given (not only O(certificate_hash))
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
  description: The SSTP settings after the task (predicted in check mode). After a failed write, what the host holds then.
  returned: when the key exists
  type: dict
  contains: *settings
restart_required:
  description:
    - A change was made (or would be in check mode), now or by an earlier run, and C(RemoteAccess) has not been
      restarted since, so the service does not use it yet.
    - The change is remembered on the host (the DWORD C(AovpnRrasRestartPending) in the key the module manages,
      written before the first change, removed after a successful restart by the module with O(restart=true) or by
      the handler of P(aovpn.rras.remoteaccess_restart#role)), so a restart that failed or never came is not lost.
  returned: when the key exists
  type: bool
restart_pending:
  description:
    - The host held a change from an earlier run that RemoteAccess has not applied yet (see RV(restart_required)).
      The task then reports C(changed) even when no setting differs, so a notified handler restarts RemoteAccess.
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
  description:
    - The failed write and those after it.
    - When the connection was lost, the write in flight is listed first (its outcome is not known) and the host is
      reported unreachable.
  returned: when a write failed
  type: list
  elements: str
"""
