#!/usr/bin/python
# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations
__metaclass__ = type

DOCUMENTATION = r"""
---
module: sstp_health
short_description: Wait until an RRAS server answers SSTP as a healthy one does
version_added: 0.1.0
description:
  - The health gate of the aovpn.rras rollout (P(aovpn.rras.remoteaccess_restart#role)), usable on its own.
  - Given what the server holds (the result of M(aovpn.rras.win_rras_info), read after the restart), checks that the
    C(RemoteAccess) service runs, then sends the load balancer health request
    C(HEAD /sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/) to O(address):O(port) until it is answered with HTTP 401,
    over TLS presenting the certificate whose SHA-256 the server holds in C(SstpSvc\Parameters) (HTTPS mode), or over
    plain HTTP (offload mode, C(UseHttps) = 0), or until O(timeout) seconds have passed. Then it fails, saying what was
    expected and what was seen (HTTP status, certificate hash, connection error).
  - The TLS client trusts nothing and verifies nothing (the certificate is compared by its SHA-256); no name is sent
    (SNI) to an IP address.
  - A server in HTTPS mode that holds no C(SHA256CertificateHash) has no SSTP certificate (the service found none at
    start, RasSstp Event 11) and offers no SSTP (for example an IKEv2-only server); then only C(RemoteAccess) is
    checked and RV(sstp_probed) is false.
  - Runs where it is delegated (the controller, usually), not on the Windows server; it reads nothing from the server
    itself. Never reports a change.
options:
  server:
    description:
      - The registered result of M(aovpn.rras.win_rras_info) for the server; its RV(aovpn.rras.win_rras_info#module:sstp)
        and RV(aovpn.rras.win_rras_info#module:remote_access_service) are used.
    type: dict
    required: true
  address:
    description: Address or name the server's SSTP listener is reached at, from where this module runs.
    type: str
    required: true
  port:
    description: TCP port of the SSTP listener. Default the server's own (C(ListenerPort), else 443 for HTTPS and 80 for HTTP).
    type: int
  timeout:
    description: Seconds the server is given to become healthy.
    type: int
    default: 120
  interval:
    description:
      - Seconds between two probes.
      - The default is short so that a server that answers a moment after its restart holds up a rollout by at most
        half a second; a probe that gets no answer waits for it (at most 10 seconds) before the interval starts.
    type: float
    default: 0.5
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Read-only; probes the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: posix
requirements:
  - Python 3.10 or later where it runs.
seealso:
  - module: aovpn.rras.win_rras_info
author:
  - aovpn.rras contributors (@aovpn)
"""

EXAMPLES = r"""
- name: Restart RemoteAccess
  ansible.windows.win_service:
    name: RemoteAccess
    state: restarted

- name: Read what the server serves after the restart
  aovpn.rras.win_rras_info:
  register: rras

- name: Wait until SSTP answers with the certificate the server holds
  aovpn.rras.sstp_health:
    server: "{{ rras }}"
    address: "{{ ansible_host | default(inventory_hostname) }}"
    timeout: 60
  delegate_to: localhost

- name: Probe through the load balancer's private side, from a host next to it
  aovpn.rras.sstp_health:
    server: "{{ rras }}"
    address: 10.0.20.11
    port: 443
  delegate_to: jumphost.example.com
"""

RETURN = r"""
healthy:
  description: Whether the server passed (false only in a failed result).
  returned: always
  type: bool
  sample: true
sstp_probed:
  description: Whether SSTP was probed; false when the server offers no SSTP (HTTPS mode without a certificate hash) or the gate failed before probing.
  returned: always
  type: bool
  sample: true
endpoint:
  description: The probed C(address:port); null when SSTP was not probed.
  returned: always
  type: str
  sample: 10.0.20.11:443
mode:
  description: V(https) or V(offload); null when SSTP was not probed.
  returned: always
  type: str
  sample: https
expected_sha256:
  description: SHA-256 of the certificate the server holds (HTTPS mode); null otherwise.
  returned: always
  type: str
  sample: 3B1E5A4C2F0D9E8B7A6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A
status:
  description: HTTP status of the last answer; null without one.
  returned: always
  type: int
  sample: 401
presented_sha256:
  description: SHA-256 of the certificate the last TLS handshake presented; null over plain HTTP or without a handshake.
  returned: always
  type: str
  sample: 3B1E5A4C2F0D9E8B7A6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A
error:
  description: What went wrong with the last probe (connection refused, timeout, not TLS); null when it got an answer.
  returned: always
  type: str
  sample: "refused: connection refused (nothing listens on that port)"
attempts:
  description: Number of probes.
  returned: always
  type: int
  sample: 1
elapsed:
  description: Seconds spent probing.
  returned: always
  type: float
  sample: 0.02
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aovpn.rras.plugins.module_utils._sstp_health import DEFAULT_INTERVAL, DEFAULT_TIMEOUT, check


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "server": {"type": "dict", "required": True},
            "address": {"type": "str", "required": True},
            "port": {"type": "int"},
            "timeout": {"type": "int", "default": DEFAULT_TIMEOUT},
            "interval": {"type": "float", "default": DEFAULT_INTERVAL},
        },
        supports_check_mode=True,
    )
    params = module.params
    if not params["address"]:
        module.fail_json(msg="address must not be empty")
    if params["port"] is not None and not 0 < params["port"] < 65536:
        module.fail_json(msg=f"port must be between 1 and 65535, got {params['port']}")
    if params["timeout"] < 1 or params["interval"] <= 0:
        module.fail_json(msg=f"timeout must be at least 1 and interval positive, got timeout {params['timeout']}, interval {params['interval']}")
    verdict = check(params["server"], params["address"], params["port"], params["timeout"], params["interval"])
    seen = verdict.observation
    expected = verdict.expected
    result = {
        "changed": False,
        "healthy": verdict.healthy,
        "sstp_probed": expected is not None,
        "endpoint": expected.endpoint if expected else None,
        "mode": ("https" if expected.https else "offload") if expected else None,
        "expected_sha256": expected.sha256 if expected else None,
        "status": seen.status if seen else None,
        "presented_sha256": seen.sha256 if seen else None,
        "error": seen.error if seen else None,
        "attempts": verdict.attempts,
        "elapsed": round(verdict.elapsed, 3),
        "msg": verdict.msg,
    }
    if not verdict.healthy:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
