"""Smoke test of the benchmark (tests/bench/bench.py): N=2, one repetition.

Asserts the report's structure and the module-call counts from the lab journal that the code
guarantees (aovpn.rras: one read per module in steady state, no write in check mode; the hand-written
baseline: one call per value plus the restart). Never times: the machine is noisy.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
BENCH = REPO_ROOT / "tests" / "bench" / "bench.py"
_SPEC = importlib.util.spec_from_file_location("aovpn_rras_bench", BENCH)
assert _SPEC and _SPEC.loader
bench = sys.modules[_SPEC.name] = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)

HOSTS = 2


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    out = work / "report.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--hosts", str(HOSTS), "--repeat", "1", "--json", str(out), "--work-dir", str(work)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    assert "ours/baseline" in proc.stdout
    return json.loads(out.read_text(encoding="utf-8"))


def _median(report: dict, variant: str, run: str) -> dict:
    (entry,) = [r for r in report["results"] if r["variant"] == variant and r["run"] == run and r["hosts"] == HOSTS]
    assert len(entry["repetitions"]) == 1
    return entry["median"]


@pytest.mark.lab
def test_report_structure(report: dict) -> None:
    assert report["meta"]["hosts"] == [HOSTS] and report["meta"]["repeat"] == 1 and report["meta"]["forks"] == 10
    assert {(r["variant"], r["run"]) for r in report["results"]} == {(v, r) for v in bench.VARIANTS for r in bench.RUNS}
    assert {r["run"] for r in report["ratios"]} == set(bench.RUNS)
    assert report["slopes"] == []  # one lab size: no slope
    for entry in report["results"]:
        rep = entry["repetitions"][0]
        assert rep["rc"] == 0 and rep["notes"] == [] and rep["hosts_failed"] == 0, entry
        assert rep["wall_s"] > 0 and rep["cpu_s"] > 0 and rep["peak_rss_mb"] > 0 and rep["host_cpu_s"] > 0
        assert rep["controller_cpu_s"] == pytest.approx(rep["cpu_s"] - rep["host_cpu_s"])
        assert rep["calls_min_host"] == rep["calls_max_host"], "every host of one profile makes the same calls"
        assert entry["median"]["per_host"]["wall_s"] == pytest.approx(rep["wall_s"] / HOSTS)
    assert all(isinstance(g["met"], bool) for g in report["goals"])


@pytest.mark.lab
def test_baseline_calls_one_module_per_value(report: dict) -> None:
    change, steady, check = (_median(report, "baseline", run) for run in bench.RUNS)
    assert steady["by_module"] == {"win_regedit": 5.0} and steady["hosts_changed"] == 0
    assert change["by_module"] == {"win_regedit": 5.0, "win_service": 1.0} and change["hosts_changed"] == HOSTS
    assert check["by_module"] == {"win_regedit": 5.0, "win_service": 1.0} and check["writes_in_check_mode"] == 0


@pytest.mark.lab
def test_ours_steady_state_is_one_read_per_module(report: dict) -> None:
    steady = _median(report, "ours", "steady")
    assert steady["by_area"] == {"ikev2": 1.0, "sstp": 1.0}
    assert steady["by_module"] == {"win_reg_stat": 2.0}
    assert steady["hosts_changed"] == 0
    (ratio,) = [r for r in report["ratios"] if r["run"] == "steady"]
    assert ratio["calls_per_host"] == pytest.approx(2 / 5)


@pytest.mark.lab
def test_ours_change_and_check_runs(report: dict) -> None:
    change, check = _median(report, "ours", "change"), _median(report, "ours", "check")
    assert change["by_area"]["restart"] == 1.0, "one restart per host however many values changed"
    assert change["hosts_changed"] == HOSTS
    assert change["differing_values_before"] == 4  # stock SSTP-on-HTTPS: all but isHashConfiguredByAdmin
    assert "win_regedit" not in check["by_module"] and check["writes_in_check_mode"] == 0
    assert check["by_module"]["win_reg_stat"] >= 2


def test_tree_rss_counts_descendants() -> None:
    own = bench.tree_rss_bytes(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(64 * 2**20); time.sleep(30)"])  # pylint: disable=consider-using-with
    try:
        deadline = time.monotonic() + 10
        while bench.tree_rss_bytes(child.pid) < 64 * 2**20:
            assert time.monotonic() < deadline, "the child's 64 MiB never showed up"
            time.sleep(0.05)
        assert bench.tree_rss_bytes(os.getpid()) >= own + 64 * 2**20
    finally:
        child.kill()
        child.wait()
    assert bench.tree_rss_bytes(child.pid) == 0
