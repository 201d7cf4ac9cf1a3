# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Controller-side base for the aovpn.rras action plugins.

The plugins never run code of their own on the Windows host: they read with
``ansible.windows.win_reg_stat`` (one call per key), write with ``ansible.windows.win_regedit``
(one call per value) and restart RemoteAccess with ``ansible.windows.win_service``. This base
does the Ansible plumbing around the pure planners so every module behaves the same:
arguments are validated before the host is touched, a planned write first confirms the Remote
Access role is installed and configured (``win_service`` and ``win_feature_info``; also in check
mode, and never when nothing is to be written, so the steady state stays one read; once per host and run: the
outcome is kept in the host fact ``aovpn_rras_host``, see ``_remote_access.HostFacts``), check mode
never calls ``win_regedit``, the first failed write stops the run with a message naming what was
and was not applied, and the service is restarted only after every write succeeded.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import contextlib
import os
import typing as t
from collections.abc import Iterator

from ansible import constants as C
from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import MACHINE_STORE, machine_store_args
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import CURRENT_VERSION_KEY, facts_build, os_build
from ansible_collections.aovpn.rras.plugins.plugin_utils._reboot_marker import (
    BOOT_TIME_COMMAND,
    boot_time,
    marked_keys,
    powershell_command,
    reboot_sequence,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import restart_pending, write_sequence
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import (
    RegistryFormatError,
    RegistryKeys,
    RegistryPlan,
    RegistryProperties,
    RegistryWrite,
    parse_key_stat,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._remote_access import (
    REMOTE_ACCESS_RESTART,
    REMOTE_ACCESS_SERVICE,
    ROLE_FEATURE,
    HostFacts,
    ServiceRestart,
    role_state,
)


class RrasActionError(Exception):
    """Ends the task as failed with ``msg`` and the extra result keys in ``result``."""

    def __init__(self, msg: str, **result: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


class RrasActionBase(ActionBase):
    """Subclasses set :attr:`ARGUMENT_SPEC` and implement :meth:`_rras_run`.

    The hooks and helpers are prefixed ``_rras_`` so they cannot collide with names ansible-core adds to ``ActionBase``.
    """

    TRANSFERS_FILES = False
    ARGUMENT_SPEC: t.ClassVar[dict[str, t.Any]] = {}
    """Keyword arguments for ``validate_argument_spec`` (``argument_spec``, ``mutually_exclusive``, ...)."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._rras_warnings: list[str] = []
        self._rras_learned: dict[str, t.Any] = {}

    def run(self, tmp: str | None = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        self._supports_check_mode = True
        self._supports_async = False
        result = super().run(tmp, task_vars)
        # Raises AnsibleActionFail (naming the option) before anything reaches the host.
        dummy, args = self.validate_argument_spec(**self.ARGUMENT_SPEC)
        try:
            result.update(self._rras_run(args, task_vars or {}))
        except RrasActionError as exc:
            result.update(exc.result)
            # An unreachable result (not failed: ansible-core checks failed first) takes the host out like a lost connection.
            result.update({"msg": exc.msg, "unreachable" if exc.result.get("unreachable") else "failed": True})
        if self._rras_warnings:
            result["warnings"] = list(result.get("warnings") or []) + self._rras_warnings
        if self._rras_learned:
            result["ansible_facts"] = self._rras_host_facts(task_vars or {}).learned(self._rras_learned)
        return result

    def _rras_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Do the module's work with validated ``args``; raise :class:`RrasActionError` to fail."""
        raise NotImplementedError

    def _rras_warn(self, message: str) -> None:
        self._rras_warnings.append(message)

    def _rras_call(self, module_name: str, module_args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run an ansible.windows module on the host; ``module_args`` is copied (the call mutates it).

        The module's warnings are passed on to the task's result.
        """
        result = self._execute_module(module_name=module_name, module_args=dict(module_args), task_vars=task_vars)
        self._rras_warnings.extend(f"{module_name}: {warning}" for warning in result.get("warnings") or [])
        return result

    def _rras_read(self, what: str, module_name: str, module_args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run a read-only module; its failure fails the task with ``Reading <what> failed (<module>): <error>``."""
        result = self._rras_call(module_name, module_args, task_vars)
        if result.get("failed"):
            raise RrasActionError(f"Reading {what} failed ({module_name}): {module_error(result)}", changed=False)
        return result

    def _rras_read_service(self, task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """The RemoteAccess service (``win_service`` with only a name reads and changes nothing)."""
        return self._rras_read(f"the {REMOTE_ACCESS_SERVICE} service", "ansible.windows.win_service", {"name": REMOTE_ACCESS_SERVICE}, task_vars)

    def _rras_read_role_features(self, task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """The Remote Access role feature as ``win_feature_info`` reports it."""
        return self._rras_read(f"the {ROLE_FEATURE} feature", "ansible.windows.win_feature_info", {"name": ROLE_FEATURE}, task_vars)

    @staticmethod
    def _rras_host_facts(task_vars: dict[str, t.Any]) -> HostFacts:
        """What the modules learned about the host in this run: the run is named by its controller temporary directory."""
        return HostFacts.of(task_vars, os.path.basename(C.DEFAULT_LOCAL_TMP))

    def _rras_require_remote_access(self, task_vars: dict[str, t.Any]) -> None:
        """Fail unless the Remote Access role is installed and RRAS configured (the keys exist without it).

        Read once per host: a configured role is remembered in the host fact, which later modules of the run trust.
        """
        if self._rras_host_facts(task_vars).remote_access_configured:
            return
        error = role_state(self._rras_read_service(task_vars), self._rras_read_role_features(task_vars)).error
        if error:
            raise RrasActionError(f"{error}; nothing was written", changed=False)
        self._rras_learned[HostFacts.REMOTE_ACCESS] = HostFacts.CONFIGURED

    def _rras_read_os_build(self, task_vars: dict[str, t.Any]) -> int | None:
        """The OS build: from gathered Windows facts or the host fact, else one ``CurrentVersion`` read (then remembered)."""
        build = facts_build(task_vars.get("ansible_facts"))
        if build is None:
            build = self._rras_host_facts(task_vars).os_build
        if build is None:
            build = os_build(self._rras_read_key(CURRENT_VERSION_KEY, task_vars))
            if build is not None:
                self._rras_learned[HostFacts.OS_BUILD] = build
        return build

    def _rras_before_writes(self, plan: RegistryPlan, task_vars: dict[str, t.Any]) -> None:
        """Module-specific reads that must pass before ``plan`` is written (also in check mode); raise to refuse."""

    def _rras_read_key(self, path: str, task_vars: dict[str, t.Any]) -> RegistryProperties | None:
        """All values of one key in one ``win_reg_stat`` call; ``None`` if the key does not exist."""
        stat = self._rras_read(path, "ansible.windows.win_reg_stat", {"path": path}, task_vars)
        try:
            return parse_key_stat(stat)
        except RegistryFormatError as exc:
            raise RrasActionError(f"Reading {path} returned unexpected data: {exc}", changed=False) from exc

    def _rras_read_machine_store(self, task_vars: dict[str, t.Any], thumbprint: str | None = None) -> list[dict[str, t.Any]]:
        """The ``certificates`` of ``LocalMachine\\My`` (only the one with ``thumbprint`` when given), one ``win_certificate_info`` call."""
        info = self._rras_read(MACHINE_STORE, "ansible.windows.win_certificate_info", machine_store_args(thumbprint), task_vars)
        return list(info.get("certificates") or [])

    def _rras_read_key_under(self, path: str, parent: str, missing_msg: str, task_vars: dict[str, t.Any]) -> RegistryProperties | None:
        """:meth:`_rras_read_key` of ``path``; when it does not exist, fail with ``missing_msg`` unless ``parent`` (which a write creates it under) exists."""
        current = self._rras_read_key(path, task_vars)
        if current is None and self._rras_read_key(parent, task_vars) is None:
            raise RrasActionError(missing_msg, changed=False)
        return current

    def _rras_converge(self, plan: RegistryPlan, *, restart: bool, task_vars: dict[str, t.Any],
                       service: ServiceRestart = REMOTE_ACCESS_RESTART) -> dict[str, t.Any]:
        """Apply ``plan.writes`` in order (not in check mode), then restart ``service`` (default RemoteAccess) if asked.

        A change is remembered on the host until the service has restarted (see ``_restart_marker``): a key that
        still holds the marker reports ``changed`` and ``restart_required`` (``restart_pending``) with no write.
        Returns the common result keys: ``changed``, ``before``, ``after``, ``restart_required``, ``restart_pending``,
        ``restarted`` and, in diff mode, ``diff``. A change the host applies at boot: :meth:`_rras_converge_until_reboot`.
        """
        result = self._rras_start(plan, task_vars)
        current = t.cast(RegistryProperties, plan.current)
        pending = restart_pending(current)
        sequence = write_sequence(plan.key, plan.writes, pending, restart)
        result.update(changed=sequence.changed, restarted=False, restart_pending=pending)
        if not self._task.check_mode:
            self._apply_writes(plan, sequence.writes, result, task_vars, service)
            if sequence.after_restart:
                self._restart(service, result, task_vars)
                self._forget_restart(service, sequence.after_restart, task_vars)
        result["restart_required"] = sequence.changed and not result["restarted"]
        if result["restart_required"]:
            self._rras_remember_marker(plan.key, service)
        # A task that notifies a handler (the aovpn.rras roles) has its restart taken care of: no warning then.
        if result["restart_required"] and not restart and not self._task.notify:
            self._rras_warn(f"The {service.service} service must be restarted for the change to take effect "
                            f"({service.cost}); set restart=true or restart it in a maintenance window.")
        return result

    def _rras_start(self, plan: RegistryPlan, task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """The checks before ``plan.writes`` (also in check mode; none when nothing is to be written), then the result's
        ``before``, ``after``, ``diff`` (in diff mode, when something changes) and the plan's extra keys."""
        if plan.writes:
            with _failing_with(plan.extra):
                self._rras_require_remote_access(task_vars)
                self._rras_before_writes(plan, task_vars)
        result: dict[str, t.Any] = dict(plan.extra)
        after = plan.after()
        if self._task.diff and plan.writes:
            result["diff"] = {"before": plan.before, "after": after}
        result.update(before=plan.before, after=after)
        return result

    def _rras_read_boot_time(self) -> int:
        """The host's last boot time (FILETIME), read as ansible.windows' win_reboot reads it: one PowerShell command
        through the connection (also in check mode: it changes nothing); its failure fails the task, changing nothing."""
        try:
            rc, stdout, stderr = self._connection.exec_command(powershell_command(BOOT_TIME_COMMAND), in_data=None, sudoable=False)
        except AnsibleConnectionFailure as exc:
            raise RrasActionError(f"Reading the boot time failed: the connection was lost: {exc}; nothing was written",
                                  changed=False, unreachable=True) from None
        output, error = to_text(stdout, errors="surrogate_or_strict").strip(), to_text(stderr, errors="surrogate_or_strict").strip()
        try:
            if rc:
                raise ValueError(f"rc {rc}: {error or output or 'no output'}")
            return boot_time(output)
        except ValueError as exc:
            raise RrasActionError(f"Reading the boot time failed ({BOOT_TIME_COMMAND}): {exc}; nothing was written", changed=False) from None

    def _rras_converge_until_reboot(self, plan: RegistryPlan, paths: list[str], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Apply ``plan.writes`` to the keys ``paths`` (``plan.current``: :class:`RegistryKeys`), a change the host applies at boot.

        The change is remembered on the host until it booted (see ``_reboot_marker``): the boot time is read only when a key
        holds the marker, or right before a real write. Returns ``changed`` (a change now, or one of an earlier run that still
        waits for a reboot), ``reboot_required`` (the same), ``reboot_pending``, ``reboot_marker_removed`` (the keys whose
        marker was removed, or would be in check mode, because the host booted since: that alone is not ``changed``, as
        nothing waits for a reboot), ``before``, ``after`` and, in diff mode, ``diff``.
        """
        result = self._rras_start(plan, task_vars)
        keys = t.cast(RegistryKeys, plan.current)
        with _failing_with(plan.extra):
            boot = self._rras_read_boot_time() if marked_keys(keys, paths) or (plan.writes and not self._task.check_mode) else None
        sequence = reboot_sequence(keys, paths, plan.writes, boot)
        result.update(changed=sequence.reboot_required, reboot_pending=bool(sequence.pending), reboot_marker_removed=sequence.stale)
        if sequence.marked:
            self._rras_learned[HostFacts.REBOOT_PENDING] = sequence.marked
        if not self._task.check_mode:
            self._apply_writes(plan, sequence.writes, result, task_vars, None)
        result["reboot_required"] = sequence.reboot_required
        return result

    def _rras_remember_marker(self, key: str, service: ServiceRestart) -> None:
        """``key`` holds the RemoteAccess pending-restart marker (or will, outside check mode): the restart handler removes it there."""
        if service.service == REMOTE_ACCESS_SERVICE:
            self._rras_learned.setdefault(HostFacts.RESTART_PENDING, []).append(key)

    def _apply_writes(self, plan: RegistryPlan, writes: list[RegistryWrite], result: dict[str, t.Any], task_vars: dict[str, t.Any],
                      service: ServiceRestart | None) -> None:
        for index, write in enumerate(writes):
            try:
                outcome = self._rras_call("ansible.windows.win_regedit", write.module_args(), task_vars)
            except AnsibleConnectionFailure as exc:
                # The write may or may not have reached the host: it is reported as not known, the host as unreachable.
                self._fail_writes(plan, writes, index, f"the connection was lost: {exc}", result, service, unreachable=True)
            if outcome.get("failed"):
                self._fail_writes(plan, writes, index, module_error(outcome), result, service)

    def _fail_writes(self, plan: RegistryPlan, writes: list[RegistryWrite], index: int, error: str, result: dict[str, t.Any],
                     service: ServiceRestart | None, unreachable: bool = False) -> t.NoReturn:
        applied, failed, not_applied = writes[:index], writes[index], writes[index + 1:]
        # What the host holds now (the marker aside, which changes no setting); not the wanted state.
        result.update(changed=bool(applied), after=plan.after(applied),
                      applied=[item.describe() for item in applied], not_applied=[item.describe() for item in writes[index:]])
        if service is not None:
            result["restart_required"] = bool(applied) or result["restart_pending"]
            if result["restart_required"]:
                self._rras_remember_marker(plan.key, service)
        if unreachable:
            result["unreachable"] = True
        restart_note = f"{service.service} was not restarted; " if service is not None else ""
        raise RrasActionError(
            f"Failed to {failed.describe()} in {failed.path}: {error}. "
            f"Applied before the failure: {_describe_all(applied)}. "
            f"Not attempted{' (or not known)' if unreachable else ''}: {_describe_all(writes[index:] if unreachable else not_applied)}. "
            f"{restart_note}fix the cause and rerun the task to converge.",
            **result,
        )

    def _restart(self, service: ServiceRestart, result: dict[str, t.Any], task_vars: dict[str, t.Any]) -> None:
        outcome = self._rras_call("ansible.windows.win_service", dict(service.args), task_vars)
        if outcome.get("failed"):
            result["restart_required"] = True
            raise RrasActionError(
                f"Every registry change was applied but restarting {service.service} failed: "
                f"{module_error(outcome)}. Restart it to apply the change (the next run of the module restarts it).",
                **result,
            )
        result["restarted"] = True

    def _forget_restart(self, service: ServiceRestart, writes: list[RegistryWrite], task_vars: dict[str, t.Any]) -> None:
        for write in writes:
            outcome = self._rras_call("ansible.windows.win_regedit", write.module_args(), task_vars)
            if outcome.get("failed"):
                self._rras_warn(f"{service.service} restarted, but the pending-restart marker could not be removed ({write.describe()} in "
                                f"{write.path}: {module_error(outcome)}); the next run restarts {service.service} once more.")


@contextlib.contextmanager
def _failing_with(extra: dict[str, t.Any]) -> Iterator[None]:
    """A task failed inside returns the module-specific result keys ``extra`` too."""
    try:
        yield
    except RrasActionError as exc:
        raise RrasActionError(exc.msg, **{**extra, **exc.result}) from None


def module_error(result: dict[str, t.Any]) -> str:
    """The error text of a failed module result (``msg``, or what a crashed module left on stderr)."""
    return str(result.get("msg") or result.get("module_stderr") or result.get("exception") or "no error message").strip()


def _describe_all(writes: list[RegistryWrite]) -> str:
    return "; ".join(write.describe() for write in writes) if writes else "nothing"
