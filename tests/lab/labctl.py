# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control the lab of emulated Windows RRAS hosts: build its collections path, PKI and host states.

Run with the venv python from anywhere (``.venv/bin/python tests/lab/labctl.py reset``) or import it.

  setup                      assemble ansible.windows (the real Python plugins, the lab's emulated modules) and link
                             it and aovpn.rras into the lab collections path (lab_collection.py)
  reset [--inventory PATH] [--state-dir DIR]
                             (setup and) re-seed every inventory host that has a ``lab_profile`` from it
  state HOST / journal HOST / events HOST
                             print a host's state / journal / event log as JSON (same --inventory/--state-dir)
  stop-listeners [--inventory PATH] [--state-dir DIR]
                             stop the hosts' SSTP listeners (tls_endpoint.py processes) and give back their addresses
  pki                        print the lab PKI's file paths and password as JSON (generating it if missing)
  make-inventory --count N --profile P --out FILE [--prefix NAME] [--group rras]
                             write an inventory of N hosts of one profile (benchmarks)

A host's state directory is ``<dir>/<host>`` where ``<dir>`` is, first found: the host var
``lab_state_dir``, ``--state-dir``, the environment variable ``AOVPN_LAB_STATE_DIR``,
``tests/output/lab/state``. The lab connection plugin resolves it the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import fcntl
import hashlib
import importlib.util
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import yaml

import lab_collection

LAB_DIR = Path(__file__).resolve().parent
REPO_ROOT = LAB_DIR.parents[1]
OUTPUT_DIR = REPO_ROOT / "tests" / "output" / "lab"
COLLECTIONS_PATH = OUTPUT_DIR / "collections"
DEFAULT_STATE_DIR = OUTPUT_DIR / "state"
PKI_DIR = OUTPUT_DIR / "pki"
PROFILES_DIR = LAB_DIR / "profiles"
INVENTORY = LAB_DIR / "inventory.yml"
ANSIBLE_CFG = LAB_DIR / "ansible.cfg"
EMULATION_DIR = LAB_DIR / "windows_emulation"
PKI_PASSWORD = "LabPfx!2026"


def _load(path: Path, name: str) -> Any:
    """A module of the tests loaded by path (no collection loader needed), once."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return sys.modules[name]


# The emulated modules' state helpers.
lab_host = _load(EMULATION_DIR / "plugins" / "module_utils" / "_lab_host.py", "aovpn_lab_host")


@contextlib.contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    tmp = link.with_name(f".{link.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target, target_is_directory=True)
    os.replace(tmp, link)  # atomic, also when another process created the link meanwhile


def setup() -> Path:
    """Create the lab collections path: ansible.windows assembled from the real one and the lab's modules, aovpn.rras from this checkout."""
    root = COLLECTIONS_PATH / "ansible_collections"
    try:
        windows = lab_collection.assemble(lab_collection.real_collection(), EMULATION_DIR, OUTPUT_DIR / "assembled")
    except lab_collection.LabCollectionError as error:
        raise SystemExit(f"labctl setup: {error}") from None
    _link(root / "ansible" / "windows", windows)
    _link(root / "aovpn" / "rras", REPO_ROOT)
    return COLLECTIONS_PATH


# ---------------------------------------------------------------------------------------------
# PKI

# name -> (subject CN, DNS SANs, extended key usages, is CA); all issued by lab_root_ca
PKI_CERTS: dict[str, tuple[str, list[str], list[str], bool]] = {
    "lab_root_ca": ("AOVPN Lab Root CA", [], [], True),
    "vpn_server": ("vpn.example.com", ["vpn.example.com"], ["serverAuth"], False),
    "vpn_server_next": ("vpn.example.com", ["vpn.example.com"], ["serverAuth"], False),
    "vpn_client_only": ("vpn.example.com", ["vpn.example.com"], ["clientAuth"], False),
    "iis_web": ("www.example.com", ["www.example.com"], ["serverAuth"], False),
}


def _issue(name: str, ca: Any) -> Any:
    """``certgen.Issued`` for ``name`` of :data:`PKI_CERTS` (RSA 2048, its own key), issued by ``ca`` unless it is the CA."""
    certgen = _load(REPO_ROOT / "tests" / "unit" / "certgen.py", "aovpn_certgen")  # imports cryptography: only when the PKI is made
    common_name, sans, ekus, is_ca = PKI_CERTS[name]
    slot = 100 + list(PKI_CERTS).index(name)
    if is_ca:
        return certgen.make_ca(common_name, key_kind="rsa2048", slot=slot, organization="AOVPN Lab")
    oids = {"serverAuth": certgen.SERVER_AUTH, "clientAuth": certgen.CLIENT_AUTH}
    return certgen.make_leaf(ca, common_name, tuple(sans), tuple(oids[eku] for eku in ekus), key_kind="rsa2048", slot=slot,
                             not_after=certgen.NOW + datetime.timedelta(days=365), organization="AOVPN Lab")


def _write_pki() -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    PKI_DIR.mkdir(parents=True, exist_ok=True)
    ca = _issue("lab_root_ca", None)
    for name in PKI_CERTS:
        issued = ca if name == "lab_root_ca" else _issue(name, ca)
        cert, key = issued.cert, issued.key
        (PKI_DIR / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (PKI_DIR / f"{name}.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
        (PKI_DIR / f"{name}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        chain = None if name == "lab_root_ca" else [ca.cert]
        # .pfx: the cryptography/OpenSSL 3 default (PBES2 AES-256, SHA-256 MAC); .legacy.pfx: PBE-SHA1-3DES, SHA-1 MAC
        pfx = pkcs12.serialize_key_and_certificates(name.encode(), key, cert, chain, serialization.BestAvailableEncryption(PKI_PASSWORD.encode()))
        (PKI_DIR / f"{name}.pfx").write_bytes(pfx)
        legacy = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
                  .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(PKI_PASSWORD.encode()))
        (PKI_DIR / f"{name}.legacy.pfx").write_bytes(pkcs12.serialize_key_and_certificates(name.encode(), key, cert, chain, legacy))
    (PKI_DIR / "password.txt").write_text(PKI_PASSWORD + "\n", encoding="utf-8")


def pki() -> dict[str, Any]:
    """Paths of the lab PKI (generated once, kept across resets) and the hashes of each certificate.

    ``pem``/``der``/``pfx``/``key`` are those of ``vpn_server`` (the certificate bound on
    ws2022-sstp); ``certs`` lists every certificate by name (``pfx`` PBES2-encrypted, ``pfx_legacy``
    3DES/SHA-1); ``ca`` is the root's PEM. A PKI missing any file is generated anew.
    """
    with _file_lock(OUTPUT_DIR / ".pki.lock"):
        wanted = [PKI_DIR / "password.txt"] + [PKI_DIR / f"{name}{suffix}" for name in PKI_CERTS for suffix in (".der", ".pfx", ".legacy.pfx")]
        if not all(path.exists() for path in wanted):
            _write_pki()
    certs = {}
    for name in PKI_CERTS:
        der = (PKI_DIR / f"{name}.der").read_bytes()
        certs[name] = {
            "pem": str(PKI_DIR / f"{name}.pem"),
            "der": str(PKI_DIR / f"{name}.der"),
            "key": str(PKI_DIR / f"{name}.key.pem"),
            "pfx": str(PKI_DIR / f"{name}.pfx"),
            "pfx_legacy": str(PKI_DIR / f"{name}.legacy.pfx"),
            "sha1": hashlib.sha1(der).hexdigest().upper(),  # nosec - the Windows thumbprint
            "sha256": hashlib.sha256(der).hexdigest().upper(),
        }
    server = certs["vpn_server"]
    return {**{k: server[k] for k in ("pem", "der", "key", "pfx", "sha1", "sha256")},
            "password": PKI_PASSWORD, "ca": certs["lab_root_ca"]["pem"], "dir": str(PKI_DIR), "certs": certs}


# ---------------------------------------------------------------------------------------------
# profiles and seeding


def load_profile(name: str) -> dict[str, Any]:
    """A profile with its ``extends`` merged in (later entries and the profile itself win)."""
    path = PROFILES_DIR / f"{name}.yml"
    if not path.exists():
        raise SystemExit(f"unknown lab profile {name!r} ({path} missing)")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    merged: dict[str, Any] = {"registry": {}, "services": {}, "features": {}, "cert_stores": {}, "files": []}
    for parent in data.get("extends", []) + [None]:
        layer = load_profile(parent) if parent else data
        for key_path, values in (layer.get("registry") or {}).items():
            merged["registry"].setdefault(key_path, {}).update(values or {})
        for section in ("services", "features"):  # merged per entry: a layer may change one field
            for name, fields in (layer.get(section) or {}).items():
                merged[section].setdefault(name, {}).update(copy.deepcopy(fields or {}))
        for store, entries in (layer.get("cert_stores") or {}).items():
            merged["cert_stores"].setdefault(store, []).extend(entries)
        merged["files"].extend(layer.get("files") or [])
    return merged


def _registry_value(spec: dict[str, Any], certs: dict[str, Any]) -> Any:
    if "sha256_of" in spec:
        return list(bytes.fromhex(certs[spec["sha256_of"]]["sha256"]))
    if "sha1_of" in spec:
        return list(bytes.fromhex(certs[spec["sha1_of"]]["sha1"]))
    if "guid" in spec:  # Windows GUID memory order, as http.sys keeps AppId
        import uuid

        return list(uuid.UUID(spec["guid"]).bytes_le)
    return spec["value"]


def seed_state(profile_name: str, pki_info: dict[str, Any]) -> dict[str, Any]:
    """The initial state document of a host of this profile."""
    import base64

    profile = load_profile(profile_name)
    certs = pki_info["certs"]
    state: dict[str, Any] = {"profile": profile_name, "registry": {}, "services": {}, "cert_stores": {}, "files": {}, "_lab": {},
                             lab_host.EVENT_LOG: [], "features": [{"name": name, "installed": False, **fields} for name, fields in profile["features"].items()]}
    for key_path, values in profile["registry"].items():
        key = lab_host.create_key(state, key_path)
        for name, spec in values.items():
            lab_host.set_value(key, name, spec["type"], _registry_value(spec, certs))
    for name, service in profile["services"].items():
        state["services"][name] = {"dependencies": [], **service}
    for store, entries in profile["cert_stores"].items():
        state["cert_stores"][store] = [
            {"der_b64": base64.b64encode(Path(certs[e["cert"]]["der"]).read_bytes()).decode(),
             "has_private_key": bool(e.get("has_private_key", False)), "friendly_name": e.get("friendly_name", "")}
            for e in entries
        ]
        for entry, spec in zip(state["cert_stores"][store], entries):
            if entry["has_private_key"]:  # the lab's own field: the key the host's SSTP listener serves with
                entry["key_pem_b64"] = base64.b64encode(Path(certs[spec["cert"]]["key"]).read_bytes()).decode()
    for entry in profile["files"]:
        lab_host.put_file(state, entry["path"], entry["type"], entry.get("content", "").encode())
    return state


# ---------------------------------------------------------------------------------------------
# inventory


def inventory_hosts(inventory: Path | str = INVENTORY) -> dict[str, dict[str, Any]]:
    """Host vars (as written, untemplated) of every host with a ``lab_profile``."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader

    manager = InventoryManager(loader=DataLoader(), sources=[str(inventory)])
    hosts = {}
    for host in manager.get_hosts():
        variables = {}
        for group in sorted(host.get_groups(), key=lambda g: g.depth):
            variables.update(group.get_vars())
        variables.update(host.get_vars())
        if "lab_profile" in variables:
            hosts[host.name] = variables
    return hosts


def host_state_dir(host_vars: dict[str, Any], state_dir: Path | str | None = None) -> Path:
    chosen = host_vars.get("lab_state_dir") or state_dir or os.environ.get(lab_host.ENV_STATE_DIR) or DEFAULT_STATE_DIR
    return Path(chosen).resolve()


# ---------------------------------------------------------------------------------------------
# loopback addresses of the hosts' SSTP listeners

LOOPBACK_DIR = OUTPUT_DIR / "loopback"  # one file per address in use, named after it, holding its host's directory


def _claim_owner(claim: Path) -> str | None:
    try:
        return claim.read_text(encoding="utf-8")
    except OSError:
        return None


def allocate_address(directory: Path) -> str:
    """A loopback address (127.x.y.z, outside 127.0.0.0/16) that no other lab host holds, kept across resets.

    Claims live in ``tests/output/lab/loopback``; a claim whose host directory is gone is taken over.
    """
    with _file_lock(OUTPUT_DIR / ".loopback.lock"):
        LOOPBACK_DIR.mkdir(parents=True, exist_ok=True)
        current = (lab_host.listener_config(str(directory)) or {}).get("address")
        if current and _claim_owner(LOOPBACK_DIR / current) == str(directory):
            return current
        while True:
            address = f"127.{secrets.randbelow(254) + 1}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
            owner = _claim_owner(LOOPBACK_DIR / address)
            if owner is None or not Path(owner).is_dir():
                (LOOPBACK_DIR / address).write_text(str(directory), encoding="utf-8")
                return address


def release_addresses(directories: list[Path]) -> None:
    """Stop the listeners of these host directories and give back their addresses."""
    with _file_lock(OUTPUT_DIR / ".loopback.lock"):
        for directory in directories:
            lab_host.stop_listener(str(directory))
            address = (lab_host.listener_config(str(directory)) or {}).get("address")
            if address and _claim_owner(LOOPBACK_DIR / address) == str(directory):
                (LOOPBACK_DIR / address).unlink()


def _write_listener_config(directory: Path) -> None:
    config = {"address": allocate_address(directory), "server": str(LAB_DIR / "tls_endpoint.py")}
    (directory / lab_host.LISTENER_FILE).write_text(json.dumps(config) + "\n", encoding="utf-8")


def host_directories(inventory: Path | str = INVENTORY, state_dir: Path | str | None = None) -> list[Path]:
    return [host_state_dir(variables, state_dir) / name for name, variables in inventory_hosts(inventory).items()]


def reset(inventory: Path | str = INVENTORY, state_dir: Path | str | None = None) -> dict[str, Path]:
    """Re-seed every lab host of the inventory from its profile; empties its journal and stops its SSTP listener.

    Returns host -> state dir.
    """
    setup()
    pki_info = pki()
    seeded: dict[str, Path] = {}
    cache: dict[str, str] = {}
    for name, variables in inventory_hosts(inventory).items():
        profile = variables["lab_profile"]
        if profile not in cache:
            cache[profile] = json.dumps(seed_state(profile, pki_info))
        directory = host_state_dir(variables, state_dir)
        host = lab_host.LabHost(name, str(directory))
        with host.locked():
            lab_host.stop_listener(host.directory)
            host.clear_journal()
            host.save(json.loads(cache[profile]))
            _write_listener_config(Path(host.directory))
        seeded[name] = directory
    return seeded


def make_inventory(count: int, profile: str, out: Path | str, prefix: str = "rras", group: str = "rras") -> Path:
    """Write an inventory of ``count`` hosts of one profile in groups ``lab`` and ``group``."""
    load_profile(profile)
    hosts = {f"{prefix}{index:03d}": {} for index in range(1, count + 1)}
    inventory = {
        "lab": {
            "vars": {"ansible_connection": "lab_windows", "ansible_python_interpreter": "{{ ansible_playbook_python }}", "lab_profile": profile},
            "children": {group: {"hosts": hosts}},
        }
    }
    Path(out).write_text(yaml.safe_dump(inventory, sort_keys=False), encoding="utf-8")
    return Path(out)


def _host(name: str, inventory: Path | str, state_dir: Path | str | None) -> Any:
    variables = inventory_hosts(inventory).get(name)
    if variables is None:
        raise SystemExit(f"{name} is not a lab host of {inventory}")
    return lab_host.LabHost(name, str(host_state_dir(variables, state_dir)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup")
    sub.add_parser("pki")
    for command in ("reset", "stop-listeners", "state", "journal", "events"):
        cmd = sub.add_parser(command)
        if command not in ("reset", "stop-listeners"):
            cmd.add_argument("host")
        cmd.add_argument("--inventory", default=str(INVENTORY))
        cmd.add_argument("--state-dir")
    make = sub.add_parser("make-inventory")
    make.add_argument("--count", type=int, required=True)
    make.add_argument("--profile", default="ws2022_rras_sstp_https")
    make.add_argument("--out", required=True)
    make.add_argument("--prefix", default="rras")
    make.add_argument("--group", default="rras")
    args = parser.parse_args(argv)

    if args.command == "setup":
        print(setup())
    elif args.command == "pki":
        print(json.dumps(pki(), indent=2))
    elif args.command == "reset":
        for name, directory in reset(args.inventory, args.state_dir).items():
            print(f"{name}: {directory / name}")
    elif args.command == "stop-listeners":
        release_addresses(host_directories(args.inventory, args.state_dir))
    elif args.command == "state":
        print(json.dumps(_host(args.host, args.inventory, args.state_dir).load(), indent=2, sort_keys=True))
    elif args.command == "journal":
        print(json.dumps(_host(args.host, args.inventory, args.state_dir).journal(), indent=2))
    elif args.command == "events":
        print(json.dumps(lab_host.events(_host(args.host, args.inventory, args.state_dir).load()), indent=2))
    else:
        print(make_inventory(args.count, args.profile, args.out, args.prefix, args.group))
    return 0


if __name__ == "__main__":
    sys.exit(main())
