# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The part the certificate lookups share: find a file like the ``file`` lookup, read it (vault too), hand its
bytes to the certificate core and turn the core's errors into lookup errors. Reading is shared with win_sstp_offload."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CRYPTOGRAPHY_IMPORT_ERROR, CertificateError

display = Display()


class CertificateFileLookup(LookupBase):
    """Base of the certificate lookups: each term is a controller file whose bytes go to the pure core."""

    NAME = ""  # the lookup's FQCN, for messages

    def each_file(
        self, terms: list[str], variables: dict[str, Any] | None, options: dict[str, Any], per_file: Callable[[str, bytes], list[Any]]
    ) -> list[Any]:
        """Set the options, then for each term in order ``per_file(path, bytes)``: one value per certificate selected.

        A term's result is that list with O(select=all), else its one value.
        """
        if CRYPTOGRAPHY_IMPORT_ERROR:
            raise AnsibleLookupError(f"{self.NAME} needs the Python library cryptography on the controller") from CRYPTOGRAPHY_IMPORT_ERROR
        variables = variables or {}
        self.set_options(var_options=variables, direct=options)
        files = []
        for term in terms:  # every file is found and read before any is parsed
            path = self._find(term, variables)
            display.vvvv(f"{self.NAME}: reading {path}")
            files.append((path, self._read(path)))
        results = []
        for path, data in files:
            try:
                values = per_file(path, data)
            except CertificateError as error:
                raise AnsibleLookupError(str(error)) from None
            results.append(values if self.get_option("select") == "all" else values[0])
        return results

    def _find(self, term: str, variables: dict[str, Any]) -> str:
        path = self.find_file_in_search_path(variables, "files", term, ignore_missing=True)
        if path:
            return path
        if os.path.isabs(term):
            raise AnsibleLookupError(f"{term}: file not found")
        searched = variables.get("ansible_search_path") or [self.get_basedir(variables)]
        places = ", ".join(f"{os.path.join(base, 'files')}, {base}" for base in searched)
        raise AnsibleLookupError(f"{term}: file not found; looked in {places}")

    def _read(self, path: str) -> bytes:
        try:
            return read_controller_file(self._loader, path)
        except ControllerFileError as error:
            raise AnsibleLookupError(f"{path}: {error}") from None


class ControllerFileError(Exception):
    """A controller file could not be read; the message starts with "cannot read the file"."""


def read_controller_file(loader: Any, path: str) -> bytes:
    """A controller file's bytes, decrypted when it is vaulted (the certificate lookups and win_sstp_offload)."""
    try:
        real = loader.get_real_file(path, decrypt=True)
    except AnsibleError as error:
        raise ControllerFileError(f"cannot read the file: {error.message}") from None
    try:
        with open(real, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ControllerFileError(f"cannot read the file: {error.strerror}") from None
    finally:
        loader.cleanup_tmp_file(real)
