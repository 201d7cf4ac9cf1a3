"""Contract tests: the lab's emulated modules against the real ansible.windows sources.

Every option an emulation declares must be one the real module accepts, with the type, choices,
default, aliases and no_log of the real .ps1 (its Ansible.Basic ``$spec`` or its legacy
``Get-AnsibleParam`` calls; the .ps1 is what runs where it differs from DOCUMENTATION); an option
a legacy .ps1 does not read must be documented or sent by the real action plugin. Every key an
emulation returns in the scenarios below must be documented in the real RETURN (recursively);
registry value formats must follow the real format strings. The real collection is the one the
lab assembles (``lab_collection.real_collection()``).
"""

from __future__ import annotations

import ast
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import lab_collection
import labctl
import pytest
import yaml
from lab_session import Lab

pytestmark = pytest.mark.lab

REAL_ROOT = lab_collection.real_collection()
REAL = REAL_ROOT / "plugins" / "modules"
EMULATED = labctl.EMULATION_DIR / "plugins" / "modules"
MODULES = sorted(path.stem for path in EMULATED.glob("*.py"))
STANDARD_KEYS = {"action", "changed", "failed", "msg", "invocation", "diff", "warnings", "deprecations", "exception", "skipped"}
# Keys the real module returns although its RETURN does not document them, each proven from the .ps1 below.
SOURCE_ONLY_KEYS = {("win_certificate_info", "certificates"): {"raw": r"\$cert_info\.raw = \[System\.Convert\]::ToBase64String"}}


