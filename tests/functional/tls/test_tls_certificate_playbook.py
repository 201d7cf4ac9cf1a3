"""The lookup inside a real ``ansible-playbook`` run on localhost, against a loopback SSTP-like peer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

from aovpn_testing import COLLECTIONS_ROOT

from ansible_collections.aovpn.rras.tests.functional.tls import peers
from ansible_collections.aovpn.rras.tests.lab.tls_endpoint import TlsEndpoint
from ansible_collections.aovpn.rras.tests.unit import certgen

PLAYBOOK = """
- name: What the VPN endpoint presents
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read what the endpoint presents
      ansible.builtin.set_fact:
        served: "{{ lookup('aovpn.rras.tls_certificate', endpoint, server_name='vpn.example.test', sstp_probe=true, chain=true, timeout=5) }}"

    - name: Compare with the hash RRAS holds
      ansible.builtin.assert:
        that:
          - served.sha256 == expected_sha256
          - served.sstp.answering
          - served.chain | length == 1

    - name: Keep the result for the test
      ansible.builtin.copy:
        content: "{{ served | to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"

    - name: A closed port fails the task with host, port and cause
      block:
        - name: Probe a closed port
          ansible.builtin.debug:
            msg: "{{ lookup('aovpn.rras.tls_certificate', closed_endpoint, timeout=2) }}"
      rescue:
        - name: Keep the error for the test
          ansible.builtin.copy:
            content: "{{ ansible_failed_result.msg }}"
            dest: "{{ error_file }}"
            mode: "0600"
"""


def test_lookup_in_ansible_playbook(certs: peers.Certificates, start_peer: t.Callable[..., TlsEndpoint], tmp_path: Path) -> None:
    peer = start_peer(peers.TlsHandler(peers.tls_context(certs.public), status=401, reason="Unauthorized", server="Microsoft-HTTPAPI/2.0"))
    closed = peers.free_port()
    playbook = tmp_path / "diagnose.yml"
    playbook.write_text(PLAYBOOK)
    extra_vars = {
        "endpoint": f"127.0.0.1:{peer.port}",
        "closed_endpoint": f"127.0.0.1:{closed}",
        "expected_sha256": certgen.openssl_fingerprint(certs.public.issued.cert, "sha256"),
        "result_file": str(tmp_path / "served.json"),
        "error_file": str(tmp_path / "error.txt"),
        "ansible_python_interpreter": sys.executable,
    }
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra_vars)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    served = json.loads((tmp_path / "served.json").read_text())
    assert len(peer.requests) == 1  # set_fact probed once
    assert served["sha1"] == certgen.openssl_fingerprint(certs.public.issued.cert, "sha1")
    assert served["sstp"]["status"] == 401 and served["sstp"]["server"] == "Microsoft-HTTPAPI/2.0"
    assert served["chain"][0]["subject"] == "CN=Example Public TLS CA 1"
    error = (tmp_path / "error.txt").read_text()
    assert f"no TLS certificate from 127.0.0.1:{closed}: connection refused" in error
