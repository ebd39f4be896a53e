"""`make bench`: riskSim against the same model hand-written in plain SimPy (issue 9).

Everything is measured in one process, one run, so the figures are ratios
against a baseline measured minutes apart on the same machine and load:

- replication-worlds per second (one replication of one strategy in one
  world; a hand-written replication plays both worlds, so it counts as 2) of
  the hand-written model on a pool of 2 processes and of ``riskSim.simulate``
  with ``workers=2``, and their ratio (the goal is riskSim >= 100x);
- the scaling of riskSim from 1 to 2 workers: efficiency
  ``rw/s(2) / (2 * rw/s(1))``;
- the peak memory (largest max RSS of the process and its workers) of
  ``risksim run`` at 10k and 100k replications, each in a fresh wrapper
  process so one run's peak never leaks into the next.

``--quick`` runs tiny counts (a smoke test, figures meaningless).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import handwritten

import riskSim

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference.yaml"
RISKSIM = Path(sys.executable).with_name("risksim")

MAXRSS_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""
"""Runs one command and prints the largest max RSS (KiB) among it and its descendants."""


@dataclass(frozen=True)
class Counts:
    """Replication counts of one bench run (chosen to keep `make bench` near a minute)."""

    handwritten: int
    risksim: int
    scaling: int
    memory: tuple[int, ...]


FULL = Counts(handwritten=100, risksim=8000, scaling=8000, memory=(10_000, 100_000))
QUICK = Counts(handwritten=4, risksim=200, scaling=200, memory=(1000,))


@dataclass(frozen=True)
class Timing:
    """One measured run."""

    label: str
    replications: int
    worlds: int
    seconds: float

    @property
    def rate(self) -> float:
        """Replication-worlds per second."""
        return self.replications * self.worlds / self.seconds


def time_handwritten(scenario: riskSim.Scenario, replications: int, workers: int) -> Timing:
    """The hand-written model on a pool, pool start-up included (as riskSim's is)."""
    spec = handwritten.model_from_scenario(scenario)
    start = time.perf_counter()
    handwritten.run_pool(spec, replications, scenario.seed, workers=workers)
    seconds = time.perf_counter() - start
    return Timing(f"hand-written SimPy, pool of {workers}", replications, 2, seconds)


def time_risksim(scenario: riskSim.Scenario, replications: int, workers: int) -> Timing:
    """``riskSim.simulate`` end to end (compile, engine, reduction, summary arrays)."""
    start = time.perf_counter()
    riskSim.simulate(scenario, replications=replications, workers=workers)
    seconds = time.perf_counter() - start
    worlds = 2 * len(scenario.strategies)
    return Timing(f"riskSim, workers={workers}", replications, worlds, seconds)


def peak_memory(replications: int, workers: int) -> tuple[float, float]:
    """Max RSS in MiB and wall seconds of ``risksim run`` with ``replications``."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable, "-c", MAXRSS_WRAPPER,
            str(RISKSIM), "run", str(REFERENCE),
            "--replications", str(replications), "--workers", str(workers),
            "--no-charts", "--quiet", "--out", str(Path(folder) / "out"),
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"risksim run failed ({done.returncode}): {done.stderr.strip()}")
    kib = int(done.stdout.strip().splitlines()[-1])
    return kib / 1024, seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; ``--json`` also prints the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: a smoke run")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--skip-memory", action="store_true", help="leave out the RSS runs")
    args = parser.parse_args(argv)
    counts = QUICK if args.quick else FULL
    scenario = riskSim.load_scenario(REFERENCE)
    began = time.perf_counter()
    print(
        f"riskSim benchmark: {scenario.name}, {len(scenario.channels)} channels, "
        f"{scenario.horizon_days} days, {len(scenario.strategies)} strategy, "
        f"{len(scenario.shocks)} shocks; {os.cpu_count()} cores"
        + (" (--quick: figures meaningless)" if args.quick else ""),
        flush=True,
    )
    riskSim.simulate(scenario, replications=50, workers=1)  # warm imports and caches

    baseline = time_handwritten(scenario, counts.handwritten, workers=2)
    print(f"  ... {baseline.label}: {baseline.seconds:.1f} s", flush=True)
    fast = time_risksim(scenario, counts.risksim, workers=2)
    print(f"  ... {fast.label}: {fast.seconds:.1f} s", flush=True)
    one = time_risksim(scenario, counts.scaling, workers=1)
    print(f"  ... {one.label}: {one.seconds:.1f} s", flush=True)
    two = time_risksim(scenario, counts.scaling, workers=2)
    print(f"  ... {two.label}: {two.seconds:.1f} s", flush=True)
    memory = []
    if not args.skip_memory:
        for replications in counts.memory:
            mib, seconds = peak_memory(replications, workers=2)
            memory.append((replications, mib, seconds))
            print(f"  ... risksim run --replications {replications}: {seconds:.1f} s", flush=True)

    ratio = fast.rate / baseline.rate
    efficiency = two.rate / (2 * one.rate)
    print()
    print("Speed (replication-worlds per second; one replication of one strategy in one world)")
    print(f"  {'run':<34} {'replications':>12} {'seconds':>9} {'rw/s':>10} {'vs baseline':>12}")
    for timing in (baseline, fast):
        print(
            f"  {timing.label:<34} {timing.replications:>12,} {timing.seconds:>9.2f} "
            f"{timing.rate:>10,.1f} {timing.rate / baseline.rate:>11.1f}x"
        )
    verdict = "meets" if ratio >= 100 else "misses"
    print(f"  ratio riskSim / hand-written: {ratio:.1f}x ({verdict} the 100x goal)")
    print()
    print("Scaling of riskSim")
    print(f"  {'workers':<34} {'replications':>12} {'seconds':>9} {'rw/s':>10}")
    for workers, timing in ((1, one), (2, two)):
        print(
            f"  {workers:<34} {timing.replications:>12,} {timing.seconds:>9.2f} "
            f"{timing.rate:>10,.1f}"
        )
    print(f"  efficiency rw/s(2) / (2 * rw/s(1)): {efficiency:.2f}")
    if memory:
        print()
        print("Peak memory of `risksim run --workers 2 --no-charts` (largest max RSS of a process)")
        print(f"  {'replications':>12} {'max RSS MiB':>12} {'seconds':>9}")
        for replications, mib, seconds in memory:
            print(f"  {replications:>12,} {mib:>12.0f} {seconds:>9.1f}")
    print()
    print(f"bench took {time.perf_counter() - began:.0f} s")
    if args.json:
        figures = {
            "handwritten_rw_per_s": baseline.rate,
            "risksim_rw_per_s": fast.rate,
            "ratio": ratio,
            "risksim_rw_per_s_1_worker": one.rate,
            "risksim_rw_per_s_2_workers": two.rate,
            "efficiency": efficiency,
            "max_rss_mib": {str(n): mib for n, mib, _ in memory},
        }
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
