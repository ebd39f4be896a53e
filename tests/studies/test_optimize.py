"""The optimizer: lever grammar, a hand-worked optimum, a sweep it must match, the hold-out check.

The hand scenario (see tests/studies/test_sweep.py): ``social`` shuts down on day
14; a capture rate r moves engaged prospects to ``email``. In expected-value mode
the shocked world's profit is 210 + 1505 r (revenue 350 + 1505 r less 14 posts at
10) and profit at risk is 210 + 525 r (calm profit 420 + 2030 r): both linear in
r, so a budget of 420 on profit at risk binds at r = (420 - 210) / 525 = 0.4,
where profit is 210 + 1505 x 0.4 = 812.
"""

from __future__ import annotations

import re

import pytest

from riskSim.errors import InvalidInputError
from riskSim.studies.optimize import (
    Lever,
    holdout_seed,
    non_dominated,
    parse_choice,
    parse_lever,
    run_optimize,
)
from riskSim.studies.sweep import parse_vary, run_sweep
from tests.conftest import RATE, shutdown_data

UNCERTAIN_SHUTDOWN = [
    {"type": "platform_shutdown", "channel": "social", "at": {"dist": "uniform", "low": 5, "high": 25}}
]


def test_parse_lever_and_choice() -> None:
    assert parse_lever(f"{RATE}=0:0.3") == Lever(RATE, low=0.0, high=0.3, spec="0:0.3")
    assert parse_lever(f"{RATE}=0:1:0.1").step == 0.1
    lever = parse_choice("strategies.own.responses.pay_per_post=pay, reduce,exit")
    assert lever.choices == ("pay", "reduce", "exit") and lever.flag == "--choice"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rate", "expected PATH=LOW:HIGH"),
        (f"{RATE}=0.5:0.1", "LOW (0.5) is above HIGH (0.1)"),
        (f"{RATE}=a:1", "LOW must be a number"),
        (f"{RATE}=0:inf", "HIGH must be a finite number"),
        (f"{RATE}=0:1:0", "STEP must be above 0"),
        (f"{RATE}=0:1:2:3", "expected LOW:HIGH or LOW:HIGH:STEP"),
    ],
)
def test_parse_lever_refuses_naming_lever(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(message)) as caught:
        parse_lever(text)
    assert caught.value.problems[0].source == "--lever"


@pytest.mark.parametrize("text", ["x", "strategies.own.responses.pay_per_post=", "p=a,,b", "p=a,a"])
def test_parse_choice_refuses_empty_or_repeated_values(text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_choice(text)
    assert caught.value.problems[0].source == "--choice"


def test_non_dominated_on_hand_made_points() -> None:
    # (risk, objective): as little risk and as much objective, better on one, dominates
    points = [(1.0, 10.0), (2.0, 20.0), (2.0, 15.0), (3.0, 15.0), (0.5, 5.0), (0.5, 5.0)]
    assert non_dominated(points) == [True, True, False, False, True, True]
    assert non_dominated([]) == []


def test_holdout_seed_is_fixed_and_not_the_seed() -> None:
    assert holdout_seed(1) == holdout_seed(1)
    assert holdout_seed(1) not in (1, holdout_seed(2))


def test_the_hand_worked_optimum_is_found_where_the_budget_binds(write_yaml) -> None:
    path = write_yaml(shutdown_data(risk_budget={"profit_at_risk_cvar95": 420}))
    result = run_optimize(
        path, strategy="own", levers=[parse_lever(f"{RATE}=0:1")], trials=48,
        deterministic=True, workers=1,
    )
    rate = result.best.values[RATE]
    assert result.feasible and result.best.feasible
    assert rate == pytest.approx(0.4, abs=0.01)
    assert rate <= 0.4  # beyond 0.4 the budget is broken
    assert result.best.objective == pytest.approx(210 + 1505 * rate)
    assert result.best.profit_at_risk_cvar95 == pytest.approx(210 + 525 * rate)
    # every trial obeys the two lines and is marked feasible exactly when within 420
    for trial in result.trials:
        r = trial.values[RATE]
        assert trial.objective == pytest.approx(210 + 1505 * r)
        assert trial.feasible == (210 + 525 * r <= 420 + 1e-9)
    # the objective is the scenario's (mean_profit); --max-cvar95 replaces the budget
    tighter = run_optimize(
        path, strategy="own", levers=[parse_lever(f"{RATE}=0:1")], trials=32,
        deterministic=True, workers=1, max_cvar95=315,
    )
    assert tighter.best.values[RATE] == pytest.approx((315 - 210) / 525, abs=0.02)
    assert tighter.document()["risk_budget"]["profit_at_risk_cvar95"] == 315


def test_the_optimizer_is_at_least_as_good_as_a_fine_sweep_on_the_same_seed(write_yaml) -> None:
    data = shutdown_data(replications=200, shocks=UNCERTAIN_SHUTDOWN)
    path = write_yaml(data)
    budget = 1000.0
    sweep = run_sweep(path, strategy="own", axes=[parse_vary(f"{RATE}=0:1:21")], workers=1)
    feasible = [row for row in sweep.rows() if row["profit_at_risk_cvar95"] <= budget]
    best_grid = max(row["profit_mean"] for row in feasible)
    result = run_optimize(
        path, strategy="own", levers=[parse_lever(f"{RATE}=0:1")], trials=48,
        max_cvar95=budget, workers=1,
    )
    assert result.best.feasible
    assert result.best.objective >= best_grid
    # the same seed as the sweep: a trial on a grid value gives the grid's figure
    assert result.seed == sweep.seed


def test_holdout_differs_from_in_sample_and_has_standard_errors(write_yaml) -> None:
    path = write_yaml(shutdown_data(replications=300, shocks=UNCERTAIN_SHUTDOWN))
    result = run_optimize(
        path, strategy="own", levers=[parse_lever(f"{RATE}=0:1")], trials=16, workers=1,
        max_cvar95=1200,
    )
    assert result.holdout_seed != result.seed
    assert result.holdout.values == result.best.values
    assert result.holdout.objective != result.best.objective
    assert result.holdout.profit_at_risk_cvar95 != result.best.profit_at_risk_cvar95
    assert result.holdout.se > 0
    # the in-sample SE is the summary's, of the same order as the hold-out's
    assert result.best.objective_se is not None
    assert 0.5 < result.best.objective_se / result.holdout.se < 2
    assert result.runner_up is not None and result.runner_up_holdout is not None
    assert result.runner_up.values != result.best.values
    assert result.difference == pytest.approx(
        result.holdout.objective - result.runner_up_holdout.objective
    )
    assert result.difference_se is not None and result.difference_se > 0
    # paired on the same draws: the difference is known better than either figure
    assert result.difference_se < result.holdout.se
    assert result.distinguishable == (abs(result.difference) > 2 * result.difference_se)


def test_p5_profit_gets_a_bootstrap_standard_error(write_yaml) -> None:
    path = write_yaml(shutdown_data(replications=200, shocks=UNCERTAIN_SHUTDOWN))
    result = run_optimize(
        path, strategy="own", levers=[parse_lever(f"{RATE}=0:1")], trials=8, workers=1,
        objective="p5_profit",
    )
    assert result.objective == "p5_profit"
    assert result.holdout.se > 0 and result.difference_se is not None


def test_an_unmeetable_budget_is_not_an_error(write_yaml) -> None:
    path = write_yaml(shutdown_data())
    result = run_optimize(
        path, strategy="own", levers=[parse_lever(f"{RATE}=0:1")], trials=8,
        deterministic=True, workers=1, max_cvar95=100,
    )
    assert not result.feasible
    assert result.document()["feasible"] is False
    # the least over the budget: the lowest rate tried (profit at risk 210 + 525 r)
    assert result.best.values[RATE] == min(trial.values[RATE] for trial in result.trials)


def test_integer_fields_get_whole_numbers_and_choices_their_values(write_yaml) -> None:
    data = shutdown_data(
        strategies={
            "own": {
                "posts_per_week": {"email": 2},  # a --set reaches only what the file writes
                "capture": [{"from": "social", "to": "email", "rate": 0.1}],
                "responses": {"pay_per_post": "pay"},
            }
        }
    )
    path = write_yaml(data)
    result = run_optimize(
        path, strategy="own",
        levers=[
            parse_lever("strategies.own.posts_per_week.email=1:7:1"),
            parse_choice("strategies.own.responses.pay_per_post=pay,reduce,exit"),
        ],
        trials=12, deterministic=True, workers=1,
    )
    cadences = {trial.values["strategies.own.posts_per_week.email"] for trial in result.trials}
    assert cadences <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}
    responses = {trial.values["strategies.own.responses.pay_per_post"] for trial in result.trials}
    assert responses <= {"pay", "reduce", "exit"}


