"""The real ansible.windows win_copy action against the emulated module: vault, transfer protocol, check mode, idempotence."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import labctl
import pytest
from lab_session import VENV_BIN, Lab

pytestmark = pytest.mark.lab

HOST = "ws2019-rras"
VAULT_PASSWORD = "lab-vault-pass"
VAULT_HEADER = "$ANSIBLE_VAULT"


def host_file(lab: Lab, path: str) -> bytes | None:
    entry = labctl.lab_host.get_file(lab.state(HOST), path)
    return None if entry is None else base64.b64decode(entry["content_b64"])


def copy_modes(lab: Lab) -> list[tuple[str, bool]]:
    return [(e["args"]["_copy_mode"], e["check_mode"]) for e in lab.journal(HOST) if e["module"] == "win_copy"]


@pytest.fixture
def vaulted_pfx(lab: Lab, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The lab's vpn_server.pfx encrypted with ``ansible-vault encrypt`` (README scenario 2), and the env that decrypts it."""
    password_file = tmp_path / "vault-password"
    password_file.write_text(VAULT_PASSWORD + "\n", encoding="utf-8")
    vaulted = tmp_path / "files" / "vpn.example.com.pfx"
    vaulted.parent.mkdir()
    subprocess.run([str(VENV_BIN / "ansible-vault"), "encrypt", "--vault-password-file", str(password_file), "--output", str(vaulted),
                    lab.pki["pfx"]], check=True, capture_output=True, env=lab.env)
    assert vaulted.read_text(encoding="ascii").startswith(VAULT_HEADER)
    return vaulted, {"ANSIBLE_VAULT_PASSWORD_FILE": str(password_file)}


def _copy(lab: Lab, args: dict[str, Any], *, check: bool = False, env: dict[str, str] | None = None, diff: bool = False) -> dict[str, Any]:
    run = lab.playbook(f"""
- hosts: {HOST}
  gather_facts: false
  tasks:
    - name: copy
      ansible.windows.win_copy: {json.dumps(args)}
""", check=check, env=env, diff=diff)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.results(HOST, "copy")[0]


def test_vaulted_pfx_is_decrypted_by_the_real_action_and_copied_once(lab: Lab, vaulted_pfx: tuple[Path, dict[str, str]]) -> None:
    vaulted, env = vaulted_pfx
    pfx = Path(lab.pki["pfx"]).read_bytes()
    args = {"src": str(vaulted), "dest": "C:\\Windows\\Temp\\"}

    first = _copy(lab, args, env=env)
    assert first["changed"] is True and first["dest"] == "C:\\Windows\\Temp\\vpn.example.com.pfx"
    assert first["size"] == len(pfx) and first["original_basename"] == "vpn.example.com.pfx"
    assert host_file(lab, "C:\\Windows\\Temp\\vpn.example.com.pfx") == pfx
    assert copy_modes(lab) == [("query", False), ("single", False)]
    for stored in Path(labctl.lab_host.LabHost(HOST, str(lab.state_dir)).directory).iterdir():
        assert VAULT_HEADER.encode() not in stored.read_bytes(), f"vault text reached the host ({stored.name})"

    lab.clear_journal(HOST)
    second = _copy(lab, args, env=env)
    assert second["changed"] is False and copy_modes(lab) == [("query", False)]


def test_vaulted_pfx_through_the_sstp_certificate_playbook(lab: Lab, vaulted_pfx: tuple[Path, dict[str, str]]) -> None:
    """README scenario 2: the role reads and imports a vault-encrypted PFX; the host only ever sees the decrypted file."""
    vaulted, env = vaulted_pfx
    extra_vars = {"aovpn_rras_target": HOST, "sstp_certificate_pfx_file": str(vaulted), "sstp_certificate_pfx_password": lab.pki["password"],
                  "sstp_certificate_fqdn": "vpn.example.com", "sstp_certificate_use_http": True}
    run = lab.playbook(labctl.REPO_ROOT / "playbooks" / "sstp_certificate.yml", extra_vars=extra_vars, env=env)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    journal = lab.journal(HOST)
    assert [e["args"]["_copy_mode"] for e in journal if e["module"] == "win_copy"] == ["query", "single"]
    (imported,) = [e for e in journal if e["module"] == "win_certificate_store"]
    assert imported["changed"] is True and not imported["failed"]
    thumbprints = [hashlib.sha1(base64.b64decode(e["der_b64"])).hexdigest().upper()  # nosec - thumbprint
                   for e in lab.state(HOST)["cert_stores"]["LocalMachine\\My"] if e["has_private_key"]]
    assert lab.pki["sha1"] in thumbprints
    assert VAULT_HEADER not in json.dumps(journal) and VAULT_HEADER not in json.dumps(lab.state(HOST))


