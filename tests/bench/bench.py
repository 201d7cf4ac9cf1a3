# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Round trips and controller cost per host: ``aovpn.rras.site`` against the playbook an admin writes by hand.

Over WinRM every module call is a round trip of about a second, so module calls per host decide how long
a farm run takes. For each lab size N this runs, on the same emulated lab, (a) ``aovpn.rras.site`` with
SSTP offload and IKEv2 fragmentation and (b) ``tests/bench/baseline.yml`` (one ``win_regedit`` task per
value plus a restart handler), each as a change run from the stock state, a steady-state rerun, and a
check-mode run from the stock state. It reports module calls per host from the lab journal, wall time,
controller CPU (user+sys of the ``ansible-playbook`` process tree) and its peak RSS, ours/baseline
ratios from the same repetition, and the per-host slope between lab sizes (the cost part, at latency 0).

The rollout part gives every module call a WinRM round trip (``lab_latency``) and every RemoteAccess restart a
duration (``lab_restart_duration``) and times (a) ``aovpn.rras.site`` with its defaults, (b) the baseline and (c)
the baseline with ``serial: 1`` when every server changes, none does, and a tenth does, against the goals of
issue 12. The method: tests/bench/README.md.

Usage: ``.venv/bin/python tests/bench/bench.py [--parts cost,rollout] [--hosts 10,100] [--repeat 3] [--latency 0.3]
[--restart 5] [--variants site,parallel,serial] [--scenarios all,steady,tenth] [--json OUT] [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
BASELINE = BENCH_DIR / "baseline.yml"
HOST_PYTHON = BENCH_DIR / "host_python.sh"
WORK_DIR = REPO_ROOT / "tests" / "output" / "bench"
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO_ROOT / "tests" / "lab"))

import labctl  # noqa: E402  pylint: disable=wrong-import-position

VARIANTS = ("ours", "baseline")
RUNS = ("change", "steady", "check")
COSTS = ("wall_s", "cpu_s", "controller_cpu_s", "host_cpu_s", "peak_rss_mb")
FIGURES = ("calls_per_host", *COSTS)

# SHA-256 of the load balancer's certificate, in the form an admin pastes it
CERT_SHA256 = hashlib.sha256(b"aovpn.rras benchmark: certificate presented by the load balancer").hexdigest().upper()

SSTP_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
IKEV2_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters\\Ikev2"
# the end state both playbooks converge to: (key, value name) -> (type, value); None = absent
DESIRED: dict[tuple[str, str], tuple[str, Any] | None] = {
    (SSTP_KEY, "UseHttps"): ("REG_DWORD", 0),
    (SSTP_KEY, "isHashConfiguredByAdmin"): ("REG_DWORD", 1),
    (SSTP_KEY, "SHA256CertificateHash"): ("REG_BINARY", list(bytes.fromhex(CERT_SHA256))),
    (SSTP_KEY, "SHA1CertificateHash"): None,
    (IKEV2_KEY, "EnableServerFragmentation"): ("REG_DWORD", 1),
}

RECAP_RE = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", re.MULTILINE)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------------------------
# measuring one ansible-playbook process tree


class TreeRssSampler(threading.Thread):
    """Peak of the summed RSS of a process and all its descendants, sampled from /proc."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def tree_rss_bytes(root: int) -> int:
    """Sum of the resident set sizes of ``root`` and its descendants (0 once it is gone)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
            with open(f"/proc/{entry}/statm", encoding="ascii") as handle:
                resident = int(handle.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # exited while we looked
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])  # the command name may hold spaces
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = resident * PAGE_SIZE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


@dataclass
class Process:
    rc: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    output: str


