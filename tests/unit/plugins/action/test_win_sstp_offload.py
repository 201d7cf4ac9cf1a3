# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.win_sstp_offload against a fake host: calls made, order, results, failures."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.aovpn.rras.plugins.action.win_sstp_offload import ActionModule
from ansible_collections.aovpn.rras.plugins.plugin_utils._restart_marker import PENDING_RESTART
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import NOT_INSTALLED_MSG, PARAMETERS_KEY
from ansible_collections.aovpn.rras.tests.unit import certgen

from ansible_collections.aovpn.rras.tests.unit.plugins.action.fakehost import FakeHost

HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
PASTED = "9f 86 d0 81 88 4c 7d 65 9a 2f ea a0 c5 5a d0 15 a3 bf 4f 1b 2b 0b 82 2c d1 5d 6c 15 b0 f0 0a 08"
OLD256 = bytes(range(32))
OLD1 = bytes(range(20))
ROLE_CHECK = ["win_service", "win_feature_info"]
"""The reads that confirm the Remote Access role before the first write (never in the steady state)."""


def https_host() -> FakeHost:
    """RRAS serving HTTPS with an installed certificate pinned by an admin."""
    return FakeHost(keys={PARAMETERS_KEY: {
        "UseHttps": ("REG_DWORD", 1),
        "ListenerPort": ("REG_DWORD", 0),
        "SHA256CertificateHash": ("REG_BINARY", OLD256),
        "SHA1CertificateHash": ("REG_BINARY", OLD1),
        "IsHashConfiguredByAdmin": ("REG_DWORD", 1),
    }})


def test_present_converges_in_planned_order(run_action) -> None:
    result, host = run_action(ActionModule, https_host(), {"certificate_hash": PASTED})
    assert not result.get("failed"), result
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_regedit", "win_regedit", "win_regedit"]
    assert [(args["name"], args["state"]) for name, args in host.calls[3:]] == [
        (PENDING_RESTART, "present"), ("SHA256CertificateHash", "present"), ("UseHttps", "present"), ("SHA1CertificateHash", "absent")]
    key = host.keys[PARAMETERS_KEY]
    assert key[PENDING_RESTART] == ("REG_DWORD", 1), "the change is remembered until RemoteAccess restarts"
    assert key["SHA256CertificateHash"] == ("REG_BINARY", bytes.fromhex(HASH))
    assert key["UseHttps"] == ("REG_DWORD", 0)
    assert "SHA1CertificateHash" not in key and key["IsHashConfiguredByAdmin"] == ("REG_DWORD", 1)
    assert result["changed"] is True
    assert result["certificate_sha256"] == HASH and "certificate_sha1" not in result
    assert result["before"]["certificate_sha256"] == OLD256.hex().upper() and result["before"]["mode"] == "https"
    assert result["after"] == {**result["before"], "mode": "offload", "use_https": False, "listener_port": 80,
                               "certificate_sha256": HASH, "certificate_sha1": None}
    assert result["restart_required"] is True and result["restarted"] is False
    assert any("restart" in warning for warning in result["warnings"])
    assert "diff" not in result


def test_a_task_that_notifies_a_handler_gets_no_restart_warning(run_action) -> None:
    """The roles notify the shared restart handler; the need is still returned, only the warning goes."""
    result, host = run_action(ActionModule, https_host(), {"certificate_hash": PASTED}, notify=["aovpn.rras : restart RemoteAccess"])
    assert result["changed"] is True and result["restart_required"] is True and result["restarted"] is False
    assert "warnings" not in result and host.modules().count("win_service") == 1, "the role check's read, no restart"


def test_second_run_is_one_read_and_no_change(run_action) -> None:
    dummy, host = run_action(ActionModule, https_host(), {"certificate_hash": HASH, "restart": True})
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True})
    assert host.modules() == ["win_reg_stat"]
    assert result["changed"] is False and result["restart_required"] is False and result["restarted"] is False
    assert result["before"] == result["after"] and "warnings" not in result


