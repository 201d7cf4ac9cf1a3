# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PowerShell commands of ansible.windows' reboot (``plugin_utils/_reboot.py``), answered for an emulated host.

The real ``win_reboot`` action runs no module: it sends ``PowerShell -NoProfile -NonInteractive -ExecutionPolicy
Unrestricted -EncodedCommand <UTF-16-LE base64>`` through the connection (``_execute_command``: the command followed by
``; If (-not $?) { ... exit ... }``). The lab connection (``connection_plugins/lab_windows.py``) hands those to
:func:`run_encoded`, which recognises the four it sends and answers as Windows would; anything else fails (rc 1) naming
what the lab emulates:

* boot time (``_DEFAULT_BOOT_TIME_COMMAND``, ``LastBootUpTime.ToFileTime()``): the FILETIME of the host's last boot;
* the reboot (``shutdown.exe /r /t <delay> /c <msg>``, after removing ``Winlogon\\AutoLogonChecked`` when no test command
  was given): ``{"stdout", "stderr", "rc"}`` as JSON, and the host boots (``_lab_services.boot``);
* the test command (``Get-Item -LiteralPath '<key>' -ErrorAction Stop; '<marker>'``): the marker once the key exists;
* ``shutdown.exe /a``: 1116, no shutdown in progress (the lab reboots at once, so there never is one).

Each command is journaled as module ``powershell`` with ``args.command`` (``boot_time``, ``reboot``, ``test``, ``abort``,
``unknown``); a reboot also with the new ``boot_count``. ``lab_latency`` is slept once per command, ``lab_boot_duration`` by
a reboot before the host boots; ``lab_faults`` with ``module: powershell`` and ``command: <kind>`` fail it.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
from typing import Any

from ansible_collections.ansible.windows.plugins.module_utils._lab_host import (
    ENV_BOOT_DURATION, ENV_HOST, ENV_LATENCY, ENV_STATE_DIR, LabError, LabHost, delete_key_tree, faults_from_env, get_key, matching_fault, sleep_from_env)
from ansible_collections.ansible.windows.plugins.module_utils._lab_services import boot, boot_record

_EXIT_SUFFIX = re.compile(r"; If \(-not \$\?\) \{ If \(Get-Variable LASTEXITCODE -ErrorAction SilentlyContinue\) \{ exit \$LASTEXITCODE \} "
                          r"Else \{ exit 1 \} \}$")
BOOT_TIME = "(Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime).LastBootUpTime.ToFileTime()"
_REBOOT = re.compile(r"shutdown\.exe /r /t (?P<delay>\d+) /c ")
_REMOVE_FIRST = re.compile(r"if \(\$(?P<remove>True|False)\) \{\s*Remove-Item -LiteralPath '(?P<key>[^']+)'")
_TEST = re.compile(r"^Get-Item -LiteralPath '(?P<key>[^']+)' -ErrorAction Stop; '(?P<marker>[^']*)'$")
ABORT = "C:\\Windows\\System32\\shutdown.exe /a"

PREFIX = "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand "
"""How ``_execute_command`` runs a command: what the lab connection answers with :func:`run_encoded`."""

Result = tuple[int, str, str]


def decode(encoded: str) -> str:
    """The script ``_execute_command`` encoded, without its exit-code suffix."""
    script = base64.b64decode(encoded).decode("utf-16-le")
    return _EXIT_SUFFIX.sub("", script).strip()


def kind(script: str) -> str:
    if script == BOOT_TIME:
        return "boot_time"
    if _REBOOT.search(script):
        return "reboot"
    if _TEST.match(script):
        return "test"
    return "abort" if script == ABORT else "unknown"


def _answer(state: dict[str, Any], script: str, command: str, entry: dict[str, Any]) -> Result:
    if command == "boot_time":
        return 0, str(boot_record(state)["filetime"]), ""
    if command == "reboot":
        removal = _REMOVE_FIRST.search(script)
        if removal and removal["remove"] == "True":
            delete_key_tree(state, removal["key"])  # LogonUI recreates it once the boot is done
        sleep_from_env(ENV_BOOT_DURATION)  # the host is down, then boots (lab_boot_duration)
        entry["boot_count"] = boot(state)["count"]
        return 0, json.dumps({"stdout": "", "stderr": "", "rc": 0}), ""
    if command == "test":
        test = _TEST.match(script)
        if test is None or get_key(state, test["key"]) is None:
            return 1, "", f"Get-Item : Cannot find path '{test['key'] if test else ''}' because it does not exist."
        return 0, f"Name: {test['key'].rsplit(chr(92), 1)[-1]}\n{test['marker']}", ""
    if command == "abort":
        return 1116, "", "Unable to abort the system shutdown because no shutdown was in progress.(1116)"
    return 1, "", ("The lab emulates only the PowerShell commands of ansible.windows' reboot (boot time, shutdown /r, the test "
                   f"command, shutdown /a), not: {script.splitlines()[0] if script else '(empty)'}")


def respond(state: dict[str, Any], encoded: str, faults: list[dict[str, Any]]) -> tuple[Result, dict[str, Any], dict[str, Any]]:
    """Answer one encoded command for the host ``state``: ``(rc, stdout, stderr)``, its journal entry, and the state after it
    (``state`` itself, with its fault counters, when the command failed). The unit tests' fake host answers through this too."""
    script = decode(encoded)
    command = kind(script)
    entry: dict[str, Any] = {"module": "powershell", "args": {"command": command}, "check_mode": False, "diff_mode": False}
    work = copy.deepcopy(state)
    try:
        fault = matching_fault(state, faults, "powershell", {"command": command})
        if fault is not None:
            raise LabError(fault)
        rc, stdout, stderr = _answer(work, script, command, entry)
    except LabError as error:
        rc, stdout, stderr = 1, "", str(error)
    entry.update(changed=command == "reboot" and rc == 0, failed=rc != 0)
    if rc != 0:
        entry["msg"] = stderr
    return (rc, stdout, stderr), entry, work if rc == 0 else state


def run_encoded(encoded: str) -> Result:
    """Answer one encoded command for the host in ``AOVPN_LAB_HOST`` (the lab connection sets it); ``(rc, stdout, stderr)``."""
    sleep_from_env(ENV_LATENCY)  # the round trip of this command (lab_latency)
    host = LabHost(os.environ[ENV_HOST], os.environ[ENV_STATE_DIR])
    with host.locked():
        answer, entry, state = respond(host.load(), encoded, faults_from_env(dict(os.environ)))
        host.append_journal(state, entry)
        host.save(state)
    return answer
