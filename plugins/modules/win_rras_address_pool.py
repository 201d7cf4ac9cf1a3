# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_rras_address_pool
short_description: Set how many addresses a Windows RRAS VPN server leases from DHCP at a time
version_added: 0.1.0
description:
  - Converges C(HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ip\InitialAddressPoolSize), the number
    of IPv4 addresses the Routing and Remote Access service obtains from DHCP for its VPN clients when it starts. Without
    the value it takes 10 (KB216805), so a busy server runs out of addresses for its clients until it leases more.
  - The C(Ip) key must exist. It is not created. A server without it does not assign IPv4 addresses (RRAS not configured
    for IPv4 remote access, or not installed), and the module fails naming the key, changing nothing (the reference
    script stops there too).
  - With C(UseDhcpAddressing) = V(0) in the C(Ip) key RRAS assigns addresses from a static pool, where the value has no
    effect. The module then writes it all the same and warns (that value's meaning is widely documented, not in the
    collection's verified facts).
  - The setting applies when the C(RemoteAccess) service restarts. Restarting it drops every connected VPN client,
    so by default the module only reports the need through RV(restart_required) and a warning (see O(restart); no
    warning when the task notifies a handler).
  - Runs on the controller and uses M(ansible.windows.win_reg_stat), M(ansible.windows.win_regedit) and
    M(ansible.windows.win_service); nothing else is executed on the host.
  - "Round trips: one M(ansible.windows.win_reg_stat) of the C(Ip) key when the value is already as desired."
options:
  initial_size:
    description:
      - The number of addresses, written as a DWORD.
      - At least V(10) (the reference script refuses less, and 10 is what the service uses without the value). A smaller
        number fails before the host is touched, naming the option.
    type: int
    required: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.attributes.converging
  - aovpn.rras.remote_access_role
  - aovpn.rras.remote_access_role.restart
seealso:
  - module: aovpn.rras.win_rras_info
  - ref: ansible_collections.aovpn.rras.docsite.rras.hardening
    description: The hardening settings, their defaults and sources.
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Lease 100 addresses at a time, restart RemoteAccess in the same maintenance window
  aovpn.rras.win_rras_address_pool:
    initial_size: 100
    restart: true
"""

RETURN = r"""
before:
  description: The setting before the task.
  returned: success and when the change failed part way
  type: dict
  contains:
    initial_size:
      description: The pool size the service uses at its next start (10 when the value is missing or not a DWORD).
      type: int
      sample: 10
    initial_address_pool_size:
      description: The stored C(InitialAddressPoolSize) data; null when the value does not exist.
      type: raw
      sample: null
after:
  description: The setting after the task (in check mode, after it would have run). Same keys as RV(before). After a failed write, what the host holds then.
  returned: success and when the change failed part way
  type: dict
  sample: {"initial_size": 100, "initial_address_pool_size": 100}
restart_required:
  description:
    - A change was made (or would be in check mode), now or by an earlier run, and C(RemoteAccess) has not been
      restarted since, so the service does not use it yet.
    - The change is remembered on the host (the DWORD C(AovpnRrasRestartPending) in the C(Ip) key, written before the
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
  sample: ["set InitialAddressPoolSize (dword) = 100"]
"""