def test_check_mode_plans_without_writing(run_action) -> None:
    host = https_host()
    before = dict(host.keys[PARAMETERS_KEY])
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True}, check_mode=True, diff=True)
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK]
    assert host.keys[PARAMETERS_KEY] == before
    assert result["changed"] is True and result["restarted"] is False
    assert result["after"]["certificate_sha256"] == HASH and result["after"]["use_https"] is False
    assert result["diff"] == {"before": result["before"], "after": result["after"]}


def test_diff_shows_hex_hashes(run_action) -> None:
    result, dummy = run_action(ActionModule, https_host(), {"certificate_hash": HASH}, diff=True)
    assert result["diff"]["before"]["certificate_sha256"] == OLD256.hex().upper()
    assert result["diff"]["after"]["certificate_sha256"] == HASH
    assert result["diff"]["before"]["certificate_sha1"] == OLD1.hex().upper()


def test_restart_after_all_writes(run_action) -> None:
    result, host = run_action(ActionModule, https_host(), {"certificate_hash": HASH, "restart": True})
    assert host.modules()[-2:] == ["win_service", "win_regedit"] and host.modules().count("win_service") == 2, "the role check's read, then the restart"
    assert host.calls[-2][1] == {"name": "RemoteAccess", "state": "restarted", "force_dependent_services": False}
    assert host.calls[-1][1] == {"path": PARAMETERS_KEY, "name": PENDING_RESTART, "state": "absent"}
    assert PENDING_RESTART not in host.keys[PARAMETERS_KEY]
    assert result["restarted"] is True and result["restart_required"] is False and "warnings" not in result


def test_failed_write_stops_without_restart_and_rerun_converges(run_action) -> None:
    host = FakeHost(keys={PARAMETERS_KEY: {}}, fail_write="UseHttps")
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True})
    assert result["failed"] is True
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_regedit", "win_regedit", "win_regedit"], "no restart"
    assert result["msg"].startswith("Failed to set UseHttps (dword) = 0 in ")
    assert "Access is denied" in result["msg"]
    assert (f"Applied before the failure: set {PENDING_RESTART} (dword) = 1; set SHA256CertificateHash (binary) = {HASH}; "
            "set isHashConfiguredByAdmin (dword) = 1.") in result["msg"]
    # after: what the host holds now (hash pinned, still HTTPS), not the wanted state
    assert result["after"]["certificate_sha256"] == HASH and result["after"]["use_https"] is True and result["after"]["mode"] == "https"
    assert "Not attempted: remove SHA1CertificateHash." not in result["msg"], "SHA1 is absent already, so it is not planned"
    assert "RemoteAccess was not restarted" in result["msg"]
    assert result["changed"] is True and result["restart_required"] is True and result["restarted"] is False
    assert result["not_applied"] == ["set UseHttps (dword) = 0"]
    host.fail_write = None
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True})
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK, "win_regedit", "win_service", "win_regedit"], "marker there already: not rewritten"
    assert result["changed"] is True and result["restarted"] is True and result["restart_pending"] is True
    assert PENDING_RESTART not in host.keys[PARAMETERS_KEY]


def test_failure_of_first_write_reports_nothing_applied(run_action) -> None:
    host = FakeHost(keys={PARAMETERS_KEY: {}}, fail_write="SHA256CertificateHash")
    result, dummy = run_action(ActionModule, host, {"certificate_hash": HASH})
    # only the marker was written: no setting changed, but the next run restarts once (one restart too many, never too few)
    assert result["failed"] is True and result["changed"] is True
    assert f"Applied before the failure: set {PENDING_RESTART} (dword) = 1." in result["msg"]
    assert result["after"] == result["before"]
    assert "Not attempted: set isHashConfiguredByAdmin (dword) = 1; set UseHttps (dword) = 0." in result["msg"]


def test_failed_restart_is_reported(run_action) -> None:
    host = https_host()
    host.fail_restart = True
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True})
    assert result["failed"] is True and result["restart_required"] is True and result["restarted"] is False
    assert "Every registry change was applied" in result["msg"]
    assert host.keys[PARAMETERS_KEY]["UseHttps"] == ("REG_DWORD", 0)


