# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: win_ikev2_load_balancing
short_description: Let IKEv2 on a Windows RRAS VPN server accept many clients behind a load balancer that NATs them
version_added: 0.1.0
description:
  - Converges C(HKLM:\SYSTEM\CurrentControlSet\Services\IKEEXT\Parameters\IkeNumEstablishedForInitialQuery). Behind a
    load balancer that translates the clients' source addresses, every IKEv2 client comes from few addresses; without a
    high value the IKE service treats the many new negotiations from one address as a flood and stops answering some.
    The reference script writes V(50000); without the value the service uses 10 (reference author, not verified).
  - The setting belongs to the B(IKEEXT) service (IKE and AuthIP IPsec Keying Modules) and applies when B(IKEEXT)
    restarts, not C(RemoteAccess). The module reports the need through RV(restart_required) with RV(restart_service)
    V(IKEEXT) and a warning, and restarts IKEEXT only with O(restart=true).
  - "What restarting IKEEXT does to RemoteAccess: M(ansible.windows.win_service) restarts with PowerShell's
    C(Restart-Service -Force:<force_dependent_services>). Without C(-Force), C(Restart-Service) refuses to stop a service
    one of whose dependent services is not stopped (nothing is restarted); with it, the running dependents are stopped
    and started again. C(RemoteAccess) depends on RpcSs, BFE, RasMan and Http, not on IKEEXT, so it keeps running. The
    module never forces dependent services: if a service on the host depends on IKEEXT and runs, the restart fails
    with the message of M(ansible.windows.win_service) and the change stays pending."
  - IKEEXT holds the IKE and IPsec security associations, so its restart drops the IKEv2 (and L2TP/IPsec) VPN
    connections of the server (inferred, not verified on a real host); SSTP connections are not IPsec. In a farm,
    restart one server at a time.
  - The reference script also sets the IKEv2 idle timeout and network outage time (C(netsh ras set ikev2connection));
    this module leaves them out, because the service fails when some of the values that store them are missing.
  - Runs on the controller and uses M(ansible.windows.win_reg_stat), M(ansible.windows.win_regedit) and
    M(ansible.windows.win_service); nothing else is executed on the host.
  - "Round trips: one M(ansible.windows.win_reg_stat) of C(IKEEXT\\Parameters) when the value is already as desired
    (a second read of the service key when C(Parameters) does not exist)."
options:
  established_for_initial_query:
    description:
      - The value of C(IkeNumEstablishedForInitialQuery), a DWORD between V(1) and V(4294967295). Anything else fails
        before the host is touched, naming the option.
    type: int
    default: 50000
  restart:
    description:
      - Restart the C(IKEEXT) service once after a successful change so it applies the setting (dependent services
        are not forced, see the description).
      - Never restarts without a change, in check mode, or after a failed write. Never restarts C(RemoteAccess).
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - aovpn.rras.attributes
  - aovpn.rras.attributes.converging
  - aovpn.rras.remote_access_role
seealso:
  - module: aovpn.rras.win_ikev2_fragmentation
  - module: ansible.windows.win_service
  - ref: ansible_collections.aovpn.rras.docsite.rras.hardening
    description: The hardening settings, their defaults and sources.
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Let IKEv2 accept the clients of a NAT-ing load balancer, restart IKEEXT now
  aovpn.rras.win_ikev2_load_balancing:
    restart: true

- name: Set it without restarting
  aovpn.rras.win_ikev2_load_balancing:
    established_for_initial_query: 50000
  register: ike

- name: Restart IKEEXT where the change still needs it, one server at a time
  ansible.windows.win_service:
    name: "{{ ike.restart_service }}"
    state: restarted
  when: ike.restart_required
  throttle: 1
"""

RETURN = r"""
before:
  description: The setting before the task.
  returned: success and when the change failed part way
  type: dict
  contains:
    established_for_initial_query:
      description: The stored C(IkeNumEstablishedForInitialQuery) data; null when the value does not exist.
      type: raw
      sample: null
after:
  description: The setting after the task (in check mode, after it would have run). Same keys as RV(before). After a failed write, what the host holds then.
  returned: success and when the change failed part way
  type: dict
  sample: {"established_for_initial_query": 50000}
restart_service:
  description: The service whose restart applies the setting.
  returned: success and when the change failed part way
  type: str
  sample: IKEEXT
restart_required:
  description:
    - A change was made (or would be in check mode), now or by an earlier run, and C(IKEEXT) has not been restarted
      since, so the service does not use it yet.
    - The change is remembered on the host (the DWORD C(AovpnRrasRestartPending) in C(IKEEXT\Parameters), written before
      the first change, removed after a successful restart of IKEEXT by the module with O(restart=true)).
  returned: success and when the change failed part way
  type: bool
restart_pending:
  description:
    - The host held a change from an earlier run that IKEEXT has not applied yet (see RV(restart_required)). The task
      then reports C(changed) even when no setting differs.
  returned: success and when the change failed part way
  type: bool
  sample: false
restarted:
  description: C(IKEEXT) was restarted by this task.
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
  sample: ["set IkeNumEstablishedForInitialQuery (dword) = 50000"]
"""
