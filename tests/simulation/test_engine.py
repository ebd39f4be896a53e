"""The model's semantics, worked out by hand in expected-value mode (``--deterministic``).

The base case (tests/conftest.py): one rented channel, 1000 followers of whom
500 are prospects, a post a day for 28 days, each post earning
500 x 0.1 x 0.1 x 0.5 x 0.1 x 100 = 25 and costing 10 to produce.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import riskSim
from riskSim.simulation.engine.world import post_times
from tests.conftest import PLAIN_CHANNEL, build, expected_value

PER_POST = 25.0


def strategy(summary: dict, name: str = "stay") -> dict:
    return summary["strategies"][name]


def test_post_times_follow_k_times_seven_over_p() -> None:
    times = post_times(5, 730)
    assert len(times) == 522  # k * 1.4 < 730  <=>  k <= 521
    assert times[1] == pytest.approx(1.4)
    assert times[-1] == pytest.approx(521 * 1.4)
    assert post_times(0, 730).size == 0
    assert list(post_times(1, 21)) == [0.0, 7.0, 14.0]


def test_plain_channel_earns_posts_times_prospects_times_rates() -> None:
    result = strategy(expected_value(build()))
    assert result["revenue"]["mean"] == pytest.approx(28 * PER_POST)
    assert result["profit"]["mean"] == pytest.approx(28 * PER_POST - 28 * 10)
    assert result["revenue_at_risk"]["mean"] == 0.0
    assert result["rented_revenue_share"] == 1.0
    assert result["concentration"] == 1.0
    assert result["channels"]["social"]["audience_end"] == pytest.approx(1000)


def test_linkedin_example_formula() -> None:
    """posts x T x reach x engagement x click x conversion x order value, on the design's figures."""
    channel = {
        "kind": "rented", "audience": 5000, "target_share": 0.6, "posts_per_week": 5,
        "organic_reach": 0.08, "engagement_rate": 0.01, "click_rate": 0.3,
        "conversion_rate": 0.02, "order_value": 1200,
    }
    scenario = build(horizon_days=730, channels={"linkedin": channel})
    expected = 522 * 3000 * 0.08 * 0.01 * 0.3 * 0.02 * 1200
    assert strategy(expected_value(scenario))["revenue"]["mean"] == pytest.approx(expected)


def pay_per_post(response: str, reaction_days: float = 0) -> dict:
    scenario = build(
        strategies={
            "s": {
                "responses": {"pay_per_post": response, "reduce_to_posts_per_week": 1},
                "reaction_days": reaction_days,
            }
        },
        shocks=[{"type": "pay_per_post", "channel": "social", "at": 14, "fee": 5}],
    )
    return strategy(expected_value(scenario), "s")


def test_pay_per_post_pay_keeps_cadence_and_pays_every_post_from_onset() -> None:
    result = pay_per_post("pay")
    assert result["revenue"]["mean"] == pytest.approx(28 * PER_POST)
    assert result["channels"]["social"]["fees"] == pytest.approx(14 * 5)  # posts on days 14..27
    assert result["profit"]["mean"] == pytest.approx(700 - 280 - 70)
    assert result["calm_profit"]["mean"] == pytest.approx(700 - 280)
    assert result["revenue_at_risk"]["mean"] == 0.0


def test_pay_per_post_reduce_switches_to_the_weekly_grid_at_onset() -> None:
    result = pay_per_post("reduce")
    # days 0..13 daily (14 posts), then k*7 >= 14: days 14 and 21 (2 posts)
    assert result["revenue"]["mean"] == pytest.approx(16 * PER_POST)
    assert result["channels"]["social"]["fees"] == pytest.approx(2 * 5)
    assert result["channels"]["social"]["cost"] == pytest.approx(16 * 10 + 2 * 5)
    assert result["revenue_at_risk"]["mean"] == pytest.approx(12 * PER_POST)
    assert result["relative_revenue_at_risk"] == pytest.approx(12 / 28)


def test_pay_per_post_exit_stops_posting() -> None:
    result = pay_per_post("exit")
    assert result["revenue"]["mean"] == pytest.approx(14 * PER_POST)
    assert result["channels"]["social"]["fees"] == 0.0


def test_reaction_days_delay_the_response_and_fees_are_paid_meanwhile() -> None:
    result = pay_per_post("reduce", reaction_days=3)
    # daily posts until day 16 (17 posts, 3 of them with the fee), then day 21 on the weekly grid
    assert result["revenue"]["mean"] == pytest.approx(18 * PER_POST)
    assert result["channels"]["social"]["fees"] == pytest.approx(4 * 5)


