# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IKEv2 fragmentation facts, desired state and the supported-build policy (pure: no Ansible imports).

Facts (the collection docs ``docs/docsite/rst/rras.rst``; richardhicks/aovpn ``Enable-IKEv2Fragmentation.ps1``; MicrosoftDocs/windowsserverdocs
issue 3475):

* ``RemoteAccess\\Parameters\\Ikev2\\EnableServerFragmentation`` (DWORD) 1 turns on RFC 7383
  fragmentation on the server; missing or 0 = off (the default). It applies when RemoteAccess restarts.
* The reference script requires build 17134 (Windows Server 1803); a Microsoft engineer states Windows
  Server 2019 (17763) is the first build that supports it. 17763+ is safe on both readings.
* The reference script compares version *strings*: ``'6.3.9600' -lt '10.0.17134'`` is false, so
  Windows Server 2012 R2 passes its check. Here builds are compared as integers.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping
from dataclasses import dataclass

from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import RegistryValue, RegistryWrite, readable_value

REMOTE_ACCESS_PARAMETERS_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters"
IKEV2_KEY = REMOTE_ACCESS_PARAMETERS_KEY + "\\Ikev2"
SERVER_FRAGMENTATION = "EnableServerFragmentation"
CURRENT_VERSION_KEY = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

NOT_INSTALLED_MSG = "RRAS is not installed or not configured on this host: " + REMOTE_ACCESS_PARAMETERS_KEY + " does not exist"

REFERENCE_MIN_BUILD = 17134
"""Windows Server 1803: the minimum of the reference script."""
CONFIRMED_MIN_BUILD = 17763
"""Windows Server 2019: the first build Microsoft confirms."""

STATES = ("enabled", "disabled")

# Build values as Windows stores them: "17763" (CurrentBuildNumber, CurrentBuild); tolerate a
# dotted version ("10.0.17763", "6.3.9600", "17763.1234") and surrounding blanks.
_VERSION_RE = re.compile(r"^\s*(\d+)\.(\d+)\.(\d+)(?:\.\d+)?\s*$")
_BUILD_RE = re.compile(r"^\s*(\d+)(?:\.\d+)?\s*$")
_BUILD_VALUES = ("CurrentBuildNumber", "CurrentBuild")


def server_fragmentation(properties: Mapping[str, RegistryValue] | None) -> bool:
    """Whether RemoteAccess enables fragmentation at start: a non-zero DWORD ``EnableServerFragmentation``.

    ``None`` (the ``Ikev2`` key does not exist), a missing value or a value of another type mean off.
    """
    value = (properties or {}).get(SERVER_FRAGMENTATION)
    return value is not None and value.value_type == "dword" and bool(value.data)


def ikev2_settings(properties: Mapping[str, RegistryValue] | None) -> dict[str, t.Any]:
    """Readable settings for results and diffs: the effective flag and the stored value (``None`` if missing)."""
    value = (properties or {}).get(SERVER_FRAGMENTATION)
    return {
        "server_fragmentation": server_fragmentation(properties),
        "enable_server_fragmentation": readable_value(value),
    }


