# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of the lab's win_copy: transfer one file or ``content``, then run the module on it."""

from __future__ import annotations

import os
from typing import Any

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Single-file subset of ansible.windows' win_copy action (no directories, no remote_src)."""

    TRANSFERS_FILES = True

    def run(self, tmp: str | None = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        args = self._task.args
        src, content, dest = args.get("src"), args.get("content"), args.get("dest")
        unsupported = sorted(set(args) - {"src", "content", "dest", "force"})
        if not dest or (src is None) == (content is None) or unsupported:
            return {**result, "failed": True,
                    "msg": f"the lab's win_copy needs dest and one of src/content (unsupported here: {unsupported})"}
        if content is not None:
            data, basename = to_bytes(content if isinstance(content, str) else str(content)), "source"
        else:
            try:
                path = self._find_needle("files", src)
            except AnsibleError as error:
                return {**result, "failed": True, "msg": str(error)}
            if os.path.isdir(path):
                return {**result, "failed": True, "msg": "the lab's win_copy copies single files only"}
            with open(path, "rb") as handle:
                data, basename = handle.read(), os.path.basename(path)
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()  # pylint: disable=protected-access
        remote_src = self._connection._shell.join_path(tmpdir, "source")  # pylint: disable=protected-access
        try:
            self._transfer_data(remote_src, data)
            module_args = {"src": remote_src, "dest": dest, "force": args.get("force", True),
                           "_copy_mode": "single", "_original_basename": basename}
            result.update(self._execute_module(module_name="ansible.windows.win_copy", module_args=module_args, task_vars=task_vars))
        finally:
            self._remove_tmp_path(tmpdir)
        return result
