"""Paths and the collection loader shared by every test (import as ``aovpn_testing``).

Make ``ansible_collections.aovpn.rras`` importable from this checkout.

The repository root is the collection root, so tests reach it through a symlink farm under
``tests/output/collections`` (ignored by git, ansible-test and galaxy build), the same layout
``ansible-test`` and pytest-ansible use.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_ROOT = REPO_ROOT / "tests" / "output" / "collections"


def ensure_collection_tree() -> Path:
    """Create ``tests/output/collections/ansible_collections/aovpn/rras`` -> repository root."""
    link = COLLECTIONS_ROOT / "ansible_collections" / "aovpn" / "rras"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        try:
            link.symlink_to(REPO_ROOT, target_is_directory=True)
        except FileExistsError:  # created concurrently by an xdist worker
            pass
    return COLLECTIONS_ROOT


def _install_collection_loader() -> None:
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    if any(type(finder).__name__ == "_AnsibleCollectionFinder" for finder in sys.meta_path):
        return
    finder = _AnsibleCollectionFinder(paths=[str(ensure_collection_tree())], scan_sys_paths=False)
    finder._install()  # pylint: disable=protected-access


def install() -> None:
    """Build the symlink farm, point ansible at it and install the collection loader (idempotent)."""
    ensure_collection_tree()
    os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(COLLECTIONS_ROOT))
    _install_collection_loader()


def load_by_path(name: str, path: Path) -> types.ModuleType:
    """The Python file ``path`` imported as the module ``name``, once: files no package holds (the lab's emulation, the
    bench, a file of the real ansible.windows, which the tests' collection loader does not see)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
