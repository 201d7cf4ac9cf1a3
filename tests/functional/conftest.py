"""The ``lab`` fixture: run real ansible-playbook / ansible against the emulated Windows lab.

Each test gets its own state directory under ``tmp_path`` (so pytest-xdist workers never share
host state), re-seeded from the profiles before the test; see ``tests/lab/lab_session.py`` for
the API and ``tests/lab/README.md`` for the lab.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

LAB_DIR = Path(__file__).resolve().parents[1] / "lab"
if str(LAB_DIR) not in sys.path:
    sys.path.insert(0, str(LAB_DIR))

from lab_session import Lab, LabRun  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ["Lab", "LabRun", "lab"]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """The lab with every host freshly seeded from its profile, in a state directory of this test; its SSTP listeners stop at the end."""
    session = Lab(tmp_path)
    try:
        yield session
    finally:
        session.close()
