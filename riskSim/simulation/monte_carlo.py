"""The ``simulate`` entry point: a scenario in, :class:`SimulationResults` out.

Resolves the run's settings (replications, seed, workers, expected-value mode)
and hands the batches to a runner. No files, terminal or charts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from riskSim.errors import InvalidInputError
from riskSim.results.records import (
    WEEKLY_QUANTILE_REPLICATIONS,
    ResultsBuilder,
    SimulationResults,
    bytes_per_replication,
    join_strategies,
)
from riskSim.scenario import Scenario
from riskSim.simulation.batch import calm_key
from riskSim.simulation.compile import compile_batch
from riskSim.simulation.runners import (
    BATCH_SIZE,
    ProgressCallback,
    batch_sizes,
    default_workers,
    plan_jobs,
    run_jobs,
)
from riskSim.units import DAYS_PER_WEEK

__all__ = [
    "available_memory",
    "check_memory",
    "check_memory_of_runs",
    "run_bytes",
    "simulate",
    "simulate_many",
    "simulate_split",
    "strategy_groups",
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
        progress: called with (replications done, replications in all), within
            batches too.
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
    runs (a sweep's points, a comparison's scenarios) use every core this way,
    and runs that differ only in shocks or responses (a sweep of a fee) play
    each calm world once (:func:`riskSim.simulation.runners.plan_jobs`).

    Args:
        scenarios: the runs, in order; ``replications`` and ``seed`` override
            each one's own fields when given.
        progress: called with (replications done, replications in all), over
            every run and within batches.
        (other arguments as :func:`simulate`)

    Raises:
        ValueError: as :func:`simulate`.
        InvalidInputError: the runs together cannot fit in memory.
    """
    processes = _processes(workers)
    settings = _run_settings(scenarios, replications, seed, deterministic)
    check_memory_of_runs([(scenario, count) for scenario, count, _ in settings], workers=processes)
    builders, runs = [], []
    for scenario, count, root_seed in settings:
        sizes = batch_sizes(count)
        builders.append(
            ResultsBuilder(scenario, sizes=sizes, seed=root_seed, deterministic=deterministic)
        )
        runs.append((scenario, sizes, root_seed, deterministic))
    run_jobs(
        plan_jobs(runs, workers=processes),
        workers=processes,
        on_result=lambda run, result: builders[run].add(result),
        progress=progress,
        scheduler=scheduler,
    )
    return [builder.build() for builder in builders]


