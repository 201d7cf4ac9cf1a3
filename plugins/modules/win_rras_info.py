# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_rras_info
short_description: Read the SSTP, IKEv2 and service state of a Windows RRAS VPN server
version_added: 0.1.0
description:
  - Returns in one structure what an admin checks when SSTP or IKEv2 misbehaves, in the same form the
    configuring modules and the P(aovpn.rras.tls_certificate#lookup) lookup use (hashes as uppercase hex without
    separators), so playbooks can compare them directly.
  - Read-only; never reports a change. A host without RRAS is not a failure, it returns RV(rras_installed=false).
  - Runs on the controller and uses M(ansible.windows.win_service) (with only a name, which reads),
    M(ansible.windows.win_feature_info), M(ansible.windows.win_reg_stat) and, with O(certificate_store_check=true),
    M(ansible.windows.win_certificate_info).
  - The C(SstpSvc\Parameters) and C(RemoteAccess\Parameters\Ikev2) keys and the C(RemoteAccess) service exist on every
    Windows Server, so RV(rras_installed) comes from the Remote Access role (feature C(RemoteAccess)) and
    RV(rras_configured) from the service's start mode (not C(disabled); that an installed but unconfigured role leaves it
    disabled is inferred, not verified on a real host).
  - "Round trips: seven on an RRAS server: C(SstpSvc\\Parameters), the two http.sys bindings of its port
    (C(SslBindingInfo\\0.0.0.0:<port>) and C([::]:<port>)), the C(RemoteAccess) service, the role feature,
    C(RemoteAccess\\Parameters\\Ikev2) and C(HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion); the binding reads only when
    C(SstpSvc\\Parameters) exists. One more with O(certificate_store_check=true) when C(SstpSvc\\Parameters) exists."
  - "Seven more with O(hardening_check=true) when the Remote Access role is installed (fourteen in all on an RRAS server, fifteen
    with both checks): C(IKEEXT\\Parameters), C(RemoteAccess\\Parameters\\Ip), the C(Server) key of each of the four SCHANNEL
    protocols and the cipher suite policy key; C(CertAuthFlags) comes from the C(Ikev2) key read anyway."
options:
  certificate_store_check:
    description:
      - Also read C(LocalMachine\My) and report in RV(certificate_store) whether the configured SHA-256 hash names a
        certificate there, with its expiry and private key.
      - That is the check for Event 25, where RemoteAccess finds no certificate for the configured hash at start and
        binds nothing for SSTP.
    type: bool
    default: false
  hardening_check:
    description:
      - Also read the server hardening settings (those of M(aovpn.rras.win_ikev2_crl_check),
        M(aovpn.rras.win_ikev2_load_balancing), M(aovpn.rras.win_sstp_tls) and M(aovpn.rras.win_rras_address_pool)) and
        report them in RV(hardening). Costs seven round trips; off by default so the reads after each restart stay few.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
attributes:
  check_mode:
    details: Read-only; runs the same in check mode.
  diff_mode:
    support: none
seealso:
  - module: aovpn.rras.win_sstp_offload
  - module: aovpn.rras.win_sstp_certificate
  - module: aovpn.rras.win_ikev2_fragmentation
  - module: aovpn.rras.win_sstp_tls
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Read the VPN server state
  aovpn.rras.win_rras_info:
    certificate_store_check: true
  register: rras

- name: The server must bind a certificate it has
  ansible.builtin.assert:
    that:
      - rras.rras_installed
      - rras.certificate_store.problems | length == 0
    fail_msg: "{{ rras.certificate_store.problems | join('; ') }}"

- name: The offloading load balancer must present the certificate the server expects
  ansible.builtin.assert:
    that:
      - rras.sstp.mode == 'offload'
      - rras.sstp.certificate_sha256 == lookup('aovpn.rras.tls_certificate', 'vpn.example.com').sha256

- name: Read the hardening settings too
  aovpn.rras.win_rras_info:
    hardening_check: true
  register: rras

- name: Report hosts whose server side still offers TLS 1.0
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}: TLS 1.0 is {{ rras.hardening.server_protocols['TLS 1.0'].state }}"
  when: rras.rras_installed and rras.hardening.server_protocols['TLS 1.0'].enabled is not false

- name: Report hosts that still lack IKEv2 fragmentation
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} ({{ rras.os.product_name }}, build {{ rras.os.build }}) has it off"
  when: rras.rras_installed and not rras.ikev2.server_fragmentation
