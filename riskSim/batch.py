"""One batch of replications from scenario to reduced result: compile, simulate, reduce.

This is the unit of work every runner ships to a worker. It returns only
per-replication totals and weekly series, never the engine's per-day arrays.

Work is shared where the model guarantees identical results: strategies that
differ only in their responses play the same calm world (responses never
trigger without shocks), identical shocked worlds are played once, and each
shocked world resumes from its calm world's state at the first moment a shock
can make a difference, instead of replaying the days before it.
"""

from __future__ import annotations

import math

import numpy as np

from riskSim.compile import BatchPlan, CompiledStrategy, compile_batch
from riskSim.engine.world import WorldRecord, WorldState, simulate_world
from riskSim.results import BatchResult, reduce_batch
from riskSim.scenario import Scenario

__all__ = ["calm_key", "first_divergence", "shocked_key", "simulate_batch"]


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


def first_divergence(plan: BatchPlan) -> float:
    """The earliest time any replication's shocked world can differ from its calm one.

    A shock acts from its onset, except a shutdown, whose notice lets a strategy
    evacuate early. ``inf`` when no shock happens in this batch.
    """
    earliest = math.inf
    for shock in plan.shocks:
        start = shock.onset
        if shock.type == "platform_shutdown":
            start = start - shock.params["notice_days"]
        earliest = min(earliest, float(np.min(start)))
    return max(earliest, 0.0)


def simulate_batch(
    scenario: Scenario, *, batch_index: int, size: int, seed: int, deterministic: bool
) -> BatchResult:
    """Every strategy of ``scenario`` in the shocked and the calm world, for one batch."""
    plan = compile_batch(
        scenario, batch_index=batch_index, size=size, seed=seed, deterministic=deterministic
    )
    split = first_divergence(plan)
    calm: dict[tuple[object, ...], tuple[WorldRecord, WorldState | None]] = {}
    shocked: dict[tuple[object, ...], WorldRecord] = {}
    records: dict[tuple[str, str], WorldRecord] = {}
    for strategy in plan.strategies:
        key = calm_key(strategy)
        if key not in calm:
            calm[key] = simulate_world(plan, strategy, shocked=False, split_at=split)
        calm_record, state = calm[key]
        full_key = shocked_key(strategy)
        if full_key not in shocked:
            if split >= plan.horizon_days:
                shocked[full_key] = calm_record  # no shock can act within the horizon
            else:
                shocked[full_key], _ = simulate_world(plan, strategy, shocked=True, start=state)
        records[(strategy.name, "shocked")] = shocked[full_key]
        records[(strategy.name, "calm")] = calm_record
    return reduce_batch(plan, records)
