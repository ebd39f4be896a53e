"""The ``simulate`` entry point: a scenario in, :class:`SimulationResults` out.

Resolves the run's settings (replications, seed, workers, expected-value mode)
and hands the batches to a runner. No files, terminal or charts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from riskSim.errors import InvalidInputError
from riskSim.results.records import ResultsBuilder, SimulationResults, bytes_per_replication
from riskSim.scenario import Scenario
from riskSim.simulation.runners import (
    ProgressCallback,
    batch_jobs,
    batch_sizes,
    default_workers,
    run_many_batches,
)

__all__ = [
    "available_memory",
    "check_memory",
    "check_memory_of_runs",
    "simulate",
    "simulate_many",
]


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    *,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> SimulationResults:
    """Simulate every strategy of ``scenario`` in the shocked and the calm world.

    Args:
        scenario: a validated scenario (see :func:`riskSim.load_scenario`).
        replications: overrides the scenario's; ignored with ``deterministic``,
            where every replication would be the same and one is run.
        seed: overrides the scenario's.
        workers: processes to use; default the number of cores. The result is
            the same whatever the number.
        deterministic: expected-value mode: every draw replaced by its expectation.
        progress: called with (batches done, batches in all).
        scheduler: run the batches on a Dask cluster at this address ('local'
            starts a LocalCluster with ``workers`` workers); same bytes as in-process.

    Raises:
        ValueError: ``replications`` or ``workers`` below 1, or ``seed`` below 0.
    """
    return simulate_many(
        [scenario],
        replications=replications,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
        scheduler=scheduler,
    )[0]


def simulate_many(
    scenarios: Sequence[Scenario],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    *,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> list[SimulationResults]:
    """:func:`simulate` every scenario, all their batches on one pool.

    Each result is exactly ``simulate(scenario, ...)``'s, byte for byte: a
    scenario's batches keep their seeds and places. Studies of many small
    runs (a sweep's points, a comparison's scenarios) use every core this way.

    Args:
        scenarios: the runs, in order; ``replications`` and ``seed`` override
            each one's own fields when given.
        progress: called with (batches done, batches in all, over every run).
        (other arguments as :func:`simulate`)

    Raises:
        ValueError: as :func:`simulate`.
        InvalidInputError: the runs together cannot fit in memory.
    """
    processes = default_workers() if workers is None else workers
    if processes < 1:
        raise ValueError(f"workers(={processes}) must be >= 1.")
    settings = []
    for scenario in scenarios:
        count = scenario.replications if replications is None else replications
        root_seed = scenario.seed if seed is None else seed
        if count < 1:
            raise ValueError(f"replications(={count}) must be >= 1.")
        if root_seed < 0:
            raise ValueError(f"seed(={root_seed}) must be >= 0.")
        settings.append((scenario, 1 if deterministic else count, root_seed))
    check_memory_of_runs([(scenario, count) for scenario, count, _ in settings])
    builders, runs = [], []
    for scenario, count, root_seed in settings:
        sizes = batch_sizes(count)
        builders.append(
            ResultsBuilder(scenario, sizes=sizes, seed=root_seed, deterministic=deterministic)
        )
        runs.append(batch_jobs(scenario, sizes=sizes, seed=root_seed, deterministic=deterministic))
    run_many_batches(
        runs,
        workers=processes,
        on_result=lambda run, result: builders[run].add(result),
        progress=progress,
        scheduler=scheduler,
    )
    return [builder.build() for builder in builders]


MEMORY_HEADROOM = 2.5
"""Peak memory over the per-replication totals (summary statistics copy arrays)."""


def available_memory() -> int:
    """Bytes this machine can still give (MemAvailable), or its physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_memory(scenario: Scenario, replications: int) -> None:
    """Refuse a run whose per-replication totals cannot fit in memory.

    Raises:
        InvalidInputError: naming ``replications``, how much the run needs and
            the most that fits.
    """
    check_memory_of_runs([(scenario, replications)])


def check_memory_of_runs(runs: Sequence[tuple[Scenario, int]]) -> None:
    """Refuse runs whose per-replication totals, all held at once, cannot fit in memory.

    Raises:
        InvalidInputError: as :func:`check_memory`; "replications" counts every run's.
    """
    replications = sum(count for _, count in runs)
    per_replication = (
        sum(bytes_per_replication(scenario) * count for scenario, count in runs)
        / max(replications, 1)
        * MEMORY_HEADROOM
    )
    available = available_memory()
    if replications * per_replication <= 0.8 * available:
        return
    most = int(0.8 * available / per_replication)
    raise InvalidInputError.single(
        "--replications",
        "",
        f"{replications:,} replications of this scenario need about "
        f"{replications * per_replication / 1e9:,.1f} GB of memory, more than the "
        f"{available / 1e9:,.1f} GB available; run at most {most:,} at a time (several runs "
        "with different --seed values give independent replications to pool), or fewer "
        "strategies per run",
    )
