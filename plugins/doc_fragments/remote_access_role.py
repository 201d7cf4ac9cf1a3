# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:
    """The Remote Access role check every writing aovpn.rras module makes before its first write.

    ``RESTART`` (``aovpn.rras.remote_access_role.restart``): the ``restart`` option of the modules whose change applies
    when RemoteAccess restarts.
    """

    DOCUMENTATION = r"""
options: {}
notes:
  - "Before the first write (also in check mode) the module confirms that the Remote Access role is installed (feature
    C(RemoteAccess) in M(ansible.windows.win_feature_info)) and RRAS configured (the C(RemoteAccess) service is not
    C(disabled), M(ansible.windows.win_service)). Otherwise it fails with the message
    C(the Remote Access role is not installed) or the message that RRAS is installed but not configured (RemoteAccess is
    disabled) and must be configured first with C(Install-RemoteAccess -VpnType Vpn), and writes nothing.
    The registry keys prove nothing: they exist on every Windows Server, with or without the role."
  - A host already in the wanted state needs no such check, so the steady state costs no extra round trip.
  - That an installed but unconfigured role leaves RemoteAccess C(disabled) is inferred, not verified on a real host.
"""

    RESTART = r"""
options:
  restart:
    description:
      - Restart the C(RemoteAccess) service once after a successful change so it applies the change.
      - Never restarts without a change, in check mode, or after a failed write (only after every registry write
        succeeded).
      - Without it a change returns RV(restart_required=true) and a warning (none when the task notifies a handler).
      - Restarting disconnects every VPN client on the server; in a farm, restart one server at a time.
    type: bool
    default: false
notes:
  - A restart (O(restart=true)) restarts C(RemoteAccess) without forcing dependent services (nothing is known to depend
    on it), exactly as the handler of the P(aovpn.rras.remoteaccess_restart#role) role does.
"""
