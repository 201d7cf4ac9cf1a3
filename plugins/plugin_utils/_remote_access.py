# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Remote Access role and the RemoteAccess service: is RRAS there, and how it is restarted (pure: no Ansible imports).

Facts (docs/docsite/rst/rras.rst, "Platform facts"):

* The RemoteAccess service exists on every Windows Server (start mode ``disabled`` without the role),
  and the ``SstpSvc\\Parameters`` and ``RemoteAccess\\Parameters\\Ikev2`` keys exist without the role:
  key presence proves nothing.
* The role is the ``RemoteAccess`` feature (with ``DirectAccess-VPN`` and ``Routing`` as its role
  services) in ``ansible.windows.win_feature_info``.
* Installed but not configured: RemoteAccess stays ``disabled`` (inferred, not verified on a real host);
  configured (``Install-RemoteAccess -VpnType Vpn``): ``auto``.
* Nothing is known to depend on RemoteAccess: every restart path uses :data:`RESTART_ARGS`.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from dataclasses import dataclass

REMOTE_ACCESS_SERVICE = "RemoteAccess"
ROLE_FEATURE = "RemoteAccess"

RESTART_ARGS: dict[str, t.Any] = {"name": REMOTE_ACCESS_SERVICE, "state": "restarted", "force_dependent_services": False}
"""The one definition of a RemoteAccess restart (``ansible.windows.win_service`` arguments).

The modules' ``restart=true``, the sstp_certificate role's bind-restart and the aovpn.rras.remoteaccess_restart
handler all restart with these arguments (a unit test compares the YAML with this). Nothing is known to
depend on RemoteAccess, so dependent services are never forced.
"""


@dataclass(frozen=True)
class ServiceRestart:
    """A service whose restart applies a module's change: the ``win_service`` arguments and what the restart costs."""

    service: str
    args: Mapping[str, t.Any]
    cost: str
    """Why a restart is not done by default, for the warning (e.g. that it disconnects the VPN clients)."""


REMOTE_ACCESS_RESTART = ServiceRestart(REMOTE_ACCESS_SERVICE, RESTART_ARGS, "this disconnects every VPN client on the server")

NOT_INSTALLED_MSG = "the Remote Access role is not installed"
NOT_CONFIGURED_MSG = "RRAS is installed but not configured (RemoteAccess is disabled): configure it first (Install-RemoteAccess -VpnType Vpn)"


@dataclass(frozen=True)
class RoleState:
    """What the service and the feature list say about RRAS on a host."""

    installed: bool
    configured: bool

    @property
    def error(self) -> str | None:
        """Why nothing may be written (``None`` when RRAS is installed and configured)."""
        if not self.installed:
            return NOT_INSTALLED_MSG
        if not self.configured:
            return NOT_CONFIGURED_MSG
        return None


@dataclass(frozen=True)
class HostFacts:
    """What the aovpn.rras modules learned about a host once, kept for the rest of the run in its fact ``aovpn_rras_host``.

    ``remote_access``: ``configured`` once a module confirmed the role (only that outcome is kept: a refusal is read again);
    ``os_build``: the build read from ``CurrentVersion``. ``run``: the run that learned them (the controller's per-run
    temporary directory): a persistent fact cache (AWX fact storage, ``jsonfile``) keeps the fact across runs, but a role
    removed or an OS upgraded since must be read again, so what another run learned is ignored. ``restart_pending``: the keys
    a module found or left the RemoteAccess pending-restart marker in (``_restart_marker``; not another service's, such
    as IKEEXT's), where the restart handler of aovpn.rras.remoteaccess_restart removes it (every marker key when the fact
    is missing); a key listed after its marker was removed costs a removal of nothing. ``reboot_pending``: the same for the
    pending-reboot marker (``_reboot_marker``), which the reboot handler of aovpn.rras.remoteaccess_restart removes after a
    successful reboot.
    """

    FACT: t.ClassVar[str] = "aovpn_rras_host"
    REMOTE_ACCESS: t.ClassVar[str] = "remote_access"
    CONFIGURED: t.ClassVar[str] = "configured"
    OS_BUILD: t.ClassVar[str] = "os_build"
    RESTART_PENDING: t.ClassVar[str] = "restart_pending"
    REBOOT_PENDING: t.ClassVar[str] = "reboot_pending"
    RUN: t.ClassVar[str] = "run"

    known: Mapping[str, t.Any]
    run: str

    @classmethod
    def of(cls, task_vars: Mapping[str, t.Any], run: str) -> HostFacts:
        """What this ``run`` learned about the host so far (nothing when the fact is another run's)."""
        facts = task_vars.get("ansible_facts") or {}
        known = facts.get(cls.FACT) if isinstance(facts, Mapping) else None
        return cls(known if isinstance(known, Mapping) and known.get(cls.RUN) == run else {}, run)

    @property
    def remote_access_configured(self) -> bool:
        return self.known.get(self.REMOTE_ACCESS) == self.CONFIGURED

    @property
    def os_build(self) -> int | None:
        build = self.known.get(self.OS_BUILD)
        return build if isinstance(build, int) and not isinstance(build, bool) and build > 0 else None

    def learned(self, new: Mapping[str, t.Any]) -> dict[str, t.Any]:
        """The ``ansible_facts`` of a result that adds ``new`` to what is known."""
        merged = {**self.known, **new, self.RUN: self.run}
        for keys in (self.RESTART_PENDING, self.REBOOT_PENDING):
            if keys in new:
                merged[keys] = sorted(set(self.known.get(keys) or []) | set(new[keys]))
        return {self.FACT: merged}


def service_enabled(service: Mapping[str, t.Any]) -> bool:
    """Whether the RemoteAccess service exists with a start mode other than ``disabled`` (``win_service`` read)."""
    return bool(service.get("exists")) and str(service.get("start_mode") or "disabled").lower() != "disabled"


def feature_installed(features: Mapping[str, t.Any], name: str = ROLE_FEATURE) -> bool:
    """Whether ``win_feature_info`` lists feature ``name`` as installed (names compare case-insensitively)."""
    for feature in features.get("features") or []:
        if str(feature.get("name", "")).lower() == name.lower():
            installed = feature.get("installed")
            return bool(installed) if installed is not None else str(feature.get("install_state", "")).lower() == "installed"
    return False


def role_state(service: Mapping[str, t.Any], features: Mapping[str, t.Any]) -> RoleState:
    """The role is installed when the ``RemoteAccess`` feature is; configured when, in addition, the service is not disabled."""
    installed = feature_installed(features)
    return RoleState(installed=installed, configured=installed and service_enabled(service))
