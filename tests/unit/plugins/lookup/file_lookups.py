# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the tests of the certificate-file lookups share: their files, running one as Ansible loads it, vault, no cryptography."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.loader import lookup_loader

from ansible_collections.aovpn.rras.tests.unit import certgen

PASSWORD = "Pfx-Pa55word!"


def certificate_files(playbook_dir: Path, chain: tuple[certgen.Issued, certgen.Issued, certgen.Issued], pfx_encryption: str,
                      more: Mapping[str, bytes]) -> Path:
    """``playbook_dir``, with in its ``files/`` the (root, intermediate, leaf) ``chain`` as ``chain.pem`` (the leaf between
    the CAs), the leaf's ``key.pem``, ``vpn.pfx`` (the leaf, its key and the CAs; :data:`PASSWORD`, ``pfx_encryption``) and
    ``more`` (name: content)."""
    root, intermediate, leaf = chain
    files = playbook_dir / "files"
    files.mkdir()
    certgen.write(files / "chain.pem", certgen.cert_pem(root.cert, leaf.cert, intermediate.cert))
    certgen.write(files / "key.pem", certgen.key_pem(leaf.key))
    certgen.write_pkcs12(files / "vpn.pfx", leaf, (root.cert, intermediate.cert), PASSWORD, pfx_encryption)
    for name, data in more.items():
        certgen.write(files / name, data)
    return playbook_dir


def run_lookup(name: str, playbook_dir: Path, *terms: str, loader: DataLoader | None = None, **options: Any) -> list[Any]:
    """The lookup ``name`` over ``terms``, searching ``playbook_dir`` (and its ``files/``) as a play would."""
    lookup = lookup_loader.get(name, loader=loader or DataLoader(), templar=None)
    return lookup.run(list(terms), variables={"ansible_search_path": [str(playbook_dir)]}, **options)


def vaulted(path: Path, data: bytes) -> DataLoader:
    """Write ``data`` ansible-vault encrypted to ``path``; a loader that holds the secret."""
    secret = VaultSecret(b"vault-secret")
    path.write_bytes(VaultLib([("default", secret)]).encrypt(data, secret))
    loader = DataLoader()
    loader.set_vault_secrets([("default", secret)])
    return loader


def without_cryptography(name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The lookup ``name``, loaded, as if cryptography could not be imported (its file base checks the import)."""
    lookup = lookup_loader.get(name, loader=DataLoader(), templar=None)
    base_module = sys.modules[type(lookup).__bases__[0].__module__]
    monkeypatch.setattr(base_module, "CRYPTOGRAPHY_IMPORT_ERROR", ImportError("No module named 'cryptography'"))
    return lookup
