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
from collections.abc import Callable

from riskSim.results.records import BatchResult, reduce_batch
from riskSim.scenario import Scenario
from riskSim.simulation.compile import CompiledStrategy, compile_batch
from riskSim.simulation.engine.divergence import Divergence, assemble, divergence
from riskSim.simulation.engine.world import WorldRecord, WorldState, simulate_world

__all__ = ["calm_key", "shocked_key", "simulate_batch"]


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
    every world it plays), so a bar can move within a batch of 2,000.
    """
    plan = compile_batch(
        scenario, batch_index=batch_index, size=size, seed=seed, deterministic=deterministic
    )
    differences: dict[str, Divergence] = {
        strategy.name: divergence(plan, strategy) for strategy in plan.strategies
    }
    sharing: dict[tuple[object, ...], list[CompiledStrategy]] = {}
    for strategy in plan.strategies:
        sharing.setdefault(calm_key(strategy), []).append(strategy)
    track = _Tracker(plan.horizon_days, sharing, differences, progress)
    calm: dict[tuple[object, ...], tuple[WorldRecord, dict[float, WorldState]]] = {}
    for key, strategies in sharing.items():
        plays = [differences[strategy.name] for strategy in strategies]
        playing = [difference for difference in plays if difference.plays]
        tracked = sorted({channel for difference in playing for channel in difference.channels})
        recorded = sorted({index for difference in playing for index in difference.feeds})
        splits = tuple(difference.start for difference in playing)
        calm[key] = simulate_world(
            plan,
            strategies[0],
            shocked=False,
            tracked=tuple(tracked),
            splits=splits,
            series_from=math.floor(min(splits)) if splits else 0,
            recorded=tuple(recorded),
            progress=track.world(0.0),
        )
    shocked: dict[tuple[object, ...], WorldRecord] = {}
    records: dict[tuple[str, str], WorldRecord] = {}
    for strategy in plan.strategies:
        calm_record, states = calm[calm_key(strategy)]
        full_key = shocked_key(strategy)
        if full_key not in shocked:
            difference = differences[strategy.name]
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
                )
            shocked[full_key] = assemble(plan, calm_record, changed, difference)
        records[(strategy.name, "shocked")] = shocked[full_key]
        records[(strategy.name, "calm")] = calm_record
    for calm_record, states in calm.values():
        # only what the shocked worlds needed: freed before the reduction's arrays
        calm_record.series, calm_record.joins = {}, {}
        states.clear()
    return reduce_batch(plan, records)


class _Tracker:
    """The batch's share of work done, from each world's share of its own days."""

    def __init__(
        self,
        horizon: float,
        sharing: dict[tuple[object, ...], list[CompiledStrategy]],
        differences: dict[str, Divergence],
        progress: Callable[[float], None] | None,
    ) -> None:
        self.horizon = float(horizon)
        self.progress = progress
        played: dict[tuple[object, ...], float] = {}
        for strategies in sharing.values():
            for strategy in strategies:
                difference = differences[strategy.name]
                if difference.plays:
                    played.setdefault(shocked_key(strategy), self.horizon - difference.start)
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