def test_reach_collapse_immediate_and_ramped() -> None:
    immediate = build(shocks=[{"type": "reach_collapse", "channel": "social", "at": 10, "factor": 0.5}])
    assert strategy(expected_value(immediate))["revenue"]["mean"] == pytest.approx(
        10 * PER_POST + 18 * PER_POST * 0.5
    )
    ramped = build(
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 10, "factor": 0.5, "ramp_days": 4}]
    )
    # factors on days 10..13: 1, 0.875, 0.75, 0.625; from day 14 on: 0.5
    expected = PER_POST * (10 + 1 + 0.875 + 0.75 + 0.625 + 14 * 0.5)
    assert strategy(expected_value(ramped))["revenue"]["mean"] == pytest.approx(expected)


def test_reach_is_clipped_to_one() -> None:
    channel = {**PLAIN_CHANNEL, "organic_reach": 1.0, "engagement_rate": 1.0}
    scenario = build(
        channels={"social": channel},
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 0, "factor": 1.0}],
    )
    assert strategy(expected_value(scenario))["revenue"]["mean"] == pytest.approx(28 * 500 * 0.05 * 100)


def test_feature_shutdown_removes_its_share_of_sales() -> None:
    scenario = build(
        shocks=[{"type": "feature_shutdown", "channel": "social", "at": 14, "feature": "shop", "share": 0.4}]
    )
    result = strategy(expected_value(scenario))
    assert result["revenue"]["mean"] == pytest.approx(14 * PER_POST + 14 * PER_POST * 0.6)
    assert result["revenue_at_risk"]["mean"] == pytest.approx(14 * PER_POST * 0.4)


def test_account_suspension_skips_posts_in_its_window() -> None:
    scenario = build(
        shocks=[{"type": "account_suspension", "channel": "social", "at": 7, "duration_days": 7}]
    )
    result = strategy(expected_value(scenario))
    assert result["revenue"]["mean"] == pytest.approx(21 * PER_POST)
    assert result["channels"]["social"]["cost"] == pytest.approx(21 * 10)


def test_recovery_after_a_suspension() -> None:
    """Days 30..36 lost; the trailing 28 days hold >= 2 lost days (< 95%) through day 62."""
    scenario = build(
        horizon_days=100,
        shocks=[{"type": "account_suspension", "channel": "social", "at": 30, "duration_days": 7}],
    )
    recovery = strategy(expected_value(scenario))["recovery_days"]
    assert recovery == {"median": 33.0, "never_share": 0.0}


def test_recovery_never_when_the_loss_lasts() -> None:
    scenario = build(shocks=[{"type": "reach_collapse", "channel": "social", "at": 10, "factor": 0.5}])
    assert strategy(expected_value(scenario))["recovery_days"] == {"median": None, "never_share": 1.0}


def test_platform_shutdown_stops_posts_and_empties_the_audience() -> None:
    scenario = build(shocks=[{"type": "platform_shutdown", "channel": "social", "at": 14}])
    result = strategy(expected_value(scenario))
    assert result["revenue"]["mean"] == pytest.approx(14 * PER_POST)
    assert result["channels"]["social"]["audience_end"] == 0.0
    assert result["owned_audience_share_end"] == 0.0


def evacuation_scenario(response: str) -> dict:
    email = {"kind": "owned", "audience": 0, "posts_per_week": 0}
    scenario = build(
        channels={"social": PLAIN_CHANNEL, "email": email},
        strategies={
            "s": {
                "capture": [{"from": "social", "to": "email", "rate": 0.1, "cost_per_capture": 2}],
                "responses": {"platform_shutdown": response, "evacuation_boost": 5},
            }
        },
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": 14, "notice_days": 7}],
    )
    return strategy(expected_value(scenario), "s")


def test_evacuation_boosts_captures_during_the_notice() -> None:
    # 10 engaged per post; capture 10% -> 1 a post on days 0..6, x5 -> 5 a post on days 7..13
    evacuated = evacuation_scenario("evacuate")
    assert evacuated["channels"]["email"]["audience_end"] == pytest.approx(7 * 1 + 7 * 5)
    assert evacuated["channels"]["email"]["cost"] == pytest.approx(42 * 2)
    assert evacuated["owned_audience_share_end"] == 1.0
    stayed = evacuation_scenario("stay")
    assert stayed["channels"]["email"]["audience_end"] == pytest.approx(14)


