# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_ikev2_crl_check
short_description: Enforce certificate revocation (CRL) checking for IKEv2 on a Windows RRAS VPN server
version_added: 0.1.0
description:
  - Converges C(HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2\CertAuthFlags). DWORD V(4) makes
    the Routing and Remote Access service check the revocation of the certificate an IKEv2 client authenticates with;
    V(2) or a missing value means the check is not enforced (the default).
  - The use is the Always On VPN B(device tunnel), which authenticates with the computer certificate only. Without the
    check, revoking a lost device's certificate does not keep it off the VPN.
  - It needs the updates that brought the setting (KB4503294 on Windows Server 2016, KB4505658 on Windows Server 2019)
    and a root certificate filter on the server (C(Set-VpnAuthProtocol -RootCertificateNameToAccept)), so that only
    certificates of the right root are accepted. The module checks neither.
  - The setting applies when the C(RemoteAccess) service restarts. Restarting it drops every connected VPN client,
    so by default the module only reports the need through RV(restart_required) and a warning (see O(restart); no
    warning when the task notifies a handler).
  - Runs on the controller and uses M(ansible.windows.win_reg_stat), M(ansible.windows.win_regedit) and
    M(ansible.windows.win_service); nothing else is executed on the host.
  - "Round trips: one M(ansible.windows.win_reg_stat) of the C(Ikev2) key when the value is already as desired. When the
    C(Ikev2) key does not exist, a second read of C(RemoteAccess\\Parameters) tells whether RRAS is there; if that key
    does not exist either, the module fails and changes nothing."
options:
  state:
    description:
      - V(enabled) sets C(CertAuthFlags) to DWORD V(4).
      - V(disabled) converges to "not enforced". A missing value or DWORD V(2) already is, and is left alone (writing
        there would only ask for a restart that drops every VPN client); any other stored data becomes DWORD V(2).
    type: str
    choices: [enabled, disabled]
    default: enabled
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.attributes.converging
  - aovpn.rras.remote_access_role
  - aovpn.rras.remote_access_role.restart
seealso:
  - module: aovpn.rras.win_ikev2_fragmentation
  - module: aovpn.rras.win_rras_info
  - ref: ansible_collections.aovpn.rras.docsite.rras.hardening
    description: The hardening settings, their defaults and sources.
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Enforce the CRL check for the device tunnel, restart RemoteAccess in the same maintenance window
  aovpn.rras.win_ikev2_crl_check:
    state: enabled
    restart: true

- name: Stop enforcing it (a server that never had the value is left alone)
  aovpn.rras.win_ikev2_crl_check:
    state: disabled
  register: crl

- name: Restart RemoteAccess where the change still needs it
  ansible.windows.win_service:
    name: RemoteAccess
    state: restarted
  when: crl.restart_required
  throttle: 1
"""

RETURN = r"""
before:
  description: The setting before the task.
  returned: success and when the change failed part way
  type: dict
  contains:
    crl_check:
      description: Whether the service enforces the CRL check at its next start (C(CertAuthFlags) is DWORD 4).
      type: bool
      sample: false
    cert_auth_flags:
      description: The stored C(CertAuthFlags) data; null when the value does not exist.
      type: raw
      sample: null
after:
  description: The setting after the task (in check mode, after it would have run). Same keys as RV(before). After a failed write, what the host holds then.
  returned: success and when the change failed part way
  type: dict
  sample: {"crl_check": true, "cert_auth_flags": 4}
restart_required:
  description:
    - A change was made (or would be in check mode), now or by an earlier run, and C(RemoteAccess) has not been
      restarted since, so the service does not use it yet.
    - The change is remembered on the host (the DWORD C(AovpnRrasRestartPending) in the C(Ikev2) key, written before the
      first change, removed after a successful restart by the module with O(restart=true) or by the handler of
      P(aovpn.rras.remoteaccess_restart#role)).
  returned: success and when the change failed part way
  type: bool
restart_pending:
  description:
    - The host held a change from an earlier run that RemoteAccess has not applied yet (see RV(restart_required)).
      The task then reports C(changed) even when no setting differs, so a notified handler restarts RemoteAccess.
  returned: success and when the change failed part way
  type: bool
  sample: false
restarted:
  description: C(RemoteAccess) was restarted by this task.
  returned: success and when the change failed part way
  type: bool
  sample: false
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
  sample: ["set CertAuthFlags (dword) = 4"]
"""
