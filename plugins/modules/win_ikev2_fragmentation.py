# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_ikev2_fragmentation
short_description: Turn IKEv2 server fragmentation (RFC 7383) on or off on a Windows RRAS VPN server
version_added: 0.1.0
description:
  - Converges C(HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2\EnableServerFragmentation),
    the value that makes the Routing and Remote Access service fragment IKEv2 messages (RFC 7383).
  - Without it, IKE_AUTH messages that carry client certificates, long chains or large RSA keys exceed the path MTU;
    a device that drops IP fragments then makes IKEv2 Always On VPN connections fail with error 809.
  - The setting applies when the C(RemoteAccess) service restarts. Restarting it drops every connected VPN client,
    so by default the module only reports the need through RV(restart_required) and a warning (see O(restart); no
    warning when the task notifies a handler).
  - Runs on the controller and uses M(ansible.windows.win_reg_stat), M(ansible.windows.win_regedit) and
    M(ansible.windows.win_service); nothing else is executed on the host.
  - "Round trips: one M(ansible.windows.win_reg_stat) of the C(Ikev2) key when the value is already as desired.
    When the C(Ikev2) key does not exist, a second read of C(RemoteAccess\\Parameters) tells whether RRAS is installed.
    Enabling with a change reads C(HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion) for the build (not
    when the play gathered Windows facts: then C(ansible_facts.distribution_version) gives it), then writes the value
    (one M(ansible.windows.win_regedit) call) and, with O(restart=true), restarts the service."
  - The C(Ikev2) key is created only under an existing C(RemoteAccess\Parameters) key. If that key does not exist
    (RRAS is not installed), the module fails and changes nothing.
options:
  state:
    description:
      - V(enabled) sets C(EnableServerFragmentation) to DWORD V(1).
      - V(disabled) sets it to DWORD V(0) when the value exists with any other data or type, so the key shows the
        choice explicitly. A missing value is left missing, because off is the service's default and writing a V(0) there
        would create the key and ask for a restart (dropping every VPN client) without changing what the service does.
      - The names follow M(ansible.windows.win_firewall).
    type: str
    choices: [enabled, disabled]
    default: enabled
  allow_unsupported_build:
    description:
      - The OS build is read from C(CurrentBuildNumber) (or C(CurrentBuild)), or taken from the gathered facts
        (C(distribution_version)) when the play has them, and compared as an integer. Builds
        below 17134 (Windows Server 1803) are refused, because they do not support server fragmentation. The
        reference script compares version strings, which lets Windows Server 2012 R2 (C(6.3.9600)) through.
      - Builds 17134 to 17762 proceed with a warning, since the reference script accepts them while Microsoft names
        Windows Server 2019 (17763) as the first supported build.
      - Set to V(true) to write the value on an older or unreadable build anyway (with a warning).
      - Only checked when O(state=enabled) needs a change; a host that is already as desired is not read further.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.attributes.converging
  - aovpn.rras.remote_access_role
  - aovpn.rras.remote_access_role.restart
seealso:
  - module: aovpn.rras.win_rras_info
  - module: ansible.windows.win_regedit
  - ref: ansible_collections.aovpn.rras.docsite.rras
    description: The RRAS facts the collection relies on, with their sources.
  - name: IKEv2 fragmentation support on Windows Server (MicrosoftDocs/windowsserverdocs issue 3475)
    description: A Microsoft engineer states that Windows Server 2019 is the first build supporting it.
    link: https://github.com/MicrosoftDocs/windowsserverdocs/issues/3475
  - name: RFC 7383, IKEv2 Message Fragmentation
    description: The protocol the setting turns on.
    link: https://www.rfc-editor.org/rfc/rfc7383
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Enable IKEv2 server fragmentation, restart RemoteAccess in the same maintenance window
  aovpn.rras.win_ikev2_fragmentation:
    state: enabled
    restart: true

- name: Enable it without restarting, and restart later one server at a time
  aovpn.rras.win_ikev2_fragmentation:
  register: fragmentation

- name: Restart RemoteAccess where the change still needs it
  ansible.windows.win_service:
    name: RemoteAccess
    state: restarted
  when: fragmentation.restart_required
  throttle: 1

- name: Write the value on a Windows Server 2016 host anyway (not supported there)
  aovpn.rras.win_ikev2_fragmentation:
    allow_unsupported_build: true

- name: Turn it off again
  aovpn.rras.win_ikev2_fragmentation:
    state: disabled
    restart: true
"""

RETURN = r"""
before:
  description: The setting before the task.
  returned: success and when the change failed part way
  type: dict
  contains:
    server_fragmentation:
      description: Whether the service enables fragmentation at its next start (a non-zero DWORD).
      type: bool
      sample: false
    enable_server_fragmentation:
      description: The stored C(EnableServerFragmentation) data; null when the value does not exist.
      type: raw
      sample: null
after:
  description: The setting after the task (in check mode, after it would have run). Same keys as RV(before). After a failed write, what the host holds then.
  returned: success and when the change failed part way
  type: dict
  sample: {"server_fragmentation": true, "enable_server_fragmentation": 1}
os_build:
  description:
    - The integer OS build the supported-build policy was applied to; null when it could not be read.
    - Only looked up when O(state=enabled) has to change the value, from the gathered facts when the play has
      them, else from the registry.
  returned: when the build was read
  type: int
  sample: 17763
restart_required:
  description:
    - A change was made (or would be in check mode), now or by an earlier run, and C(RemoteAccess) has not been
      restarted since, so the service does not use it yet.
    - The change is remembered on the host (the DWORD C(AovpnRrasRestartPending) in the key the module manages,
      written before the first change, removed after a successful restart by the module with O(restart=true) or by
      the handler of P(aovpn.rras.remoteaccess_restart#role)), so a restart that failed or never came is not lost.
  returned: success and when the change failed part way
  type: bool
restart_pending:
  description:
    - The host held a change from an earlier run that RemoteAccess has not applied yet (see RV(restart_required)).
      The task then reports C(changed) even when no setting differs, so a notified handler restarts RemoteAccess.
  returned: success and when the change failed part way
  type: bool
  sample: true
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
  description:
    - The writes not done because a write failed (the failed one first).
    - When the connection was lost, the write in flight is listed first (its outcome is not known) and the host is
      reported unreachable.
  returned: when a write failed
  type: list
  elements: str
  sample: ["set EnableServerFragmentation (dword) = 1"]
"""
