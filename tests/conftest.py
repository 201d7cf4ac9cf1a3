"""Shared pytest setup: make ``ansible_collections.aovpn.rras`` importable from this checkout.

Helpers live in ``aovpn_testing`` (importable from every test: this folder is on ``sys.path``); a test
must not import ``conftest``, whose module name is ambiguous between folders.
"""

from __future__ import annotations

import os

import aovpn_testing
from hypothesis import settings

aovpn_testing.install()

# The CI gate ("make test") runs the property tests on a fixed example sequence so that a landing does not
# depend on luck; a developer's plain "pytest" keeps exploring new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
