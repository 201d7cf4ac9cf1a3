"""How the lab's ansible.windows is assembled: the real collection's Python plugins, only the modules emulated."""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import lab_collection
import labctl
import pytest

pytestmark = pytest.mark.lab


def test_the_lab_collection_is_the_real_one_with_emulated_modules() -> None:
    real = lab_collection.real_collection()
    assembled = (labctl.setup() / "ansible_collections" / "ansible" / "windows").resolve()
    emulated = sorted(p.name for p in (labctl.EMULATION_DIR / "plugins" / "modules").glob("*.py"))
    assert sorted(p.name for p in (assembled / "plugins" / "modules").iterdir()) == emulated
    for relative in ("plugins/action/win_copy.py", "plugins/plugin_utils/_reboot.py", "plugins/filter/quote.py", "meta/runtime.yml", "MANIFEST.json"):
        assert (assembled / relative).resolve() == real / relative, relative
    for name in emulated:
        assert (assembled / "plugins" / "modules" / name).resolve() == labctl.EMULATION_DIR / "plugins" / "modules" / name
        assert (real / "plugins" / "modules" / name).with_suffix(".ps1").is_file()
    lab_utils = {p.name for p in (labctl.EMULATION_DIR / "plugins" / "module_utils").glob("*.py")}
    real_utils = {p.name for p in (real / "plugins" / "module_utils").iterdir() if p.name != "__pycache__"}
    assert {p.name for p in (assembled / "plugins" / "module_utils").iterdir()} == lab_utils | real_utils
    assert not (labctl.EMULATION_DIR / "plugins" / "action").exists(), "the lab must not replace the real action plugins"


def test_a_new_emulated_module_is_picked_up_and_must_replace_a_real_one(tmp_path: Path) -> None:
    real = lab_collection.real_collection()
    emulation = tmp_path / "emulation"
    shutil.copytree(labctl.EMULATION_DIR / "plugins", emulation / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    (emulation / "plugins" / "modules" / "win_ping.py").write_text("# emulation\n", encoding="utf-8")
    first = lab_collection.assemble(real, emulation, tmp_path / "out")
    assert (first / "plugins" / "modules" / "win_ping.py").is_symlink()
    assert lab_collection.assemble(real, emulation, tmp_path / "out") == first  # built once, concurrent setups share it
    (emulation / "plugins" / "modules" / "win_nothing.py").write_text("# no such module\n", encoding="utf-8")
    with pytest.raises(lab_collection.LabCollectionError, match=r"win_nothing.py emulates ansible.windows.win_nothing, which has no win_nothing.ps1"):
        lab_collection.plan(real, emulation)


def test_the_real_collection_is_found_or_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = lab_collection.real_collection()
    monkeypatch.setenv(lab_collection.ENV_REAL, str(real))
    assert lab_collection.real_collection() == real
    monkeypatch.setenv(lab_collection.ENV_REAL, str(tmp_path))
    with pytest.raises(lab_collection.LabCollectionError, match=f"no ansible.windows collection at {tmp_path}.*MANIFEST.json is missing"):
        lab_collection.real_collection()

    monkeypatch.delenv(lab_collection.ENV_REAL)

    def missing(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(lab_collection.LabCollectionError, match=f"the 'ansible' package .* is not installed .*{lab_collection.ENV_REAL}"):
        lab_collection.real_collection()
    with pytest.raises(SystemExit, match="labctl setup: the 'ansible' package"):
        labctl.setup()