def simulate_split(
    scenarios: Sequence[Scenario],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    *,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> list[SimulationResults]:
    """:func:`simulate_many`, with strategies spread over jobs when batches cannot fill the cores.

    A workshop of eight teams at 400 replications is one scenario of one
    batch: one core. When the runs have fewer batches than ``workers``, each
    scenario's strategies are split into up to ``ceil(workers / batches)``
    groups (:func:`strategy_groups`: strategies that share a calm world stay
    together, so it is still played once), every group runs as a scenario of
    its own on the one pool, and the groups are joined back
    (:func:`~riskSim.results.records.join_strategies`). A strategy's numbers
    never depend on the strategies beside it, so each result is exactly
    ``simulate(scenario, ...)``'s, byte for byte, whatever the workers. The
    groups differ in strategies, so :func:`~riskSim.simulation.runners.plan_jobs`
    never puts two of them in one job.

    Args:
        scenarios: the runs, in order (as :func:`simulate_many`).
        progress: called with (replications done, replications in all) of the
            runs as given (not of their groups), over every run.
        (other arguments as :func:`simulate`)

    Raises:
        ValueError, InvalidInputError: as :func:`simulate_many`.
    """
    processes = _processes(workers)
    settings = _run_settings(scenarios, replications, seed, deterministic)
    batches = sum(len(batch_sizes(count)) for _, count, _ in settings)
    parts = -(-processes // batches) if batches else 1
    if parts <= 1:  # enough batches to fill the workers
        return simulate_many(
            scenarios,
            replications=replications,
            seed=seed,
            workers=workers,
            deterministic=deterministic,
            progress=progress,
            scheduler=scheduler,
        )
    runs: list[Scenario] = []
    plans: list[tuple[Scenario, list[str], int]] = []
    for scenario, _, root_seed in settings:
        groups, input_order = strategy_groups(
            scenario, parts=parts, seed=root_seed, deterministic=deterministic
        )
        plans.append((scenario, input_order, len(groups)))
        runs.extend(
            scenario.model_copy(
                update={"strategies": {name: scenario.strategies[name] for name in group}}
            )
            for group in groups
        )
    total = sum(count for _, count, _ in settings)
    results = simulate_many(
        runs,
        replications=replications,
        seed=seed,
        workers=processes,
        deterministic=deterministic,
        progress=None if progress is None else _rescaled(progress, total),
        scheduler=scheduler,
    )
    joined, start = [], 0
    for scenario, input_order, count in plans:
        parts_of_run = results[start : start + count]
        start += count
        joined.append(join_strategies(parts_of_run, scenario=scenario, input_order=input_order))
    return joined


def strategy_groups(
    scenario: Scenario, *, parts: int, seed: int, deterministic: bool
) -> tuple[list[list[str]], list[str]]:
    """``scenario``'s strategies dealt into at most ``parts`` groups, and its inputs' draw order.

    Strategies that share a calm world (:func:`~riskSim.simulation.batch.calm_key`,
    judged on a one-replication compile of the scenario) always share a group,
    where the batch plays that world once; the classes are dealt largest
    first to the group with the fewest strategies. Each group lists its
    strategies in the scenario's order, and groups come in the order of their
    first strategy, so the split depends only on the scenario and ``parts``.

    Returns:
        The groups of strategy names, and every uncertain input's dotted path
        in the order a run of the whole scenario draws them (what
        :func:`~riskSim.results.records.join_strategies` needs).
    """
    plan = compile_batch(scenario, batch_index=0, size=1, seed=seed, deterministic=deterministic)
    classes: dict[tuple[object, ...], list[str]] = {}
    for strategy in plan.strategies:
        classes.setdefault(calm_key(strategy), []).append(strategy.name)
    groups: list[list[str]] = [[] for _ in range(max(1, min(parts, len(classes))))]
    for members in sorted(classes.values(), key=len, reverse=True):
        min(groups, key=len).extend(members)
    position = {name: index for index, name in enumerate(scenario.strategies)}
    dealt = sorted(
        (sorted(group, key=position.__getitem__) for group in groups if group),
        key=lambda group: position[group[0]],
    )
    return dealt, list(plan.inputs)


def _rescaled(progress: ProgressCallback, total: int) -> ProgressCallback:
    """Progress over a split run's groups, told as replications of the runs as given."""
    shown = -1

    def heard(done: int, split_total: int) -> None:
        nonlocal shown
        now = done * total // split_total
        if now != shown:
            shown = now
            progress(now, total)

    return heard


def _processes(workers: int | None) -> int:
    """The processes a run uses: ``workers``, default every core.

    Raises:
        ValueError: fewer than 1.
    """
    processes = default_workers() if workers is None else workers
    if processes < 1:
        raise ValueError(f"workers(={processes}) must be >= 1.")
    return processes


def _run_settings(
    scenarios: Sequence[Scenario], replications: int | None, seed: int | None, deterministic: bool
) -> list[tuple[Scenario, int, int]]:
    """Each run's (scenario, replications, root seed): the arguments over the files' own.

    Raises:
        ValueError: replications below 1 or a seed below 0.
    """
    settings = []
    for scenario in scenarios:
        count = scenario.replications if replications is None else replications
        root_seed = scenario.seed if seed is None else seed
        if count < 1:
            raise ValueError(f"replications(={count}) must be >= 1.")
        if root_seed < 0:
            raise ValueError(f"seed(={root_seed}) must be >= 0.")
        settings.append((scenario, 1 if deterministic else count, root_seed))
    return settings


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


def run_bytes(scenario: Scenario, replications: int, horizon_days: int, workers: int) -> float:
    """An upper bound of a run's peak memory, in bytes.

    The per-replication totals (:func:`bytes_per_replication`), the weekly
    revenue kept for quantiles (weeks x up to 20,000 replications per world),
    and the engine's daily arrays of every batch in flight: each world of each
    strategy keeps ``ndarray[horizon_days, batch]`` of revenue for the whole
    world and for each channel until the batch is reduced.
    """
    worlds = 2 * len(scenario.strategies)
    weeks = math.ceil(horizon_days / DAYS_PER_WEEK)
    kept = min(replications, WEEKLY_QUANTILE_REPLICATIONS + BATCH_SIZE)
    batch = min(replications, BATCH_SIZE)
    in_flight = min(workers, math.ceil(replications / BATCH_SIZE))
    daily = in_flight * worlds * (1 + len(scenario.channels)) * horizon_days * batch * 8
    return MEMORY_HEADROOM * (
        replications * bytes_per_replication(scenario) + worlds * weeks * kept * 8 + daily
    )


def check_memory(scenario: Scenario, replications: int, *, workers: int = 1) -> None:
    """Refuse a run that cannot fit in memory (see :func:`run_bytes`).

    Raises:
        InvalidInputError: naming ``replications`` (or ``horizon_days`` when one
            replication is already too long), how much the run needs and the
            most that fits.
    """
    horizon = scenario.horizon_days
    available = available_memory()
    budget = 0.8 * available
    need = run_bytes(scenario, replications, horizon, workers)
    if need <= budget:
        return
    if run_bytes(scenario, 1, horizon, workers) > budget:
        low, high = 1, horizon  # the longest horizon one replication fits in
        while low < high:
            middle = (low + high + 1) // 2
            if run_bytes(scenario, 1, middle, workers) <= budget:
                low = middle
            else:
                high = middle - 1
        raise InvalidInputError.single(
            "horizon_days",
            "",
            f"{horizon:,} days of this scenario need about {need / 1e9:,.1f} GB of memory, "
            f"more than the {available / 1e9:,.1f} GB available; at most {low:,} days fit",
        )
    low, high = 1, replications  # the most replications that fit
    while low < high:
        middle = (low + high + 1) // 2
        if run_bytes(scenario, middle, horizon, workers) <= budget:
            low = middle
        else:
            high = middle - 1
    most = low
    raise InvalidInputError.single(
        "--replications",
        "",
        f"{replications:,} replications of {horizon:,} days of this scenario need about "
        f"{need / 1e9:,.1f} GB of memory, more than the "
        f"{available / 1e9:,.1f} GB available; run at most {most:,} at a time (several runs "
        "with different --seed values give independent replications to pool), or fewer "
        "strategies per run",
    )


def check_memory_of_runs(runs: Sequence[tuple[Scenario, int]], *, workers: int = 1) -> None:
    """Refuse runs that cannot fit in memory together (a study's runs share one pool).

    Each run must fit on its own (:func:`check_memory`, whose message names the
    field to change); their per-replication totals are then held all at once.

    Raises:
        InvalidInputError: a run that cannot fit, or the runs together, naming
            ``--replications``.
    """
    for scenario, count in runs:
        check_memory(scenario, count, workers=workers)
    if len(runs) < 2:
        return
    available = available_memory()
    need = sum(
        run_bytes(scenario, count, scenario.horizon_days, workers) for scenario, count in runs
    )
    if need <= 0.8 * available:
        return
    raise InvalidInputError.single(
        "--replications",
        "",
        f"the {len(runs):,} runs of this study need about {need / 1e9:,.1f} GB of memory "
        f"together, more than the {available / 1e9:,.1f} GB available; use fewer "
        "replications or fewer points",
    )
