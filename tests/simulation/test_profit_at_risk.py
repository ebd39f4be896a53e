"""Profit at risk, shocks of no size, and the two defects the reference model found.

Worked by hand in expected-value mode on the base case of tests/conftest.py:
one rented channel, a post a day for 28 days, 25 revenue and 10 production
cost a post.
"""

from __future__ import annotations

import json

import pytest

import riskSim
from tests.conftest import PLAIN_CHANNEL, build, expected_value

PER_POST = 25.0
RESPONSES = ("pay", "reduce", "exit")


def strategies_for_every_response() -> dict:
    return {
        response: {"responses": {"pay_per_post": response, "reduce_to_posts_per_week": 1}}
        for response in RESPONSES
    }


def test_a_fee_only_shock_puts_posts_after_onset_times_fee_at_risk() -> None:
    # paying keeps the cadence: posts on days 10..27 (18 of them) each pay 7 more
    scenario = build(
        strategies={"pay": {"responses": {"pay_per_post": "pay"}}},
        shocks=[{"type": "pay_per_post", "channel": "social", "at": 10, "fee": 7}],
    )
    result = expected_value(scenario)["strategies"]["pay"]
    assert result["revenue_at_risk"]["mean"] == 0.0
    assert result["profit_at_risk"] == {"mean": 18 * 7, "se": 0.0, "var95": 18 * 7, "cvar95": 18 * 7}
    assert result["calm_profit"]["mean"] == pytest.approx(28 * (PER_POST - 10))
    assert result["calm_profit"]["mean"] - result["profit"]["mean"] == pytest.approx(18 * 7)


def test_profit_at_risk_of_exiting_is_lost_margin_less_saved_costs() -> None:
    # exit from day 10: 18 posts lost, each 25 revenue and 10 production cost
    scenario = build(
        strategies={"exit": {"responses": {"pay_per_post": "exit"}}},
        shocks=[{"type": "pay_per_post", "channel": "social", "at": 10, "fee": 7}],
    )
    result = expected_value(scenario)["strategies"]["exit"]
    assert result["revenue_at_risk"]["mean"] == pytest.approx(18 * PER_POST)
    assert result["profit_at_risk"]["mean"] == pytest.approx(18 * (PER_POST - 10))


def test_profit_at_risk_is_calm_less_shocked_profit_in_every_replication() -> None:
    channel = {**PLAIN_CHANNEL, "organic_reach": {"dist": "uniform", "low": 0.05, "high": 0.15}}
    scenario = build(
        channels={"social": channel},
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 7, "factor": 0.5}],
    )
    results = riskSim.simulate(scenario, replications=60, seed=4, workers=1)
    result = results.strategies["stay"]
    losses = result.calm.profit - result.shocked.profit
    summary = results.summary["strategies"]["stay"]["profit_at_risk"]
    assert summary["mean"] == pytest.approx(float(losses.mean()))
    assert summary["cvar95"] >= summary["var95"] > 0
    # only revenue changes (production cost is the same): profit at risk = revenue at risk
    assert summary["mean"] == pytest.approx(results.summary["strategies"]["stay"]["revenue_at_risk"]["mean"])


@pytest.mark.parametrize(
    "shock",
    [
        {"type": "pay_per_post", "fee": 0},
        {"type": "reach_collapse", "factor": 1, "ramp_days": 5},
        {"type": "feature_shutdown", "share": 0},
        {"type": "audience_exodus", "rate": 0},
        {"type": "ad_cost_inflation", "factor": 1},
        {"type": "account_suspension", "duration_days": 0},
    ],
    ids=lambda shock: shock["type"],
)
def test_a_shock_of_no_size_is_no_shock_for_any_response(shock: dict) -> None:
    channel = {**PLAIN_CHANNEL, "daily_churn": 0.01, "ad_budget_per_day": 5}
    scenario = build(
        channels={"social": channel},
        strategies=strategies_for_every_response(),
        shocks=[{**shock, "channel": "social", "at": 10}],
    )
    for deterministic in (True, False):
        summary = riskSim.simulate(scenario, deterministic=deterministic, workers=1).summary
        for response in RESPONSES:
            result = summary["strategies"][response]
            for measure in ("revenue_at_risk", "profit_at_risk"):
                assert result[measure] == {"mean": 0.0, "se": 0.0, "var95": 0.0, "cvar95": 0.0}
            assert result["recovery_days"] == {"median": None, "never_share": 0.0}


def test_a_fee_of_zero_is_no_shock_through_the_cli_set(tmp_path) -> None:
    scenario = riskSim.load_scenario("scenarios/linkedin-pay-per-post.yaml", ["shocks.0.fee=0"])
    summary = riskSim.simulate(scenario, replications=40, workers=1).summary
    for result in summary["strategies"].values():
        assert result["revenue_at_risk"]["cvar95"] == 0.0
        assert result["profit_at_risk"]["cvar95"] == 0.0


