# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SSTP listener of an emulated host: what RemoteAccess serves while it runs (tests/lab/README.md "SSTP listener").

After each start of RemoteAccess (``_lab_rras.remoteaccess_start`` decided what is bound), the host's
listener is replaced by a detached ``tests/lab/tls_endpoint.py`` on the host's own loopback address
(``listener.json``, given by ``labctl.py reset``) and the SSTP port: TLS with the certificate RRAS bound
(its key as the host's store keeps it), or plain HTTP in offload mode; nothing when the start bound nothing
(Events 11, 18, 25, 32). Stopping the service stops it. The fault ``{module: sstp_listener, status: 503}``
makes it answer the SSTP path with that status.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import subprocess
import sys
from typing import Any

from ansible_collections.ansible.windows.plugins.module_utils._lab_host import (
    ENV_HOST, ENV_STATE_DIR, LISTENER_PID_FILE, LabError, faults_from_env, listener_config, listener_port, stop_listener, store_entries)

_CERT_FILE = "listener-cert.pem"
_KEY_FILE = "listener-key.pem"
_LOG_FILE = "listener.log"
_LIFETIME = 3600  # seconds: a listener nobody stops (a killed test run) ends by itself
_READY_TIMEOUT = 60.0  # a loaded CI machine can take seconds to start a Python process


def _directory() -> str:
    return os.path.join(os.environ[ENV_STATE_DIR], os.environ[ENV_HOST])


def _pem(label: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b"\n".join([f"-----BEGIN {label}-----".encode(), *lines, f"-----END {label}-----".encode()]) + b"\n"


def _write_identity(state: dict[str, Any], directory: str, thumbprint: str) -> list[str]:
    """Write the bound certificate and its key (as LocalMachine\\My keeps them) for the server; return its arguments."""
    for entry in store_entries(state, "LocalMachine", "My") or []:
        der = base64.b64decode(entry["der_b64"])
        if hashlib.sha1(der).hexdigest().upper() == thumbprint and entry.get("key_pem_b64"):  # nosec - thumbprint
            cert, key = os.path.join(directory, _CERT_FILE), os.path.join(directory, _KEY_FILE)
            with open(cert, "wb") as handle:
                handle.write(_pem("CERTIFICATE", der))
            with open(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
                handle.write(base64.b64decode(entry["key_pem_b64"]))
            return ["--cert", cert, "--key", key]
    raise LabError(f"lab: the key of the bound certificate {thumbprint} is not in the host's LocalMachine\\My (no key_pem_b64)")


def _status_fault() -> int:
    faults = [f for f in faults_from_env(dict(os.environ)) if str(f["module"]).lower() == "sstp_listener"]
    return int(faults[0].get("status", 503)) if faults else 401


def _serve(directory: str, config: dict[str, str], port: int, served: list[str]) -> dict[str, Any]:
    address = config["address"]
    pid_file = os.path.join(directory, LISTENER_PID_FILE)
    command = [sys.executable, config["server"], *served, "--host", address, "--port", str(port), "--status", str(_status_fault()),
               "--seconds", str(_LIFETIME), "--pid-file", pid_file]
    with open(os.path.join(directory, _LOG_FILE), "ab") as log:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,  # pylint: disable=consider-using-with
                                start_new_session=True, close_fds=True)
    assert proc.stdout is not None
    with proc.stdout:
        ready, _w, _x = select.select([proc.stdout], [], [], _READY_TIMEOUT)
        line = proc.stdout.readline().decode().strip() if ready else ""
    if not line:
        proc.kill()
        return {"address": address, "port": port, "pid": None, "error": f"the listener did not start (see {_LOG_FILE})"}
    return {"address": address, "port": port, "pid": proc.pid, "error": None}


def follow(state: dict[str, Any], service: dict[str, Any] | None) -> dict[str, Any] | None:
    """Make the host's SSTP listener follow RemoteAccess after a call changed it; returns what now listens (None: nothing).

    Called outside check mode only. A running service gets a new listener for its last start's ``sstp_binding``.
    """
    directory = _directory()
    stop_listener(directory)
    binding = (service or {}).get("sstp_binding")
    if service is None or service.get("state") != "running" or not binding:
        return None
    config = listener_config(directory)
    if config is None:
        return None  # a host seeded before the lab had listeners: run labctl.py reset
    if binding["use_https"] and not binding["bound"]:
        return None  # the start bound nothing (Event 11, 18, 25 or 32): http.sys serves no SSTP
    served = _write_identity(state, directory, binding["thumbprint"]) if binding["use_https"] else ["--plain"]
    return {**_serve(directory, config, listener_port(binding["port"]), served), "https": binding["use_https"]}
