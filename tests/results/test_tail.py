"""VaR95 and CVaR95: the worst 5% of replications, ties at the VaR counted exactly."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from riskSim.results.metrics import expected_shortfall, risk_summary, value_at_risk


def test_a_loss_striking_three_percent_of_replications() -> None:
    # 30 of 1,000 replications lose 250,000; the worst 50 (5%) are those 30 and 20 zeros.
    losses = np.zeros(1000)
    losses[::33][:30] = 250_000.0
    assert np.count_nonzero(losses) == 30
    summary = risk_summary(losses)
    assert summary["var95"] == 0.0
    assert summary["cvar95"] == 150_000.0  # 30 * 250,000 / 50
    assert summary["mean"] == 7_500.0  # what the old "mean of losses >= VaR" gave


def test_a_rare_loss_drawn_at_random_matches_the_tail_within_monte_carlo_error() -> None:
    generator = np.random.default_rng(7)
    losses = np.where(generator.random(20_000) < 0.03, 250_000.0, 0.0)
    share = np.mean(losses > 0)
    assert value_at_risk(losses) == 0.0
    # the worst 5% hold every loss: CVaR95 = 250,000 x share / 5%
    assert expected_shortfall(losses) == 250_000.0 * share / 0.05
    assert abs(expected_shortfall(losses) - 150_000.0) < 10_000.0


def test_ties_at_the_var_count_only_for_the_share_that_completes_the_tail() -> None:
    # n = 30: the tail is k = 1.5 replications: the largest (100) and half of the next (10).
    losses = np.array([100.0] + [10.0] * 9 + [0.0] * 20)
    assert expected_shortfall(losses) == (100.0 + 0.5 * 10.0) / 1.5  # 70
    # n = 40: k = 2: the two largest, 100 and one of the tied 10s.
    losses = np.array([100.0] + [10.0] * 9 + [0.0] * 30)
    assert expected_shortfall(losses) == 55.0
    # every loss equal: the tail is that loss
    assert expected_shortfall(np.full(37, 3.3)) == 3.3


def test_fewer_than_twenty_replications_take_the_worst_one() -> None:
    assert expected_shortfall(np.array([5.0, -2.0, 1.0])) == 5.0
    assert risk_summary(np.array([42.0])) == {"mean": 42.0, "se": 0.0, "var95": 42.0, "cvar95": 42.0}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=120,
    )
)
def test_cvar_is_never_below_var_nor_above_the_worst(values: list[float]) -> None:
    losses = np.array(values)
    var95, cvar95 = value_at_risk(losses), expected_shortfall(losses)
    assert cvar95 >= var95
    assert cvar95 <= losses.max() + 1e-12 * abs(losses).max() + 1e-9
