"""The roles and playbooks through ``ansible-playbook`` on the lab: convergence, idempotence, restarts, secrets.

Every assertion reads the lab's journal (each emulated ansible.windows call, in order, with its check
mode flag and time) or its host state, so "no restart" means no ``win_service`` call reached the host
and "writes nothing" means no call outside check mode changed anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.lab

PLAYBOOKS = REPO_ROOT / "playbooks"
SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
TWO_HOSTS = "ws2022-sstp:ws2019-rras"  # inventory order: ws2022-sstp's batch runs first
WRITES = {"win_regedit", "win_service", "win_certificate_store", "win_copy", "win_file"}
MARKER = "AovpnRrasRestartPending"  # the pending-restart marker, removed after the restart


def restarts(journal: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in journal if e["module"] == "win_service" and e["args"].get("state") == "restarted" and not e["check_mode"]]


def real_changes(journal: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in journal if e["changed"] and not e["check_mode"]]


def value(lab, host: str, key: str, name: str) -> Any:
    values = {k.lower(): v for k, v in (lab.reg_values(host, key) or {}).items()}
    entry = values.get(name.lower())
    return None if entry is None else entry["value"]


def site_vars(lab, **extra: Any) -> dict[str, Any]:
    return {
        "aovpn_rras_target": TWO_HOSTS,
        "aovpn_rras_sstp_offload": True,
        "aovpn_rras_ikev2_fragmentation": True,
        "sstp_offload_certificate_file": lab.pki["pem"],
        "sstp_offload_fqdn": "vpn.example.com",
        **extra,
    }


def pfx_vars(lab, name: str = "vpn_server", **extra: Any) -> dict[str, Any]:
    return {
        "aovpn_rras_target": "ws2019-rras",
        "sstp_certificate_pfx_file": lab.pki["certs"][name]["pfx"],
        "sstp_certificate_pfx_password": lab.pki["password"],
        "sstp_certificate_fqdn": "vpn.example.com",
        **extra,
    }


def pfx_files(lab, host: str) -> list[str]:
    return [entry["path"] for entry in lab.state(host)["files"].values() if entry["path"].lower().endswith(".pfx")]


def assert_ok(run) -> None:
    assert run.rc == 0, f"{run.stdout[-5000:]}\n{run.stderr[-3000:]}"


# ---------------------------------------------------------------------------------------------
# site: offload + IKEv2 on two servers


def test_site_check_mode_then_converges_with_one_restart_per_host_in_series_then_changes_nothing(lab) -> None:
    before = {host: lab.state(host)["registry"] for host in ("ws2022-sstp", "ws2019-rras")}

    check = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab), check=True)
    assert_ok(check)
    for host, registry in before.items():
        journal = lab.journal(host)
        assert journal and all(entry["check_mode"] for entry in journal), f"{host}: a call ran outside check mode"
        assert lab.state(host)["registry"] == registry
        assert check.stats[host]["changed"] > 0, "check mode must report what a real run changes"
    lab.clear_journal()

    first = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab))
    assert_ok(first)
    for host in ("ws2022-sstp", "ws2019-rras"):
        assert value(lab, host, SSTP_KEY, "UseHttps") == 0
        assert bytes(value(lab, host, SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(lab.pki["sha256"])
        assert bytes(value(lab, host, SSTP_KEY, "SHA1CertificateHash")) == bytes.fromhex(lab.pki["sha1"])
        assert value(lab, host, SSTP_KEY, "isHashConfiguredByAdmin") == 1
        assert value(lab, host, IKEV2_KEY, "EnableServerFragmentation") == 1
        assert len(restarts(lab.journal(host))) == 1, f"{host}: SSTP and IKEv2 changed, RemoteAccess must restart exactly once"
    # serial 1: the second server is not changed before the first one has restarted (both are read first, in check mode)
    first_restart = restarts(lab.journal("ws2022-sstp"))[0]["time_ns"]
    assert min(entry["time_ns"] for entry in lab.journal("ws2019-rras") if not entry["check_mode"]) > first_restart
    lab.clear_journal()

    second = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab))
    assert_ok(second)
    for host in ("ws2022-sstp", "ws2019-rras"):
        assert second.stats[host]["changed"] == 0
        assert real_changes(lab.journal(host)) == [] and restarts(lab.journal(host)) == []


def test_site_with_serial_two_changes_both_servers_in_one_batch(lab) -> None:
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab, aovpn_rras_serial=2, aovpn_rras_sstp_offload=False))
    assert_ok(run)
    first, second = (restarts(lab.journal(host))[0]["time_ns"] for host in ("ws2022-sstp", "ws2019-rras"))
    writes_of = {host: [e["time_ns"] for e in real_changes(lab.journal(host)) if e["module"] == "win_regedit" and e["args"]["name"] != MARKER]
                 for host in ("ws2022-sstp", "ws2019-rras")}
    # one batch: both servers are written before either restarts (handlers run at the end of the batch)
    assert max(writes_of["ws2022-sstp"] + writes_of["ws2019-rras"]) < min(first, second)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ikev2_fragmentation_state": "sometimes"}, "ikev2_fragmentation_state"),
        ({"sstp_offload_restart": "later"}, "sstp_offload_restart"),
        ({"sstp_offload_certificate_hash": "07737AA76EA5FA54C58AD158DCD3898D014E113C"}, "exactly one of"),
        ({"aovpn_rras_sstp_certificate": True, "sstp_certificate_pfx_file": "x.pfx"}, "choose one"),
    ],
)
def test_bad_variables_fail_before_any_host_is_touched(lab, extra: dict[str, Any], message: str) -> None:
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab, **extra), callback="default")
    assert run.rc != 0
    assert message in run.stdout
    for host in lab.hosts:
        assert lab.journal(host) == [], f"{host} was touched"


def test_a_bad_variable_of_the_last_server_stops_the_rollout_before_the_first(lab) -> None:
    inventory = lab.inventory_with({"ws2019-rras": {"ikev2_fragmentation_restart": "whenever"}})
    run = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab), inventory=inventory, callback="default")
    assert run.rc != 0 and "ikev2_fragmentation_restart" in run.stdout
    assert lab.journal("ws2022-sstp") == [] and lab.journal("ws2019-rras") == []


PREFLIGHT_CHECK = "aovpn.rras.sstp_offload : Require one certificate input, found and fit for SSTP clients"


def test_servers_sharing_their_variables_are_checked_once_and_a_server_with_its_own_is_checked_too(lab) -> None:
    shared = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab))
    assert_ok(shared)
    assert len(shared.results("ws2022-sstp", PREFLIGHT_CHECK)) == 1 and shared.results("ws2019-rras", PREFLIGHT_CHECK) == []
    # both servers converge all the same
    assert value(lab, "ws2019-rras", SSTP_KEY, "UseHttps") == 0 and value(lab, "ws2022-sstp", SSTP_KEY, "UseHttps") == 0

    inventory = lab.inventory_with({"ws2019-rras": {"sstp_offload_warn_days": 7}})
    own = lab.playbook(PLAYBOOKS / "site.yml", extra_vars=site_vars(lab), inventory=inventory)
    assert_ok(own)
    assert len(own.results("ws2022-sstp", PREFLIGHT_CHECK)) == 1 and len(own.results("ws2019-rras", PREFLIGHT_CHECK)) == 1


# ---------------------------------------------------------------------------------------------
# sstp_offload


def test_offload_from_a_pasted_hash_writes_sha256_only(lab) -> None:
    pasted = "\u200e" + " ".join(lab.pki["sha256"][i:i + 2].lower() for i in range(0, 64, 2))
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars={"aovpn_rras_target": "ws2022-sstp", "sstp_offload_certificate_hash": pasted})
    assert_ok(run)
    assert bytes(value(lab, "ws2022-sstp", SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(lab.pki["sha256"])
    assert value(lab, "ws2022-sstp", SSTP_KEY, "SHA1CertificateHash") is None
    assert value(lab, "ws2022-sstp", SSTP_KEY, "UseHttps") == 0
    assert len(restarts(lab.journal("ws2022-sstp"))) == 1


@pytest.mark.parametrize(
    ("cert", "fqdn", "message"),
    [
        ("vpn_client_only", "vpn.example.com", "lacks the Server Authentication EKU"),
        ("vpn_server", "sstp.example.org", "does not cover sstp_offload_fqdn sstp.example.org"),
        ("lab_root_ca", "", "is a CA certificate"),
        ("missing.pem", "", "sstp_offload_certificate_file missing.pem was not found on the controller"),
    ],
)
def test_offload_refuses_an_unfit_certificate_before_touching_any_host(lab, cert: str, fqdn: str, message: str) -> None:
    path = lab.pki["certs"][cert]["der"] if cert in lab.pki["certs"] else cert
    extra = {"sstp_offload_certificate_file": path, "sstp_offload_fqdn": fqdn}
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars=site_vars(lab, **extra), callback="default")
    assert run.rc != 0
    assert message in run.stdout
    assert all(lab.journal(host) == [] for host in lab.hosts)


def test_offload_warns_when_the_certificate_expires_within_warn_days(lab) -> None:
    extra = {"sstp_offload_certificate_file": lab.pki["pem"], "sstp_offload_warn_days": 100000}
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars=site_vars(lab, **extra), check=True, callback="default")
    assert run.rc == 0, run.stdout[-3000:]
    text = " ".join((run.stdout + run.stderr).split())  # ansible-core prints warnings on stderr
    assert "[WARNING]: certificate_file: the certificate 'CN=vpn.example.com,O=AOVPN Lab' expires in" in text, text[-3000:]
    assert "WARNING: " + lab.pki["pem"] not in text, "a real Ansible warning, not an ok message"


def test_offload_absent_turns_https_back_on(lab) -> None:
    assert_ok(lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars={"aovpn_rras_target": "ws2022-sstp", "sstp_offload_certificate_file": lab.pki["der"]}))
    lab.clear_journal()
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars={"aovpn_rras_target": "ws2022-sstp", "sstp_offload_state": "absent"})
    assert_ok(run)
    assert value(lab, "ws2022-sstp", SSTP_KEY, "UseHttps") == 1
    journal = lab.journal("ws2022-sstp")
    removed = {e["args"]["name"] for e in real_changes(journal) if e["module"] == "win_regedit" and e["args"]["state"] == "absent"}
    assert removed == {"SHA256CertificateHash", "SHA1CertificateHash", "isHashConfiguredByAdmin", MARKER}
    # the hashes are the service's again: at restart it picks the certificate in LocalMachine\My itself
    assert not value(lab, "ws2022-sstp", SSTP_KEY, "isHashConfiguredByAdmin")
    assert len(restarts(journal)) == 1
    # after the restart only the pending marker is forgotten (one win_regedit per managed key) and the health gate reads
    after_restart = journal[journal.index(restarts(journal)[0]) + 1:]
    assert [e for e in after_restart if e["module"] in WRITES and not (e["module"] == "win_regedit" and e["args"]["name"] == MARKER)
            and not (e["module"] == "win_service" and "state" not in e["args"])] == []
    assert any(e["module"] == "win_regedit" for e in after_restart)
    assert not value(lab, "ws2022-sstp", SSTP_KEY, MARKER)


@pytest.mark.parametrize(("policy", "expected", "warned"), [("never", 0, True), ("immediate", 1, False), ("handler", 1, False)])
def test_restart_policies(lab, policy: str, expected: int, warned: bool) -> None:
    """Only "never" leaves the restart to the admin, so only it warns that one is needed."""
    run = lab.playbook("aovpn.rras.ikev2_fragmentation", extra_vars={"aovpn_rras_target": "ws2019-rras", "ikev2_fragmentation_restart": policy})
    assert_ok(run)
    journal = lab.journal("ws2019-rras")
    assert len(restarts(journal)) == expected
    # the last one: the first is the read of every server (check mode) that finds the servers to change
    converge = run.results("ws2019-rras", "aovpn.rras.ikev2_fragmentation : Converge IKEv2 server fragmentation")[-1]
    assert converge["restart_required"] is (policy != "immediate")
    assert any("must be restarted" in warning for warning in converge.get("warnings", [])) is warned
    if policy == "immediate":  # from the module, right after its write, not from the handler at the end of the play
        assert [e["module"] for e in journal[-2:]] == ["win_service", "win_regedit"] and journal[-1]["args"]["name"] == MARKER
        assert not any(entry["task"]["name"] == "Restart RemoteAccess" for play in run.json["plays"] for entry in play["tasks"])


# ---------------------------------------------------------------------------------------------
# sstp_certificate


def test_certificate_imported_once_bound_and_temp_file_removed(lab) -> None:
    first = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab))
    assert_ok(first)
    journal = lab.journal("ws2019-rras")
    imports = [e for e in journal if e["module"] == "win_certificate_store"]
    assert len(imports) == 1 and imports[0]["args"]["key_exportable"] is False and imports[0]["args"]["key_storage"] == "machine"
    assert pfx_files(lab, "ws2019-rras") == []
    assert bytes(value(lab, "ws2019-rras", SSTP_KEY, "SHA1CertificateHash")) == bytes.fromhex(lab.pki["sha1"])
    assert value(lab, "ws2019-rras", SSTP_KEY, "UseHttps") == 1
    assert len(restarts(journal)) == 1
    lab.clear_journal()

    second = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab))
    assert_ok(second)
    assert second.stats["ws2019-rras"]["changed"] == 0
    modules = [e["module"] for e in lab.journal("ws2019-rras")]
    assert modules == ["win_reg_stat", "win_certificate_info"], "steady state: the module's two reads (SSTP key, store), once"
    assert real_changes(lab.journal("ws2019-rras")) == []


def test_certificate_check_mode_writes_nothing(lab) -> None:
    before = lab.state("ws2019-rras")
    run = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab, sstp_certificate_use_http=True), check=True)
    assert_ok(run)
    assert run.stats["ws2019-rras"]["changed"] > 0
    assert all(entry["check_mode"] for entry in lab.journal("ws2019-rras"))
    after = lab.state("ws2019-rras")
    assert (after["registry"], after["files"]) == (before["registry"], before["files"])


def test_failed_import_still_removes_the_temp_file_and_changes_nothing_else(lab) -> None:
    fault = {"module": "win_certificate_store", "msg": "The specified network password is not correct"}
    inventory = lab.inventory_with({"ws2019-rras": {"lab_faults": [fault]}})
    run = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab), inventory=inventory)
    assert run.rc != 0
    journal = lab.journal("ws2019-rras")
    assert [e["module"] for e in journal][-3:] == ["win_certificate_store", "win_file", "win_regedit"]
    assert journal[-3]["failed"] and journal[-2]["args"]["state"] == "absent" and journal[-1]["args"]["state"] == "absent"
    assert pfx_files(lab, "ws2019-rras") == []
    assert not any(e["module"] == "win_service" for e in journal)
    assert not [name for name in lab.reg_values("ws2019-rras", SSTP_KEY) or {} if name.startswith("AovpnRrasTemporaryFile:")]


def test_the_pfx_password_never_appears_at_vvvv_nor_in_the_journal(lab) -> None:
    """The password comes from inventory (as from a vault or an AWX credential): -e would echo it in the command line at -vvvv."""
    password = lab.pki["password"]
    plain = {k: v for k, v in pfx_vars(lab).items() if k != "sstp_certificate_pfx_password"}
    fault = [{"module": "win_certificate_store", "msg": "import refused"}]
    inventory = lab.inventory_with({"ws2019-rras": {"sstp_certificate_pfx_password": password},
                                    "ws2022-sstp": {"sstp_certificate_pfx_password": password, "lab_faults": fault},
                                    "ws2016-rras": {"sstp_certificate_pfx_password": "Wr0ng-" + password}})
    ok = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=plain, inventory=inventory, verbosity=4, callback="default")
    assert ok.rc == 0, ok.stdout[-3000:]
    failed = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", inventory=inventory, verbosity=4, callback="default",
                          extra_vars={**plain, "aovpn_rras_target": "ws2022-sstp", "sstp_certificate_pfx_file": lab.pki["certs"]["vpn_server_next"]["pfx"]})
    assert failed.rc != 0 and "import refused" not in ok.stdout
    wrong = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars={**plain, "aovpn_rras_target": "ws2016-rras"}, inventory=inventory,
                         verbosity=4, callback="default")
    assert wrong.rc != 0 and "password is wrong" in wrong.stdout + wrong.stderr
    assert lab.journal("ws2016-rras") == []
    for run in (ok, failed, wrong):
        assert password not in run.stdout and password not in run.stderr
    for host in lab.hosts:
        assert password not in str(lab.journal(host))


def test_renewal_converges_with_one_restart(lab) -> None:
    assert_ok(lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab)))
    lab.clear_journal()
    renewed = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab, "vpn_server_next"))
    assert_ok(renewed)
    next_cert = lab.pki["certs"]["vpn_server_next"]
    assert bytes(value(lab, "ws2019-rras", SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(next_cert["sha256"])
    assert bytes(value(lab, "ws2019-rras", SSTP_KEY, "SHA1CertificateHash")) == bytes.fromhex(next_cert["sha1"])
    assert len(restarts(lab.journal("ws2019-rras"))) == 1
    assert pfx_files(lab, "ws2019-rras") == []


def store_sha1s(lab, host: str) -> set[str]:
    import base64  # pylint: disable=import-outside-toplevel
    import hashlib  # pylint: disable=import-outside-toplevel

    entries = next((entries for name, entries in lab.state(host)["cert_stores"].items() if name.lower() == "localmachine\\my"), [])
    return {hashlib.sha1(base64.b64decode(entry["der_b64"])).hexdigest().upper() for entry in entries}  # noqa: S324


@pytest.mark.parametrize("remove", [False, True])
def test_renewal_keeps_or_removes_the_superseded_certificate_after_the_restart(lab, remove: bool) -> None:
    old, new = lab.pki["certs"]["vpn_server"], lab.pki["certs"]["vpn_server_next"]
    assert_ok(lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab)))
    assert old["sha1"] in store_sha1s(lab, "ws2019-rras")
    lab.clear_journal()
    extra = pfx_vars(lab, "vpn_server_next", sstp_certificate_remove_superseded=remove)
    renewed = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=extra)
    assert_ok(renewed)
    assert bytes(value(lab, "ws2019-rras", SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(new["sha256"])
    sha1s = store_sha1s(lab, "ws2019-rras")
    assert new["sha1"] in sha1s and (old["sha1"] not in sha1s) is remove
    journal = lab.journal("ws2019-rras")
    removals = [e for e in journal if e["module"] == "win_certificate_store" and e["args"].get("state") == "absent"]
    if remove:
        assert [e["args"]["thumbprint"] for e in removals] == [old["sha1"]], "only the superseded certificate"
        restart_at = restarts(journal)[0]["seq"]
        assert removals[0]["seq"] > restart_at, "removed only after RemoteAccess restarted with the new certificate"
    else:
        assert removals == []
    lab.clear_journal()
    again = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=extra)
    assert_ok(again)
    assert real_changes(lab.journal("ws2019-rras")) == [], "the bound certificate again changes nothing"


def test_remove_superseded_never_removes_a_certificate_an_http_sys_binding_uses(lab) -> None:
    old = lab.pki["certs"]["vpn_server"]
    assert_ok(lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab)))
    # IIS holds the old certificate on another port (on SSTP's own 0.0.0.0:443 the restart rebinds the new one, and a
    # foreign binding there with another certificate makes the binding fail first).
    binding = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:8443"
    lab.set_reg_value("ws2019-rras", binding, "SslCertHash", "REG_BINARY", list(bytes.fromhex(old["sha1"])))
    lab.set_reg_value("ws2019-rras", binding, "AppId", "REG_BINARY", list(bytes.fromhex("81e1c34d4be1214ab02259fc669b0914")))  # IIS
    renewed = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab, "vpn_server_next", sstp_certificate_remove_superseded=True))
    assert_ok(renewed)
    assert old["sha1"] in store_sha1s(lab, "ws2019-rras")
    journal = lab.journal("ws2019-rras")
    assert [e for e in journal if e["module"] == "win_reg_stat" and e["args"]["path"] == binding], "the removal read the IIS binding"
    assert not [e for e in journal if e["module"] == "win_certificate_store" and e["args"].get("state") == "absent"]


def test_roles_used_directly_with_a_condition_share_one_restart(lab) -> None:
    """How admins include the roles in their own plays: the restart role first, then conditional roles."""
    playbook = f"""
