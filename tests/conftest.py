"""Shared pytest setup: make ``ansible_collections.aovpn.rras`` importable from this checkout.

Helpers live in ``aovpn_testing`` (importable from every test: this folder is on ``sys.path``); a test
must not import ``conftest``, whose module name is ambiguous between folders.
"""

from __future__ import annotations

import aovpn_testing

aovpn_testing.install()
