"""The rollout decisions the playbooks take on the controller."""

from __future__ import annotations

from typing import Any

from ansible_collections.aovpn.rras.plugins.filter.rollout import first_of_each_variable_set

PATTERN = "(aovpn_rras|sstp_offload)_"
GROUP = {"sstp_offload_certificate_hash": "AA" * 32, "aovpn_rras_serial": 1, "ansible_host": "x", "other_var": 1}


def pick(hostvars: dict[str, dict[str, Any]]) -> list[str]:
    return first_of_each_variable_set(list(hostvars), hostvars, PATTERN)


def test_hosts_sharing_their_variables_are_checked_once_on_the_first() -> None:
    assert pick({"a": dict(GROUP), "b": dict(GROUP), "c": dict(GROUP)}) == ["a"]


def test_other_variables_do_not_split_a_set() -> None:
    assert pick({"a": dict(GROUP), "b": dict(GROUP, ansible_host="y", other_var=2)}) == ["a"]


def test_a_host_value_that_differs_gets_its_own_check() -> None:
    assert pick({"a": dict(GROUP), "b": dict(GROUP, sstp_offload_certificate_hash="BB" * 20), "c": dict(GROUP)}) == ["a", "b"]


def test_a_variable_only_one_host_has_gets_its_own_check() -> None:
    assert pick({"a": dict(GROUP), "b": dict(GROUP, sstp_offload_warn_days=7)}) == ["a", "b"]
    assert pick({"a": dict(GROUP, sstp_offload_warn_days=7), "b": dict(GROUP)}) == ["a", "b"]


def test_structured_values_compare_by_content_and_input_order_is_kept() -> None:
    hostvars = {"z": dict(GROUP, aovpn_rras_serial=[1, "50%"]), "a": dict(GROUP, aovpn_rras_serial=[1, "50%"]), "m": dict(GROUP)}
    assert first_of_each_variable_set(["z", "a", "m"], hostvars, PATTERN) == ["z", "m"]
    assert first_of_each_variable_set(["m", "a"], hostvars, PATTERN) == ["m", "a"]
