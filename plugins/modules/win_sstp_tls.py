# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_sstp_tls
short_description: Turn old TLS protocols off for SSTP on a Windows RRAS VPN server, and set the TLS cipher suite order
version_added: 0.1.0
description:
  - Turns the protocols of O(disabled_protocols) off for the server side of SCHANNEL, which SSTP uses, with
    C(Enabled) = DWORD V(0) in C(HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\<protocol>\Server)
    (the key is created when missing). By default SSL 3.0, TLS 1.0 and TLS 1.1, as the reference script does.
  - Protocols not listed are left as they are (the module never turns a protocol on), as are C(DisabledByDefault) and
    the C(Client) subkeys.
  - Optionally sets the TLS cipher suite order (O(cipher_suites)), the comma-separated C(Functions) value of
    C(HKLM:\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002). That is a B(Group Policy) value
    (SSL Cipher Suite Order). A GPO that sets it overwrites it at its next refresh. The module warns when it writes it.
  - SCHANNEL reads these settings at boot, so they apply after a B(reboot). The module returns RV(reboot_required)
    and a warning, and B(never reboots) by itself (use M(ansible.windows.win_reboot) in a maintenance window, one
    server at a time).
  - A pending reboot is remembered on the host. Before its first write the module writes the QWORD
    C(AovpnRrasRebootPending) into each key it changes, holding the server's last boot time (the C(LastBootUpTime) of
    C(Win32_OperatingSystem) as a FILETIME, read right before with the PowerShell command M(ansible.windows.win_reboot)
    uses). SCHANNEL does not read the value.
  - A later run that finds the marker reads the boot time once (a run that finds none does not). Not booted since, it
    reports C(changed) and RV(reboot_required) again (RV(reboot_pending)) without a write, until the server reboots.
    Only the keys of this run's options are read, so a marker in a key the task no longer manages is not seen.
    The reboot handler of the P(aovpn.rras.hardening#role) role (C(hardening_reboot=rolling)) removes the marker after
    its reboot.
  - Booted since (a reboot by hand or by another tool), the settings apply and the module removes the stale marker
    (RV(reboot_marker_removed); not in check mode) and reports no change and no reboot, as nothing waits for one. A boot
    counts as later only when it is more than one minute after the marker's, since Windows moves C(LastBootUpTime) by
    seconds with clock corrections; a server rebooted within a minute of the boot the change was made in is reported
    once more (one reboot too many, never one too few).
  - Runs on the controller and uses M(ansible.windows.win_reg_stat) and M(ansible.windows.win_regedit), and reads the
    boot time as M(ansible.windows.win_reboot) does; nothing else is executed on the host.
  - "Round trips: one M(ansible.windows.win_reg_stat) per protocol of O(disabled_protocols) (three by default; SCHANNEL
    keeps one key per protocol) and one for the cipher suite key when O(cipher_suites) is given;
    O(cipher_suites=recommended) also reads C(HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion) for the build,
    unless the play gathered Windows facts. The boot time (one PowerShell command through the connection) is read only
    when a key holds the marker or before a write (not in check mode)."
