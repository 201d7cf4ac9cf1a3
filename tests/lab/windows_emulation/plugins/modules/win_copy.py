# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab emulation of ansible.windows.win_copy (win_copy.ps1 of ansible.windows 3.3.0), driven by the real action plugin.

The real action plugin decrypts a vaulted ``src``, asks this module which files differ
(``_copy_mode: query``), transfers one file (``single``) or a zip of base64-named entries
(``explode``) into the connection's temporary directory and runs this module on it;
``remote_src`` copies on the host (``remote``). The temporary directory is the lab's transfer
area: a controller path (the lab shell is sh), read here as the file "on the host"; every other
path is one of the emulated host.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ansible.windows.plugins.module_utils._lab_files import (
    backup_file,
    children,
    file_bytes,
    join_path,
    leaf,
    make_dirs,
    tree_size,
)
from ansible_collections.ansible.windows.plugins.module_utils._lab_host import LabError, get_file, is_directory, parent_path, put_file, run_call


ARGUMENT_SPEC: dict[str, Any] = {
    "backup": {"type": "bool", "default": False},
    "content": {"type": "str"},
    "decrypt": {"type": "bool", "default": True},
    "dest": {"type": "path", "required": True},
    "force": {"type": "bool", "default": True},
    "local_follow": {"type": "bool", "default": True},
    "remote_src": {"type": "bool", "default": False},
    "src": {"type": "path"},
    "_copy_mode": {"type": "str", "default": "single", "choices": ["explode", "query", "remote", "single"]},
    "_original_basename": {"type": "str"},
    "files": {"type": "list"},
    "directories": {"type": "list"},
    "symlinks": {"type": "list"},
}
"""The options of the real module (what the lab checks a call against)."""