def run_measured(argv: list[str], env: dict[str, str], log: Path) -> Process:
    """Run ``argv`` to completion; CPU is the RUSAGE_CHILDREN delta, so nothing else may run meanwhile."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        sampler = TreeRssSampler(proc.pid)
        sampler.start()
        try:
            rc = proc.wait()
        finally:  # interrupted: leave no ansible-playbook behind
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            sampler.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Process(rc, wall, cpu, sampler.peak_bytes / 2**20, log.read_text(encoding="utf-8", errors="replace"))


# ---------------------------------------------------------------------------------------------
# the lab


class Lab:
    """A lab of N emulated hosts of one profile, with its own state directory and inventory."""

    def __init__(self, count: int, profile: str, forks: int, work_dir: Path) -> None:
        self.count = count
        self.directory = work_dir / f"n{count}"
        self.state_dir = self.directory / "state"
        self.inventory = self.directory / "inventory.yml"
        self.host_times = self.directory / "host-times.txt"
        self.profile = profile
        self.forks = forks
        self.hosts: list[str] = []

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "ANSIBLE_CONFIG": str(labctl.ANSIBLE_CFG),
            "ANSIBLE_COLLECTIONS_PATH": str(labctl.COLLECTIONS_PATH),
            "ANSIBLE_LOCAL_TEMP": str(self.directory / "ansible-local"),
            "AOVPN_LAB_STATE_DIR": str(self.state_dir),
            "ANSIBLE_FORKS": str(self.forks),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_STDOUT_CALLBACK": "default",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "AOVPN_BENCH_PYTHON": sys.executable,
            "AOVPN_BENCH_HOST_TIMES": str(self.host_times),
        }

    def create(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        labctl.make_inventory(self.count, self.profile, self.inventory, group="rras")
        inventory = yaml.safe_load(self.inventory.read_text(encoding="utf-8"))
        inventory["lab"]["vars"]["ansible_python_interpreter"] = str(HOST_PYTHON)
        self.inventory.write_text(yaml.safe_dump(inventory, sort_keys=False), encoding="utf-8")
        self.host_times.touch()
        self.hosts = sorted(self.reset())
        if len(self.hosts) != self.count:
            raise RuntimeError(f"lab has {len(self.hosts)} hosts, wanted {self.count}")

    def reset(self) -> dict[str, Path]:
        """Every host back to the stock state of its profile, journals emptied."""
        return labctl.reset(self.inventory, self.state_dir)

    def host_cpu_since(self, offset: int) -> float:
        """CPU seconds of the emulated module processes logged by host_python.sh after ``offset``."""
        with open(self.host_times, "rb") as handle:
            handle.seek(offset)
            return sum(float(t) for line in handle.read().decode("ascii").splitlines() for t in line.split())

    def journal_offsets(self) -> dict[str, int]:
        return {host: path.stat().st_size if path.exists() else 0 for host, path in self._journals().items()}

    def journal_since(self, offsets: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
        calls: dict[str, list[dict[str, Any]]] = {}
        for host, path in self._journals().items():
            calls[host] = []
            if path.exists():  # a host that was never called has no journal
                with open(path, "rb") as handle:
                    handle.seek(offsets[host])
                    calls[host] = [json.loads(line) for line in handle.read().decode("utf-8").splitlines() if line.strip()]
        return calls

    def reseed(self, hosts: list[str]) -> None:
        """These hosts back to the stock state of the profile (as ``reset``), their journals kept."""
        stock = json.dumps(labctl.seed_state(self.profile, labctl.pki()))
        for host in hosts:
            lab_host = labctl.lab_host.LabHost(host, str(self.state_dir))
            with lab_host.locked():
                lab_host.save(json.loads(stock))

    def _journals(self) -> dict[str, Path]:
        return {host: self.state_dir / host / labctl.lab_host.JOURNAL_FILE for host in self.hosts}

    def registry(self, host: str) -> dict[tuple[str, str], tuple[str, Any] | None]:
        """The values of DESIRED as one host holds them now (names compared case-insensitively)."""
        state = labctl.lab_host.LabHost(host, str(self.state_dir)).load()
        found: dict[tuple[str, str], tuple[str, Any] | None] = {}
        for key_path, name in DESIRED:
            key = labctl.lab_host.get_key(state, key_path) or {"values": {}}
            stored = labctl.lab_host.find_value(key, name)
            found[(key_path, name)] = (key["values"][stored]["type"], key["values"][stored]["value"]) if stored else None
        return found


def differing_values(current: dict[tuple[str, str], tuple[str, Any] | None]) -> int:
    return sum(1 for item, wanted in DESIRED.items() if current[item] != wanted)


def area(call: dict[str, Any]) -> str:
    """What a journalled call was for: the SSTP or IKEv2 settings, the Remote Access role check, or the RemoteAccess restart."""
    if call["module"] == "win_service":
        return "restart" if call["args"].get("state") == "restarted" else "role"
    if call["module"] == "win_feature_info":
        return "role"
    path = str(call["args"].get("path", "")).lower()
    if "sstpsvc" in path:
        return "sstp"
    if "remoteaccess\\parameters" in path or "windows nt\\currentversion" in path:
        return "ikev2"
    return "other"


# ---------------------------------------------------------------------------------------------
# one run


@dataclass
class RunResult:
    rc: int
    wall_s: float
    cpu_s: float
    controller_cpu_s: float
    host_cpu_s: float
    peak_rss_mb: float
    calls_per_host: float
    calls_min_host: int
    calls_max_host: int
    tasks_per_host: float
    """Task results per host (ok, failed or skipped): each costs the controller a worker process."""
    by_module: dict[str, float]
    by_area: dict[str, float]
    writes_in_check_mode: int
    hosts_changed: int
    hosts_failed: int
    differing_values_before: float = 0.0
    notes: list[str] = field(default_factory=list)


def ansible_playbook(lab: Lab) -> list[str]:
    return [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(lab.inventory)]


def site_argv(lab: Lab, **switches: Any) -> list[str]:
    """``aovpn.rras.site`` with SSTP offload by hash and IKEv2 fragmentation, plus ``switches`` (``aovpn_rras_*``)."""
    extra = {
        "aovpn_rras_target": "rras",
        "aovpn_rras_sstp_offload": True,
        "sstp_offload_certificate_hash": CERT_SHA256,
        "aovpn_rras_ikev2_fragmentation": True,
        "ikev2_fragmentation_state": "enabled",
        **switches,
    }
    return [*ansible_playbook(lab), "aovpn.rras.site", "-e", json.dumps(extra)]


def baseline_argv(lab: Lab, playbook: Path = BASELINE) -> list[str]:
    return [*ansible_playbook(lab), str(playbook), "-e", json.dumps({"vpn_certificate_sha256": CERT_SHA256})]


def playbook_argv(variant: str, run: str, lab: Lab) -> list[str]:
    # one batch, as the baseline (which has no serial): rolling (the default, 1) costs both alike
    argv = site_argv(lab, aovpn_rras_serial="100%") if variant == "ours" else baseline_argv(lab)
    if run == "check":
        argv.append("--check")
    return argv


def measure(variant: str, run: str, lab: Lab, rep: int) -> RunResult:
    return run_playbook(lab, playbook_argv(variant, run, lab), f"{variant}-{run}-r{rep}", check=run == "check").result


@dataclass
class Measured:
    result: RunResult
    calls: dict[str, list[dict[str, Any]]]
    """The journal lines each host added during the run."""
    end_ns: int
    """time.time_ns() when ansible-playbook had exited (the journal's clock)."""


def run_playbook(lab: Lab, argv: list[str], name: str, check: bool = False) -> Measured:
    """Run one playbook on the lab and measure it; the log is ``<lab directory>/<name>.log``."""
    differing = statistics.mean(differing_values(lab.registry(host)) for host in lab.hosts)
    offsets = lab.journal_offsets()
    host_times = lab.host_times.stat().st_size
    log = lab.directory / f"{name}.log"
    proc = run_measured(argv, lab.env(), log)
    end_ns = time.time_ns()
    calls = lab.journal_since(offsets)
    host_cpu = lab.host_cpu_since(host_times)
    per_host = [len(c) for c in calls.values()]
    modules: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    check_writes = 0
    for host_calls in calls.values():
        for call in host_calls:
            modules[call["module"]] += 1
            areas[area(call)] += 1
            if check and not call.get("check_mode"):
                check_writes += 1
    recap = {m.group(1): [int(n) for n in m.groups()[1:]] for m in RECAP_RE.finditer(proc.output)}
    result = RunResult(
        rc=proc.rc, wall_s=proc.wall_s, cpu_s=proc.cpu_s, controller_cpu_s=proc.cpu_s - host_cpu, host_cpu_s=host_cpu,
        peak_rss_mb=proc.peak_rss_mb,
        calls_per_host=sum(per_host) / lab.count, calls_min_host=min(per_host), calls_max_host=max(per_host),
        by_module={k: v / lab.count for k, v in sorted(modules.items())},
        by_area={k: v / lab.count for k, v in sorted(areas.items())},
        writes_in_check_mode=check_writes,
        tasks_per_host=sum(r[0] + r[3] + r[4] for r in recap.values()) / lab.count,  # ok + failed + skipped
        hosts_changed=sum(1 for r in recap.values() if r[1]),
        hosts_failed=sum(1 for r in recap.values() if r[2] or r[3]),
        differing_values_before=differing,
    )
    if proc.rc != 0 or len(recap) != lab.count:
        result.notes.append(f"rc={proc.rc}, {len(recap)}/{lab.count} hosts in recap; see {log}")
    return Measured(result, calls, end_ns)


def repetition(lab: Lab, rep: int) -> dict[str, dict[str, RunResult]]:
    """Change, steady and check runs of both variants; the variant order alternates to cancel drift."""
    out: dict[str, dict[str, RunResult]] = {}
    for variant in VARIANTS if rep % 2 == 0 else tuple(reversed(VARIANTS)):
        runs: dict[str, RunResult] = {}
        lab.reset()
        runs["change"] = measure(variant, "change", lab, rep)
        runs["steady"] = measure(variant, "steady", lab, rep)
        end_state = {host: lab.registry(host) for host in lab.hosts}
        if any(state != DESIRED for state in end_state.values()):
            runs["change"].notes.append("end state differs from the desired SSTP/IKEv2 values")
        lab.reset()
        runs["check"] = measure(variant, "check", lab, rep)
        out[variant] = runs
    return out


# ---------------------------------------------------------------------------------------------
# summarising


def median_result(results: list[RunResult]) -> dict[str, Any]:
    summary: dict[str, Any] = {f: statistics.median(getattr(r, f) for r in results) for f in FIGURES}
    for f in ("calls_min_host", "calls_max_host", "tasks_per_host", "writes_in_check_mode", "hosts_changed", "hosts_failed", "differing_values_before"):
        summary[f] = statistics.median(getattr(r, f) for r in results)
    for f in ("by_module", "by_area"):
        keys = sorted({k for r in results for k in getattr(r, f)})
        summary[f] = {k: statistics.median(getattr(r, f).get(k, 0.0) for r in results) for k in keys}
    summary["rc_nonzero"] = sum(1 for r in results if r.rc)
    return summary


def summarise(raw: dict[int, list[dict[str, dict[str, RunResult]]]]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    ratios: list[dict[str, Any]] = []
    for n, reps in raw.items():
        for variant in VARIANTS:
            for run in RUNS:
                series = [rep[variant][run] for rep in reps]
                summary = median_result(series)
                summary["per_host"] = {f: summary[f] / n for f in COSTS}
                results.append({"hosts": n, "variant": variant, "run": run, "median": summary,
                                "repetitions": [asdict(r) for r in series]})
        for run in RUNS:
            ratio = {f: statistics.median(_ratio(getattr(rep["ours"][run], f), getattr(rep["baseline"][run], f)) for rep in reps)
                     for f in FIGURES}
            ratios.append({"hosts": n, "run": run, **ratio})
    slopes = []
    sizes = sorted(raw)
    for low, high in zip(sizes, sizes[1:]):
        for variant in VARIANTS:
            for run in RUNS:
                a = _find(results, low, variant, run)["median"]
                b = _find(results, high, variant, run)["median"]
                slopes.append({"variant": variant, "run": run, "from_hosts": low, "to_hosts": high,
                               **{f"{f}_per_host": (b[f] - a[f]) / (high - low) for f in COSTS}})
    return {"results": results, "ratios": ratios, "slopes": slopes, "goals": goals(results)}


def _ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline else float("nan")


def _find(results: list[dict[str, Any]], n: int, variant: str, run: str) -> dict[str, Any]:
    return next(r for r in results if r["hosts"] == n and r["variant"] == variant and r["run"] == run)


def goals(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The targets of issue 8 with the measured figure next to each, at the largest lab size."""
    n = max(r["hosts"] for r in results)
    ours = {run: _find(results, n, "ours", run)["median"] for run in RUNS}
    base = {run: _find(results, n, "baseline", run)["median"] for run in RUNS}
    steady = ours["steady"]["by_area"]
    # differing values + 1 read per module + 1 restart, per host
    change_limit = ours["change"]["differing_values_before"] + 2 + 1
    checks = [
        ("steady run: 1 call per host for SSTP offload", steady.get("sstp", 0.0), 1.0, steady.get("sstp", 0.0) == 1),
        ("steady run: 1 call per host for IKEv2 fragmentation", steady.get("ikev2", 0.0), 1.0, steady.get("ikev2", 0.0) == 1),
        ("steady run: no restart", steady.get("restart", 0.0), 0.0, steady.get("restart", 0.0) == 0),
        ("baseline steady run: >= 5 calls per host", base["steady"]["calls_per_host"], 5.0, base["steady"]["calls_per_host"] >= 5),
        ("change run: calls per host <= differing values + 1 read per module + 1 restart",
         ours["change"]["calls_per_host"], change_limit, ours["change"]["calls_per_host"] <= change_limit),
    ]
    for run in ("change", "steady"):
        for figure in ("wall_s", "cpu_s", "controller_cpu_s"):
            checks.append((f"{run} run: {figure} per host at N={n} <= baseline's", ours[run][figure] / n, base[run][figure] / n,
                           ours[run][figure] <= base[run][figure]))
    return [{"goal": goal, "measured": measured, "target": target, "met": met} for goal, measured, target, met in checks]


def table(report: dict[str, Any]) -> str:
    """The report as text: medians per run, ratios, slopes, goals and anything that went wrong."""
    lines = [f"{'N':>4} {'run':<7} {'variant':<9} {'calls/host':>10}  {'calls by area per host':<38} {'tasks':>5} {'wall s':>7} {'cpu s':>7} "
             f"{'ctl cpu':>7} {'rss MB':>7}"]
    for r in report["results"]:
        m = r["median"]
        areas = " ".join(f"{k}={v:g}" for k, v in m["by_area"].items())
        lines.append(f"{r['hosts']:>4} {r['run']:<7} {r['variant']:<9} {m['calls_per_host']:>10.2f}  {areas:<38} {m['tasks_per_host']:>5g} "
                     f"{m['wall_s']:>7.2f} {m['cpu_s']:>7.2f} {m['controller_cpu_s']:>7.2f} {m['peak_rss_mb']:>7.1f}")
    lines += ["", f"{'N':>4} {'run':<7} ours/baseline {'calls':>7} {'wall':>7} {'cpu':>7} {'ctl cpu':>7} {'rss':>7}"]
    for r in report["ratios"]:
        lines.append(f"{r['hosts']:>4} {r['run']:<7} {'':<13} {r['calls_per_host']:>7.2f} {r['wall_s']:>7.2f} {r['cpu_s']:>7.2f} "
                     f"{r['controller_cpu_s']:>7.2f} {r['peak_rss_mb']:>7.2f}")
    if report["slopes"]:
        lines += ["", "per-host slope (cost(N2) - cost(N1)) / (N2 - N1):"]
        for s in report["slopes"]:
            lines.append(f"  {s['variant']:<9} {s['run']:<7} N {s['from_hosts']}->{s['to_hosts']}: wall {s['wall_s_per_host']:.3f} s, "
                         f"cpu {s['cpu_s_per_host']:.3f} s, ctl cpu {s['controller_cpu_s_per_host']:.3f} s, "
                         f"rss {s['peak_rss_mb_per_host']:.2f} MB")
    lines.append("")
    for g in report["goals"]:
        lines.append(f"  {'PASS' if g['met'] else 'MISS'} {g['goal']}: {g['measured']:.3g} (target {g['target']:.3g})")
    notes = sorted({f"N={r['hosts']} {r['variant']} {r['run']}: {note}" for r in report["results"] for rep in r["repetitions"] for note in rep["notes"]})
    if notes:
        lines += [""] + [f"  note: {n}" for n in notes]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# the rollout: a farm's wall time when every module call is a WinRM round trip and a restart takes seconds

ROLLOUT_VARIANTS = ("site", "parallel", "serial")
"""(a) ``aovpn.rras.site`` with its defaults (rolling, serial 1), (b) the baseline as written (no ``serial``),
(c) the baseline with ``serial: 1`` (the careful admin)."""
VARIANT_LABELS = {"site": "(a) site", "parallel": "(b) base", "serial": "(c) base-s1"}
SCENARIOS = ("all", "steady", "tenth")
"""Every server changes (stock state); none does (the run right after ``all``); every tenth server changes (back to
the stock state, the others in step)."""
READS = ("win_reg_stat", "win_feature_info", "win_certificate_info")
STEADY_SLACK = 1.3


@dataclass
class RolloutRun:
    hosts: int
    variant: str
    scenario: str
    latency_s: float
    restart_s: float
    rc: int
    wall_s: float
    calls_per_host: float
    by_area: dict[str, float]
    hosts_changed: int
    hosts_failed: int
    drifted: list[str]
    """The hosts set back to the stock state before the run (all for ``all``, none for ``steady``)."""
    calls_in_step: list[int]
    """min and max calls of the hosts in step before the run ([] if none)."""
    writes_in_step: int
    """Calls other than reads (win_service queries count as reads) on the hosts in step."""
    calls_drifted: float
    """Mean calls of a drifted host (0 if none)."""
    in_step_s: float
    """Seconds of the run spent on the batches of the hosts in step, each batch from its host's first call to the next
    host's first call (the last: to the end of the run). Meaningful for ``serial: 1``, where a batch is one host."""
    notes: list[str] = field(default_factory=list)


def is_read(call: dict[str, Any]) -> bool:
    if call["module"] == "win_service":
        return "state" not in call["args"] and "start_mode" not in call["args"]
    return call["module"] in READS or call["args"].get("_copy_mode") == "query"


def serial_playbook(lab: Lab) -> Path:
    """``baseline.yml`` with ``serial: 1`` in its play, written into the lab's directory: the careful admin's copy."""
    plays = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    plays[0] = {"name": plays[0]["name"], "hosts": plays[0]["hosts"], "serial": 1, **plays[0]}
    path = lab.directory / "baseline-serial1.yml"
    path.write_text(yaml.safe_dump(plays, sort_keys=False), encoding="utf-8")
    return path


def rollout_argv(variant: str, lab: Lab, latency: float, restart: float) -> list[str]:
    argv = {"site": site_argv, "parallel": baseline_argv, "serial": lambda lab: baseline_argv(lab, serial_playbook(lab))}[variant](lab)
    return [*argv, "-e", json.dumps({"lab_latency": latency, "lab_restart_duration": restart})]


def rollout_run(lab: Lab, variant: str, scenario: str, latency: float, restart: float, drifted: list[str]) -> RolloutRun:
    measured = run_playbook(lab, rollout_argv(variant, lab, latency, restart), f"rollout-{variant}-{scenario}-latency{latency:g}")
    result, calls = measured.result, measured.calls
    in_step = [host for host in lab.hosts if host not in drifted]
    starts = sorted((host_calls[0]["time_ns"], host) for host, host_calls in calls.items() if host_calls)
    ends = [later[0] for later in starts[1:]] + [measured.end_ns]
    spans = {host: (end - start) / 1e9 for (start, host), end in zip(starts, ends)}
    run = RolloutRun(
        hosts=lab.count, variant=variant, scenario=scenario, latency_s=latency, restart_s=restart, rc=result.rc, wall_s=result.wall_s,
        calls_per_host=result.calls_per_host, by_area=result.by_area, hosts_changed=result.hosts_changed, hosts_failed=result.hosts_failed,
        drifted=drifted,
        calls_in_step=[min(len(calls[h]) for h in in_step), max(len(calls[h]) for h in in_step)] if in_step else [],
        writes_in_step=sum(1 for host in in_step for call in calls[host] if not is_read(call)),
        calls_drifted=statistics.mean(len(calls[h]) for h in drifted) if drifted else 0.0,
        in_step_s=sum(spans.get(host, 0.0) for host in in_step),
        notes=list(result.notes),
    )
    if any(lab.registry(host) != DESIRED for host in lab.hosts):
        run.notes.append("end state differs from the desired SSTP/IKEv2 values")
    return run


def rollout(lab: Lab, variants: list[str], scenarios: list[str], latency: float, restart: float) -> list[RolloutRun]:
    """The scenarios of each variant on a lab reset first; ``steady`` also without latency nor restart time (its fixed cost)."""
    runs: list[RolloutRun] = []
    tenth = lab.hosts[::10]
    for variant in variants:
        print(f"N={lab.count} rollout {VARIANT_LABELS[variant]}", file=sys.stderr, flush=True)
        lab.reset()
        if "all" in scenarios:
            runs.append(rollout_run(lab, variant, "all", latency, restart, list(lab.hosts)))
        else:  # converge, unmeasured, in one batch without latency
            argv = site_argv(lab, aovpn_rras_serial="100%") if variant == "site" else baseline_argv(lab)
            converge = run_playbook(lab, argv, f"rollout-{variant}-converge").result
            if converge.rc:
                raise RuntimeError(f"converging the lab failed: {converge.notes}")
        if "steady" in scenarios:
            runs.append(rollout_run(lab, variant, "steady", latency, restart, []))
            runs.append(rollout_run(lab, variant, "steady", 0.0, 0.0, []))
        if "tenth" in scenarios:
            lab.reseed(tenth)
            runs.append(rollout_run(lab, variant, "tenth", latency, restart, tenth))
    return runs


def _rollout_find(runs: list[RolloutRun], variant: str, scenario: str, timed: bool = True) -> RolloutRun | None:
    return next((r for r in runs if r.variant == variant and r.scenario == scenario and (r.latency_s > 0) == timed), None)


def rollout_goals(runs: list[RolloutRun], forks: int, latency: float) -> list[dict[str, Any]]:
    """The goals of issue 12 for one lab size, each with its measured figure and target; None where not measured."""
    n = runs[0].hosts
    site = {scenario: _rollout_find(runs, "site", scenario) for scenario in SCENARIOS}
    fixed = _rollout_find(runs, "site", "steady", timed=False)
    parallel_steady = _rollout_find(runs, "parallel", "steady")
    serial = {scenario: _rollout_find(runs, "serial", scenario) for scenario in ("all", "tenth")}
    goals: list[tuple[str, float | None, float | None, bool | None]] = []
    steady = site["steady"]
    if steady and fixed:
        limit = math.ceil(n / forks) * steady.calls_per_host * latency
        target = fixed.wall_s + STEADY_SLACK * limit
        goals.append((f"steady (a): wall <= fixed cost {fixed.wall_s:.1f} s (latency 0) + {STEADY_SLACK} x parallel limit "
                      f"ceil(N/forks) x calls/host x latency = {limit:.1f} s", steady.wall_s, target, steady.wall_s <= target))
    else:
        goals.append(("steady (a): wall within 1.3x of the parallel limit plus the fixed cost", None, None, None))
    if steady and parallel_steady:
        goals.append(("steady (a): faster than (b)", steady.wall_s, parallel_steady.wall_s, steady.wall_s < parallel_steady.wall_s))
    else:
        goals.append(("steady (a): faster than (b)", None, None, None))
    ten = site["tenth"]
    if ten:
        reads = steady.calls_per_host if steady else None
        only_reads = ten.writes_in_step == 0 and (reads is None or ten.calls_in_step == [reads, reads])
        goals.append((f"tenth (a): in-step servers make only their reads ({'as in the steady run, ' if reads else ''}no write, no restart;"
                      f" calls/host min..max {ten.calls_in_step[0]}..{ten.calls_in_step[1]})", ten.calls_in_step[1], reads, only_reads))
    else:
        goals.append(("tenth (a): in-step servers make only their reads", None, None, None))
    if ten and serial["tenth"]:
        target = serial["tenth"].wall_s - serial["tenth"].in_step_s
        goals.append((f"tenth (a): wall <= (c)'s wall {serial['tenth'].wall_s:.1f} s - (c)'s time on the in-step servers "
                      f"{serial['tenth'].in_step_s:.1f} s", ten.wall_s, target, ten.wall_s <= target))
    else:
        goals.append(("tenth (a): faster than (c) by (c)'s time on the in-step servers", None, None, None))
    if site["all"] and serial["all"]:
        goals.append(("all (a): wall <= (c)'s", site["all"].wall_s, serial["all"].wall_s, site["all"].wall_s <= serial["all"].wall_s))
    else:
        goals.append(("all (a): no slower than (c)", None, None, None))
    return [{"hosts": n, "goal": goal, "measured": measured, "target": target, "met": met} for goal, measured, target, met in goals]


def rollout_table(rollout_report: dict[str, Any]) -> str:
    """Wall time and calls per host of every rollout run, the ratios of (a) to (b) and (c), and the goals."""
    runs = [RolloutRun(**r) for r in rollout_report["runs"]]
    meta = rollout_report["settings"]
    lines = [f"rollout: latency {meta['latency_s']:g} s per module call, RemoteAccess restart {meta['restart_s']:g} s, forks {meta['forks']}",
             f"{'N':>4} {'scenario':<8} {'variant':<12} {'latency':>7} {'calls/host':>10} {'in-step':>8} {'drifted':>7} {'changed':>7} "
             f"{'wall s':>8} {'in-step s':>9}"]
    for r in runs:
        in_step = "-" if not r.calls_in_step else f"{r.calls_in_step[0]}" if r.calls_in_step[0] == r.calls_in_step[1] else "{}..{}".format(*r.calls_in_step)
        drifted = f"{r.calls_drifted:g}" if r.drifted else "-"
        lines.append(f"{r.hosts:>4} {r.scenario:<8} {VARIANT_LABELS[r.variant]:<12} {r.latency_s:>7g} {r.calls_per_host:>10.2f} {in_step:>8} "
                     f"{drifted:>7} {r.hosts_changed:>7} {r.wall_s:>8.1f} {f'{r.in_step_s:.1f}' if r.variant == 'serial' and r.calls_in_step else '-':>9}")
    lines += ["", f"{'N':>4} {'scenario':<8} {'(a)/(b) wall':>12} {'calls':>6} {'(a)/(c) wall':>12} {'calls':>6}"]
    for n in sorted({r.hosts for r in runs}):
        for scenario in SCENARIOS:
            sized = [r for r in runs if r.hosts == n]
            site = _rollout_find(sized, "site", scenario)
            if site is None:
                continue
            cells = []
            for other in ("parallel", "serial"):
                them = _rollout_find(sized, other, scenario)
                cells += [f"{site.wall_s / them.wall_s:>12.2f}", f"{site.calls_per_host / them.calls_per_host:>6.2f}"] if them else [f"{'-':>12}", f"{'-':>6}"]
            lines.append(f"{n:>4} {scenario:<8} " + " ".join(cells))
    lines.append("")
    for g in rollout_report["goals"]:
        if g["met"] is None:
            lines.append(f"  N={g['hosts']} NOT MEASURED {g['goal']}")
        else:
            target = "" if g["target"] is None else f" (target {g['target']:.3g})"
            lines.append(f"  N={g['hosts']} {'PASS' if g['met'] else 'MISS'} {g['goal']}: {g['measured']:.3g}{target}")
    notes = sorted({f"N={r.hosts} {r.variant} {r.scenario} latency {r.latency_s:g}: {note}" for r in runs for note in r.notes})
    return "\n".join(lines + [f"  note: {n}" for n in notes])


def _choices(text: str, allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in allowed]
    if unknown or not chosen:
        raise SystemExit(f"{option}: {', '.join(unknown) or 'nothing'} is not one of {', '.join(allowed)}")
    return [item for item in allowed if item in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--parts", default="cost,rollout", help="cost (latency 0, one batch: calls, CPU, memory) and/or rollout "
                        "(with --latency and --restart: wall time of (a) site, (b) baseline, (c) baseline serial 1); default both")
    parser.add_argument("--hosts", default="10,100", help="comma-separated lab sizes (default 10,100)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per lab size of the cost part; medians are reported (default 3)")
    parser.add_argument("--forks", type=int, default=10, help="ansible forks, the same for every playbook (default 10)")
    parser.add_argument("--latency", type=float, default=0.3, help="rollout: seconds of WinRM round trip per module call (lab_latency, default 0.3)")
    parser.add_argument("--restart", type=float, default=5.0, help="rollout: seconds a RemoteAccess restart takes (lab_restart_duration, default 5)")
    parser.add_argument("--variants", default=",".join(ROLLOUT_VARIANTS), help=f"rollout variants (default {','.join(ROLLOUT_VARIANTS)})")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help=f"rollout scenarios (default {','.join(SCENARIOS)})")
    parser.add_argument("--profile", default="ws2022_rras_sstp_https", help="lab profile of every host (default: Windows Server 2022, RRAS, SSTP on HTTPS)")
    parser.add_argument("--json", type=Path, help="write the full report as JSON here")
    parser.add_argument("--work-dir", type=Path, default=WORK_DIR, help="lab states, inventories and run logs (default tests/output/bench)")
    parser.add_argument("--quick", action="store_true", help="a fast look: --hosts 10 --repeat 1")
    args = parser.parse_args(argv)
    parts = _choices(args.parts, ("cost", "rollout"), "--parts")
    variants = _choices(args.variants, ROLLOUT_VARIANTS, "--variants")
    scenarios = _choices(args.scenarios, SCENARIOS, "--scenarios")
    if not (math.isfinite(args.latency) and args.latency > 0 and math.isfinite(args.restart) and args.restart >= 0):
        parser.error("--latency must be a number of seconds above 0 and --restart 0 or more")
    sizes = [10] if args.quick else sorted({int(n) for n in args.hosts.split(",")})
    repeat = 1 if args.quick else args.repeat
    raw: dict[int, list[dict[str, dict[str, RunResult]]]] = {}
    runs: list[RolloutRun] = []
    goals_met: list[dict[str, Any]] = []
    for n in sizes:
        lab = Lab(n, args.profile, args.forks, args.work_dir.resolve())
        lab.create()
        if "cost" in parts:
            raw[n] = []
        try:
            if "cost" in parts:
                for rep in range(repeat):
                    print(f"N={n} repetition {rep + 1}/{repeat}", file=sys.stderr, flush=True)
                    raw[n].append(repetition(lab, rep))
            if "rollout" in parts:
                sized = rollout(lab, variants, scenarios, args.latency, args.restart)
                runs += sized
                goals_met += rollout_goals(sized, args.forks, args.latency)
        finally:  # the hosts' SSTP listeners (each RemoteAccess restart starts one) end with the bench
            labctl.release_addresses(labctl.host_directories(lab.inventory, lab.state_dir))
    report = summarise(raw) if raw else {}
    if "rollout" in parts:
        report["rollout"] = {"settings": {"latency_s": args.latency, "restart_s": args.restart, "forks": args.forks},
                             "runs": [asdict(r) for r in runs], "goals": goals_met}
    report["meta"] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]) if argv is None else " ".join(argv),
        "parts": parts, "hosts": sizes, "repeat": repeat, "forks": args.forks, "profile": args.profile,
        "cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
        "git": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=False).stdout.strip(),
    }
    if args.json:  # first: the figures of a long run are kept whatever the printing does
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("\n\n".join(([table(report)] if raw else []) + ([rollout_table(report["rollout"])] if runs else [])))
    failed = any(rep["rc"] for r in report.get("results", []) for rep in r["repetitions"]) or any(r.rc for r in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