def test_missing_key_fails_and_creates_nothing(run_action) -> None:
    result, host = run_action(ActionModule, FakeHost(), {"certificate_hash": HASH})
    assert result["failed"] is True and result["msg"] == NOT_INSTALLED_MSG and result["changed"] is False
    assert host.modules() == ["win_reg_stat"] and host.keys == {}
    result, host = run_action(ActionModule, FakeHost(), {"state": "absent"})
    assert result["msg"] == NOT_INSTALLED_MSG and host.keys == {}


def test_certificate_option_writes_both_hashes(run_action) -> None:
    leaf = certgen.make_leaf(None)
    result, host = run_action(ActionModule, FakeHost(keys={PARAMETERS_KEY: {}}), {"certificate": certgen.cert_pem(leaf.cert).decode()})
    sha256, sha1 = certgen.openssl_fingerprint(leaf.cert, "sha256"), certgen.openssl_fingerprint(leaf.cert, "sha1")
    assert result["certificate_sha256"] == sha256 and result["certificate_sha1"] == sha1
    key = host.keys[PARAMETERS_KEY]
    assert key["SHA256CertificateHash"][1] == bytes.fromhex(sha256) and key["SHA1CertificateHash"][1] == bytes.fromhex(sha1)
    assert result["after"]["certificate_sha1"] == sha1


def test_absent_converges_and_is_idempotent(run_action) -> None:
    host = FakeHost(keys={PARAMETERS_KEY: {
        "UseHttps": ("REG_DWORD", 0), "SHA256CertificateHash": ("REG_BINARY", OLD256),
        "ishashconfiguredbyadmin": ("REG_DWORD", 1), "ListenerPort": ("REG_DWORD", 0)}})
    result, host = run_action(ActionModule, host, {"state": "absent"})
    assert [(args["name"], args["state"]) for name, args in host.calls[3:]] == [
        (PENDING_RESTART, "present"), ("isHashConfiguredByAdmin", "absent"), ("UseHttps", "present"), ("SHA256CertificateHash", "absent")]
    assert host.keys[PARAMETERS_KEY] == {"UseHttps": ("REG_DWORD", 1), "ListenerPort": ("REG_DWORD", 0), PENDING_RESTART: ("REG_DWORD", 1)}
    del host.keys[PARAMETERS_KEY][PENDING_RESTART]  # RemoteAccess restarted
    assert result["changed"] is True and result["after"]["mode"] == "https"
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"state": "absent"})
    assert result["changed"] is False and host.modules() == ["win_reg_stat"]


def test_absent_leaves_the_hashes_the_service_wrote_at_start(run_action) -> None:
    """After absent and a restart the service wrote both hashes with the flag 0: absent again is one read, no change, no restart."""
    key = {"UseHttps": ("REG_DWORD", 1), "SHA256CertificateHash": ("REG_BINARY", OLD256),
           "SHA1CertificateHash": ("REG_BINARY", OLD1), "isHashConfiguredByAdmin": ("REG_DWORD", 0)}
    host = FakeHost(keys={PARAMETERS_KEY: dict(key)})
    result, host = run_action(ActionModule, host, {"state": "absent", "restart": True})
    assert host.modules() == ["win_reg_stat"] and host.keys[PARAMETERS_KEY] == key
    assert result["changed"] is False and result["restarted"] is False and result["before"] == result["after"]


def test_absent_in_offload_with_the_services_hashes_only_switches_to_https(run_action) -> None:
    key = {"UseHttps": ("REG_DWORD", 0), "SHA256CertificateHash": ("REG_BINARY", OLD256), "isHashConfiguredByAdmin": ("REG_DWORD", 0)}
    result, host = run_action(ActionModule, FakeHost(keys={PARAMETERS_KEY: dict(key)}), {"state": "absent"})
    assert [(args["name"], args["state"]) for name, args in host.calls[3:]] == [(PENDING_RESTART, "present"), ("UseHttps", "present")]
    assert host.keys[PARAMETERS_KEY] == {**key, "UseHttps": ("REG_DWORD", 1), PENDING_RESTART: ("REG_DWORD", 1)} and result["changed"] is True


