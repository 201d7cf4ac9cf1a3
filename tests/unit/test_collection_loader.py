"""The collection is importable under its FQCN from the checkout."""

from __future__ import annotations

import importlib


def test_plugins_package_importable_by_fqcn() -> None:
    module = importlib.import_module("ansible_collections.aovpn.rras.plugins")
    assert module.__name__ == "ansible_collections.aovpn.rras.plugins"
