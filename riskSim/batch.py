"""One batch of replications from scenario to reduced result: compile, simulate, reduce.

This is the unit of work every runner ships to a worker. It returns only
per-replication totals and weekly series, never the engine's per-day arrays.
"""

from __future__ import annotations

from riskSim.compile import compile_batch
from riskSim.engine.world import WorldRecord, simulate_world
from riskSim.results import BatchResult, reduce_batch
from riskSim.scenario import Scenario

__all__ = ["simulate_batch"]


def simulate_batch(
    scenario: Scenario, *, batch_index: int, size: int, seed: int, deterministic: bool
) -> BatchResult:
    """Every strategy of ``scenario`` in the shocked and the calm world, for one batch."""
    plan = compile_batch(
        scenario, batch_index=batch_index, size=size, seed=seed, deterministic=deterministic
    )
    records: dict[tuple[str, str], WorldRecord] = {}
    for strategy in plan.strategies:
        records[(strategy.name, "shocked")] = simulate_world(plan, strategy, shocked=True)
        records[(strategy.name, "calm")] = simulate_world(plan, strategy, shocked=False)
    return reduce_batch(plan, records)
