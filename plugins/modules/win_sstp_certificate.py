# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_sstp_certificate
short_description: Bind an installed certificate to SSTP on a Windows RRAS server
version_added: 0.1.0
author: aovpn.rras contributors (@aovpn)
description:
  - Chooses the TLS certificate of the RRAS SSTP service from C(LocalMachine\My), for servers where TLS ends
    on RRAS, or for TLS offload with re-encryption or with the same certificate also installed on the server.
  - Does what the console's "SSL Certificate Binding" and C(Set-RemoteAccess -SslCertificate) do; it converges
    C(HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters) to C(SHA256CertificateHash) and
    C(SHA1CertificateHash) of the certificate, C(isHashConfiguredByAdmin) = 1 and C(UseHttps) = 1
    (or 0 with O(use_http)).
  - Reads the certificate with one M(ansible.windows.win_certificate_info) call and refuses it, before
    anything is written, when it is missing, has no private key, is expired or not yet valid, lacks the
    Server Authentication Extended Key Usage (1.3.6.1.5.5.7.3.1), or does not cover O(fqdn).
    Both hashes are computed on the controller from the certificate's DER bytes as returned by the store.
  - At start the C(RemoteAccess) service binds the certificate in http.sys on the listener port; if the hash is
    not in C(LocalMachine\My) it logs Event 25 and binds nothing, which is why the certificate is checked first.
  - In HTTPS mode (O(use_http=false)), when a write is planned, it reads the http.sys TLS bindings of the SSTP port
    (C(HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:<port>) and C([::]:<port>)).
    A binding owned by another application (IIS, for example) would make RemoteAccess give up at start (RasSstp
    Event 32) while clients keep seeing that application's certificate, so the task fails naming the address, the
    owner's app id, its certificate's SHA-1 and the C(netsh http delete sslcert ipport=...) command that frees the port,
    and writes nothing. The C(AppId) bytes are probably in Windows GUID memory order; that is not verified on a real
    host, so both byte orders are accepted when comparing with the SSTP app id
    C({BA195980-CD49-458B-9E23-C84EE0ADCD75}). These keys are only read, never written.
  - Fails with C(RRAS/SSTP is not installed or not configured on this host) and changes nothing if the
    C(SstpSvc\Parameters) key does not exist; the key is never created.
  - The change applies when C(RemoteAccess) restarts, which disconnects every VPN client on the server.
  - Runs on the controller and uses M(ansible.windows.win_reg_stat), M(ansible.windows.win_certificate_info),
    M(ansible.windows.win_service) and M(ansible.windows.win_feature_info) (the role check) and two more
    M(ansible.windows.win_reg_stat) calls (the http.sys bindings, HTTPS mode) only when a write is planned,
    M(ansible.windows.win_regedit) (one call per changed value) and M(ansible.windows.win_service) to restart.
    When nothing needs to change it makes exactly two calls to the host (registry and certificate).
options:
  thumbprint:
    description:
      - SHA-1 thumbprint of the certificate in C(LocalMachine\My), as Windows shows it (any case, spaces or
        colons allowed). A SHA-256 hash is refused with a message saying so.
      - Mutually exclusive with O(certificate); one of them is required.
    type: str
  certificate:
    description:
      - The certificate as PEM or base64 DER text; it is looked up in C(LocalMachine\My) by its SHA-1
        thumbprint. From a chain the end-entity certificate is used.
    type: str
  use_http:
    description:
      - V(true) sets C(UseHttps) = 0 (TLS offloaded on a load balancer that presents this same certificate).
    type: bool
    default: false
  fqdn:
    description:
      - Public VPN name the certificate must cover (subject alternative names, wildcards as in RFC 6125;
        the subject common name only when there are no DNS names).
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.remote_access_role
  - aovpn.rras.remote_access_role.restart
attributes:
  check_mode:
    details: Reads and validates, reports the planned change and writes nothing.
  diff_mode:
    support: full
    details: Shows the SSTP settings before and after, hashes as uppercase hexadecimal strings.