options:
  disabled_protocols:
    description:
      - The SCHANNEL protocol names to turn off for the server side, among V(SSL 2.0), V(SSL 3.0), V(TLS 1.0) and
        V(TLS 1.1) (any case). Any other name fails before the host is touched, naming the option.
      - V(TLS 1.2) is refused with the reason. SSTP and WinRM over HTTPS (the connection Ansible uses) need it, so the
        VPN would stop and Ansible would be locked out after the reboot. V(TLS 1.3) is refused too.
      - An empty list manages no protocol (only O(cipher_suites)).
    type: list
    elements: str
    default: ["SSL 3.0", "TLS 1.0", "TLS 1.1"]
  cipher_suites:
    description:
      - The TLS cipher suites the server offers, in order of preference (names in upper case, such as
        C(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)), written as one comma-separated C(Functions) value.
      - V(recommended) picks the reference script's list for the OS build. Build 17763 and later (Windows Server 2019,
        2022, 2025) C(TLS_AES_128_GCM_SHA256), C(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        C(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). Builds 14393 to 17762 (Windows Server 2016)
        C(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256), C(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). Older builds fail, asking for a list.
      - Not given, the cipher suite order is left alone. An empty list, a duplicate or a name that is not a cipher
        suite fails before the host is touched.
      - Make sure the load balancer and every client (and the WinRM client) share a suite with the list.
    type: list
    elements: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.attributes.converging
  - aovpn.rras.remote_access_role
notes:
  - Turning TLS 1.0 and 1.1 off for the server side affects every TLS server of the host (IIS, RDP, WinRM over HTTPS),
    not only SSTP.
seealso:
  - module: ansible.windows.win_reboot
  - module: aovpn.rras.win_sstp_certificate
  - ref: ansible_collections.aovpn.rras.docsite.rras.hardening
    description: The hardening settings, their defaults and sources.
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Turn SSL 3.0, TLS 1.0 and TLS 1.1 off for the server side
  aovpn.rras.win_sstp_tls:
  register: tls

- name: Reboot where it is needed (also where an earlier run changed and no reboot followed), one server at a time
  ansible.windows.win_reboot:
  when: tls.reboot_required
  throttle: 1

- name: The next run forgets the reboot (it finds the boot time changed) and removes its marker
  aovpn.rras.win_sstp_tls:

- name: Also set the reference script's cipher suite order for the build
  aovpn.rras.win_sstp_tls:
    cipher_suites: recommended

- name: Only the cipher suite order, an explicit list
  aovpn.rras.win_sstp_tls:
    disabled_protocols: []
    cipher_suites:
      - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
      - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
      - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
"""

RETURN = r"""
before:
  description: The settings before the task.
  returned: success and when the change failed part way
  type: dict
  contains:
    server_protocols:
      description:
        - For each protocol of O(disabled_protocols), its server side as the stored C(Enabled) value sets it.
        - C(disabled) (DWORD 0), C(enabled) (any other data) or C(os default) (no value).
      type: dict
      sample: {"SSL 3.0": "os default", "TLS 1.0": "os default", "TLS 1.1": "os default"}
    cipher_suites:
      description: The stored cipher suite order (null when the value does not exist). Only when O(cipher_suites) is given.
      type: list
      elements: str
      sample: null
after:
  description: The settings after the task (in check mode, after it would have run). Same keys as RV(before). After a failed write, what the host holds then.
  returned: success and when the change failed part way
  type: dict
  sample: {"server_protocols": {"SSL 3.0": "disabled", "TLS 1.0": "disabled", "TLS 1.1": "disabled"}}
reboot_required:
  description:
    - This run changed something (or would in check mode), or an earlier run did and the server has not booted since;
      SCHANNEL uses it after the next reboot. The module never reboots. Always equal to C(changed).
  returned: success
  type: bool
  sample: true
reboot_pending:
  description: A key held the marker of an earlier change made in the current boot (see the description).
  returned: success
  type: bool
  sample: false
reboot_marker_removed:
  description:
    - The keys whose marker the module removed (in check mode, would remove) because the server booted since the change
      it stands for; that change applies now. Not a change (C(changed) stays false for it).
  returned: success
  type: list
  elements: str
  sample: []
os_build:
  description: The build O(cipher_suites=recommended) was chosen for.
  returned: when O(cipher_suites=recommended)
  type: int
  sample: 20348
applied:
  description: The writes done before a write failed.
  returned: when a write failed
  type: list
  elements: str
  sample: []
not_applied:
  description: The writes not done because a write failed (the failed one first; when the connection was lost, its outcome is not known).
  returned: when a write failed
  type: list
  elements: str
  sample: ["set Enabled (dword) = 0"]
"""
