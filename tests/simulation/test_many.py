"""Several runs on one pool: each result is that run's own, byte for byte."""

from __future__ import annotations

import json

import pytest

import riskSim
from riskSim.simulation import simulate_many
from tests.conftest import build


def summary_bytes(results: riskSim.SimulationResults) -> bytes:
    return json.dumps(results.summary, sort_keys=True).encode()


@pytest.fixture(scope="module")
def scenarios() -> list[riskSim.Scenario]:
    fees = (0, 5, 20)
    return [
        build(
            name=f"fee-{fee}",
            replications=2500,  # two batches, the second a partial one
            shocks=[{"type": "pay_per_post", "channel": "social", "at": 3, "fee": fee}],
        )
        for fee in fees
    ]


def test_every_run_equals_its_own_simulation_whatever_the_workers(scenarios) -> None:
    alone = [summary_bytes(riskSim.simulate(scenario, workers=1)) for scenario in scenarios]
    for workers in (1, 2):
        together = simulate_many(scenarios, workers=workers)
        assert [summary_bytes(results) for results in together] == alone


def test_progress_counts_every_replication_of_every_run(scenarios) -> None:
    seen: list[tuple[int, int]] = []
    simulate_many(scenarios, replications=2500, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 7500) and seen[-1] == (7500, 7500)
    done = [count for count, _ in seen]
    assert done == sorted(done) and len(set(done)) == len(done)  # forward, never repeated


def test_a_fee_changes_only_the_shocked_world(scenarios) -> None:
    free, _, dear = simulate_many(scenarios, replications=200, workers=2)
    calm = [results.summary["strategies"]["stay"]["calm_revenue"]["mean"] for results in (free, dear)]
    assert calm[0] == calm[1]
    assert free.summary["strategies"]["stay"]["revenue_at_risk"]["mean"] == 0
    assert dear.summary["strategies"]["stay"]["profit"]["mean"] < free.summary["strategies"]["stay"]["profit"]["mean"]
