"""`make bench`: riskSim against the same model hand-written in plain SimPy (issues 9, 21).

Everything is measured in one run, so the figures are ratios against a
baseline measured minutes apart on the same machine and load. For each
workload (``reference.yaml``; ``captures.yaml``, with five capture flows, a
twice-daily channel, a paid fee and a reach collapse):

- replication-worlds per second (one replication of one strategy in one
  world; a hand-written replication plays both worlds, so it counts as 2),
  each side timed as a whole process from start to exit: the hand-written
  model on a pool of 2 (``python handwritten.py``), and ``risksim run
  --workers 2 --no-charts`` of 10,000 replications, each side run a few
  times, alternating, and the fastest run of each kept (this machine's speed
  drifts by tens of percent from minute to minute); their ratio, and the
  smallest ratio over the workloads (the goal is >= 100x everywhere);
- the peak memory (largest max RSS of the process and its workers) of those
  runs and of runs of 100,000 replications (the goal is <= 300 MiB);
- the scaling of ``riskSim.simulate`` from 1 to 2 workers on the reference:
  efficiency ``rw/s(2) / (2 * rw/s(1))``;
- a sweep: ``risksim sweep captures.yaml --vary shocks.0.fee=0:30:16
  --replications 1000`` against ``risksim run`` of the same 1,000
  replications, whole processes on 2 workers, best of a few each (the goal
  is at most 4x: the points share one calm world);
- a small what-if: ``risksim run captures.yaml --replications 1000
  --no-charts`` against the same command on the code of ``BASELINE_COMMIT``
  (the engine before issue 21, extracted once into ``.venv/``), best of a few
  runs each (the goal is at most 0.55x the old time); beside it, where the
  time goes: the same command with 1 replication (riskSim's fixed cost), and
  the stack's floor, a Python process that only imports the libraries a run
  needs and makes numba's first cached call (``STACK_FLOOR``).

``--quick`` runs tiny counts (a smoke test, figures meaningless).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import handwritten

import riskSim

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference.yaml"
WORKLOADS = {"reference": REFERENCE, "captures": HERE / "captures.yaml"}
WHAT_IF = HERE / "captures.yaml"
RISKSIM = Path(sys.executable).with_name("risksim")
BASELINE_COMMIT = "7f883c6"
"""The last commit before issue 21: the old code path of the small what-if."""
BASELINE_TREE = Path(sys.executable).parent.parent / f"bench-baseline-{BASELINE_COMMIT}"

STACK_FLOOR = """
import sys
sys.modules["scipy.linalg"] = None  # as riskSim's kernels load numba's registries: no BLAS check
import numpy, numba, simpy, yaml, typer, rich.console, rich.progress, rich.table
from pydantic import BaseModel

@numba.njit(cache=True)
def first(x):
    return x + 1

first(1)

import gc
gc.freeze()  # as risksim's main does: no collection over every object at shutdown
"""
"""What any ``risksim run`` pays before riskSim's own code: Python, the libraries a
run imports, numba's first call of a cached kernel (its registries and one load), and
the interpreter's shutdown after :func:`gc.freeze` (see :func:`riskSim.cli.app.main`)."""

MAXRSS_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""
"""Runs one command and prints the largest max RSS (KiB) among it and its descendants."""


@dataclass(frozen=True)
class Counts:
    """Replication counts of one bench run (chosen to keep `make bench` to a few minutes)."""

    handwritten: int
    risksim: int
    speed_runs: int
    scaling: int
    memory: tuple[int, ...]
    what_if: int
    what_if_runs: int
    sweep_points: int


FULL = Counts(
    handwritten=100,
    risksim=10_000,
    speed_runs=3,
    scaling=8000,
    memory=(100_000,),
    what_if=1000,
    what_if_runs=3,
    sweep_points=16,
)
QUICK = Counts(
    handwritten=4,
    risksim=200,
    speed_runs=1,
    scaling=200,
    memory=(),
    what_if=50,
    what_if_runs=1,
    sweep_points=3,
)
SWEPT_STRATEGY = "capture-everywhere"
SWEPT_FIELD = "shocks.0.fee"
"""The sweep timed: a shock's fee (it cannot change the calm world), on ``WHAT_IF``."""