@pytest.mark.parametrize(("host", "message"), [
    (FakeHost(role_installed=False, start_mode="disabled"), "the Remote Access role is not installed"),
    (FakeHost(role_installed=False, start_mode="auto"), "the Remote Access role is not installed"),
    (FakeHost(start_mode="disabled"), "RRAS is installed but not configured (RemoteAccess is disabled): configure it first "
     "(Install-RemoteAccess -VpnType Vpn)"),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_no_write_without_a_configured_remote_access_role(run_action, host: FakeHost, message: str, check_mode: bool) -> None:
    """The keys exist on every Windows Server: the role and the service decide, before the first write."""
    host.keys = {PARAMETERS_KEY: {"UseHttps": ("REG_DWORD", 1)}}
    host.calls.clear()
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True}, check_mode=check_mode)
    assert result["failed"] is True and result["msg"] == message + "; nothing was written" and result["changed"] is False
    assert host.modules() == ["win_reg_stat", *ROLE_CHECK] and host.keys[PARAMETERS_KEY] == {"UseHttps": ("REG_DWORD", 1)}
    assert result["certificate_sha256"] == HASH


def test_a_host_already_converged_needs_no_role_check(run_action) -> None:
    host = FakeHost(start_mode="disabled", keys={PARAMETERS_KEY: {"UseHttps": ("REG_DWORD", 1)}})
    result, host = run_action(ActionModule, host, {"state": "absent"})
    assert not result.get("failed") and result["changed"] is False and host.modules() == ["win_reg_stat"]


def test_hash_only_offload_with_sha1_binding_on_warns(run_action) -> None:
    host = https_host()
    host.keys[PARAMETERS_KEY]["SHA1Enabled"] = ("REG_DWORD", 1)
    result, host = run_action(ActionModule, host, {"certificate_hash": HASH, "restart": True})
    assert result["changed"] is True and any("SHA1Enabled is on" in warning and "Event 19" in warning for warning in result["warnings"])
    leaf = certgen.make_leaf(None)
    result, host = run_action(ActionModule, host, {"certificate": certgen.cert_pem(leaf.cert).decode(), "restart": True})
    assert result["changed"] is True and "warnings" not in result


@pytest.mark.parametrize(("args", "message"), [
    ({"certificate_hash": HASH, "certificate": "x"}, "mutually exclusive: certificate_hash|certificate"),
    ({}, "certificate_hash, certificate"),
    ({"certificate_hash": HASH, "bogus": 1}, "Unsupported parameters.*bogus"),
    ({"certificate_hash": HASH, "state": "on"}, "state"),
    ({"certificate_hash": HASH, "restart": "maybe"}, "restart"),
])
def test_argument_errors_before_touching_the_host(run_action, args: dict, message: str) -> None:
    host = FakeHost()
    with pytest.raises(AnsibleActionFail, match=message):
        run_action(ActionModule, host, args)
    assert host.calls == []


@pytest.mark.parametrize(("args", "message"), [
    ({"certificate_hash": "AB" * 20}, "certificate_hash looks like a SHA-1 thumbprint"),
    ({"certificate_hash": HASH[:-1] + "Z"}, "certificate_hash is not a SHA-256 thumbprint"),
    ({"certificate_hash": HASH[:-2]}, "certificate_hash has 62 hex characters"),
    ({"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}, "certificate"),
    ({"state": "absent", "certificate_hash": HASH}, "certificate_hash applies only to state=present"),
])
def test_bad_values_fail_before_touching_the_host(run_action, args: dict, message: str) -> None:
    result, host = run_action(ActionModule, FakeHost(), args)
    assert result["failed"] is True and result["msg"].startswith(message)
    assert host.calls == []