"""

RETURN = r"""
rras_installed:
  description: Whether the Remote Access role is installed (feature C(RemoteAccess) in M(ansible.windows.win_feature_info)).
  returned: always
  type: bool
  sample: true
rras_configured:
  description: Whether the role is installed and RRAS configured (the C(RemoteAccess) service is not C(disabled)).
  returned: always
  type: bool
  sample: true
http_sys_bindings:
  description:
    - The http.sys TLS bindings of the SSTP listener port (C(0.0.0.0:<port>), C([::]:<port>)) that exist, read from
      C(HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo). Empty without C(SstpSvc\Parameters).
    - In HTTPS mode a binding SSTP does not own makes RemoteAccess give up at start (RasSstp Event 32).
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: The binding's address and port.
      type: str
      sample: 0.0.0.0:443
    app_id:
      description:
        - The owner's application id, braced uppercase; null when C(AppId) is not 16 bytes. The bytes are probably in
          Windows GUID memory order (not verified on a real host), so known ids are recognised in both byte orders.
      type: str
      sample: "{BA195980-CD49-458B-9E23-C84EE0ADCD75}"
    owner:
      description: V(SSTP), V(IIS) or V(unknown).
      type: str
    certificate_sha1:
      description: SHA-1 (thumbprint) of the bound certificate (C(SslCertHash)), uppercase hexadecimal.
      type: str
    certificate_store:
      description: C(SslCertStoreName), V(MY) when empty.
      type: str
    sstp_owned:
      description: Whether the SSTP app id owns the binding.
      type: bool
remote_access_service:
  description: The C(RemoteAccess) (Routing and Remote Access) service.
  returned: always
  type: dict
  contains:
    exists:
      description: Whether the service exists.
      type: bool
      sample: true
    state:
      description: Its state as M(ansible.windows.win_service) reports it; null when it does not exist.
      type: str
      sample: running
    start_mode:
      description: Its start mode; null when it does not exist.
      type: str
      sample: auto
sstp:
  description: The SSTP settings the service applies at its next start, from C(SstpSvc\Parameters); null when that key does not exist.
  returned: always
  type: dict
  contains:
    mode:
      description: V(https) (TLS ends on the server) or V(offload) (plain HTTP from a TLS-offloading load balancer).
      type: str
      sample: offload
    use_https:
      description: False only for a DWORD C(UseHttps) of 0.
      type: bool
      sample: false
    listener_port:
      description: The effective port (C(ListenerPort), or 443 for HTTPS and 80 for HTTP when it is 0 or missing).
      type: int
      sample: 80
    certificate_sha256:
      description: C(SHA256CertificateHash) as uppercase hex; null when missing.
      type: str
      sample: 3B1E5A4C2F0D9E8B7A6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A
    certificate_sha1:
      description: C(SHA1CertificateHash) as uppercase hex (the Windows thumbprint); null when missing.
      type: str
      sample: 9F8E7D6C5B4A39281706F5E4D3C2B1A098765432
    hash_configured_by_admin:
      description: Whether C(isHashConfiguredByAdmin) pins the hashes (otherwise the service may pick a certificate at start).
      type: bool
      sample: true
    sha256_enabled:
      description: SHA-256 crypto binding (C(SHA256Enabled), default on).
      type: bool
      sample: true
    sha1_enabled:
      description: SHA-1 crypto binding (C(SHA1Enabled), default off).
      type: bool
      sample: false
ikev2:
  description: IKEv2 settings; null when RRAS is not installed.
  returned: always
  type: dict
  contains:
    server_fragmentation:
      description: Whether the service enables IKEv2 fragmentation at its next start (C(EnableServerFragmentation) a non-zero DWORD).
      type: bool
      sample: true
    enable_server_fragmentation:
      description: The stored C(EnableServerFragmentation) data; null when the value does not exist.
      type: raw
      sample: 1
    build_support:
      description:
        - Whether the OS build supports server fragmentation. V(confirmed) from 17763 (Windows Server 2019),
          V(disputed) from 17134 to 17762, V(unsupported) below 17134 or when the build is unreadable.
      type: str
      sample: confirmed
