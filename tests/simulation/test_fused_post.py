"""A post in one compiled call draws and sums exactly what the steps one by one do (issue 21).

The fused path (:func:`riskSim.simulation.engine.draws.post`) reads the same uniforms of
the same streams in the same order and does the same arithmetic, so every
figure of a batch is bit for bit the same with it and without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import riskSim
from riskSim.simulation.batch import simulate_batch
from riskSim.simulation.engine import world as world_module
from tests.conftest import PLAIN_CHANNEL, build

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the fused post off: every world posts step by step."""
    original = world_module._World.__init__

    def init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        self.fused = False

    monkeypatch.setattr(world_module._World, "__init__", init)


def uncertain() -> riskSim.Scenario:
    """Per-replication reach and order values, shares, captures, a shutdown with evacuation."""
    social = {
        **PLAIN_CHANNEL,
        "organic_reach": {"dist": "uniform", "low": 0.05, "high": 0.15},
        "order_value": {"dist": "triangular", "low": 50, "mode": 100, "high": 200},
        "share_rate": 0.4,
        "daily_churn": 0.01,
        "daily_growth": 3,
        "growth_target_share": {"dist": "uniform", "low": 0.2, "high": 0.8},
    }
    email = {**PLAIN_CHANNEL, "kind": "owned", "audience": 100, "cost_per_member_per_month": 0.1}
    return build(
        horizon_days=60,
        channels={"social": social, "email": email},
        strategies={
            "evacuate": {
                "capture": [{"from": "social", "to": "email", "rate": 0.1}],
                "responses": {"platform_shutdown": "evacuate"},
            },
            "reduce": {"responses": {"pay_per_post": "reduce"}},
        },
        shocks=[
            {"type": "pay_per_post", "channel": "social", "at": 10, "fee": 4},
            {"type": "reach_collapse", "channel": "social", "at": 20, "factor": 0.5, "ramp_days": 9},
            {"type": "platform_shutdown", "channel": "social", "at": 40, "notice_days": 7},
        ],
    )


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(lambda: riskSim.load_scenario(BENCHMARKS / "captures.yaml"), id="captures"),
        pytest.param(uncertain, id="uncertain"),
    ],
)
def test_fused_posts_give_the_same_figures_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, scenario
) -> None:
    chosen = scenario()
    fused = simulate_batch(chosen, batch_index=1, size=120, seed=5, deterministic=False)
    one_by_one(monkeypatch)
    steps = simulate_batch(chosen, batch_index=1, size=120, seed=5, deterministic=False)
    for mine, theirs in zip(fused.strategies, steps.strategies, strict=True):
        for world in ("shocked", "calm"):
            for name, value in vars(getattr(mine, world)).items():
                np.testing.assert_array_equal(value, getattr(getattr(theirs, world), name), name)
        np.testing.assert_array_equal(mine.recovery_days, theirs.recovery_days)
