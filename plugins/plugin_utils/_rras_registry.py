# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Generic registry model shared by the aovpn.rras action plugins (pure: no Ansible imports).

The plugins read one key with ``ansible.windows.win_reg_stat``, turn the result into
:class:`RegistryProperties`, describe the wanted end state as an ordered list of
:class:`RegistryWrite` steps and let :func:`plan_writes` drop the steps that are already true.
What remains is applied with ``ansible.windows.win_regedit``, one call per write, using
:meth:`RegistryWrite.module_args`. :class:`RegistryPlan` holds one such plan with the key as read and
renders the settings before and after it.

Registry value names are case-insensitive on Windows (``isHashConfiguredByAdmin`` and
``IsHashConfiguredByAdmin`` are the same value), so every lookup here ignores case while the
stored spelling is kept for display.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

RegistryData = t.Union[int, bytes, str, tuple[str, ...], None]
"""Normalised value data: ``bytes`` for binary/none, ``int`` for dword/qword, ``str`` for
string/expandstring, ``tuple`` of ``str`` for multistring."""

Readable = t.Union[int, str, list[str], None]

# win_reg_stat type names -> win_regedit type names (the vocabulary used everywhere below).
_STAT_TYPES: dict[str, str] = {
    "REG_BINARY": "binary",
    "REG_NONE": "none",
    "REG_DWORD": "dword",
    "REG_QWORD": "qword",
    "REG_SZ": "string",
    "REG_EXPAND_SZ": "expandstring",
    "REG_MULTI_SZ": "multistring",
}
_BYTES_TYPES = frozenset({"binary", "none"})
_INT_TYPES = frozenset({"dword", "qword"})
_INT_LIMITS = {"dword": 0xFFFFFFFF, "qword": 0xFFFFFFFFFFFFFFFF}
_STRING_TYPES = frozenset({"string", "expandstring"})


class RegistryFormatError(ValueError):
    """A ``win_reg_stat`` result or a write does not have the documented shape."""


@dataclass(frozen=True)
class RegistryValue:
    """One value of a key: the stored name, the win_regedit type name and normalised data."""

    name: str
    value_type: str
    data: RegistryData


def _bytes_from_stat(value: t.Any) -> bytes:
    # PowerShell may unwrap a one-byte array into a bare int.
    items = [value] if isinstance(value, int) else (value or [])
    try:
        return bytes(int(item) for item in items)
    except (TypeError, ValueError) as exc:
        raise RegistryFormatError(f"binary value is not a list of bytes: {value!r}") from exc


def _value_from_stat(name: str, info: Mapping[str, t.Any]) -> RegistryValue:
    value_type = _STAT_TYPES.get(str(info.get("type", "")), str(info.get("type", "unknown")))
    value = info.get("value")
    data: RegistryData
    if value_type in _BYTES_TYPES:
        data = _bytes_from_stat(value)
    elif value_type in _INT_TYPES:
        data = value if isinstance(value, int) and not isinstance(value, bool) else None
    elif value_type == "expandstring":
        # raw_value is the unexpanded text, i.e. what was written.
        data = str(info.get("raw_value", value) or "")
    elif value_type == "string":
        data = "" if value is None else str(value)
    elif value_type == "multistring":
        data = tuple(str(item) for item in (value or []))
    else:
        data = None
    return RegistryValue(name=name, value_type=value_type, data=data)


class RegistryProperties(Mapping[str, RegistryValue]):
    """The values of one key, looked up case-insensitively; iteration yields the stored names."""

    def __init__(self, values: Iterable[RegistryValue] = ()) -> None:
        self._values: dict[str, RegistryValue] = {}
        for value in values:
            self._values[value.name.casefold()] = value

    def __getitem__(self, name: str) -> RegistryValue:
        return self._values[name.casefold()]

    def __iter__(self) -> Iterator[str]:
        return (value.name for value in self._values.values())

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"RegistryProperties({list(self._values.values())!r})"

    def with_writes(self, writes: Iterable[RegistryWrite]) -> RegistryProperties:
        """The properties as they are after ``writes`` (used for ``after`` and check mode)."""
        values = dict(self._values)
        for write in writes:
            key = write.name.casefold()
            if write.is_removal:
                values.pop(key, None)
            else:
                stored_name = values[key].name if key in values else write.name
                values[key] = RegistryValue(stored_name, t.cast(str, write.value_type), write.data)
        return RegistryProperties(values.values())