@pytest.mark.parametrize(
    ("levers", "source", "message"),
    [
        ([parse_lever("channels.social.audience=1:2")], "--lever", "fields of the optimized strategy"),
        ([parse_lever("strategies.other.reaction_days=0:7")], "--lever", "belongs to strategy 'other'"),
        ([parse_lever("strategies.own.capture.0.rat=0:1")], "--lever", "did you mean 'rate'"),
        ([parse_lever("strategies.own.responses.pay_per_post=0:1")], "--lever", "is not a number"),
        ([parse_lever("strategies.own.capture=0:1")], "--lever", "names a whole section"),
        ([parse_lever(f"{RATE}=0:2")], "--lever", "at strategies.own.capture.0.rate=2"),
        ([parse_choice("strategies.own.responses.pay_per_post=pay,leave")], "--choice", "leave"),
        ([parse_lever(f"{RATE}=0:1"), parse_lever(f"{RATE}=0:1")], "--lever", "given twice"),
        ([], "--lever", "give at least one"),
    ],
)
def test_bad_levers_name_their_flag(write_yaml, levers, source: str, message: str) -> None:
    path = write_yaml(shutdown_data())
    with pytest.raises(InvalidInputError, match=re.escape(message)) as caught:
        run_optimize(path, strategy="own", levers=levers, trials=4, deterministic=True, workers=1)
    assert caught.value.problems[0].source == source


def test_trials_must_be_positive_and_within_the_evaluation_budget(write_yaml) -> None:
    path = write_yaml(shutdown_data())
    lever = [parse_lever(f"{RATE}=0:1")]
    with pytest.raises(InvalidInputError, match="at least 1 trial") as caught:
        run_optimize(path, strategy="own", levers=lever, trials=0, workers=1)
    assert caught.value.problems[0].source == "--trials"
    with pytest.raises(InvalidInputError, match="over the limit of 5,000,000") as caught:
        run_optimize(path, strategy="own", levers=lever, trials=1000, replications=10_000)
    assert caught.value.problems[0].source == "--trials"


def test_a_whole_number_lever_is_suggested_as_int() -> None:
    """No strategy field holds an int today; the rule still holds for one that would."""
    import optuna

    from riskSim.studies.optimize import _suggest

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    lever = Lever("strategies.s.count", low=1.0, high=9.0, step=2.0, integer=True)
    values = {_suggest(study.ask(), lever) for _ in range(40)}
    assert values == {1, 3, 5, 7, 9}
    assert all(type(value) is int for value in values)
