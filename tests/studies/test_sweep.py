"""The sweep library: grid parsing, Pareto marking, and sweeps whose results are worked out by hand.

The hand scenario: ``social`` (rented) has 1000 followers, 500 of them prospects,
posts daily; each post engages 500 x 0.1 x 0.1 = 5 prospects and 5 others and
earns 25. It shuts down on day 14. ``email`` (owned) starts empty and posts daily
to whoever was captured; each captured prospect earns q = 1 x 0.1 x 1 x 0.1 x 100
= 1 per email post.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import riskSim
from riskSim.errors import InvalidInputError
from riskSim.outputs.studies import sweep_csv
from riskSim.studies.sweep import (
    Axis,
    grid_values,
    metrics_of,
    pareto,
    parse_vary,
    restrict,
    run_sweep,
)
from tests.conftest import PLAIN_CHANNEL, RATE, scenario_data, shutdown_data


def test_parse_vary_spans_evenly_and_reads_cleanly() -> None:
    assert parse_vary(f"{RATE}=0:0.3:7") == Axis(RATE, (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3))
    assert parse_vary("horizon_days=60:90:4").values == (60, 70, 80, 90)
    assert all(isinstance(value, int) for value in parse_vary("horizon_days=60:90:4").values)
    assert parse_vary("shocks.0.fee=5:5:1").values == (5,)
    assert parse_vary("x=1:0:3").values == (1.0, 0.5, 0.0)
    assert grid_values(0.1, 0.3, 3) == (0.1, 0.2, 0.3)


@pytest.mark.parametrize(
    "text", ["rate", "x=0:1", "x=0:1:2:3", "x=a:1:2", "x=0:inf:2", "x=0:1:0", "x=0:1:1.5", "=0:1:2", "a..b=0:1:2"]
)
def test_parse_vary_refuses_bad_text_naming_vary(text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_vary(text)
    assert caught.value.problems[0].source == "--vary"


def test_pareto_on_hand_made_points_with_ties() -> None:
    points = [
        (0.10, 100.0),  # efficient: nothing has less risk
        (0.20, 150.0),  # efficient
        (0.20, 120.0),  # ties (0.20, 150) on risk: not strictly beaten on both -> efficient
        (0.30, 140.0),  # beaten by (0.20, 150) on both
        (0.30, 140.0),  # an identical twin is beaten too
        (0.40, 150.0),  # ties on profit with (0.20, 150): not strictly more profit -> efficient
        (0.05, 90.0),  # least risk: efficient
        (0.15, 95.0),  # beaten by (0.10, 100)
    ]
    assert pareto(points) == [True, True, True, False, False, True, True, False]
    assert pareto([(0.1, 5.0), (0.1, 5.0)]) == [True, True]
    assert pareto([]) == []


def test_restrict_keeps_one_strategy_and_suggests_names() -> None:
    scenario = riskSim.Scenario.model_validate(
        scenario_data(strategies={"stay": {}, "leave": {"responses": {"pay_per_post": "exit"}}})
    )
    assert list(restrict(scenario, "leave").strategies) == ["leave"]
    with pytest.raises(InvalidInputError, match="did you mean 'leave'"):
        restrict(scenario, "leav")


def test_capture_before_a_shutdown_lowers_exposure_and_risk_monotonically(write_yaml) -> None:
    path = write_yaml(shutdown_data())
    result = run_sweep(path, strategy="own", axes=[parse_vary(f"{RATE}=0:1:5")], deterministic=True)
    rows = result.rows()
    assert [row[RATE] for row in rows] == [0.0, 0.25, 0.5, 0.75, 1.0]
    shares = [row["rented_revenue_share"] for row in rows]
    risks = [row["relative_revenue_at_risk"] for row in rows]
    assert all(later < earlier for earlier, later in zip(shares, shares[1:], strict=False))
    assert all(later < earlier for earlier, later in zip(risks, risks[1:], strict=False))
    # rate 0: everything on social; the shutdown takes posts 14..27, half the revenue
    assert shares[0] == 1.0
    assert risks[0] == pytest.approx(0.5)
    assert rows[0]["revenue_at_risk_mean"] == pytest.approx(350)
    # rate 1: 5 prospects join email per social post. Calm: email's post on day t reaches
    # 5(t+1) -> 5 x (1 + ... + 28) = 2030. Shocked: 5 x (1 + ... + 14) + 14 posts x 70 = 1505.
    calm, shocked = 700 + 2030, 350 + 1505
    assert shares[-1] == pytest.approx(700 / calm)
    assert risks[-1] == pytest.approx((calm - shocked) / calm)
    assert rows[-1]["revenue_mean"] == pytest.approx(shocked)
    # in between, every figure is linear in the rate
    assert rows[2]["revenue_mean"] == pytest.approx(350 + 1505 / 2)


def test_capture_costs_make_the_profit_maximising_rate_interior(write_yaml) -> None:
    """Captures cost 2.8 each and 0.1 a day on the list (3 a month); only the day-14 send earns.

    email is listed first, so it sends before social posts; it sends on days 0 and 14
    (0.5 a week), and a capture on day t earns 5 x 10 = 50 on day 14 and costs
    10 x 2.8 + 10 x (28 - t) x 0.1: net t - 6 per unit of rate. Captures before the
    notice (days 0..6) lose 21 in all, those in the 7-day notice gain 28, and the
    evacuation runs at 4 x the rate, capped at 1: profit rises until rate 0.25, then falls.
    """
    data = shutdown_data(
        channels={
            "email": {
                "kind": "owned", "audience": 0, "posts_per_week": 0.5, "organic_reach": 1.0,
                "engagement_rate": 1.0, "click_rate": 1.0, "conversion_rate": 0.1,
                "order_value": 100, "cost_per_member_per_month": 3.0,
            },
            "social": copy.deepcopy(PLAIN_CHANNEL),
        },
        strategies={
            "own": {
                "capture": [{"from": "social", "to": "email", "rate": 0.0, "cost_per_capture": 2.8}],
                "responses": {"platform_shutdown": "evacuate", "evacuation_boost": 4},
            }
        },
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": 14, "notice_days": 7}],
    )
    path = write_yaml(data)
    result = run_sweep(path, strategy="own", axes=[parse_vary(f"{RATE}=0:0.5:5")], deterministic=True)
    profits = [row["profit_mean"] for row in result.rows()]
    best = profits.index(max(profits))
    assert 0 < best < len(profits) - 1
    assert result.rows()[best][RATE] == 0.25


def test_a_sweep_of_one_point_equals_a_plain_run(write_yaml) -> None:
    data = shutdown_data(
        horizon_days=40,
        replications=120,
        strategies={
            "stay": {},
            "own": {"capture": [{"from": "social", "to": "email", "rate": 0.0}]},
        },
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": {"dist": "uniform", "low": 10, "high": 30}}],
    )
    path = write_yaml(data)
    result = run_sweep(path, strategy="own", axes=[parse_vary(f"{RATE}=0.2:0.9:1")], workers=1)
    plain = riskSim.simulate(riskSim.load_scenario(path, [f"{RATE}=0.2"]), workers=1).summary
    assert len(result.points) == 1
    row = result.rows()[0]
    assert row[RATE] == 0.2 and row["pareto"] is True
    assert {key: row[key] for key in metrics_of(plain, "own")} == metrics_of(plain, "own")
    assert result.seed == plain["seed"] == 1 and result.replications == 120


def test_a_grid_runs_every_pair_last_path_fastest(write_yaml) -> None:
    path = write_yaml(shutdown_data())
    axes = [parse_vary(f"{RATE}=0:1:2"), parse_vary("shocks.0.at=7:14:2")]
    result = run_sweep(path, strategy="own", axes=axes, deterministic=True)
    assert [point.values for point in result.points] == [(0, 7), (0, 14), (1, 7), (1, 14)]
    header = sweep_csv(result).splitlines()[0]
    assert header == (
        f"{RATE},shocks.0.at,revenue_mean,profit_mean,calm_profit_mean,revenue_at_risk_mean,"
        "revenue_at_risk_cvar95,relative_revenue_at_risk,rented_revenue_share,"
        "profit_at_risk_mean,profit_at_risk_cvar95,pareto"
    )
    # rate 0, shutdown on day 7: posts 7..27 are lost, 21 x 25
    assert result.rows()[0]["revenue_at_risk_mean"] == pytest.approx(21 * 25)


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("channels.socal.audience=1:2:2", "did you mean 'social'"),
        ("channels.social=1:2:2", "whole section"),
        ("strategies.own.capture.3.rate=0:1:2", "use an index"),
        (f"{RATE}=0:1.5:2", "got 1.5"),
        ("horizon_days=10:11:3", "whole number"),
    ],
)
def test_bad_varied_paths_and_values_name_vary(write_yaml, vary: str, message: str) -> None:
    path: Path = write_yaml(shutdown_data())
    with pytest.raises(InvalidInputError) as caught:
        run_sweep(path, strategy="own", axes=[parse_vary(vary)], deterministic=True)
    problem = caught.value.problems[0]
    assert problem.source == "--vary"
    assert message in problem.message


def test_more_than_two_fields_or_a_repeated_field_are_refused(write_yaml) -> None:
    path = write_yaml(shutdown_data())
    axes = [parse_vary(f"{RATE}=0:1:2"), parse_vary("shocks.0.at=7:14:2"), parse_vary("horizon_days=20:28:2")]
    with pytest.raises(InvalidInputError, match="at most 2"):
        run_sweep(path, strategy="own", axes=axes, deterministic=True)
    with pytest.raises(InvalidInputError, match="twice"):
        run_sweep(path, strategy="own", axes=axes[:1] * 2, deterministic=True)