def checksum(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # nosec - Get-FileChecksum's default, as the action plugin compares it


def _file(state: dict[str, Any], path: str) -> dict[str, Any] | None:
    entry = get_file(state, path)
    return entry if entry is not None and entry["type"] == "file" else None


def _transferred(src: str, what: str) -> bytes:
    if not os.path.isfile(src):
        raise LabError(f"Cannot {what}: '{src}' as it does not exist")
    with open(src, "rb") as handle:
        return handle.read()


def query(state: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The files and directories the action plugin still has to send (``$copy_mode -eq "query"``)."""
    dest, changed_files, changed_directories = params["dest"], [], []
    for item in params["files"] or []:
        filepath = join_path(dest, item["dest"])
        if is_directory(state, filepath):
            filepath = join_path(dest, join_path(item["dest"], leaf(item["src"])))
        existing = _file(state, filepath)
        if existing is not None:
            if params["force"] and checksum(file_bytes(existing)) != item["checksum"]:
                changed_files.append(item)
        elif is_directory(state, filepath):
            raise LabError(f"cannot copy file to dest '{filepath}': object at path is already a directory")
        else:
            changed_files.append(item)
    for item in params["directories"] or []:
        dirpath = join_path(dest, item["dest"])
        if _file(state, parent_path(dirpath)) is not None:
            raise LabError(f"cannot copy folder to dest '{dirpath}': object at parent directory path is already a file")
        if _file(state, dirpath) is not None:
            raise LabError(f"cannot copy folder to dest '{dirpath}': object at path is already a file")
        if not is_directory(state, dirpath):
            changed_directories.append(item)
    return {"changed": False, "files": changed_files, "directories": changed_directories, "symlinks": []}


def explode(state: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Extract the action plugin's zip (entry names are base64, a directory's ends in ``/``) into ``dest``."""
    src, dest = params["src"], params["dest"]
    _transferred(src, "expand src zip file")
    with zipfile.ZipFile(src) as archive:
        for entry in archive.infolist():
            name = entry.filename
            if len(name) % 4 not in (0, 1) or (len(name) % 4 == 1 and not name.endswith(("/", "\\"))):
                raise LabError(f"invalid base64 archive name '{name}'")
            is_dir = len(name) % 4 == 1
            target = join_path(dest, base64.b64decode(name[:-1] if is_dir else name).decode("utf-8"))
            make_dirs(state, target if is_dir else parent_path(target))
            if not is_dir:
                put_file(state, target, "file", archive.read(entry))
    return {"changed": True}


def _file_dest(state: dict[str, Any], dest: str, name: str) -> str:
    """Where a single file copied to ``dest`` goes: ``dest/name`` when ``dest`` is a folder or ends with a separator (the
    missing folders are made), else ``dest``, whose folder must exist."""
    remote_dest = join_path(dest, name) if dest.endswith(("/", "\\")) or is_directory(state, dest) else dest
    parent = parent_path(remote_dest)
    if _file(state, parent) is not None:
        raise LabError(f"object at destination parent dir '{parent}' is currently a file")
    if not is_directory(state, parent):
        if dest == remote_dest:
            raise LabError(f"Destination directory '{parent}' does not exist")
        make_dirs(state, parent)
    return remote_dest


def single(state: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Copy the one transferred file to ``dest`` (the action plugin decided that it differs)."""
    content = _transferred(params["src"], "copy src file")
    remote_dest = _file_dest(state, params["dest"], params["_original_basename"] or "")
    result: dict[str, Any] = {"changed": True}
    if params["backup"]:
        result["backup_file"] = backup_file(state, remote_dest)
    put_file(state, remote_dest, "file", content)
    return result


class _RemoteCopy:
    """``Copy-File`` / ``Copy-Folder`` of win_copy.ps1 between two paths of the emulated host."""

    def __init__(self, state: dict[str, Any], params: dict[str, Any]) -> None:
        self.state, self.params, self.diff, self.changed = state, params, "", False
        self.backup_file: str | None = None

    def file(self, source: str, dest: str) -> str | None:
        content = file_bytes(get_file(self.state, source) or {})
        source_checksum = checksum(content) if self.params["force"] else None
        if is_directory(self.state, dest):
            raise LabError(f"cannot copy file from '{source}' to '{dest}': dest is already a folder")
        existing = _file(self.state, dest)
        if existing is not None and not (self.params["force"] and checksum(file_bytes(existing)) != source_checksum):
            return source_checksum
        file_dir = parent_path(dest)
        if _file(self.state, file_dir) is not None:
            raise LabError(f"cannot copy file from '{source}' to '{dest}': object at dest parent dir is not a folder")
        if not is_directory(self.state, file_dir):
            make_dirs(self.state, file_dir)
            self.diff += f"+{file_dir}\\\n"
        if self.params["backup"]:
            self.backup_file = backup_file(self.state, dest)
        if existing is not None:
            self.diff += f"-{dest}\n"
        put_file(self.state, dest, "file", content)
        self.diff += f"+{dest}\n"
        self.changed = True
        return source_checksum

    def folder(self, source: str, dest: str) -> None:
        if not is_directory(self.state, dest):
            if _file(self.state, parent_path(dest)) is not None:
                raise LabError(f"cannot copy file from '{source}' to '{dest}': object at dest parent dir is not a folder")
            if _file(self.state, dest) is not None:
                raise LabError(f"cannot copy folder from '{source}' to '{dest}': dest is already a file")
            make_dirs(self.state, dest)
            self.diff += f"+{dest}\\\n"
            self.changed = True
        self.contents(source, dest)

    def contents(self, source: str, dest: str) -> None:
        for child in children(self.state, source):
            target = join_path(dest, leaf(child["path"]))
            if child["type"] == "directory":
                self.folder(child["path"], target)
            else:
                self.file(child["path"], target)


def remote(state: dict[str, Any], params: dict[str, Any], diff_mode: bool) -> dict[str, Any]:
    """``remote_src``: copy a file or folder of the host to ``dest`` on the host."""
    src, dest = params["src"], params["dest"]
    result: dict[str, Any] = {"changed": False, "src": src, "dest": dest}
    if not src or (get_file(state, src) is None and not is_directory(state, src)):
        raise LabError(f"Cannot copy src file: '{src}' as it does not exist")
    copy = _RemoteCopy(state, params)
    remote_dest = dest
    if is_directory(state, src):
        result["operation"] = "folder_copy"
        if src.endswith(("/", "\\")):
            copy.contents(src, dest)
        else:
            remote_dest = result["dest"] = join_path(dest, leaf(src))
            copy.folder(src, remote_dest)
    else:
        result["operation"] = "file_copy"
        result["original_basename"] = leaf(src)
        remote_dest = result["dest"] = _file_dest(state, dest, leaf(src))
        result["checksum"] = copy.file(src, remote_dest)
    result["changed"] = copy.changed
    if copy.backup_file:
        result["backup_file"] = copy.backup_file
    result["size"] = tree_size(state, remote_dest) if get_file(state, remote_dest) is not None else None
    if diff_mode:
        result["diff"] = {"prepared": copy.diff}
    return result


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_if=[("_copy_mode", "explode", ["src"]), ("_copy_mode", "single", ["src"])],
        supports_check_mode=True,
    )

    def call(state: dict[str, Any], params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        mode = params["_copy_mode"]
        if mode == "query":
            return query(state, params)
        if mode == "remote":
            return remote(state, params, module._diff)  # pylint: disable=protected-access
        result = explode(state, params) if mode == "explode" else single(state, params)
        if module._diff:  # pylint: disable=protected-access
            result["diff"] = {}
        return result

    run_call(module, "win_copy", call)


if __name__ == "__main__":
    main()
