# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:
    """Attributes every aovpn.rras module shares: controller-side action, Windows targets, full check mode.

    Modules add their own C(details) and C(diff_mode) support next to these. ``CONVERGING``
    (``aovpn.rras.attributes.converging``) is that pair for the modules that converge one setting and report
    RV(before) and RV(after).
    """

    DOCUMENTATION = r"""
options: {}
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
  platform:
    platforms: windows
"""

    CONVERGING = r"""
attributes:
  check_mode:
    details: Reads the host and reports what would change; writes nothing and restarts nothing.
  diff_mode:
    support: full
    details: Before and after of RV(before) and RV(after) when something changes.
"""