- name: Own play
  hosts: ws2019-rras
  gather_facts: false
  roles:
    - role: aovpn.rras.remoteaccess_restart
    - role: aovpn.rras.sstp_offload
      sstp_offload_certificate_file: {lab.pki['pem']}
      when: offload | default(true)
    - role: aovpn.rras.ikev2_fragmentation
      when: ikev2 | default(true)
"""
    run = lab.playbook(playbook)
    assert_ok(run)
    assert len(restarts(lab.journal("ws2019-rras"))) == 1
    assert value(lab, "ws2019-rras", IKEV2_KEY, "EnableServerFragmentation") == 1


def test_relative_certificate_file_next_to_the_playbook_is_found_as_the_readme_shows(lab) -> None:
    files = lab.tmp_path / "files"
    files.mkdir()
    (files / "vpn.example.com.pem").write_bytes(Path(lab.pki["pem"]).read_bytes())
    playbook = """
- name: VPN servers
  hosts: ws2019-rras
  gather_facts: false
  serial: 1
  roles:
    - role: aovpn.rras.remoteaccess_restart
    - role: aovpn.rras.sstp_offload
      sstp_offload_certificate_file: vpn.example.com.pem     # files/ next to the playbook
      sstp_offload_fqdn: vpn.example.com
"""
    run = lab.playbook(playbook)
    assert_ok(run)
    assert bytes(value(lab, "ws2019-rras", SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(lab.pki["sha256"])
    assert len(restarts(lab.journal("ws2019-rras"))) == 1


def test_offload_from_the_load_balancer_endpoint_fetched_once_for_every_server(lab) -> None:
    import sys  # pylint: disable=import-outside-toplevel
    sys.path.insert(0, str(REPO_ROOT / "tests" / "lab"))
    from tls_endpoint import TlsEndpoint  # pylint: disable=import-outside-toplevel,import-error

    server = lab.pki["certs"]["vpn_server_next"]
    ca_path = lab.pki["certs"]["lab_root_ca"]["pem"]
    with TlsEndpoint(server["pem"], server["key"]) as endpoint:
        extra = {"aovpn_rras_target": TWO_HOSTS, "sstp_offload_certificate_endpoint": endpoint.endpoint,
                 "sstp_offload_fqdn": "vpn.example.com", "sstp_offload_ca_path": ca_path}
        run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars=extra)
        assert_ok(run)
        assert endpoint.connections == 1
        lab.clear_journal()
        again = lab.playbook(PLAYBOOKS / "sstp_offload.yml", extra_vars=extra)
        assert_ok(again)
    for host in TWO_HOSTS.split(":"):
        assert bytes(value(lab, host, SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(server["sha256"])
        assert real_changes(lab.journal(host)) == [], "a rerun with the same certificate on the load balancer changes nothing"


def test_offload_from_a_password_protected_pfx_writes_both_hashes(lab) -> None:
    """The role hands the module the certificate alone (the module reads the PFX), so SHA-1 is known too."""
    password = lab.pki["password"]
    inventory = lab.inventory_with({"ws2022-sstp": {"sstp_offload_certificate_password": password}})
    run = lab.playbook(PLAYBOOKS / "sstp_offload.yml", inventory=inventory, verbosity=4, callback="default",
                       extra_vars={"aovpn_rras_target": "ws2022-sstp", "sstp_offload_certificate_file": lab.pki["pfx"], "sstp_offload_fqdn": "vpn.example.com"})
    assert run.rc == 0, run.stdout[-3000:]
    assert bytes(value(lab, "ws2022-sstp", SSTP_KEY, "SHA256CertificateHash")) == bytes.fromhex(lab.pki["sha256"])
    assert bytes(value(lab, "ws2022-sstp", SSTP_KEY, "SHA1CertificateHash")) == bytes.fromhex(lab.pki["sha1"])
    assert password not in run.stdout + run.stderr and "PRIVATE KEY" not in run.stdout + run.stderr
    assert password not in str(lab.journal("ws2022-sstp"))


@pytest.mark.parametrize(
    ("name", "fqdn", "message"),
    [
        ("vpn_client_only", "vpn.example.com", "lacks the Server Authentication EKU"),
        ("vpn_server", "sstp.example.org", "does not cover sstp_certificate_fqdn sstp.example.org"),
    ],
)
def test_certificate_refuses_an_unfit_pfx_on_the_controller_before_copying(lab, name: str, fqdn: str, message: str) -> None:
    run = lab.playbook(PLAYBOOKS / "sstp_certificate.yml", extra_vars=pfx_vars(lab, name, sstp_certificate_fqdn=fqdn), callback="default")
    assert run.rc != 0
    assert message in run.stdout
    assert all(lab.journal(host) == [] for host in lab.hosts)