def test_captures_keep_prospect_status_and_earn_on_the_owned_channel() -> None:
    email = {**PLAIN_CHANNEL, "kind": "owned", "audience": 0, "production_cost": 0}
    scenario = build(
        horizon_days=2,
        channels={"social": PLAIN_CHANNEL, "email": email},
        strategies={"s": {"capture": [{"from": "social", "to": "email", "rate": 0.5}]}},
    )
    result = strategy(expected_value(scenario), "s")
    # day 0: social's post engages 5 prospects + 5 others; 2.5 + 2.5 join email at once,
    # so email's own post the same instant reaches them: 2.5 prospects x 0.01 x 0.05 x 100
    per_email_post = 2.5 * 0.1 * 0.1 * 0.5 * 0.1 * 100
    assert result["channels"]["email"]["revenue"] == pytest.approx(per_email_post * (1 + 2))
    assert result["channels"]["email"]["audience_end"] == pytest.approx(10)


def test_reach_penalty_while_capturing() -> None:
    email = {"kind": "owned", "audience": 0, "posts_per_week": 0}
    scenario = build(
        channels={"social": {**PLAIN_CHANNEL, "reach_penalty": 0.2}, "email": email},
        strategies={
            "none": {},
            "capture": {"capture": [{"from": "social", "to": "email", "rate": 0.1}]},
            "own-penalty": {
                "capture": [{"from": "social", "to": "email", "rate": 0.1, "reach_penalty": 0.5}]
            },
        },
    )
    summary = expected_value(scenario)
    assert strategy(summary, "none")["revenue"]["mean"] == pytest.approx(700)
    assert strategy(summary, "capture")["revenue"]["mean"] == pytest.approx(700 * 0.8)
    assert strategy(summary, "own-penalty")["revenue"]["mean"] == pytest.approx(700 * 0.5)
    assert strategy(summary, "capture")["channels"]["email"]["audience_end"] == pytest.approx(
        28 * 10 * 0.8 * 0.1
    )


def test_ad_cost_inflation_buys_fewer_impressions() -> None:
    channel = {
        **PLAIN_CHANNEL, "posts_per_week": 0, "ad_budget_per_day": 100, "cpm": 10,
        "paid_click_rate": 0.01,
    }
    scenario = build(
        channels={"social": channel},
        shocks=[{"type": "ad_cost_inflation", "channel": "social", "at": 14, "factor": 2}],
    )
    result = strategy(expected_value(scenario))
    # 10,000 impressions x 0.01 x 0.1 = 10 orders a day; half as many from day 14
    assert result["revenue"]["mean"] == pytest.approx(14 * 1000 + 14 * 500)
    assert result["calm_revenue"]["mean"] == pytest.approx(28 * 1000)
    assert result["channels"]["social"]["cost"] == pytest.approx(28 * 100)


def test_audience_exodus_adds_daily_churn_from_onset() -> None:
    scenario = build(shocks=[{"type": "audience_exodus", "channel": "social", "at": 14, "rate": 0.1}])
    result = strategy(expected_value(scenario))
    # posts on days 0..14 see 1000 followers; day 14's update is the first with the exodus
    expected = PER_POST * (15 + sum(0.9**j for j in range(1, 14)))
    assert result["revenue"]["mean"] == pytest.approx(expected)
    assert result["channels"]["social"]["audience_end"] == pytest.approx(1000 * 0.9**14)


def test_daily_churn_and_inflow() -> None:
    channel = {**PLAIN_CHANNEL, "audience": 500, "posts_per_week": 0, "daily_churn": 0.01, "daily_growth": 10}
    scenario = build(horizon_days=10, channels={"social": channel})
    expected = 500 * 0.99**10 + 10 * (1 - 0.99**10) / 0.01
    assert strategy(expected_value(scenario))["channels"]["social"]["audience_end"] == pytest.approx(expected)


