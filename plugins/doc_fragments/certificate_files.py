# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:
    """What the lookups reading certificate files on the controller share: the terms, the PKCS#12 password."""

    DOCUMENTATION = r"""
options:
  _terms:
    description:
      - Certificate files, relative to the C(files/) search path or absolute.
    type: list
    elements: path
    required: true
  password:
    description:
      - Password of PKCS#12 files. Without it, files protected by no or an empty password are opened.
      - Never shown in messages nor returned. Keep it in Ansible Vault or an AWX credential.
    type: str
requirements:
  - cryptography (Python library, on the controller)
notes:
  - Runs on the controller only; the files never go to the managed host.
seealso:
  - plugin: ansible.builtin.file
    plugin_type: lookup
"""
