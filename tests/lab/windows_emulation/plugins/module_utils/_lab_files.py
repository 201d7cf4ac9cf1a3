# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulated file system operations the file modules share (``Join-Path``, ``New-Item -ItemType Directory``, ...)."""

from __future__ import annotations

import base64
import datetime
import os
from typing import Any

from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError, get_file, is_directory, norm_file, parent_path, put_file


def join_path(path: str, child: str) -> str:
    """``Join-Path -Path path -ChildPath child``."""
    return path.rstrip("\\/") + "\\" + child.lstrip("\\/")


def leaf(path: str) -> str:
    """``Split-Path -Leaf``."""
    return path.replace("/", "\\").rstrip("\\").rsplit("\\", 1)[-1]


def make_dirs(state: dict[str, Any], path: str) -> None:
    """``New-Item -ItemType Directory``: the directory and its missing parents."""
    if is_directory(state, path):
        return
    if get_file(state, path) is not None:
        raise LabError(f"path {path} is not a directory")
    make_dirs(state, parent_path(path))
    put_file(state, path, "directory")


def file_bytes(entry: dict[str, Any]) -> bytes:
    return base64.b64decode(entry.get("content_b64", ""))


def children(state: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """Entries directly inside directory ``path`` (``Get-ChildItem``), by name."""
    prefix = norm_file(path).rstrip("\\") + "\\"
    found = [entry for name, entry in state["files"].items() if name.startswith(prefix) and "\\" not in name[len(prefix):]]
    return sorted(found, key=lambda entry: entry["path"].lower())


def tree_size(state: dict[str, Any], path: str) -> int:
    """Bytes of a file, or of every file under a directory."""
    entry = get_file(state, path)
    if entry is not None and entry["type"] == "file":
        return len(file_bytes(entry))
    prefix = norm_file(path).rstrip("\\") + "\\"
    return sum(len(file_bytes(e)) for name, e in state["files"].items() if name.startswith(prefix) and e["type"] == "file")


def backup_file(state: dict[str, Any], path: str) -> str | None:
    """``Backup-File`` (Ansible.ModuleUtils.Backup): copy a file to ``<path>.<pid>.<yyyyMMdd-HHmmss>.bak``."""
    entry = get_file(state, path)
    if entry is None or entry["type"] != "file":
        return None
    backup = f"{path}.{os.getpid()}.{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.bak"
    put_file(state, backup, "file", file_bytes(entry))
    return backup
