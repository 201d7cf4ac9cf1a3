"""`ansible-doc` renders every plugin and role of the collection (as admins and AWX read them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aovpn_testing import COLLECTIONS_ROOT, REPO_ROOT

ANSIBLE_DOC = str(Path(sys.executable).with_name("ansible-doc"))
PLUGIN_DIRS = {"module": "modules", "lookup": "lookup", "filter": "filter"}


def _plugins() -> list[tuple[str, str]]:
    found = []
    for plugin_type, directory in PLUGIN_DIRS.items():
        folder = REPO_ROOT / "plugins" / directory
        suffix = ".yml" if plugin_type == "filter" else ".py"
        for path in sorted(folder.glob(f"*{suffix}")):
            if not path.name.startswith("_"):
                found.append((plugin_type, path.stem))
    found += [("role", path.name) for path in sorted((REPO_ROOT / "roles").iterdir()) if path.is_dir()]
    return found


def _ansible_doc(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_NOCOLOR="1")
    return subprocess.run([ANSIBLE_DOC, *args], capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize(("plugin_type", "name"), _plugins())
def test_ansible_doc_renders(plugin_type: str, name: str) -> None:
    result = _ansible_doc("-t", plugin_type, "--json", f"aovpn.rras.{name}")
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)[f"aovpn.rras.{name}"]
    if plugin_type == "role":
        entry = docs["entry_points"]["main"]
        # A role with variables documents them; the handler role (remoteaccess_restart) has none (no defaults/).
        has_variables = (REPO_ROOT / "roles" / name / "defaults").exists()
        assert entry["short_description"] and (entry.get("options") or not has_variables), f"role {name} lacks documented options"
    else:
        doc = docs["doc"]
        assert doc["short_description"] and doc["version_added"] == "0.1.0"
        assert docs.get("examples", "").strip(), f"{plugin_type} {name} has no EXAMPLES"


def test_every_windows_module_has_an_action_plugin_and_joins_the_rras_group() -> None:
    """win_* modules act on the Windows host from the controller (action plugin, docs-only module file); the others
    (sstp_health) are ordinary Python modules that run where they are delegated, so they carry their code."""
    import yaml

    group = yaml.safe_load((REPO_ROOT / "meta" / "runtime.yml").read_text())["action_groups"]["rras"]
    modules = sorted(p.stem for p in (REPO_ROOT / "plugins" / "modules").glob("*.py"))
    assert modules, "no modules yet"
    for module in modules:
        source = (REPO_ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
        if module.startswith("win_"):
            assert (REPO_ROOT / "plugins" / "action" / f"{module}.py").is_file(), f"{module}: docs-only module without action plugin"
            assert module in group
        else:
            assert "def main()" in source and not (REPO_ROOT / "plugins" / "action" / f"{module}.py").exists(), module
            assert module not in group, f"{module} does not run on the Windows hosts"
