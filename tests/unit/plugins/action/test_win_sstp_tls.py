# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_sstp_tls against a fake host: one read per key, writes, reboot_required until the host booted, never a restart or reboot."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_sstp_tls import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import CIPHER_SUITES_KEY, server_protocol_key
from ansible_collections.aovpn.rras.plugins.plugin_utils._ikev2 import CURRENT_VERSION_KEY
from ansible_collections.aovpn.rras.plugins.plugin_utils._reboot_marker import BOOT_TIME_COMMAND, BOOT_TIME_MARGIN, PENDING_REBOOT
from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost

DEFAULT = ("SSL 3.0", "TLS 1.0", "TLS 1.1")
SEEDED_BOOT = 133_500_000_000_000_000
"""The boot time of the lab's seeded hosts, which the fake host answers unless a test boots it."""


def fresh_host(build: str = "20348") -> FakeHost:
    return FakeHost(keys={CURRENT_VERSION_KEY: {"CurrentBuildNumber": ("REG_SZ", build)}})


def paths(host: FakeHost) -> list[tuple[str, str]]:
    return [(name.rsplit(".", 1)[-1], args.get("path", args.get("name"))) for name, args in host.calls]


def test_default_turns_three_protocols_off_and_asks_for_a_reboot_until_the_host_booted(run_action) -> None:
    result, host = run_action(ActionModule, fresh_host(), {})
    # the marker (the boot time read right before) first into each key, then the changes
    assert paths(host) == [*(("win_reg_stat", server_protocol_key(p)) for p in DEFAULT), ("win_service", "RemoteAccess"),
                           ("win_feature_info", "RemoteAccess"), ("powershell", None),
                           *(("win_regedit", server_protocol_key(p)) for p in DEFAULT * 2)]
    assert [args["name"] for module, args in host.calls if module.endswith("win_regedit")] == [PENDING_REBOOT] * 3 + ["Enabled"] * 3
    for protocol in DEFAULT:
        assert host.keys[server_protocol_key(protocol)] == {"Enabled": ("REG_DWORD", 0), PENDING_REBOOT: ("REG_QWORD", SEEDED_BOOT)}
    assert result["changed"] is True and result["reboot_required"] is True and result["reboot_pending"] is False
    assert result["ansible_facts"]["aovpn_rras_host"]["reboot_pending"] == sorted(server_protocol_key(p) for p in DEFAULT)
    assert "restart_required" not in result and "restarted" not in result
    assert result["after"] == {"server_protocols": dict.fromkeys(DEFAULT, "disabled")}
    assert any(w.startswith("SCHANNEL reads its protocol") for w in result["warnings"])
    assert not any("Group Policy" in w for w in result["warnings"])

    # not rebooted since: still reported (so a rolling run reboots it), one boot time read, no write
    host.calls.clear()
    result, host = run_action(ActionModule, host, {})
    assert host.calls[-1] == ("powershell", {"command": "boot_time"}) and host.modules() == ["win_reg_stat"] * 3 + ["powershell"]
    assert result["changed"] is True and result["reboot_required"] is True and result["reboot_pending"] is True
    assert result["reboot_marker_removed"] == [] and any(w.startswith("SCHANNEL reads its protocol") for w in result["warnings"])

    # rebooted by hand: the settings apply now; the stale markers go, which is no change (nothing waits for a reboot)
    host.boot_filetime = SEEDED_BOOT + 3600 * 10_000_000
    host.calls.clear()
    result, host = run_action(ActionModule, host, {})
    assert host.modules() == ["win_reg_stat"] * 3 + ["powershell"] + ["win_regedit"] * 3
    assert [args for module, args in host.calls[4:]] == [{"path": server_protocol_key(p), "name": PENDING_REBOOT, "state": "absent"} for p in DEFAULT]
    assert result["changed"] is False and result["reboot_required"] is False and result["reboot_pending"] is False
    assert result["reboot_marker_removed"] == [server_protocol_key(p) for p in DEFAULT] and "warnings" not in result
    assert "ansible_facts" not in result

    host.calls.clear()
    result, host = run_action(ActionModule, host, {})
    assert host.modules() == ["win_reg_stat"] * 3, "steady: one read per key, no boot time"
    assert result["changed"] is False and result["reboot_required"] is False and result["reboot_marker_removed"] == []


def test_check_mode_reads_the_boot_time_and_writes_nothing(run_action) -> None:
    marked = {"Enabled": ("REG_DWORD", 0), PENDING_REBOOT: ("REG_QWORD", SEEDED_BOOT)}
    host = fresh_host()
    host.keys.update({server_protocol_key(p): dict(marked) for p in DEFAULT})
    kept = {path: dict(values) for path, values in host.keys.items()}
    result, host = run_action(ActionModule, host, {}, check_mode=True)
    assert result["changed"] is True and result["reboot_required"] is True and result["reboot_pending"] is True
    host.boot_filetime = SEEDED_BOOT + BOOT_TIME_MARGIN // 2  # LastBootUpTime moved by a clock correction: the same boot
    result, host = run_action(ActionModule, host, {}, check_mode=True)
    assert result["reboot_required"] is True and result["reboot_marker_removed"] == []
    host.boot_filetime = SEEDED_BOOT + 2 * BOOT_TIME_MARGIN
    result, host = run_action(ActionModule, host, {}, check_mode=True)
    assert result["changed"] is False and result["reboot_required"] is False and len(result["reboot_marker_removed"]) == 3
    assert "win_regedit" not in host.modules() and host.keys == kept