def fragmentation_steps(properties: Mapping[str, RegistryValue] | None, state: str) -> list[RegistryWrite]:
    """The write that converges ``EnableServerFragmentation`` to ``state`` (empty list = nothing to do).

    ``enabled`` means DWORD 1. ``disabled`` means DWORD 0 whenever a value is stored (a 1, another
    number or a value of the wrong type is overwritten with an explicit 0, which is what an admin
    reading the key expects to see), while a missing value is already disabled (off is the
    documented default): writing a 0 there would create the ``Ikev2`` key and ask for a restart of
    RemoteAccess, dropping every VPN client, without changing anything the service does.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    current = properties or {}
    if state == "disabled" and current.get(SERVER_FRAGMENTATION) is None:
        return []
    step = RegistryWrite.set(IKEV2_KEY, SERVER_FRAGMENTATION, "dword", 1 if state == "enabled" else 0)
    return [] if step.is_satisfied_by(current) else [step]


def parse_build(text: t.Any) -> int | None:
    """The build number in a registry build value, or ``None`` if it holds no recognisable build.

    ``"17763"`` -> 17763, ``" 9600 "`` -> 9600, ``"10.0.17134"`` -> 17134, ``"6.3.9600.0"`` -> 9600,
    ``"17763.1234"`` (build.revision) -> 17763; an int (a DWORD) is taken as it is.
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if text > 0 else None
    if not isinstance(text, str):
        return None
    version = _VERSION_RE.match(text)
    if version:
        return int(version.group(3))
    build = _BUILD_RE.match(text)
    return int(build.group(1)) if build and int(build.group(1)) > 0 else None


def os_build(properties: Mapping[str, RegistryValue] | None) -> int | None:
    """The OS build from ``CurrentVersion``: ``CurrentBuildNumber``, else ``CurrentBuild``."""
    for name in _BUILD_VALUES:
        value = (properties or {}).get(name)
        build = parse_build(value.data) if value is not None else None
        if build is not None:
            return build
    return None


def facts_build(facts: Mapping[str, t.Any] | None) -> int | None:
    """The build in gathered (or cached) Windows facts, or ``None``: ``distribution_version`` is ``10.0.20348.0``.

    Saves the ``CurrentVersion`` read when a play gathered facts; facts of another OS family are ignored.
    """
    if not facts or facts.get("os_family") != "Windows":
        return None
    return parse_build(facts.get("distribution_version"))


def build_support(build: int | None) -> str:
    """``confirmed`` (17763+), ``disputed`` (17134 to 17762) or ``unsupported`` (older or unknown)."""
    if build is not None and build >= CONFIRMED_MIN_BUILD:
        return "confirmed"
    if build is not None and build >= REFERENCE_MIN_BUILD:
        return "disputed"
    return "unsupported"


@dataclass(frozen=True)
class BuildVerdict:
    """Outcome of :func:`check_build`: ``error`` refuses the change, ``warning`` lets it proceed."""

    build: int | None
    error: str | None = None
    warning: str | None = None


def check_build(build: int | None, allow_unsupported_build: bool) -> BuildVerdict:
    """Apply the supported-build policy to an integer build (``None`` = unreadable).

    ``confirmed``: allowed. ``disputed``: allowed with a warning that support before Windows Server
    2019 is disputed. ``unsupported`` (below 17134 or unknown): refused unless
    ``allow_unsupported_build``, then allowed with a warning.
    """
    support = build_support(build)
    if support == "confirmed":
        return BuildVerdict(build)
    if support == "disputed":
        return BuildVerdict(
            build,
            warning=(
                f"OS build {build} is older than Windows Server 2019 (build {CONFIRMED_MIN_BUILD}): support for IKEv2 server "
                f"fragmentation before it is disputed (the reference script accepts {REFERENCE_MIN_BUILD}+, Microsoft names "
                "Windows Server 2019). Verify that the server's IKE_SA_INIT carries IKEV2_FRAGMENTATION_SUPPORTED."
            ),
        )
    if build is None:
        problem = (f"The OS build could not be read from {CURRENT_VERSION_KEY} (CurrentBuildNumber, CurrentBuild), "
                   f"so it cannot be compared with {REFERENCE_MIN_BUILD}, the oldest build that may support IKEv2 server fragmentation")
    else:
        problem = f"OS build {build} is below {REFERENCE_MIN_BUILD}, the oldest build that may support IKEv2 server fragmentation"
    if allow_unsupported_build:
        return BuildVerdict(build, warning=f"{problem}; writing it anyway because allow_unsupported_build=true. The service may ignore it.")
    return BuildVerdict(build, error=f"{problem}. Set allow_unsupported_build=true to write the value anyway.")