def parse_key_stat(result: Mapping[str, t.Any]) -> RegistryProperties | None:
    """Turn a key-level ``win_reg_stat`` result into properties; ``None`` if the key is missing."""
    if not result.get("exists"):
        return None
    properties = result.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise RegistryFormatError(f"win_reg_stat returned properties of type {type(properties).__name__}")
    return RegistryProperties(_value_from_stat(str(name), info) for name, info in properties.items())


def _normalise_data(value_type: str, data: t.Any) -> RegistryData:
    if value_type in _BYTES_TYPES:
        if not isinstance(data, (bytes, bytearray)):
            raise RegistryFormatError(f"{value_type} data must be bytes, got {type(data).__name__}")
        return bytes(data)
    if value_type in _INT_TYPES:
        if isinstance(data, bool) or not isinstance(data, int) or not 0 <= data <= _INT_LIMITS[value_type]:
            raise RegistryFormatError(f"{value_type} data must be an unsigned {value_type}, got {data!r}")
        return data
    if value_type in _STRING_TYPES:
        if not isinstance(data, str):
            raise RegistryFormatError(f"{value_type} data must be a string, got {type(data).__name__}")
        return data
    if value_type == "multistring":
        if isinstance(data, str) or not all(isinstance(item, str) for item in data):
            raise RegistryFormatError("multistring data must be a sequence of strings")
        return tuple(data)
    raise RegistryFormatError(f"unsupported registry value type {value_type!r}")


@dataclass(frozen=True)
class RegistryWrite:
    """One registry change: set ``name`` to typed data, or remove ``name``.

    Build with :meth:`set` or :meth:`remove`; ``value_type`` is ``None`` for a removal.
    """

    path: str
    name: str
    value_type: str | None = None
    data: RegistryData = None

    @classmethod
    def set(cls, path: str, name: str, value_type: str, data: t.Any) -> RegistryWrite:
        return cls(path, name, value_type, _normalise_data(value_type, data))

    @classmethod
    def remove(cls, path: str, name: str) -> RegistryWrite:
        return cls(path, name)

    @property
    def is_removal(self) -> bool:
        return self.value_type is None

    def is_satisfied_by(self, current: Mapping[str, RegistryValue]) -> bool:
        """True when ``current`` already holds what this write would produce.

        A value of the wrong type is not satisfied even if it looks equal (``"0"`` is not DWORD 0).
        """
        existing = current.get(self.name)
        if self.is_removal:
            return existing is None
        return existing is not None and existing.value_type == self.value_type and existing.data == self.data

    def module_args(self) -> dict[str, t.Any]:
        """A fresh ``ansible.windows.win_regedit`` argument dict for this write."""
        if self.is_removal:
            return {"path": self.path, "name": self.name, "state": "absent"}
        data: t.Any = self.data
        if isinstance(data, bytes):
            data = list(data)
        elif isinstance(data, tuple):
            data = list(data)
        return {"path": self.path, "name": self.name, "type": self.value_type, "data": data, "state": "present"}

    def describe(self) -> str:
        """Short human text, e.g. ``set UseHttps (dword) = 0`` or ``remove SHA1CertificateHash``."""
        if self.is_removal:
            return f"remove {self.name}"
        return f"set {self.name} ({self.value_type}) = {readable_data(self.data)}"