def test_a_failed_boot_time_read_fails_and_changes_nothing(run_action) -> None:
    host = fresh_host()
    host.fail_boot_time = True
    result, host = run_action(ActionModule, host, {})
    assert result["failed"] is True and result["msg"].startswith("Reading the boot time failed (" + BOOT_TIME_COMMAND)
    assert "Access denied" in result["msg"] and result["changed"] is False and "win_regedit" not in host.modules()
    host.keys[server_protocol_key("TLS 1.0")] = {"Enabled": ("REG_DWORD", 0), PENDING_REBOOT: ("REG_QWORD", SEEDED_BOOT)}
    result, host = run_action(ActionModule, host, {"disabled_protocols": ["TLS 1.0"]}, check_mode=True)
    assert result["failed"] is True and "nothing was written" in result["msg"] and "win_regedit" not in host.modules()


def test_recommended_suites_by_build_and_the_group_policy_warning(run_action) -> None:
    result, host = run_action(ActionModule, fresh_host("14393"), {"disabled_protocols": [], "cipher_suites": "recommended"})
    assert paths(host)[:2] == [("win_reg_stat", CURRENT_VERSION_KEY), ("win_reg_stat", CIPHER_SUITES_KEY)]
    assert host.keys[CIPHER_SUITES_KEY] == {"Functions": ("REG_SZ", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                                            PENDING_REBOOT: ("REG_QWORD", SEEDED_BOOT)}
    assert result["os_build"] == 14393
    assert result["after"]["cipher_suites"] == ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    assert any("Group Policy value" in w for w in result["warnings"])


def test_recommended_on_an_old_build_fails_before_any_write(run_action) -> None:
    result, host = run_action(ActionModule, fresh_host("9600"), {"cipher_suites": ["recommended"]})
    assert result["failed"] is True and "build 9600" in result["msg"] and result["os_build"] == 9600
    assert paths(host) == [("win_reg_stat", CURRENT_VERSION_KEY)]


def test_gathered_facts_replace_the_build_read(run_action) -> None:
    facts = {"ansible_facts": {"os_family": "Windows", "distribution_version": "10.0.17763.0"}}
    result, host = run_action(ActionModule, fresh_host("9600"), {"cipher_suites": ["recommended"]}, task_vars=facts)
    assert ("win_reg_stat", CURRENT_VERSION_KEY) not in paths(host) and result["os_build"] == 17763
    assert host.keys[CIPHER_SUITES_KEY]["Functions"][1].startswith("TLS_AES_128_GCM_SHA256,")


def test_check_mode_diff_and_no_role(run_action) -> None:
    result, host = run_action(ActionModule, fresh_host(), {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}, check_mode=True, diff=True)
    assert "win_regedit" not in host.modules() and "powershell" not in host.modules() and result["reboot_required"] is True
    assert result["diff"]["after"] == {"server_protocols": dict.fromkeys(DEFAULT, "disabled"), "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}
    host = fresh_host()
    host.role_installed = False
    result, host = run_action(ActionModule, host, {})
    assert result["failed"] is True and result["msg"].startswith("the Remote Access role is not installed")
    assert list(host.keys) == [CURRENT_VERSION_KEY]


def test_failed_write_names_it(run_action) -> None:
    host = fresh_host()
    host.keys[server_protocol_key("SSL 3.0")] = {"Enabled": ("REG_DWORD", 0)}
    host.fail_write = "Functions"
    result, host = run_action(ActionModule, host, {"cipher_suites": ["TLS_AES_128_GCM_SHA256"]})
    assert result["failed"] is True and "Access is denied" in result["msg"] and CIPHER_SUITES_KEY in result["msg"]
    # the markers of the three keys to change (TLS 1.0, TLS 1.1, the cipher suites), then the changes up to the failed one
    assert result["applied"] == [f"set {PENDING_REBOOT} (qword) = {SEEDED_BOOT}"] * 3 + ["set Enabled (dword) = 0"] * 2
    assert result["changed"] is True
    # the markers stay: the next run reports the reboot the applied changes need
    assert result["ansible_facts"]["aovpn_rras_host"]["reboot_pending"] == sorted([CIPHER_SUITES_KEY, *(server_protocol_key(p) for p in DEFAULT[1:])])
    assert "not restarted" not in result["msg"]


@pytest.mark.parametrize(("args", "match"), [
    ({"disabled_protocols": ["TLS 1.2"]}, "TLS 1.2 is refused in disabled_protocols: SSTP and WinRM over HTTPS"),
    ({"disabled_protocols": ["TLS 9"]}, "disabled_protocols: 'TLS 9' is not a SCHANNEL protocol name"),
    ({"cipher_suites": []}, "cipher_suites must not be empty"),
    ({"cipher_suites": ["rc4"]}, "cipher_suites: 'rc4' is not a cipher suite name"),
    ({"restart": True}, "restart"),
])
def test_bad_arguments_fail_before_touching_the_host(run_action, args: dict, match: str) -> None:
    host = fresh_host()
    with pytest.raises(AnsibleActionFail, match=match):
        run_action(ActionModule, host, args)
    assert host.calls == []