notes:
  - Import the certificate first with M(ansible.windows.win_certificate_store) using C(key_storage=machine) and
    C(key_exportable=false).
  - A stale http.sys or IIS binding on the same port can still serve another certificate; check what clients see
    with the P(aovpn.rras.tls_certificate#lookup) lookup.
seealso:
  - module: aovpn.rras.win_sstp_offload
  - module: ansible.windows.win_certificate_store
  - module: ansible.windows.win_certificate_info
  - ref: ansible_collections.aovpn.rras.docsite.rras
    description: The RRAS facts the collection relies on, with their sources.
"""

EXAMPLES = r"""
- name: Import the VPN certificate with its key
  ansible.windows.win_certificate_store:
    path: C:\Windows\Temp\vpn.example.com.pfx
    password: "{{ vpn_pfx_password }}"
    key_storage: machine
    key_exportable: false
  register: imported

- name: Use it for SSTP and restart RemoteAccess if the binding changed
  aovpn.rras.win_sstp_certificate:
    thumbprint: "{{ imported.thumbprints[0] }}"
    fqdn: vpn.example.com
    restart: true

- name: Same certificate on the load balancer and the server, TLS offloaded
  aovpn.rras.win_sstp_certificate:
    certificate: "{{ lookup('ansible.builtin.file', 'files/vpn.example.com.pem') }}"
    use_http: true
"""

RETURN = r"""
certificate_sha256:
  description: SHA-256 hash of the certificate, uppercase hexadecimal.
  returned: when the certificate was found and is usable
  type: str
  sample: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08
certificate_sha1:
  description: SHA-1 thumbprint of the certificate, uppercase hexadecimal.
  returned: always when the input was valid
  type: str
  sample: 3E8B0C1E2AAD1E8F1E12B8C5E7F4D3A1B2C3D4E5
certificate_installed:
  description:
    - Whether the certificate is in C(LocalMachine\My) with its private key; false (in a failed result) when it must be
      imported first. P(aovpn.rras.sstp_certificate#role) binds first and imports only then, so a server that holds the
      certificate costs no store read of its own.
  returned: when the certificate store was read
  type: bool
  sample: true
http_sys_binding:
  description:
    - The http.sys binding of the SSTP port that another application owns, when that failed the task; the keys of
      RV(aovpn.rras.win_rras_info#module:http_sys_bindings).
  returned: when a foreign binding failed the task
  type: dict
  sample: {"address": "0.0.0.0:443", "app_id": "{4DC3E181-E14B-4A21-B022-59FC669B0914}", "owner": "IIS",
           "certificate_sha1": "3E8B0C1E2AAD1E8F1E12B8C5E7F4D3A1B2C3D4E5", "certificate_store": "MY", "sstp_owned": false}
before:
  description: The SSTP settings before the task.
  returned: when RRAS is installed and the certificate is usable
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
  returned: when RRAS is installed and the certificate is usable
  type: dict
  contains: *settings
temporary_files:
  description:
    - Temporary files an earlier run of P(aovpn.rras.sstp_certificate#role) put on the host and could not remove (a
      PFX copy, which holds the private key), from the values C(AovpnRrasTemporaryFile:NAME) of C(SstpSvc\Parameters)
      the role writes before its copy and removes after the file. The role removes them on its next run.
  returned: when RRAS is installed and the certificate is usable
  type: list
  elements: dict
  contains:
    name:
      description: The registry value that lists the file.
      type: str
    path:
      description: The path of the file on the host.
      type: str
  sample: [{"name": "AovpnRrasTemporaryFile:aovpn-rras-8CAF54E9.pfx", "path": "C:\\Windows\\Temp\\aovpn-rras-8CAF54E9.pfx"}]
restart_required:
  description:
    - A change was made (or would be in check mode), now or by an earlier run, and C(RemoteAccess) has not been
      restarted since, so the service does not use it yet.
    - The change is remembered on the host (the DWORD C(AovpnRrasRestartPending) in the key the module manages,
      written before the first change, removed after a successful restart by the module with O(restart=true) or by
      the handler of P(aovpn.rras.remoteaccess_restart#role)), so a restart that failed or never came is not lost.
  returned: when RRAS is installed and the certificate is usable
  type: bool
restart_pending:
  description:
    - The host held a change from an earlier run that RemoteAccess has not applied yet (see RV(restart_required)).
      The task then reports C(changed) even when no setting differs, so a notified handler restarts RemoteAccess.
  returned: when RRAS is installed and the certificate is usable
  type: bool
restarted:
  description: Whether the module restarted C(RemoteAccess).
  returned: when RRAS is installed and the certificate is usable
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
