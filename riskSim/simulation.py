"""The ``simulate`` entry point: a scenario in, :class:`SimulationResults` out.

Resolves the run's settings (replications, seed, workers, expected-value mode)
and hands the batches to a runner. No files, terminal or charts.
"""

from __future__ import annotations

from riskSim.results import SimulationResults
from riskSim.runners import ProgressCallback, default_workers, run_batches
from riskSim.scenario import Scenario

__all__ = ["simulate"]


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    *,
    progress: ProgressCallback | None = None,
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
    batches = run_batches(
        scenario,
        replications=count,
        seed=root_seed,
        deterministic=deterministic,
        workers=processes,
        progress=progress,
    )
    return SimulationResults.from_batches(
        scenario, batches, seed=root_seed, deterministic=deterministic
    )
