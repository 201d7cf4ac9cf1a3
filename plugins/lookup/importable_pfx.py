# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: importable_pfx
short_description: A PKCS#12 file that a Windows host of a given build can import
version_added: 0.1.0
author: aovpn.rras contributors (@aovpn)
description:
  - Windows Server 2016 and 2012 R2 cannot import a PKCS#12 file encrypted with PBES2/AES (the default of OpenSSL 3 and
    of the Python library cryptography); they fail with the misleading "The specified network password is not correct."
    Windows Server 2019 (build 17763) and later import both forms.
  - For O(build) 17763 or later the file is returned as it is (it may be encrypted with Ansible Vault; the
    M(ansible.windows.win_copy) action decrypts it on the way). For an older or unknown build, the file is re-encoded
    on the controller into the legacy form every Windows version imports (PBE-SHA1-3DES for the key and the
    certificates, SHA-1 MAC, the form of C(openssl pkcs12 -export -legacy)), protected by the same O(password), and
    written to a new private temporary file (mode 0600) in Ansible's local temporary directory. The key is never
    written to the controller's disk unencrypted. Delete that file after copying it (RV(_raw[].reencoded) says
    whether there is one); Ansible removes its local temporary directory at the end of the run anyway.
  - Used by the P(aovpn.rras.sstp_certificate#role) role.
options:
  _terms:
    description: The PFX file, relative to the C(files/) search path or absolute, plain or encrypted with Ansible Vault.
    type: list
    elements: path
    required: true
  password:
    description:
      - Password of the PKCS#12 file. Required to re-encode it. Never shown in messages nor returned.
    type: str
  build:
    description:
      - The Windows build number of the host that imports the file (C(CurrentBuildNumber), for example V(14393)), or a
        version such as V(10.0.14393). Unknown (omitted or unreadable) means re-encode.
    type: raw
requirements:
  - cryptography (Python library, on the controller)
notes:
  - Runs on the controller. A re-encoded file still needs O(password) to import.
seealso:
  - module: ansible.windows.win_certificate_store
"""

EXAMPLES = r"""
- name: Prepare a PFX the host can import
  ansible.builtin.set_fact:
    upload: "{{ lookup('aovpn.rras.importable_pfx', 'vpn.example.com.pfx', password=pfx_password, build='14393') }}"
  no_log: true

- name: Copy it
  ansible.windows.win_copy:
    src: "{{ upload.path }}"
    dest: C:\Windows\Temp\vpn.pfx
"""

RETURN = r"""
_raw:
  description: One dictionary per term.
  type: list
  elements: dict
  contains:
    path:
      description: The file to copy to the host; the term's own file when RV(_raw[].reencoded) is false.
      type: path
    reencoded:
      description: Whether RV(_raw[].path) is a new temporary file in the legacy form (delete it after use).
      type: bool
    build:
      description: The build as understood from O(build); null when unknown.
      type: int
"""

import os
import tempfile
from typing import Any

from ansible import constants as C
from ansible.errors import AnsibleLookupError

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CertificateError
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import parse_build
from ansible_collections.aovpn.rras.plugins.plugin_utils._lookup_files import CertificateFileLookup
from ansible_collections.aovpn.rras.plugins.plugin_utils._pfx import legacy_pkcs12, needs_legacy_pkcs12


class LookupModule(CertificateFileLookup):
    """The term's file for a recent build, else a re-encoded, still encrypted, temporary copy."""

    NAME = "aovpn.rras.importable_pfx"

    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        variables = variables or {}
        self.set_options(var_options=variables, direct=kwargs)
        build = parse_build(self.get_option("build"))
        results = []
        for term in terms:
            path = self._find(term, variables)
            if not needs_legacy_pkcs12(build):
                results.append({"path": path, "reencoded": False, "build": build})
                continue
            try:
                data = legacy_pkcs12(self._read(path), self.get_option("password") or "", path)
            except CertificateError as error:
                raise AnsibleLookupError(f"{error} (build {build or 'unknown'} imports only the legacy PKCS#12 form)") from None
            results.append({"path": self._write_private(data), "reencoded": True, "build": build})
        return results

    @staticmethod
    def _write_private(data: bytes) -> str:
        """A new 0600 file in Ansible's local temporary directory (removed at the end of the run)."""
        handle, path = tempfile.mkstemp(prefix="aovpn-rras-legacy-", suffix=".pfx", dir=C.DEFAULT_LOCAL_TMP)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        return path
