"""Smoke test of the benchmark (tests/bench/bench.py): N=2, one repetition of the cost part, part of the rollout part.

Asserts the report's structure and the module-call counts from the lab journal that the code
guarantees (aovpn.rras: one read per module in steady state, no write in check mode; the hand-written
baseline: one call per value plus the restart). Never times: the machine is noisy.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from aovpn_testing import load_by_path

REPO_ROOT = Path(__file__).resolve().parents[3]
BENCH = REPO_ROOT / "tests" / "bench" / "bench.py"
bench = load_by_path("aovpn_rras_bench", BENCH)

HOSTS = 2


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    out = work / "report.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--parts", "cost", "--hosts", str(HOSTS), "--repeat", "1", "--json", str(out), "--work-dir", str(work)],
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


@pytest.fixture(scope="module")
def rollout(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("rollout")
    out = work / "report.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--parts", "rollout", "--hosts", str(HOSTS), "--latency", "0.05", "--restart", "0.1",
         "--variants", "site,serial", "--scenarios", "steady,tenth", "--json", str(out), "--work-dir", str(work)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    assert "(a)/(c) wall" in proc.stdout and "NOT MEASURED all (a)" in proc.stdout
    return json.loads(out.read_text(encoding="utf-8"))["rollout"]


def _run(rollout: dict, variant: str, scenario: str, latency: float = 0.05) -> dict:
    (run,) = [r for r in rollout["runs"] if (r["variant"], r["scenario"], r["latency_s"]) == (variant, scenario, latency)]
    assert run["rc"] == 0 and run["notes"] == [] and run["hosts_failed"] == 0, run
    return run


@pytest.mark.lab
def test_rollout_steady_state_and_its_fixed_cost(rollout: dict) -> None:
    assert rollout["settings"] == {"latency_s": 0.05, "restart_s": 0.1, "forks": 10}
    assert {(r["variant"], r["scenario"], r["latency_s"]) for r in rollout["runs"]} == {
        (v, s, latency) for v in ("site", "serial") for s, latency in (("steady", 0.05), ("steady", 0.0), ("tenth", 0.05))}
    for variant, calls in (("site", 2.0), ("serial", 5.0)):
        timed, fixed = _run(rollout, variant, "steady"), _run(rollout, variant, "steady", 0.0)
        assert timed["calls_per_host"] == fixed["calls_per_host"] == calls and timed["hosts_changed"] == 0
        assert "restart" not in timed["by_area"] and timed["writes_in_step"] == (0 if variant == "site" else 5 * HOSTS)
        assert timed["wall_s"] > 0 and fixed["wall_s"] > 0


@pytest.mark.lab
def test_rollout_tenth_changes_one_server_and_only_reads_the_others(rollout: dict) -> None:
    site, serial = _run(rollout, "site", "tenth"), _run(rollout, "serial", "tenth")
    assert site["drifted"] == serial["drifted"] == ["rras001"]
    assert site["hosts_changed"] == serial["hosts_changed"] == 1
    assert site["calls_in_step"] == [2, 2] and site["writes_in_step"] == 0, "the in-step server is read, not written"
    assert site["by_area"]["restart"] == serial["by_area"]["restart"] == 1 / HOSTS
    assert serial["calls_in_step"] == [5, 5]  # the baseline writes every value on every server
    assert 0 < serial["in_step_s"] < serial["wall_s"]
    goals = rollout["goals"]
    assert [g["met"] is None for g in goals] == [False, True, False, False, True], "(b) and the change of all were not run"
    assert "in-step servers make only their reads" in goals[2]["goal"] and goals[2]["met"] is True


def _fake(variant: str, scenario: str, wall: float, latency: float = 0.3, **kw: object) -> Any:
    fields = {"hosts": 20, "variant": variant, "scenario": scenario, "latency_s": latency, "restart_s": 5.0, "rc": 0, "wall_s": wall,
              "calls_per_host": 2.0, "by_area": {}, "hosts_changed": 0, "hosts_failed": 0, "drifted": [], "calls_in_step": [2, 2],
              "writes_in_step": 0, "calls_drifted": 0.0, "in_step_s": 0.0}
    return bench.RolloutRun(**{**fields, **kw})


def test_rollout_goals_apply_the_formulas_of_issue_12() -> None:
    runs = [
        _fake("site", "steady", 11.5), _fake("site", "steady", 10.0, latency=0.0), _fake("parallel", "steady", 12.0, calls_per_host=5.0),
        _fake("site", "tenth", 32.0, drifted=["h01", "h11"], calls_drifted=12.0),
        _fake("serial", "tenth", 100.0, drifted=["h01", "h11"], calls_in_step=[5, 5], writes_in_step=90, in_step_s=69.0),
        _fake("site", "all", 50.0), _fake("serial", "all", 49.0),
    ]
    goals = bench.rollout_goals(runs, forks=10, latency=0.3)
    # parallel limit: ceil(20 / 10) x 2 calls x 0.3 s = 1.2 s; target 10 + 1.3 x 1.2 = 11.56
    assert [(g["measured"], g["met"]) for g in goals] == [(11.5, True), (11.5, True), (2, True), (32.0, False), (50.0, False)]
    assert goals[0]["target"] == pytest.approx(11.56) and goals[3]["target"] == pytest.approx(31.0)
    extra_call = bench.rollout_goals([_fake("site", "steady", 9.0), _fake("site", "tenth", 1.0, calls_in_step=[2, 3])], forks=10, latency=0.3)
    assert extra_call[2]["met"] is False, "an in-step server called more than in the steady state"
    assert [g["met"] for g in extra_call if g["met"] is not None] == [False]


def test_rollout_table_prints_goals_measured_without_a_target() -> None:
    """Without the steady scenario the in-step reads have no target: the table says what was measured, not a traceback."""
    runs = [_fake("site", "tenth", 32.0, drifted=["h01"]), _fake("serial", "tenth", 100.0, drifted=["h01"], in_step_s=69.0)]
    report = {"settings": {"latency_s": 0.3, "restart_s": 5.0, "forks": 10}, "runs": [dataclasses.asdict(r) for r in runs],
              "goals": bench.rollout_goals(runs, forks=10, latency=0.3)}
    lines = bench.rollout_table(report).splitlines()
    assert any(line.startswith("  N=20 PASS tenth (a): in-step servers make only their reads") and line.endswith(": 2") for line in lines)
    assert any(line.startswith("  N=20 MISS tenth (a): wall <=") and line.endswith("32 (target 31)") for line in lines)


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