def test_an_uncertain_size_drawn_at_no_change_is_no_shock_in_that_replication() -> None:
    # rate clipped at 0: about half the draws are exactly 0 (no exodus there)
    scenario = build(
        channels={"social": {**PLAIN_CHANNEL, "posts_per_week": 1}},
        strategies={"exit": {"responses": {"pay_per_post": "exit"}}},
        shocks=[
            {
                "type": "pay_per_post",
                "channel": "social",
                "at": 7,
                "fee": {"dist": "normal", "mean": 0, "sd": 2},
            }
        ],
    )
    results = riskSim.simulate(scenario, replications=200, seed=2, workers=1)
    fee = results.inputs["shocks.0.fee"]
    loss = results.strategies["exit"].revenue_at_risk
    assert 60 < (fee == 0).sum() < 140
    assert (loss[fee == 0] == 0).all()
    assert loss[fee > 0].mean() > 0.5 * 3 * PER_POST  # three posts lost where the fee is real


def test_a_certain_yearly_shock_starts_on_day_zero() -> None:
    scenario = build(
        shocks=[{"type": "platform_shutdown", "channel": "social", "annual_probability": 1}]
    )
    deterministic = expected_value(scenario)["strategies"]["stay"]
    assert deterministic["revenue"]["mean"] == 0.0
    assert deterministic["revenue_at_risk"]["mean"] == pytest.approx(28 * PER_POST)
    drawn = riskSim.simulate(scenario, replications=20, workers=1).summary["strategies"]["stay"]
    assert drawn["revenue"]["mean"] == 0.0


def test_a_certain_yearly_shock_runs_through_the_cli(tmp_path, write_yaml) -> None:
    from typer.testing import CliRunner

    from riskSim.cli import app
    from tests.conftest import scenario_data

    path = write_yaml(
        scenario_data(
            shocks=[{"type": "pay_per_post", "channel": "social", "annual_probability": 1, "fee": 2}]
        )
    )
    out = tmp_path / "out"
    outcome = CliRunner().invoke(app, ["run", str(path), "--deterministic", "-o", str(out), "--no-charts"])
    assert outcome.exit_code == 0, outcome.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    # every one of the 28 posts pays the fee of 2
    assert summary["strategies"]["stay"]["profit_at_risk"]["mean"] == pytest.approx(28 * 2)


def evacuating_at_no_boost_scenario(boost: float, audience: int = 1000) -> riskSim.Scenario:
    email = {"kind": "owned", "audience": 0, "posts_per_week": 0}
    social = {**PLAIN_CHANNEL, "reach_penalty": 0.2, "audience": audience}
    return build(
        channels={"social": social, "email": email},
        strategies={
            "s": {
                "capture": [{"from": "social", "to": "email", "rate": 0.1}],
                "responses": {"platform_shutdown": "evacuate", "evacuation_boost": boost},
            }
        },
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": 14, "notice_days": 7}],
    )


def evacuating_at_no_boost(boost: float) -> dict:
    return expected_value(evacuating_at_no_boost_scenario(boost))["strategies"]["s"]


def test_the_reach_penalty_lifts_while_evacuation_stops_captures() -> None:
    # days 0..6 capture at 0.1 (reach x 0.8); days 7..13 the boost of 0 stops captures, and
    # with them the penalty (full reach); shut down from day 14
    stopped = evacuating_at_no_boost(0)
    assert stopped["revenue"]["mean"] == pytest.approx(7 * PER_POST * 0.8 + 7 * PER_POST)
    assert stopped["channels"]["email"]["audience_end"] == pytest.approx(7 * 10 * 0.8 * 0.1)
    boosted = evacuating_at_no_boost(2)
    assert boosted["revenue"]["mean"] == pytest.approx(14 * PER_POST * 0.8)


def test_the_reach_penalty_lifts_during_a_zero_boost_evacuation_in_random_mode_too() -> None:
    # 100 times the audience: 100 * (7 * 25 * 0.8 + 7 * 25) = 31,500 expected; a post that
    # kept the penalty during the notice would give 100 * 14 * 25 * 0.8 = 28,000. Buyers
    # are about Poisson(315) a replication, so the mean of 2,000 has a standard error
    # near 100 * sqrt(315 / 2000) = 40.
    scenario = evacuating_at_no_boost_scenario(0, audience=100_000)
    random = riskSim.simulate(scenario, replications=2000, seed=3, workers=1).summary
    revenue = random["strategies"]["s"]["revenue"]["mean"]
    assert revenue == pytest.approx(31_500, abs=200)
    assert expected_value(scenario)["strategies"]["s"]["revenue"]["mean"] == pytest.approx(31_500)
