"""One batch of replications from scenario to reduced result: compile, simulate, reduce.

This is the unit of work every runner ships to a worker. It returns only
per-replication totals and weekly series, never the engine's per-day arrays.

Work is shared where the model guarantees identical results: strategies that
differ only in their responses play the same calm world (responses never
trigger without shocks), identical shocked worlds are played once, and each
shocked world plays only the channels a shock can change, from its calm
world's state at the first moment a shock can make a difference
(:mod:`riskSim.simulation.engine.divergence`), instead of replaying everything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from riskSim.results.records import BatchResult, reduce_batch
from riskSim.scenario import Scenario
from riskSim.simulation.compile import BatchPlan, CompiledStrategy, compile_batch
from riskSim.simulation.engine.divergence import Divergence, assemble, divergence
from riskSim.simulation.engine.world import WorldRecord, WorldState, simulate_world
from riskSim.simulation.rng import Columns

__all__ = ["calm_key", "channels_key", "shocked_key", "simulate_batch", "simulate_batches"]


def calm_key(strategy: CompiledStrategy) -> tuple[object, ...]:
    """What a strategy's calm world depends on: cadences and captures."""
    return (
        strategy.posts_per_week,
        tuple(
            (
                capture.source,
                capture.target,
                capture.rate.tobytes(),
                capture.cost_per_capture.tobytes(),
                capture.reach_penalty.tobytes(),
            )
            for capture in strategy.captures
        ),
    )


def shocked_key(strategy: CompiledStrategy) -> tuple[object, ...]:
    """What a strategy's shocked world depends on: its calm key plus its responses."""
    return (
        calm_key(strategy),
        strategy.pay_per_post,
        strategy.reduce_to_posts_per_week,
        strategy.evacuate,
        strategy.evacuation_boost,
        strategy.reaction_days,
    )


def channels_key(plan: BatchPlan) -> tuple[object, ...]:
    """What a batch's calm worlds depend on besides the strategy: its channels' draws.

    Two plans with the same key (and a strategy with the same :func:`calm_key`)
    play the same calm world draw for draw: points of a sweep that vary a
    shock or a response compile to the same key, so they share it.
    """
    return (
        plan.seed,
        plan.batch_index,
        plan.size,
        plan.horizon_days,
        plan.deterministic,
        tuple(
            (
                channel.name,
                channel.kind,
                channel.posts_per_week,
                tuple((name, values.tobytes()) for name, values in channel.values.items()),
            )
            for channel in plan.channels
        ),
    )


def simulate_batch(
    scenario: Scenario,
    *,
    batch_index: int,
    size: int,
    seed: int,
    deterministic: bool,
    progress: Callable[[float], None] | None = None,
) -> BatchResult:
    """Every strategy of ``scenario`` in the shocked and the calm world, for one batch.

    ``progress`` hears the share of the batch's work done (simulated days over
    every world it plays), so a bar can move within a batch of 2,500.
    """
    return simulate_batches(
        [scenario],
        batch_index=batch_index,
        size=size,
        seed=seed,
        deterministic=deterministic,
        progress=progress,
    )[0]


