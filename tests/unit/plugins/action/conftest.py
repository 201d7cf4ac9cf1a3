# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``run_action`` fixture: an action plugin run with a mocked task against a :class:`FakeHost`."""

from __future__ import annotations

import typing as t
from unittest.mock import MagicMock

import pytest
from ansible.playbook.task import Task

from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost


@pytest.fixture
def run_action() -> t.Callable[..., tuple[dict[str, t.Any], FakeHost]]:
    """``run_action(ActionModule, host, args, check_mode=False, diff=False, task_vars=None, notify=None) -> (result, host)``."""

    def run(action_class: type, host: FakeHost, args: dict[str, t.Any], check_mode: bool = False, diff: bool = False,
            task_vars: dict[str, t.Any] | None = None, notify: list[str] | None = None) -> tuple[dict[str, t.Any], FakeHost]:
        task = MagicMock(Task)
        task.args = args
        task.check_mode = check_mode
        task.diff = diff
        task.async_val = 0
        task.notify = notify
        task.action = "aovpn.rras.test"
        connection = MagicMock()
        connection._shell.tmpdir = None
        connection.exec_command = host.exec_command
        plugin = action_class(task, connection, MagicMock(), loader=None, templar=None, shared_loader_obj=None)
        plugin._execute_module = host
        plugin._load_name = task.action  # set by the plugin loader; ansible-core 2.16 reads it in validate_argument_spec
        return plugin.run(task_vars=task_vars or {}), host

    return run
