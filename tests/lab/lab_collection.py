# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Assemble the lab's ansible.windows: the real collection's Python, the lab's emulated modules.

The assembled collection is a directory of symbolic links:

- every file of the real ansible.windows except ``plugins/modules`` (action, plugin_utils, filter,
  doc_fragments, module_utils, ... plugins, ``meta/runtime.yml``, ``MANIFEST.json``), unchanged;
- ``plugins/modules``: only the lab's emulations (``windows_emulation/plugins/modules/*.py``), each
  of which must replace a real PowerShell module (``<name>.ps1``); a real module without an
  emulation is left out, so calling it fails with Ansible's "couldn't resolve module/action";
- ``plugins/module_utils``: the real files plus the lab's (``_lab_*.py``).

The real collection is the one the ``ansible`` package installed for the running interpreter,
or the directory named by the environment variable ``AOVPN_LAB_ANSIBLE_WINDOWS``. Nothing here
depends on the ansible-core version. The directory is named after a digest of its links, built
aside and renamed into place, so concurrent setups (pytest-xdist workers) never see half of it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
from pathlib import Path

ENV_REAL = "AOVPN_LAB_ANSIBLE_WINDOWS"
SKIPPED = {"__pycache__", "tests", "changelogs"}


class LabCollectionError(Exception):
    """The real ansible.windows cannot be found or the emulation does not fit it."""


def real_collection() -> Path:
    """The real ansible.windows collection root (``$AOVPN_LAB_ANSIBLE_WINDOWS`` or the ``ansible`` package's)."""
    explicit = os.environ.get(ENV_REAL)
    if explicit:
        root, origin = Path(explicit), f"{ENV_REAL}={explicit}"
    else:
        try:
            distribution = importlib.metadata.distribution("ansible")
        except importlib.metadata.PackageNotFoundError:
            raise LabCollectionError(
                f"the 'ansible' package (which ships ansible.windows) is not installed for {sys.executable}: "
                f"install it, or point {ENV_REAL} at an ansible.windows collection directory") from None
        root = Path(str(distribution.locate_file("ansible_collections/ansible/windows")))
        origin = f"the 'ansible' {distribution.version} package of {sys.executable}"
    manifest = root / "MANIFEST.json"
    if not manifest.is_file():
        raise LabCollectionError(f"no ansible.windows collection at {root} ({origin}): {manifest} is missing")
    info = json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]
    if (info["namespace"], info["name"]) != ("ansible", "windows"):
        raise LabCollectionError(f"{root} ({origin}) holds {info['namespace']}.{info['name']}, not ansible.windows")
    return root.resolve()


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name not in SKIPPED and not p.name.startswith("."))


def plan(real: Path, emulation: Path) -> dict[str, Path]:
    """Relative path in the assembled collection -> the file it links to."""
    links: dict[str, Path] = {}

    def add_tree(source: Path, relative: str) -> None:
        for entry in _files(source):
            name = f"{relative}/{entry.name}" if relative else entry.name
            if name == "plugins/modules":
                continue
            if entry.is_dir():
                add_tree(entry, name)
            else:
                links[name] = entry

    add_tree(real, "")
    for entry in _files(emulation / "plugins" / "module_utils"):
        name = f"plugins/module_utils/{entry.name}"
        if name in links:
            raise LabCollectionError(f"the lab's {entry} would hide the real {links[name]}")
        links[name] = entry
    real_modules = real / "plugins" / "modules"
    for entry in _files(emulation / "plugins" / "modules"):
        if entry.suffix != ".py":
            continue
        if not (real_modules / f"{entry.stem}.ps1").is_file():
            raise LabCollectionError(f"{entry} emulates ansible.windows.{entry.stem}, which has no {entry.stem}.ps1 in {real_modules}")
        links[f"plugins/modules/{entry.name}"] = entry
    return links


def assemble(real: Path, emulation: Path, parent: Path) -> Path:
    """Build (once per set of links) the assembled collection under ``parent``; returns its directory."""
    links = plan(real, emulation)
    digest = hashlib.sha256(json.dumps({k: str(v) for k, v in links.items()}, sort_keys=True).encode()).hexdigest()[:16]
    target = parent / f"ansible.windows-{digest}"
    if target.is_dir():
        return target
    building = parent / f".{target.name}.{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    for relative, source in links.items():
        link = building / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(source)
    try:
        building.rename(target)
    except OSError:  # another process renamed the same assembly into place first
        if not target.is_dir():
            raise
        shutil.rmtree(building)
    return target
