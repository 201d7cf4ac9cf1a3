# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The IKEv2 core: fragmentation plan for every starting state, build parsing and the build policy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import (
    IKEV2_KEY,
    SERVER_FRAGMENTATION,
    build_support,
    check_build,
    fragmentation_steps,
    ikev2_settings,
    os_build,
    parse_build,
    server_fragmentation,
)
from ansible_collections.aovpn.rras.plugins.plugin_utils._rras_registry import parse_key_stat
from ansible_collections.aovpn.rras.tests.unit.plugins.plugin_utils.registry_values import key


MISSING_KEY = None
EMPTY_KEY = key()
ON = key(EnableServerFragmentation=("dword", 1))
OFF = key(EnableServerFragmentation=("dword", 0))
TWO = key(EnableServerFragmentation=("dword", 2))
LOWER_CASE_ON = key(enableserverfragmentation=("dword", 1))
STRING_ONE = key(EnableServerFragmentation=("string", "1"))


@pytest.mark.parametrize(("current", "state", "expected"), [
    (MISSING_KEY, "enabled", [("dword", 1)]),
    (EMPTY_KEY, "enabled", [("dword", 1)]),
    (OFF, "enabled", [("dword", 1)]),
    (TWO, "enabled", [("dword", 1)]),
    (STRING_ONE, "enabled", [("dword", 1)]),
    (ON, "enabled", []),
    (LOWER_CASE_ON, "enabled", []),
    (ON, "disabled", [("dword", 0)]),
    (TWO, "disabled", [("dword", 0)]),
    (STRING_ONE, "disabled", [("dword", 0)]),
    (OFF, "disabled", []),
    (MISSING_KEY, "disabled", []),
    (EMPTY_KEY, "disabled", []),
])
def test_fragmentation_steps_for_every_starting_state(current, state: str, expected: list) -> None:
    steps = fragmentation_steps(current, state)
    assert [(step.value_type, step.data) for step in steps] == expected
    for step in steps:
        assert step.path == IKEV2_KEY and step.name == SERVER_FRAGMENTATION
        # After the write the plan is empty: converged.
        assert fragmentation_steps((current or EMPTY_KEY).with_writes(steps), state) == []


def test_fragmentation_write_is_a_dword_win_regedit_call() -> None:
    (step,) = fragmentation_steps(MISSING_KEY, "enabled")
    assert step.module_args() == {
        "path": "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2",
        "name": "EnableServerFragmentation", "type": "dword", "data": 1, "state": "present"}


def test_unknown_state_is_rejected() -> None:
    with pytest.raises(ValueError, match="state must be one of enabled, disabled"):
        fragmentation_steps(ON, "present")


@pytest.mark.parametrize(("current", "enabled", "stored"), [
    (MISSING_KEY, False, None), (EMPTY_KEY, False, None), (OFF, False, 0), (ON, True, 1),
    (TWO, True, 2), (LOWER_CASE_ON, True, 1), (STRING_ONE, False, "1"),
])
def test_settings_report_effective_flag_and_stored_data(current, enabled: bool, stored) -> None:
    assert server_fragmentation(current) is enabled
    assert ikev2_settings(current) == {"server_fragmentation": enabled, "enable_server_fragmentation": stored}


def test_settings_from_a_win_reg_stat_result() -> None:
    stat = {"changed": False, "exists": True, "sub_keys": [],
            "properties": {"EnableServerFragmentation": {"type": "REG_DWORD", "value": 1, "raw_value": 1}}}
    assert ikev2_settings(parse_key_stat(stat))["server_fragmentation"] is True
    assert ikev2_settings(parse_key_stat({"changed": False, "exists": False}))["server_fragmentation"] is False


@pytest.mark.parametrize(("text", "build"), [
    ("17763", 17763), (" 20348 ", 20348), ("9600", 9600), ("10.0.17134", 17134), ("6.3.9600", 9600),
    ("6.3.9600.21620", 9600), ("17763.5830", 17763), (17763, 17763),
    ("", None), ("abc", None), ("0", None), (0, None), (None, None), (True, None), ([17763], None), ("17763a", None),
])
def test_parse_build(text, build) -> None:
    assert parse_build(text) == build


def test_reference_script_string_comparison_lets_2012r2_through_integer_comparison_does_not() -> None:
    # Hicks' Enable-IKEv2Fragmentation.ps1 compares [string] versions: '6.3.9600' -lt '10.0.17134' is false.
    reference_versions = ["6.3.9600", "10.0.17134"]
    assert sorted(reference_versions) == ["10.0.17134", "6.3.9600"], "as strings, 2012 R2 sorts after 1803"
    assert parse_build("6.3.9600") < parse_build("10.0.17134")
    assert check_build(parse_build("6.3.9600"), allow_unsupported_build=False).error


def test_os_build_prefers_current_build_number_then_current_build() -> None:
    assert os_build(key(CurrentBuildNumber=("string", "17763"), CurrentBuild=("string", "1"))) == 17763
    assert os_build(key(CurrentBuildNumber=("string", "garbage"), CurrentBuild=("string", "14393"))) == 14393
    assert os_build(key(currentbuildnumber=("string", "9600"))) == 9600
    assert os_build(key(CurrentBuild=("dword", 20348))) == 20348
    assert os_build(key(ProductName=("string", "Windows Server 2019"))) is None
    assert os_build(None) is None


@pytest.mark.parametrize(("build", "support"), [
    (9600, "unsupported"), (14393, "unsupported"), (17133, "unsupported"), (None, "unsupported"),
    (17134, "disputed"), (17762, "disputed"), (17763, "confirmed"), (20348, "confirmed"), (26100, "confirmed"),
])
def test_build_support_boundaries(build, support: str) -> None:
    assert build_support(build) == support


@pytest.mark.parametrize("build", [9600, 14393, 17133, None])
def test_old_or_unknown_build_refused_unless_allowed(build) -> None:
    refused = check_build(build, allow_unsupported_build=False)
    assert refused.error and not refused.warning and "allow_unsupported_build=true" in refused.error
    assert (str(build) if build else "could not be read") in refused.error
    allowed = check_build(build, allow_unsupported_build=True)
    assert allowed.error is None and allowed.warning and "allow_unsupported_build=true" in allowed.warning


@pytest.mark.parametrize("allow", [False, True])
def test_disputed_builds_proceed_with_warning(allow: bool) -> None:
    verdict = check_build(17134, allow_unsupported_build=allow)
    assert verdict.error is None and "disputed" in verdict.warning and "17763" in verdict.warning


@pytest.mark.parametrize("allow", [False, True])
def test_confirmed_builds_proceed_silently(allow: bool) -> None:
    assert check_build(17763, allow_unsupported_build=allow) == check_build(17763, False)
    assert check_build(20348, allow_unsupported_build=allow).error is None
    assert check_build(20348, allow_unsupported_build=allow).warning is None


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=99))
def test_build_parsing_and_policy_use_integers(build: int, major: int, minor: int) -> None:
    assert parse_build(str(build)) == build
    assert parse_build(f"{major}.{minor}.{build}") == build
    verdict = check_build(parse_build(f"{major}.{minor}.{build}"), allow_unsupported_build=False)
    assert (verdict.error is None) == (build >= 17134)