def test_channels_aged_when_read_match_a_daily_update() -> None:
    """Churn and inflow applied days at a time when a channel is read, as if every day.

    Shares, captures, week ends and the horizon read the channels at odd days; the
    figures must be those of a daily update of every channel (expected-value mode).
    A running cost per member makes the engine update a channel every day (it
    reads the audience daily), so the same scenario with a negligible running
    cost is the daily-updated reference.
    """
    social = {**PLAIN_CHANNEL, "posts_per_week": 3, "daily_churn": 0.02, "daily_growth": 7,
              "share_rate": 0.4}
    email = {"kind": "owned", "audience": 200, "posts_per_week": 1, "organic_reach": 0.3,
             "daily_churn": 0.01, "daily_growth": 2}
    data = {
        "horizon_days": 60,
        "channels": {"social": social, "email": email},
        "strategies": {"s": {"capture": [{"from": "social", "to": "email", "rate": 0.2}]}},
    }
    lazy = expected_value(build(**data))
    per_member = {"cost_per_member_per_month": 1e-9}
    daily_data = copy.deepcopy(data)
    for channel in daily_data["channels"].values():
        channel.update(per_member)
    daily = expected_value(build(**daily_data))
    for name in ("social", "email"):
        for figure in ("revenue", "audience_end"):
            assert strategy(lazy, "s")["channels"][name][figure] == pytest.approx(
                strategy(daily, "s")["channels"][name][figure], rel=1e-12
            )
        # the running cost itself: at most 1e-9 / 30 a member a day, a few thousand members
        assert strategy(daily, "s")["channels"][name]["cost"] == pytest.approx(
            strategy(lazy, "s")["channels"][name]["cost"], abs=1e-3
        )
    assert strategy(lazy, "s")["channels"]["email"]["audience_end"] > 200  # captures arrived


def test_running_cost_of_the_audience() -> None:
    channel = {"kind": "owned", "audience": 1000, "posts_per_week": 0, "cost_per_member_per_month": 0.3}
    scenario = build(horizon_days=30, channels={"email": channel})
    assert strategy(expected_value(scenario))["channels"]["email"]["cost"] == pytest.approx(300)


def test_shares_bring_followers_who_count_at_once() -> None:
    channel = {**PLAIN_CHANNEL, "share_rate": 0.5, "growth_target_share": 1.0}
    scenario = build(horizon_days=2, channels={"social": channel})
    result = strategy(expected_value(scenario))
    # post 0: 5 + 5 engaged -> 5 new prospects; post 1: 505 prospects -> 25.25
    assert result["revenue"]["mean"] == pytest.approx(25 + 25.25)
    assert result["channels"]["social"]["audience_end"] == pytest.approx(1005 + (5.05 + 5) * 0.5)


def test_shock_before_a_post_at_the_same_instant_applies_to_it() -> None:
    scenario = build(shocks=[{"type": "account_suspension", "channel": "social", "at": 0, "duration_days": 1}])
    assert strategy(expected_value(scenario))["revenue"]["mean"] == pytest.approx(27 * PER_POST)


def test_shock_probability_zero_never_happens() -> None:
    scenario = build(
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": 0, "probability": 0.0}]
    )
    result = strategy(riskSim.simulate(scenario, replications=20, workers=1).summary)
    assert result["revenue_at_risk"]["mean"] == 0.0
    assert result["recovery_days"] == {"median": None, "never_share": 0.0}


def test_deterministic_onset_of_an_uncertain_shock_is_its_mean() -> None:
    scenario = build(
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": {"dist": "uniform", "low": 4, "high": 10}}]
    )
    assert strategy(expected_value(scenario))["revenue"]["mean"] == pytest.approx(7 * PER_POST)


def test_annual_probability_onset_in_expected_value_mode_is_the_mean_wait() -> None:
    # P(within a year) = 1 - exp(-365 h) = 0.5  ->  mean wait 1/h = 365 / ln 2 = 526.6 days
    scenario = build(
        horizon_days=600,
        channels={"social": {**PLAIN_CHANNEL, "posts_per_week": 1}},
        shocks=[{"type": "platform_shutdown", "channel": "social", "annual_probability": 0.5}],
    )
    posts_before = len(post_times(1, 527))  # days 0, 7, ..., 525
    assert strategy(expected_value(scenario))["revenue"]["mean"] == pytest.approx(posts_before * PER_POST)


def test_monte_carlo_mean_within_standard_errors_of_the_analytic_value() -> None:
    result = strategy(riskSim.simulate(build(), replications=2000, seed=3, workers=1).summary)
    revenue = result["revenue"]
    assert abs(revenue["mean"] - 28 * PER_POST) < 4 * revenue["se"]
    assert revenue["se"] > 0
    assert revenue["p5"] < revenue["p50"] < revenue["p95"]