def plan_writes(current: Mapping[str, RegistryValue], steps: Iterable[RegistryWrite]) -> list[RegistryWrite]:
    """Keep, in the caller's order, the steps that would change ``current``.

    ``steps`` is the complete desired state of the values the caller manages: sets (desired values)
    and removals (values that must not exist). The caller owns the order; see ``_sstp.py`` for why
    it matters.
    """
    return [step for step in steps if not step.is_satisfied_by(current)]


class RegistryKeys:
    """Several keys read by one module (SCHANNEL keeps one key per protocol): path -> properties, paths case-insensitive.

    A key that does not exist is empty here (a write creates it, as ``win_regedit`` does). It plans like
    :func:`plan_writes` does for one key, each step against the key of its own path.
    """

    def __init__(self, keys: Mapping[str, Mapping[str, RegistryValue] | None]) -> None:
        self._keys: dict[str, tuple[str, RegistryProperties]] = {
            path.casefold(): (path, RegistryProperties((values or {}).values())) for path, values in keys.items()
        }

    def key(self, path: str) -> RegistryProperties:
        """The values of ``path`` (empty when the key does not exist or was not read)."""
        return self._keys.get(path.casefold(), (path, RegistryProperties()))[1]

    def plan(self, steps: Iterable[RegistryWrite]) -> list[RegistryWrite]:
        """Keep, in order, the steps that would change their key."""
        return [step for step in steps if not step.is_satisfied_by(self.key(step.path))]

    def with_writes(self, writes: Iterable[RegistryWrite]) -> RegistryKeys:
        """The keys as they are after ``writes``."""
        writes = list(writes)
        paths = {path.casefold(): path for path, dummy in self._keys.values()}
        paths.update((write.path.casefold(), write.path) for write in writes if write.path.casefold() not in paths)
        return RegistryKeys({path: self.key(path).with_writes(w for w in writes if w.path.casefold() == folded) for folded, path in paths.items()})


@dataclass(frozen=True)
class RegistryPlan:
    """What a module wants to do to one key (or several: :class:`RegistryKeys`): ordered writes, the keys as read, and how to render them as settings."""

    key: str
    current: RegistryProperties | RegistryKeys
    writes: list[RegistryWrite]
    settings: Callable[[t.Any], dict[str, t.Any]]
    extra: dict[str, t.Any] = field(default_factory=dict)
    """Module-specific result keys (e.g. ``certificate_sha256``), returned also on failure."""

    @classmethod
    def from_steps(
        cls,
        key: str,
        current: RegistryProperties,
        steps: Iterable[RegistryWrite],
        settings: Callable[[Mapping[str, RegistryValue]], dict[str, t.Any]],
        extra: dict[str, t.Any] | None = None,
    ) -> RegistryPlan:
        """Plan ``steps`` against ``current`` (the values of ``key``); ``settings`` renders a key as readable settings."""
        return cls(key, current, plan_writes(current, steps), settings, dict(extra or {}))

    @classmethod
    def from_keys(
        cls,
        current: RegistryKeys,
        steps: Iterable[RegistryWrite],
        settings: Callable[[RegistryKeys], dict[str, t.Any]],
        extra: dict[str, t.Any] | None = None,
    ) -> RegistryPlan:
        """Plan ``steps`` against several keys (a change the host applies at boot: its marker is ``_reboot_marker``'s)."""
        return cls("", current, current.plan(steps), settings, dict(extra or {}))

    @property
    def before(self) -> dict[str, t.Any]:
        return self.settings(self.current)

    def after(self, writes: Iterable[RegistryWrite] | None = None) -> dict[str, t.Any]:
        """The settings once ``writes`` (default: every planned write) are applied."""
        return self.settings(self.current.with_writes(self.writes if writes is None else writes))


def readable_data(data: RegistryData) -> Readable:
    """Data as a person reads it: binary as an uppercase hex string, multistring as a list."""
    if isinstance(data, bytes):
        return data.hex().upper()
    if isinstance(data, tuple):
        return list(data)
    return data


def readable_value(value: RegistryValue | None) -> Readable:
    """:func:`readable_data` of a value, ``None`` for a missing value."""
    return None if value is None else readable_data(value.data)