def _doc(module: str, name: str) -> dict[str, Any]:
    tree = ast.parse((REAL / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return yaml.safe_load(node.value.value) or {}
    return {}


def emulated_spec(module: str) -> dict[str, dict[str, Any]]:
    """The ``ARGUMENT_SPEC`` literal of the emulation (its AnsibleModule and the unit tests' fake host check calls with it)."""
    tree = ast.parse((EMULATED / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "ARGUMENT_SPEC":
            return ast.literal_eval(node.value)
    raise AssertionError(f"no ARGUMENT_SPEC in {module}")


# ---------------------------------------------------------------------------------------------
# the real .ps1's options


class PsVar(str):
    """A PowerShell variable in a spec (``$uint32Type``, ``$store_location_values``): not comparable here."""


_TOKEN = re.compile(r"""\s*(?:(?P<comment>\#[^\n]*)|(?P<nl>[\n;])|(?P<open>@\{|@\(|[{(])|(?P<close>[})])|(?P<eq>=)|(?P<comma>,)
    |'(?P<sq>(?:[^']|'')*)'|"(?P<dq>[^"]*)"|\$(?P<var>[\w:]+)|(?P<num>-?\d+(?=[\s;,)}]))|(?P<word>[^\s=;,(){}'"]+))""", re.X)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            break
        position = match.end()
        kind = match.lastgroup
        if kind and kind != "comment":
            tokens.append((kind, match.group(kind)))
    return tokens


class _SpecParser:
    """Just enough of PowerShell's hashtable/array literals for an Ansible.Basic ``$spec``."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.index = tokens, 0

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("end", "")

    def _skip(self, *kinds: str) -> None:
        while self._peek()[0] in kinds:
            self.index += 1

    def table(self) -> dict[str, Any]:
        assert self.tokens[self.index] == ("open", "@{"), self.tokens[self.index]
        self.index += 1
        table: dict[str, Any] = {}
        while True:
            self._skip("nl")
            kind, text = self._peek()
            if kind == "close":
                self.index += 1
                return table
            self.index += 1
            assert self._peek()[0] == "eq", f"expected = after {text}"
            self.index += 1
            table[text] = self.value()

    def value(self) -> Any:
        items, is_array = [], self._peek()[0] == "comma"
        self._skip("comma")
        while True:
            items.append(self._item())
            if self._peek()[0] != "comma":
                break
            is_array = True
            self.index += 1
            self._skip("nl")
        return items if is_array else items[0]

    def _item(self) -> Any:
        kind, text = self._peek()
        if (kind, text) == ("open", "@{"):
            return self.table()
        self.index += 1
        if (kind, text) == ("open", "@("):
            items = []
            while self._peek()[0] != "close":
                self._skip("nl", "comma")
                if self._peek()[0] != "close":
                    items.append(self._item())
                self._skip("nl", "comma")
            self.index += 1
            return items
        if kind == "var":
            return {"true": True, "false": False, "null": None}.get(text.lower(), PsVar(text))
        if kind == "num":
            return int(text)
        return text.replace("''", "'") if kind == "sq" else text


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


_LEGACY_ARG = re.compile(r"-(\w+)\s+((?:(?:'[^']*'|\"[^\"]*\"|\$[\w:]+|[\w.]+)(?:\s*,\s*)?)+)")


def _legacy_value(text: str) -> Any:
    items = [_SpecParser(_tokens(part))._item() for part in re.findall(r"'[^']*'|\"[^\"]*\"|\$[\w:]+|[\w.]+", text)]
    return items if len(items) > 1 else items[0]


def real_options(module: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """``("basic" | "legacy", {option: {type, default, choices, aliases, no_log}})`` as the real .ps1 declares them."""
    source = (REAL / f"{module}.ps1").read_text(encoding="utf-8")
    start = source.find("$spec = @{")
    if start >= 0:
        spec = _SpecParser(_tokens(source[start + len("$spec = "):])).table()
        return "basic", {name: {**option, "aliases": _as_list(option.get("aliases")), "type": option.get("type", "str")}
                         for name, option in spec["options"].items()}
    options: dict[str, dict[str, Any]] = {}
    for line in source.splitlines():
        call = re.search(r"Get-AnsibleParam\s+(?:-obj\s+)?\$\w+\s+(?:-name\s+)?[\"'](\w+)[\"'](.*)", line)
        if call:
            args = {flag.lower(): _legacy_value(value) for flag, value in _LEGACY_ARG.findall(call.group(2))}
            options[call.group(1)] = {"type": args.get("type"), "default": args.get("default"), "choices": _as_list(args.get("validateset")),
                                      "aliases": _as_list(args.get("aliases"))}
    return "legacy", options


def test_the_ps1_parser_reads_both_styles():
    style, service = real_options("win_service")
    assert style == "basic" and service["password"]["no_log"] is True and service["name"]["required"] is True
    assert service["service_type"]["choices"] == ["win32_own_process", "win32_share_process", "user_own_process", "user_share_process"]
    assert service["failure_actions"]["options"]["delay_ms"]["aliases"] == ["delay"] and service["failure_reset_period_sec"]["type"] == "uint32Type"
    regedit_type = {"type": "str", "default": "string", "aliases": ["datatype"],
                    "choices": ["none", "binary", "dword", "expandstring", "multistring", "string", "qword"]}
    assert real_options("win_regedit")[1]["type"] == regedit_type
    style, stat = real_options("win_reg_stat")
    # DOCUMENTATION lists a `property` alias that the .ps1 never reads (Parse-Args ignores unknown options)
    assert style == "legacy" and stat["name"]["aliases"] == ["entry", "value"]
    assert "property" in _doc("win_reg_stat", "DOCUMENTATION")["options"]["name"]["aliases"]
    style, copy = real_options("win_copy")
    assert copy["_copy_mode"] == {"type": "str", "default": "single", "choices": ["explode", "query", "remote", "single"], "aliases": []}
    assert copy["backup"]["default"] is False and copy["files"]["type"] == "list"


@pytest.mark.parametrize("module", MODULES)
def test_options_match_the_real_module(module):
    documented = _doc(module, "DOCUMENTATION")["options"]
    style, real = real_options(module)
    assert real, f"{module}: no options parsed from {module}.ps1"
    action = REAL_ROOT / "plugins" / "action" / f"{module}.py"
    action_source = action.read_text(encoding="utf-8") if action.exists() else ""
    for name, spec in emulated_spec(module).items():
        expected = real.get(name)
        if expected is None:
            assert style == "legacy", f"{module}: option {name} is not in the real .ps1's $spec (Ansible.Basic rejects it)"
            if name in documented:  # accepted and ignored by the legacy .ps1, used by the action plugin
                expected = {**documented[name], "aliases": documented[name].get("aliases", [])}
            else:
                assert re.search(rf"\b{name}=", action_source), f"{module}: option {name} is neither read by the .ps1, documented nor sent by the action"
                continue
        if expected.get("type") is not None and not isinstance(expected["type"], PsVar):
            assert spec.get("type", "str") == expected["type"], f"{module}.{name}: type {spec.get('type', 'str')}, real {expected['type']}"
        if not isinstance(expected.get("choices"), PsVar):
            assert sorted(spec.get("choices") or []) == sorted(expected.get("choices") or []), f"{module}.{name}: choices"
        if not isinstance(expected.get("default"), PsVar):
            assert spec.get("default") == expected.get("default"), f"{module}.{name}: default {spec.get('default')!r}, real {expected['default']!r}"
        unknown = set(spec.get("aliases", [])) - set(expected["aliases"])
        assert not unknown, f"{module}.{name}: aliases {sorted(unknown)} are not accepted by the real module"
        assert bool(spec.get("no_log")) == bool(expected.get("no_log")), f"{module}.{name}: no_log"


def test_source_only_keys_are_really_returned_by_the_real_source():
    for (module, _return_key), keys in SOURCE_ONLY_KEYS.items():
        source = (REAL / f"{module}.ps1").read_text(encoding="utf-8")
        for key, pattern in keys.items():
            assert re.search(pattern, source), f"{module} no longer returns {key}: drop it from the emulation"


def _check_documented(module: str, value: dict[str, Any], documented: dict[str, Any], where: str) -> None:
    for key, item in value.items():
        if where == "" and (key in STANDARD_KEYS or key.startswith("_ansible")):
            continue
        if key in SOURCE_ONLY_KEYS.get((module, where), {}):
            continue
        assert key in documented, f"{module}: returns {where + '.' if where else ''}{key}, not in the real RETURN"
        contains = documented[key].get("contains")
        if contains and isinstance(item, dict):
            _check_documented(module, item, contains, key)
        elif contains and isinstance(item, list):
            for element in item:
                _check_documented(module, element, contains, key)


SCENARIOS = r"""
- hosts: ws2022-sstp
  gather_facts: false
  vars:
    sstp: 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters'
    new: 'HKLM:\SOFTWARE\Lab\New\Key'
  tasks:
    - {name: win_reg_stat key, ansible.windows.win_reg_stat: {path: "{{ sstp }}"}}
    - {name: win_reg_stat value, ansible.windows.win_reg_stat: {path: "{{ sstp }}", name: sha256certificatehash}}
    - {name: win_reg_stat missing value, ansible.windows.win_reg_stat: {path: "{{ sstp }}", name: Nope}}
    - {name: win_reg_stat missing key, ansible.windows.win_reg_stat: {path: "{{ new }}"}}
    - {name: win_reg_stat bad path, ansible.windows.win_reg_stat: {path: 'HKLM\SOFTWARE'}, ignore_errors: true}
    - {name: win_regedit create, ansible.windows.win_regedit: {path: "{{ new }}", name: Bin, type: binary, data: 'hex:be,ef'}}
    - {name: win_regedit same, ansible.windows.win_regedit: {path: "{{ new }}", name: bin, type: binary, data: [190, 239]}}
    - {name: win_regedit type change, ansible.windows.win_regedit: {path: "{{ new }}", name: Bin, type: dword, data: '0xffffffff'}}
    - {name: win_regedit check new key, ansible.windows.win_regedit: {path: '{{ new }}\Sub', name: X, data: y}, check_mode: true}
    - {name: win_regedit absent value, ansible.windows.win_regedit: {path: "{{ new }}", name: Bin, state: absent}}
    - {name: win_regedit absent key, ansible.windows.win_regedit: {path: 'HKLM:\SOFTWARE\Lab', state: absent}}
    - {name: win_service restarted, ansible.windows.win_service: {name: RemoteAccess, state: restarted}}
    - {name: win_service stop with dependents, ansible.windows.win_service: {name: SstpSvc, state: stopped}, ignore_errors: true}
    - {name: win_service missing, ansible.windows.win_service: {name: NoSuchSvc}}
    - {name: win_service missing state, ansible.windows.win_service: {name: NoSuchSvc, state: started}, ignore_errors: true}
    - {name: win_certificate_info all, ansible.windows.win_certificate_info: {}}
    - {name: win_feature_info all, ansible.windows.win_feature_info: {}}
    - {name: win_feature_info one, ansible.windows.win_feature_info: {name: routing}}
    - {name: win_feature_info none, ansible.windows.win_feature_info: {name: 'Nope*'}}
"""

# run concurrently with SCENARIOS, on another host
FILE_SCENARIOS = r"""
- hosts: ws2019-rras
  gather_facts: false
  tasks:
    - {name: win_certificate_info root, ansible.windows.win_certificate_info: {store_name: Root}}
    - {name: win_certificate_info missing, ansible.windows.win_certificate_info: {thumbprint: '00'}}
    - {name: win_copy src, ansible.windows.win_copy: {src: "{{ pfx }}", dest: 'C:\Windows\Temp\'}}
    - {name: win_copy content, ansible.windows.win_copy: {content: "hello", dest: 'C:\Windows\Temp\hello.txt'}}
    - {name: win_copy same, ansible.windows.win_copy: {content: "hello", dest: 'C:\Windows\Temp\hello.txt'}}
    - {name: win_certificate_store present, ansible.windows.win_certificate_store: {path: 'C:\Windows\Temp\vpn_server_next.pfx', password: "{{ pw }}"}}
    - name: win_certificate_store wrong password
      ansible.windows.win_certificate_store: {path: 'C:\Windows\Temp\vpn_server_next.pfx', password: wrong}
      ignore_errors: true
    - {name: win_certificate_store absent, ansible.windows.win_certificate_store: {thumbprint: "{{ next_sha1 }}", state: absent}}
    - {name: win_file directory, ansible.windows.win_file: {path: 'C:\Lab\a\b', state: directory}}
    - {name: win_file touch, ansible.windows.win_file: {path: 'C:\Lab\a\b\f.txt', state: touch}}
    - {name: win_file missing file, ansible.windows.win_file: {path: 'C:\Lab\none.txt', state: file}, ignore_errors: true}
    - {name: win_file absent, ansible.windows.win_file: {path: 'C:\Lab', state: absent}}
"""


@pytest.fixture(scope="module")
def scenario_run(tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("contract"))
    next_cert = lab.pki["certs"]["vpn_server_next"]
    extra_vars = {"pfx": next_cert["pfx"], "pw": lab.pki["password"], "next_sha1": next_cert["sha1"]}
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda playbook: lab.playbook(playbook, diff=True, extra_vars=extra_vars), [SCENARIOS, FILE_SCENARIOS]))
    for run in runs:
        assert run.rc == 0, run.stdout + run.stderr
    return lab, Scenarios(runs)


class Scenarios:
    """Results of both scenario runs by task name."""

    def __init__(self, runs: list[Any]) -> None:
        self.by_task = {}
        for run in runs:
            for play in run.json["plays"]:
                for task in play["tasks"]:
                    for result in task["hosts"].values():
                        self.by_task[task["task"]["name"]] = result

    def __call__(self, task: str) -> dict[str, Any]:
        return self.by_task[task]


@pytest.mark.parametrize("module", MODULES)
def test_returned_keys_are_documented(scenario_run, module):
    scenarios = scenario_run[1]
    mine = [r for name, r in scenarios.by_task.items() if name.split(" ")[0] == module]
    assert len(mine) >= 3, f"too few scenarios for {module}"
    documented = _doc(module, "RETURN")
    for result in mine:
        _check_documented(module, result, documented, "")


def test_scenarios_behave_like_the_real_modules(scenario_run):
    lab, result = scenario_run

    value = result("win_reg_stat value")
    assert value["type"] == "REG_BINARY" and bytes(value["value"]).hex().upper() == lab.pki["sha256"]
    missing = result("win_reg_stat missing key")
    assert missing["exists"] is False and not {"properties", "sub_keys", "value"} & set(missing)
    assert "is not a valid registry path" in result("win_reg_stat bad path")["msg"]
    assert result("win_regedit create")["diff"]["after"] == {r"HKLM:\SOFTWARE\Lab\New\Key": {"Bin": {"type": "Binary", "value": ["0xbe", "0xef"]}}}
    assert result("win_regedit same")["changed"] is False
    changed = result("win_regedit type change")
    assert (changed["changed"], changed["data_type_changed"], changed["data_changed"]) == (True, True, True)
    assert changed["diff"]["after"][r"HKLM:\SOFTWARE\Lab\New\Key"]["Bin"] == {"type": "DWord", "value": "0xffffffff"}
    assert result("win_regedit check new key")["changed"] is True
    assert result("win_service restarted")["changed"] is True
    assert "dependent services" in result("win_service stop with dependents")["msg"]
    assert result("win_service missing")["exists"] is False
    assert "is not installed" in result("win_service missing state")["msg"]
    infos = result("win_certificate_info all")["certificates"]
    assert [(c["thumbprint"], c["has_private_key"], c["dns_names"]) for c in infos] == [(lab.pki["sha1"], True, ["vpn.example.com", "vpn.example.com"])]
    assert infos[0]["intended_purposes"] == ["Server Authentication"]
    assert (result("win_certificate_info missing")["exists"], result("win_certificate_info missing")["certificates"]) == (False, [])
    assert result("win_copy src")["dest"] == "C:\\Windows\\Temp\\vpn_server_next.pfx"
    present = result("win_certificate_store present")
    assert present["changed"] and present["thumbprints"][0] == lab.pki["certs"]["vpn_server_next"]["sha1"]
    assert "password is not correct" in result("win_certificate_store wrong password")["msg"]
    assert result("win_certificate_store absent")["changed"] is True
    assert "will not be created" in result("win_file missing file")["msg"]
    assert result("win_copy same")["changed"] is False
    every = result("win_feature_info all")
    assert every["exists"] is True and every["changed"] is False
    assert [(f["name"], f["installed"], f["install_state"]) for f in every["features"]][:3] == [
        ("RemoteAccess", True, "Installed"), ("DirectAccess-VPN", True, "Installed"), ("Routing", True, "Installed")]
    assert [f["name"] for f in result("win_feature_info one")["features"]] == ["Routing"]
    assert (result("win_feature_info none")["exists"], result("win_feature_info none")["features"]) == (False, [])
    state = lab.state("ws2022-sstp")
    assert not [k for k in state["registry"] if k.startswith("hklm\\software\\lab")]
    state = lab.state("ws2019-rras")
    assert not [k for k in state["files"] if k.startswith("c:\\lab")]
    assert "c:\\windows\\temp\\hello.txt" in state["files"]


def test_feature_info_returns_every_field_the_real_source_builds(scenario_run):
    source = (REAL / "win_feature_info.ps1").read_text(encoding="utf-8")
    fields = set(re.findall(r"^\s*(\w+) = \$feature\.\w+", source, re.MULTILINE))
    assert len(fields) == 17, "win_feature_info.ps1 changed: review the emulation"
    for feature in scenario_run[1]("win_feature_info all")["features"]:
        assert set(feature) == fields


def _dotnet_hex(fmt: str, value: int) -> str:
    """Apply a .NET ``"0x{0:xN}" -f`` format string to ``value``."""
    return re.sub(r"\{0:x(\d*)\}", lambda m: format(value, f"0{m.group(1) or 1}x"), fmt)


def test_registry_formats_follow_the_real_sources(lab):
    stat_source = (REAL / "win_reg_stat.ps1").read_text(encoding="utf-8")
    edit_source = (REAL / "win_regedit.ps1").read_text(encoding="utf-8")
    byte_fmt = re.search(r'Add\("(0x\{0:x\d\})" -f \$byte\)', stat_source).group(1)
    assert re.search(r'\[UInt32\]\("0x\{0:x\}" -f \$value\)', stat_source), "win_reg_stat no longer returns DWORD unsigned"
    diff_byte = re.search(r'Add\("(0x\{0:x\d\})" -f \$dec_value\)', edit_source).group(1)
    dword_fmt = re.search(r'DWord\) \{\s*\$diff\.value = "(0x\{0:x\d+\})"', edit_source).group(1)
    qword_fmt = re.search(r'QWord\) \{\s*\$diff\.value = "(0x\{0:x\d+\})"', edit_source).group(1)

    key = r"HKLM:\SOFTWARE\Lab\Formats"
    data = [0, 1, 15, 16, 171, 255]
    lab.set_reg_value("ws2022-sstp", key, "Bin", "REG_BINARY", data)
    lab.set_reg_value("ws2022-sstp", key, "Dw", "REG_DWORD", 0xFFFFFFFF)
    lab.set_reg_value("ws2022-sstp", key, "Qw", "REG_QWORD", 2**64 - 1)
    stat = lab.adhoc("ws2022-sstp", "ansible.windows.win_reg_stat", {"path": key})
    assert stat.rc == 0, stat.stdout + stat.stderr
    props = stat.results("ws2022-sstp")[0]["properties"]
    assert props["Bin"] == {"type": "REG_BINARY", "value": data, "raw_value": [_dotnet_hex(byte_fmt, b) for b in data]}
    assert props["Dw"] == {"type": "REG_DWORD", "value": 4294967295, "raw_value": 4294967295}
    assert props["Qw"] == {"type": "REG_QWORD", "value": 2**64 - 1, "raw_value": 2**64 - 1}

    edit = lab.playbook(rf"""
- hosts: ws2022-sstp
  gather_facts: false
  tasks:
    - {{name: bin, ansible.windows.win_regedit: {{path: '{key}', name: Bin, type: binary, data: '00:ff'}}}}
    - {{name: dw, ansible.windows.win_regedit: {{path: '{key}', name: Dw, type: dword, data: 10}}}}
    - {{name: qw, ansible.windows.win_regedit: {{path: '{key}', name: Qw, type: qword, data: '0x1'}}}}
""", diff=True)
    assert edit.rc == 0, edit.stdout + edit.stderr
    before = {task: edit.results("ws2022-sstp", task)[0]["diff"]["before"][key] for task in ("bin", "dw", "qw")}
    assert before["bin"]["Bin"] == {"type": "Binary", "value": [_dotnet_hex(diff_byte, b) for b in data]}
    assert before["dw"]["Dw"] == {"type": "DWord", "value": _dotnet_hex(dword_fmt, 0xFFFFFFFF)}
    assert edit.results("ws2022-sstp", "dw")[0]["diff"]["after"][key]["Dw"]["value"] == _dotnet_hex(dword_fmt, 10) == "0x0000000a"
    assert edit.results("ws2022-sstp", "qw")[0]["diff"]["after"][key]["Qw"]["value"] == _dotnet_hex(qword_fmt, 1)
    assert lab.reg_values("ws2022-sstp", key)["Bin"] == {"type": "REG_BINARY", "value": [0, 255]}