def test_monte_carlo_revenue_at_risk_matches_expected_value_mode() -> None:
    scenario = build(
        horizon_days=56,
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 28, "factor": 0.25}],
    )
    exact = strategy(expected_value(scenario))["revenue_at_risk"]["mean"]
    assert exact == pytest.approx(28 * PER_POST * 0.75)
    risk = strategy(riskSim.simulate(scenario, replications=2000, seed=5, workers=1).summary)[
        "revenue_at_risk"
    ]
    assert abs(risk["mean"] - exact) < 4 * risk["se"]
    assert risk["var95"] <= risk["cvar95"]


def test_no_shocks_means_no_revenue_at_risk_in_every_replication() -> None:
    channel = {**PLAIN_CHANNEL, "daily_churn": 0.01, "daily_growth": 5, "share_rate": 0.3}
    scenario = build(horizon_days=90, channels={"social": channel})
    results = riskSim.simulate(scenario, replications=300, workers=1)
    losses = results.strategies["stay"].revenue_at_risk
    assert np.all(losses == 0.0)
    assert results.summary["strategies"]["stay"]["revenue"]["se"] > 0


def test_strategies_share_random_numbers_whatever_runs_beside_them() -> None:
    shock = [{"type": "pay_per_post", "channel": "social", "at": 10, "fee": 1}]
    alone = build(strategies={"b": {"responses": {"pay_per_post": "exit"}}}, shocks=shock)
    together = build(
        strategies={"a": {}, "b": {"responses": {"pay_per_post": "exit"}}}, shocks=shock
    )
    first = riskSim.simulate(alone, replications=100, seed=9, workers=1).summary
    second = riskSim.simulate(together, replications=100, seed=9, workers=1).summary
    assert first["strategies"]["b"] == second["strategies"]["b"]


def test_every_strategy_buys_the_same_ads_whatever_it_does_organically() -> None:
    """Paid traffic has a stream of its own: a dearer CPM takes the same sales from both."""
    social = {**PLAIN_CHANNEL, "ad_budget_per_day": 50, "cpm": 10, "paid_click_rate": 0.02,
              "daily_churn": 0.01, "daily_growth": 5, "share_rate": 0.3}
    email = {**PLAIN_CHANNEL, "kind": "owned", "audience": 100}
    scenario = build(
        horizon_days=60,
        channels={"social": social, "email": email},
        strategies={"plain": {}, "capture": {"capture": [{"from": "social", "to": "email", "rate": 0.3, "reach_penalty": 0.2}]}},
        shocks=[{"type": "ad_cost_inflation", "channel": "social", "at": 20, "factor": 2}],
    )
    results = riskSim.simulate(scenario, replications=200, seed=4, workers=1)
    plain, capture = results.strategies["plain"], results.strategies["capture"]
    at_risk = plain.calm.revenue - plain.shocked.revenue
    assert at_risk.mean() > 0  # 40 days of half the impressions
    np.testing.assert_array_equal(at_risk, capture.calm.revenue - capture.shocked.revenue)
    assert not np.array_equal(plain.calm.revenue, capture.calm.revenue)  # organically different


def test_uncertain_input_is_drawn_per_replication_and_feeds_sensitivity() -> None:
    channel = copy.deepcopy(PLAIN_CHANNEL)
    channel["organic_reach"] = {"dist": "uniform", "low": 0.05, "high": 0.15}
    channel["audience"] = 100_000  # enough buyers that reach, not noise, drives the loss
    scenario = build(
        channels={"social": channel},
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 14, "factor": 0.5}],
    )
    results = riskSim.simulate(scenario, replications=400, seed=2, workers=1)
    draws = results.inputs["channels.social.organic_reach"]
    assert draws.min() >= 0.05 and draws.max() <= 0.15 and draws.std() > 0.02
    (row,) = results.summary["sensitivity"]["stay"]
    assert row["input"] == "channels.social.organic_reach"
    assert row["spearman"] > 0.5  # more reach, more to lose


def test_runaway_shares_stop_with_a_clear_error() -> None:
    """Every engaged person bringing a new follower doubles the audience with each post."""
    channel = {**PLAIN_CHANNEL, "organic_reach": 1.0, "engagement_rate": 1.0, "share_rate": 1.0, "posts_per_week": 14}
    with pytest.raises(riskSim.InvalidInputError, match=r"channels\.social\.share_rate: the audience of 'social' grew past"):
        riskSim.simulate(build(channels={"social": channel}), replications=3, workers=1)