os:
  description: The operating system, from C(HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion); values not stored there are null.
  returned: always
  type: dict
  contains:
    build:
      description: The integer build (C(CurrentBuildNumber), else C(CurrentBuild)).
      type: int
      sample: 20348
    update_build_revision:
      description: C(UBR), the patch level within the build.
      type: int
      sample: 2762
    product_name:
      description: C(ProductName).
      type: str
      sample: Windows Server 2022 Standard
    display_version:
      description: C(DisplayVersion), else C(ReleaseId).
      type: str
      sample: 21H2
certificate_store:
  description:
    - Whether the configured SHA-256 hash names a usable certificate in C(LocalMachine\My).
    - Null when C(SstpSvc\Parameters) does not exist.
  returned: when O(certificate_store_check=true)
  type: dict
  contains:
    store:
      description: The store searched.
      type: str
      sample: LocalMachine\My
    required:
      description: The service looks the certificate up at start (HTTPS with hashes pinned by an admin).
      type: bool
      sample: true
    found:
      description: A certificate in the store has the configured SHA-256 hash.
      type: bool
      sample: true
    certificate:
      description:
        - That certificate; null when none matches.
        - C(problems) lists why it cannot be the SSTP certificate, by the same policy M(aovpn.rras.win_sstp_certificate)
          applies before binding (valid now, not a CA, Server Authentication, private key).
      type: dict
      sample:
        thumbprint: 9F8E7D6C5B4A39281706F5E4D3C2B1A098765432
        sha256: 3B1E5A4C2F0D9E8B7A6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A
        subject: CN=vpn.example.com
        dns_names: [vpn.example.com]
        not_before: "2026-01-01T00:00:00Z"
        not_after: "2027-01-01T00:00:00Z"
        days_left: 200
        expired: false
        not_yet_valid: false
        has_private_key: true
        server_auth: true
        problems: []
    problems:
      description: What breaks the binding at the next start (empty when nothing is required or all is well).
      type: list
      elements: str
      sample: ["no certificate with SHA-256 3B1E... is in LocalMachine\\My: RemoteAccess binds nothing at start (Event 25)"]
hardening:
  description:
    - The server hardening settings as the server holds them (what applies after the next RemoteAccess or IKEEXT restart,
      or reboot for SCHANNEL); null when the Remote Access role is not installed.
  returned: when O(hardening_check=true)
  type: dict
  contains:
    crl_check:
      description: Whether the IKEv2 CRL check is enforced (C(Ikev2) C(CertAuthFlags) = DWORD 4).
      type: bool
      sample: false
    cert_auth_flags:
      description: The stored C(CertAuthFlags) data; null when the value does not exist (not enforced).
      type: raw
      sample: 4
    established_for_initial_query:
      description: The stored C(IKEEXT\Parameters) C(IkeNumEstablishedForInitialQuery); null when missing (the service's default).
      type: raw
      sample: 50000
    address_pool:
      description: The DHCP address pool (C(RemoteAccess\Parameters\Ip)); null when the C(Ip) key does not exist.
      type: dict
      contains:
        initial_size:
          description: The size the service uses (C(InitialAddressPoolSize), 10 when missing).
          type: int
          sample: 10
        initial_address_pool_size:
          description: The stored C(InitialAddressPoolSize) data; null when missing.
          type: raw
          sample: 100
    server_protocols:
      description:
        - The server side of each SCHANNEL protocol the collection may turn off (V(SSL 2.0), V(SSL 3.0), V(TLS 1.0),
          V(TLS 1.1)), from C(...\SCHANNEL\Protocols\<name>\Server) C(Enabled).
        - C(state) is V(disabled) (C(Enabled) = DWORD 0), V(enabled) (any other C(Enabled)) or V(os default) (no C(Enabled)).
        - C(enabled) is what SCHANNEL does; for V(os default) the default of the build (RV(os.build)) where known, else null.
          TLS 1.0 and 1.1 are on by default up to Windows Server 2022 (build 20348; Microsoft turned them off by default
          only in releases after September 2023); SSL 3.0 is off by default from Windows Server 2016 (build 14393) and on
          before; SSL 2.0 is gone from 14393 on.
      type: dict
      sample:
        SSL 2.0: {state: os default, enabled: false}
        SSL 3.0: {state: disabled, enabled: false}
        TLS 1.0: {state: os default, enabled: true}
        TLS 1.1: {state: enabled, enabled: true}
    cipher_suites:
      description: The TLS cipher suite order of the Group Policy value C(SSL\00010002) C(Functions); null when not set (the OS order).
      type: list
      elements: str
      sample: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
"""
