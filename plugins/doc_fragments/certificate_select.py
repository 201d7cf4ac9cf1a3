# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:
    """The ``select`` option of the certificate lookups and filters: which certificate of an input holding several."""

    DOCUMENTATION = r"""
options:
  select:
    description:
      - Which certificate of an input (a file, or the text of a filter) holding several.
      - V(leaf) is the end-entity certificate, the one that issues none of the others and is not a CA, whatever the
        order. Fails when the input holds several unrelated end-entity certificates.
      - V(first) is the first certificate.
      - V(all) returns a list, one result per certificate in input order (for a lookup, one list per term).
    type: str
    choices: [leaf, first, all]
    default: leaf
"""
