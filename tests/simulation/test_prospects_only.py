"""Channels where everyone is a prospect keep one row of people, not two (issue 21).

With ``target_share`` and ``growth_target_share`` 1 (and captures only from
such channels), the "others" row of a channel would stay 0 for ever; the
engine drops it in random mode so a post draws half the variates. The model
is the same: means match the expected-value figures, which keep both rows.
"""

from __future__ import annotations

import math

import numpy as np

import riskSim
from riskSim.simulation.compile import compile_batch
from riskSim.simulation.engine.world import _groups
from tests.conftest import PLAIN_CHANNEL, build, expected_value

EVERYONE = {**PLAIN_CHANNEL, "target_share": 1.0, "growth_target_share": 1.0}
"""Per post: 1000 prospects x 0.1 x 0.1 x 0.5 x 0.1 x 100 = 50."""
EMAIL = {**EVERYONE, "kind": "owned", "audience": 200}
MIXED = {**PLAIN_CHANNEL, "daily_growth": 3, "share_rate": 0.2}


def scenario(capture_from: str) -> riskSim.Scenario:
    grow = {"daily_growth": 2, "share_rate": 0.3, "daily_churn": 0.002}
    return build(
        channels={"x": {**EVERYONE, **grow}, "social": MIXED, "email": EMAIL},
        strategies={"capture": {"capture": [{"from": capture_from, "to": "email", "rate": 0.2}]}},
    )


def groups(scenario: riskSim.Scenario, deterministic: bool = False) -> list[int]:
    plan = compile_batch(scenario, batch_index=0, size=10, seed=3, deterministic=deterministic)
    return _groups(plan, plan.strategies[0])


def test_one_row_where_everyone_is_a_prospect() -> None:
    assert groups(scenario("x")) == [1, 2, 1]  # x, social, email (fed by x only)
    assert groups(scenario("social")) == [1, 2, 2]  # social captures others into email
    assert groups(scenario("x"), deterministic=True) == [2, 2, 2]


def test_a_prospects_only_channel_earns_posts_times_audience_times_rates() -> None:
    plain = build(channels={"x": EVERYONE})
    (result,) = riskSim.simulate(plain, replications=2000, workers=1).strategies.values()
    assert math.isclose(expected_value(plain)["strategies"]["stay"]["revenue"]["mean"], 28 * 50.0)
    revenue = result.shocked.revenue
    assert abs(revenue.mean() - 28 * 50.0) < 4 * revenue.std() / math.sqrt(revenue.size)


def test_captures_from_one_row_into_two_rows_add_prospects_only() -> None:
    """x's captured people are prospects; social's others stay social's own."""
    for source in ("x", "social"):
        chosen = scenario(source)
        summary = expected_value(chosen)["strategies"]["capture"]
        (result,) = riskSim.simulate(chosen, replications=2000, workers=1).strategies.values()
        email = list(chosen.channels).index("email")
        for world in (result.shocked, result.calm):
            for values, mean in (
                (world.revenue, summary["calm_revenue"]["mean"]),
                (world.channel_audience_end[email], summary["channels"]["email"]["audience_end"]),
            ):
                error = 4 * values.std() / math.sqrt(values.size) + 1e-9
                assert abs(values.mean() - mean) < error, (source, mean, values.mean())
        assert np.all(result.calm.channel_audience_end[email] >= 0)
