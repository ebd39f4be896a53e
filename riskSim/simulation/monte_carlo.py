"""The ``simulate`` entry point: a scenario in, :class:`SimulationResults` out.

Resolves the run's settings (replications, seed, workers, expected-value mode)
and hands the batches to a runner. No files, terminal or charts.
"""

from __future__ import annotations

import os

from riskSim.errors import InvalidInputError
from riskSim.results.records import ResultsBuilder, SimulationResults, bytes_per_replication
from riskSim.scenario import Scenario
from riskSim.simulation.runners import ProgressCallback, batch_sizes, default_workers, run_batches

__all__ = ["available_memory", "check_memory", "simulate"]


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
        progress: called with (replications done, replications in all), within
            batches too.
        scheduler: run the batches on a Dask cluster at this address ('local'
            starts a LocalCluster with ``workers`` workers); same bytes as in-process.

    Raises:
        ValueError: ``replications`` or ``workers`` below 1, or ``seed`` below 0.
    """
    count = scenario.replications if replications is None else replications
    root_seed = scenario.seed if seed is None else seed
    processes = default_workers() if workers is None else workers
    if count < 1:
        raise ValueError(f"replications(={count}) must be >= 1.")
    if processes < 1:
        raise ValueError(f"workers(={processes}) must be >= 1.")
    if root_seed < 0:
        raise ValueError(f"seed(={root_seed}) must be >= 0.")
    if deterministic:
        count = 1
    check_memory(scenario, count)
    sizes = batch_sizes(count)
    builder = ResultsBuilder(scenario, sizes=sizes, seed=root_seed, deterministic=deterministic)
    run_batches(
        scenario,
        sizes=sizes,
        seed=root_seed,
        deterministic=deterministic,
        workers=processes,
        on_result=builder.add,
        progress=progress,
        scheduler=scheduler,
    )
    return builder.build()


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
    per_replication = bytes_per_replication(scenario) * MEMORY_HEADROOM
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