def test_plain_file_content_and_directory_copies_are_idempotent(lab: Lab, tmp_path: Path) -> None:
    source = tmp_path / "tree"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_bytes(b"alpha")
    (source / "sub" / "b.bin").write_bytes(bytes(range(256)))
    cases = [
        ({"src": str(source / "a.txt"), "dest": "C:\\Lab\\plain.txt"}, {"C:\\Lab\\plain.txt": b"alpha"}, ["query", "single"]),
        ({"content": "hello\n", "dest": "C:\\Lab\\content.txt"}, {"C:\\Lab\\content.txt": b"hello\n"}, ["query", "single"]),
        ({"src": str(source), "dest": "C:\\Lab\\dirs"},
         {"C:\\Lab\\dirs\\tree\\a.txt": b"alpha", "C:\\Lab\\dirs\\tree\\sub\\b.bin": bytes(range(256))}, ["query", "explode"]),
        ({"src": str(source) + "/", "dest": "C:\\Lab\\contents"},
         {"C:\\Lab\\contents\\a.txt": b"alpha", "C:\\Lab\\contents\\sub\\b.bin": bytes(range(256))}, ["query", "explode"]),
    ]
    lab.playbook(f"- hosts: {HOST}\n  gather_facts: false\n  tasks:\n    - ansible.windows.win_file: {{path: 'C:\\Lab', state: directory}}\n")
    for args, files, modes in cases:
        lab.clear_journal(HOST)
        assert _copy(lab, args)["changed"] is True, args
        assert {path: host_file(lab, path) for path in files} == files
        assert [mode for mode, _check in copy_modes(lab)] == modes
        lab.clear_journal(HOST)
        assert _copy(lab, args)["changed"] is False, f"second copy of {args} changed"
        assert [mode for mode, _check in copy_modes(lab)] == ["query"]

    lab.clear_journal(HOST)
    (source / "a.txt").write_bytes(b"changed")
    assert _copy(lab, cases[2][0])["changed"] is True  # one differing file of a directory: sent alone
    assert host_file(lab, "C:\\Lab\\dirs\\tree\\a.txt") == b"changed" and [m for m, _c in copy_modes(lab)] == ["query", "single"]


def test_check_mode_and_remote_src(lab: Lab, tmp_path: Path) -> None:
    source = tmp_path / "new.txt"
    source.write_bytes(b"new")
    before = lab.state(HOST)
    checked = _copy(lab, {"src": str(source), "dest": "C:\\Windows\\Temp\\new.txt"}, check=True)
    assert checked["changed"] is True and copy_modes(lab) == [("query", True)]
    after = lab.state(HOST)
    assert after["files"] == before["files"]

    _copy(lab, {"src": str(source), "dest": "C:\\Windows\\Temp\\new.txt"})
    lab.clear_journal(HOST)
    remote = _copy(lab, {"src": "C:\\Windows\\Temp\\new.txt", "dest": "C:\\Lab\\", "remote_src": True}, diff=True)
    assert (remote["changed"], remote["dest"], remote["size"]) == (True, "C:\\Lab\\new.txt", 3)
    assert remote["diff"] == {"prepared": "+C:\\Lab\\new.txt\n"}
    assert host_file(lab, "C:\\Lab\\new.txt") == b"new" and copy_modes(lab) == [("remote", False)]
    assert _copy(lab, {"src": "C:\\Windows\\Temp\\new.txt", "dest": "C:\\Lab\\", "remote_src": True})["changed"] is False


def test_errors_of_the_real_action_and_module(lab: Lab, tmp_path: Path) -> None:
    run = lab.playbook(f"""
- hosts: {HOST}
  gather_facts: false
  tasks:
    - {{name: missing parent, ansible.windows.win_copy: {{content: x, dest: 'C:\\Nope\\x.txt'}}, ignore_errors: true}}
    - {{name: both, ansible.windows.win_copy: {{content: x, src: /etc/hostname, dest: 'C:\\x.txt'}}, ignore_errors: true}}
""")
    assert "Destination directory 'C:\\Nope' does not exist" in run.results(HOST, "missing parent")[0]["msg"]
    assert run.results(HOST, "both")[0]["msg"] == "src and content are mutually exclusive"
    assert labctl.lab_host.get_file(lab.state(HOST), "C:\\Nope\\x.txt") is None
    # a real module without an emulation is not in the lab's collection: the playbook is refused before it runs
    unknown = lab.playbook(f"- hosts: {HOST}\n  gather_facts: false\n  tasks:\n    - ansible.windows.win_ping: {{}}\n", callback="default")
    assert unknown.rc != 0 and "couldn't resolve module/action 'ansible.windows.win_ping'" in unknown.stdout + unknown.stderr