def simulate_batches(
    scenarios: Sequence[Scenario],
    *,
    batch_index: int,
    size: int,
    seed: int,
    deterministic: bool,
    progress: Callable[[float], None] | None = None,
    columns: Columns | None = None,
) -> list[BatchResult]:
    """:func:`simulate_batch` of each scenario, calm worlds played once where they agree.

    A sweep of a shock's fee, onset or size (or of a response) changes only
    the shocked worlds: every point compiles to the same channels
    (:func:`channels_key`), so one calm world per cadence serves them all and
    each point plays (or books) only its shocked world. Each result is
    exactly what :func:`simulate_batch` of its scenario alone returns.

    With ``columns`` (random mode only), only replications ``low .. high - 1``
    of the batch are simulated, every decision taken on the whole batch: each
    result is that part, which :func:`riskSim.results.records.join_columns`
    joins with the others into exactly the batch's result. So one batch can
    use several cores.
    """
    if columns is not None and deterministic:
        raise ValueError("expected-value mode is one replication: it is never split")
    plans = [
        compile_batch(
            scenario, batch_index=batch_index, size=size, seed=seed, deterministic=deterministic
        )
        for scenario in scenarios
    ]
    played = [(point, strategy) for point, plan in enumerate(plans) for strategy in plan.strategies]
    differences: dict[tuple[int, str], Divergence] = {
        (point, strategy.name): divergence(plans[point], strategy) for point, strategy in played
    }
    plan_keys = [channels_key(plan) for plan in plans]
    sharing: dict[tuple[object, ...], list[tuple[int, CompiledStrategy]]] = {}
    for point, strategy in played:
        sharing.setdefault((plan_keys[point], calm_key(strategy)), []).append((point, strategy))
    track = _Tracker(plans[0].horizon_days, sharing, differences, progress)
    calm: dict[tuple[object, ...], tuple[WorldRecord, dict[float, WorldState]]] = {}
    for key, members in sharing.items():
        playing = [differences[(p, s.name)] for p, s in members if differences[(p, s.name)].plays]
        tracked = sorted({channel for difference in playing for channel in difference.channels})
        recorded = sorted({index for difference in playing for index in difference.feeds})
        splits = tuple(sorted({difference.start for difference in playing}))
        first_point, first_strategy = members[0]
        calm[key] = simulate_world(
            plans[first_point],
            first_strategy,
            shocked=False,
            tracked=tuple(tracked),
            splits=splits,
            series_from=math.floor(min(splits)) if splits else 0,
            recorded=tuple(recorded),
            progress=track.world(0.0),
            columns=columns,
        )
    results = []
    for point, plan in enumerate(plans):
        shocked: dict[tuple[object, ...], WorldRecord] = {}
        records: dict[tuple[str, str], WorldRecord] = {}
        for strategy in plan.strategies:
            calm_record, states = calm[(plan_keys[point], calm_key(strategy))]
            full_key = shocked_key(strategy)
            if full_key not in shocked:
                difference = differences[(point, strategy.name)]
                changed = None
                if difference.plays:
                    changed, _ = simulate_world(
                        plan,
                        strategy,
                        shocked=True,
                        start=states.get(difference.start),
                        channels=difference.channels,
                        tracked=difference.channels,
                        skipped=difference.booked,
                        series_from=calm_record.series[difference.channels[0]].first_day,
                        feeds={index: calm_record.joins[index] for index in difference.feeds},
                        progress=track.world(difference.start),
                        columns=columns,
                    )
                shocked[full_key] = assemble(
                    plan, calm_record, changed, _columns_of(difference, columns)
                )
            records[(strategy.name, "shocked")] = shocked[full_key]
            records[(strategy.name, "calm")] = calm_record
        results.append(reduce_batch(plan, records, columns))
    for calm_record, states in calm.values():
        # only what the shocked worlds needed: freed before the next batch's arrays
        calm_record.series, calm_record.joins = {}, {}
        states.clear()
    return results


def _columns_of(difference: Divergence, columns: Columns | None) -> Divergence:
    """The divergence as a part of the batch sees it: its own replications' fees."""
    if columns is None:
        return difference
    low, high = columns
    return replace(
        difference, fees={channel: fees[low:high] for channel, fees in difference.fees.items()}
    )


class _Tracker:
    """The batch's share of work done, from each world's share of its own days."""

    def __init__(
        self,
        horizon: float,
        sharing: dict[tuple[object, ...], list[tuple[int, CompiledStrategy]]],
        differences: dict[tuple[int, str], Divergence],
        progress: Callable[[float], None] | None,
    ) -> None:
        self.horizon = float(horizon)
        self.progress = progress
        played: dict[tuple[object, ...], float] = {}
        for members in sharing.values():
            for point, strategy in members:
                difference = differences[(point, strategy.name)]
                if difference.plays:
                    played.setdefault(
                        (point, shocked_key(strategy)), self.horizon - difference.start
                    )
        self.total = self.horizon * len(sharing) + sum(played.values())
        self.done = 0.0

    def world(self, start: float) -> Callable[[float], None] | None:
        """A world's progress callback, for a world that plays from day ``start``."""
        if self.progress is None or self.total <= 0:
            return None
        span = self.horizon - start
        before = self.done
        self.done += span
        report = self.progress

        def heard(share: float) -> None:
            report(min((before + share * span) / self.total, 1.0))

        return heard