@dataclass(frozen=True)
class Timing:
    """One measured run."""

    label: str
    replications: int
    worlds: int
    seconds: float
    max_rss_mib: float = 0.0

    @property
    def rate(self) -> float:
        """Replication-worlds per second."""
        return self.replications * self.worlds / self.seconds


def timed_process(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and max RSS in MiB of ``command``, run in a fresh wrapper process."""
    wrapped = [sys.executable, "-c", MAXRSS_WRAPPER, *command]
    start = time.perf_counter()
    done = subprocess.run(wrapped, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed ({done.returncode}): {done.stderr.strip()}")
    kib = int(done.stdout.strip().splitlines()[-1])
    return seconds, kib / 1024


def listed(seconds: list[float]) -> str:
    """Seconds of every run, as the tables print them: ``5.04, 5.94, 5.08``."""
    return ", ".join(f"{value:.2f}" for value in seconds)


def time_handwritten(scenario: riskSim.Scenario, replications: int, workers: int) -> Timing:
    """The hand-written model as a whole process on a pool (start-up included, as riskSim's)."""
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "spec.pickle"
        spec.write_bytes(pickle.dumps(handwritten.model_from_scenario(scenario)))
        command = [
            sys.executable, str(HERE / "handwritten.py"), str(spec),
            "--replications", str(replications), "--seed", str(scenario.seed),
            "--workers", str(workers),
        ]  # fmt: skip
        seconds, mib = timed_process(command)
    return Timing(f"hand-written SimPy, pool of {workers}", replications, 2, seconds, mib)


def run_command(path: Path, replications: int, out: Path, workers: int | None) -> list[str]:
    """``risksim run`` arguments: no charts, no terminal output."""
    command = [
        "run", str(path), "--replications", str(replications),
        "--no-charts", "--quiet", "--out", str(out),
    ]  # fmt: skip
    return command + ([] if workers is None else ["--workers", str(workers)])


def time_risksim_run(path: Path, replications: int, workers: int) -> Timing:
    """``risksim run`` as a whole process: start-up, imports, engine, outputs."""
    scenario = riskSim.load_scenario(path)
    with tempfile.TemporaryDirectory() as folder:
        command = [str(RISKSIM), *run_command(path, replications, Path(folder) / "o", workers)]
        seconds, mib = timed_process(command)
    worlds = 2 * len(scenario.strategies)
    return Timing(f"risksim run, workers={workers}", replications, worlds, seconds, mib)


def time_risksim(scenario: riskSim.Scenario, replications: int, workers: int) -> Timing:
    """``riskSim.simulate`` in this process (compile, engine, reduction, summary arrays)."""
    start = time.perf_counter()
    riskSim.simulate(scenario, replications=replications, workers=workers)
    seconds = time.perf_counter() - start
    worlds = 2 * len(scenario.strategies)
    return Timing(f"riskSim, workers={workers}", replications, worlds, seconds)


def baseline_tree() -> Path | None:
    """The code of ``BASELINE_COMMIT``, extracted once (None outside a git checkout)."""
    if (BASELINE_TREE / "riskSim" / "__init__.py").exists():
        return BASELINE_TREE
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", BASELINE_COMMIT, "riskSim"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return None
    BASELINE_TREE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as file:
        file.write(archive.stdout)
        file.seek(0)
        with tarfile.open(fileobj=file) as tar:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: refuse odd members
                tar.extractall(BASELINE_TREE, filter="data")
            else:  # pragma: no cover - our own repository's archive
                tar.extractall(BASELINE_TREE)  # noqa: S202
    return BASELINE_TREE


@dataclass(frozen=True)
class WhatIf:
    """Seconds of each run of the small what-if and of what bounds it from below."""

    new: list[float]
    old: list[float]
    one_replication: list[float]
    floor: list[float]
    one_worker: list[float]
    """The same run now with ``--workers 1``: its one batch unsplit, on one core."""


def old_code_path(tree: Path) -> tuple[dict[str, str], str]:
    """The environment and working directory under which ``python -m riskSim`` runs ``tree``'s code.

    ``python -m`` puts the working directory first on ``sys.path``: run from
    the repository, it would import today's riskSim, not the baseline's. So
    the old side runs from the tree itself, and this checks what it imports.

    Raises:
        RuntimeError: the interpreter imports riskSim from anywhere else.
    """
    env, cwd = {**os.environ, "PYTHONPATH": str(tree)}, str(tree)
    imported = subprocess.run(
        [sys.executable, "-c", "import riskSim; print(riskSim.__file__)"],
        capture_output=True, text=True, check=True, env=env, cwd=cwd,
    ).stdout.strip()  # fmt: skip
    if not Path(imported).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the old code path imports {imported}, not the code of {tree}")
    return env, cwd


def timed_command(
    arguments: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> float:
    """Wall seconds of one command, its output discarded (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(arguments, capture_output=True, check=True, env=env, cwd=cwd)
    return time.perf_counter() - start


def alternated(timers: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Seconds of ``runs`` turns of every timer, taken in turn so that all meet the same load.

    Each runs once first, untimed, so numba's caches and the page cache are warm for all.
    """
    for timer in timers.values():
        timer()
    seconds: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(runs):
        for name, timer in timers.items():
            seconds[name].append(timer())
    return seconds


def time_what_if(replications: int, runs: int) -> WhatIf | None:
    """The small what-if now and on the old code path, its fixed cost, and the stack's floor.

    Runs alternate (old, new, one worker, one replication, floor, old, ...); see
    :func:`alternated`.
    """
    tree = baseline_tree()
    if tree is None:
        return None
    old_env, old_cwd = old_code_path(tree)
    with tempfile.TemporaryDirectory() as folder:
        floor_script = Path(folder) / "floor.py"
        floor_script.write_text(STACK_FLOOR)
        outs = itertools.count()

        def run(replicated: int, workers: int | None = None) -> list[str]:
            return run_command(WHAT_IF, replicated, Path(folder) / f"o{next(outs)}", workers)

        seconds = alternated(
            {
                "old": lambda: timed_command(
                    [sys.executable, "-m", "riskSim", *run(replications)], old_env, old_cwd
                ),
                "new": lambda: timed_command([str(RISKSIM), *run(replications)]),
                "one_worker": lambda: timed_command([str(RISKSIM), *run(replications, 1)]),
                "one_replication": lambda: timed_command([str(RISKSIM), *run(1)]),
                "floor": lambda: timed_command([sys.executable, str(floor_script)]),
            },
            runs,
        )
    return WhatIf(**seconds)


def time_sweep(replications: int, points: int, runs: int) -> tuple[list[float], list[float]]:
    """Seconds of each sweep of ``points`` fees and of each run of the same replications.

    Both are whole ``risksim`` processes on 2 workers, alternated (:func:`alternated`).
    """
    with tempfile.TemporaryDirectory() as folder:
        outs = itertools.count()

        def once(command: list[str]) -> float:
            out = Path(folder) / f"s{next(outs)}"
            return timed_command([str(RISKSIM), *command, "--out", str(out)])

        common = ["--replications", str(replications), "--workers", "2", "--no-charts", "--quiet"]
        sweep = [
            "sweep", str(WHAT_IF), "--strategy", SWEPT_STRATEGY,
            "--vary", f"{SWEPT_FIELD}=0:30:{points}", *common,
        ]  # fmt: skip
        single = ["run", str(WHAT_IF), *common]
        seconds = alternated({"sweep": lambda: once(sweep), "run": lambda: once(single)}, runs)
    return seconds["sweep"], seconds["run"]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables; ``--json`` also prints the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: a smoke run")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--skip-memory", action="store_true", help="leave out the long RSS runs")
    parser.add_argument("--skip-what-if", action="store_true", help="leave out the small what-if")
    parser.add_argument("--skip-sweep", action="store_true", help="leave out the sweep")
    args = parser.parse_args(argv)
    counts = QUICK if args.quick else FULL
    began = time.perf_counter()
    sys.stdout.reconfigure(line_buffering=True)  # progress lines show as they happen
    print(f"riskSim benchmark: workloads {', '.join(WORKLOADS)}; {os.cpu_count()} cores")
    if args.quick:
        print("(--quick: figures meaningless)")
    reference = riskSim.load_scenario(REFERENCE)
    riskSim.simulate(reference, replications=50, workers=1)  # warm imports and caches

    speed: dict[str, tuple[Timing, Timing]] = {}
    runs: dict[str, tuple[list[float], list[float]]] = {}
    memory: list[tuple[str, int, float, float]] = []
    for name, path in WORKLOADS.items():
        scenario = riskSim.load_scenario(path)
        baselines, fasts = [], []
        for _ in range(counts.speed_runs):
            baselines.append(time_handwritten(scenario, counts.handwritten, workers=2))
            print(f"  ... {name}: {baselines[-1].label}: {baselines[-1].seconds:.1f} s", flush=True)
            fasts.append(time_risksim_run(path, counts.risksim, workers=2))
            print(f"  ... {name}: {fasts[-1].label}: {fasts[-1].seconds:.1f} s", flush=True)
        baseline = min(baselines, key=lambda timing: timing.seconds)
        fast = min(fasts, key=lambda timing: timing.seconds)
        speed[name] = (baseline, fast)
        runs[name] = ([t.seconds for t in baselines], [t.seconds for t in fasts])
        memory.append((name, counts.risksim, max(t.max_rss_mib for t in fasts), fast.seconds))
    one = time_risksim(reference, counts.scaling, workers=1)
    print(f"  ... reference: {one.label}: {one.seconds:.1f} s", flush=True)
    two = time_risksim(reference, counts.scaling, workers=2)
    print(f"  ... reference: {two.label}: {two.seconds:.1f} s", flush=True)
    if not args.skip_memory:
        for name, path in WORKLOADS.items():
            for replications in counts.memory:
                run = time_risksim_run(path, replications, workers=2)
                memory.append((name, replications, run.max_rss_mib, run.seconds))
                print(f"  ... {name}: risksim run {replications:,}: {run.seconds:.1f} s")
    what_if = None
    if not args.skip_what_if:
        what_if = time_what_if(counts.what_if, counts.what_if_runs)
    swept = None
    if not args.skip_sweep:
        swept = time_sweep(counts.what_if, counts.sweep_points, counts.what_if_runs)

    print()
    print("Speed (replication-worlds per second, whole processes, the fastest of")
    print(f"{counts.speed_runs} alternating runs of each side; rw = one replication of one")
    print("strategy in one world)")
    print(f"  {'workload / run':<40} {'reps':>7} {'seconds':>8} {'rw/s':>9} {'ratio':>7}")
    ratios = {}
    for name, (baseline, fast) in speed.items():
        for timing in (baseline, fast):
            label = f"{name}: {timing.label}"
            print(
                f"  {label:<40} {timing.replications:>7,} {timing.seconds:>8.2f} "
                f"{timing.rate:>9,.1f} {timing.rate / baseline.rate:>6.1f}x"
            )
        ratios[name] = fast.rate / baseline.rate
    if counts.speed_runs > 1:
        for name, (baseline_runs, fast_runs) in runs.items():
            print(f"  {name}, seconds of each run: hand-written {listed(baseline_runs)}")
            print(f"  {name}, seconds of each run: risksim {listed(fast_runs)}")
    for name, ratio in ratios.items():
        print(f"  ratio riskSim / hand-written, {name}: {ratio:.1f}x")
    smallest = min(ratios.values())
    verdict = "meets" if smallest >= 100 else "misses"
    print(f"  smallest ratio: {smallest:.1f}x ({verdict} the 100x goal)")
    print()
    efficiency = two.rate / (2 * one.rate)
    print("Scaling of riskSim.simulate (reference)")
    print(f"  {'workers':<34} {'replications':>12} {'seconds':>9} {'rw/s':>10}")
    for workers, timing in ((1, one), (2, two)):
        print(
            f"  {workers:<34} {timing.replications:>12,} {timing.seconds:>9.2f} "
            f"{timing.rate:>10,.1f}"
        )
    print(f"  efficiency rw/s(2) / (2 * rw/s(1)): {efficiency:.2f}")
    print()
    print("Peak memory of `risksim run --workers 2 --no-charts`")
    print("(the largest max RSS of a process)")
    print(f"  {'workload':<12} {'replications':>12} {'max RSS MiB':>12} {'seconds':>9}")
    for name, replications, mib, seconds in memory:
        print(f"  {name:<12} {replications:>12,} {mib:>12.0f} {seconds:>9.1f}")
    peak = max(mib for _, _, mib, _ in memory)
    print(f"  largest: {peak:.0f} MiB ({'meets' if peak <= 300 else 'misses'} the 300 MiB goal)")
    if what_if is not None:
        share = min(what_if.new) / min(what_if.old)
        print()
        print(f"Small what-if: risksim run {WHAT_IF.name} --replications {counts.what_if:,}")
        print("--no-charts (best of each)")
        rows = (
            (f"old code path ({BASELINE_COMMIT})", what_if.old),
            ("now", what_if.new),
            ("now, --workers 1", what_if.one_worker),
            ("now, 1 replication", what_if.one_replication),
            ("the stack's floor", what_if.floor),
        )
        for label, seconds in rows:
            print(f"  {label:<26} {min(seconds):.2f} s  (runs: {listed(seconds)})")
        print(f"  now / old: {share:.2f} ({'meets' if share <= 0.55 else 'misses'} the 0.55 goal)")
        print(f"  the goal, 0.55 x old: {0.55 * min(what_if.old):.2f} s")
        split = min(what_if.new) / min(what_if.one_worker)
        print(f"  now / --workers 1: {split:.2f} (its one batch split over both cores)")
        print(
            f"  the floor: {min(what_if.floor) / min(what_if.old):.2f} x old; 1 replication: "
            f"{min(what_if.one_replication) / min(what_if.old):.2f} x old"
        )
        print("  (floor: Python importing numpy, numba, simpy, pydantic, PyYAML, typer")
        print("  and rich, then numba's first cached call; nothing of riskSim's)")
    if swept is not None:
        sweeps, singles = swept
        times = min(sweeps) / min(singles)
        print()
        print(f"Sweep: {counts.sweep_points} values of {SWEPT_FIELD} on {WHAT_IF.name},")
        print(f"{counts.what_if:,} replications a point, 2 workers (best of each)")
        print(f"  sweep: {min(sweeps):.2f} s  (runs: {listed(sweeps)})")
        print(f"  one run of {counts.what_if:,}: {min(singles):.2f} s  (runs: {listed(singles)})")
        print(f"  sweep / run: {times:.2f}x ({'meets' if times <= 4 else 'misses'} the 4x goal)")
    print()
    print(f"bench took {time.perf_counter() - began:.0f} s")
    if args.json:
        figures = {
            "ratios": ratios,
            "smallest_ratio": smallest,
            "rw_per_s": {name: [b.rate, f.rate] for name, (b, f) in speed.items()},
            "speed_run_seconds": {
                name: {"handwritten": b, "risksim": f} for name, (b, f) in runs.items()
            },
            "risksim_rw_per_s_1_worker": one.rate,
            "risksim_rw_per_s_2_workers": two.rate,
            "efficiency": efficiency,
            "max_rss_mib": {f"{name}/{n}": mib for name, n, mib, _ in memory},
            "what_if_seconds": None if what_if is None else vars(what_if),
            "sweep_seconds": None if swept is None else {"sweep": swept[0], "run": swept[1]},
        }
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
