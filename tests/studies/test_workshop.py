"""Workshop mode as a library: team files, fair runs, ranking, rounds and the debrief."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import riskSim
from riskSim.charts.workshop import render_workshop_charts
from riskSim.errors import InvalidInputError
from riskSim.outputs.debrief import leaderboard_csv, team_stories, write_debrief
from riskSim.scenario import Scenario
from riskSim.scenario.loading import load_scenario
from riskSim.scenario.templates import render_team_template
from riskSim.simulation import monte_carlo
from riskSim.studies.workshop import (
    LEADERBOARD_COLUMNS,
    load_teams,
    play_rounds,
    rank,
    round_cuts,
    run_workshop,
)
from tests.conftest import PLAIN_CHANNEL

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

EMAIL: dict[str, Any] = {**PLAIN_CHANNEL, "kind": "owned", "audience": 0, "production_cost": 0}
"""An owned channel with nobody on it: it earns and costs nothing unless a team fills it."""


def workshop_data(**fields: Any) -> dict[str, Any]:
    """28 days; social posts daily for 25 revenue and 10 cost; from day 14 a post costs 5 more.

    By hand, in expected-value mode: a team that pays earns 28 x 25 = 700 and
    spends 28 x 10 + 14 x 5 = 350 (profit 350); a team that exits on day 14
    earns 14 x 25 = 350 and spends 140 (profit 210).
    """
    data: dict[str, Any] = {
        "name": "tiny-workshop",
        "horizon_days": 28,
        "replications": 40,
        "seed": 3,
        "channels": {"social": copy.deepcopy(PLAIN_CHANNEL), "email": copy.deepcopy(EMAIL)},
        "strategies": {"example": {}},
        "shocks": [{"type": "pay_per_post", "channel": "social", "at": 14, "fee": 5}],
        "workshop": {"score": "mean_profit", "hide_shocks": True},
    }
    data.update(copy.deepcopy(fields))
    return data


PAYERS = {"description": "Pay the fee.", "responses": {"pay_per_post": "pay"}}
QUITTERS = {"description": "Leave when it bills.", "responses": {"pay_per_post": "exit"}}
MOVERS = {
    "posts_per_week": {"email": 2},
    "capture": [{"from": "social", "to": "email", "rate": 0.2}],
    "responses": {"pay_per_post": "reduce", "reduce_to_posts_per_week": 1},
}


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.model_validate(workshop_data())


@pytest.fixture
def team_file(tmp_path: Path):
    def write(name: str, strategy: Any, file: str | None = None, **extra: Any) -> Path:
        path = tmp_path / (file or f"{name.lower().replace(' ', '-')}.yaml")
        path.write_text(yaml.safe_dump({"team": name, "strategy": strategy, **extra}))
        return path

    return write


def test_each_team_equals_a_plain_run_of_its_strategy(scenario, team_file):
    paths = [team_file("Payers", PAYERS), team_file("Movers", MOVERS), team_file("Q", QUITTERS)]
    run = run_workshop(scenario, load_teams(paths, scenario), workers=1)
    for strategy, name in ((PAYERS, "Payers"), (MOVERS, "Movers"), (QUITTERS, "Q")):
        alone = Scenario.model_validate(workshop_data(strategies={"anything": strategy}))
        expected = riskSim.simulate(alone, workers=1).summary["strategies"]["anything"]
        row = next(row for row in run.leaderboard if row.team == name)
        assert row.mean_profit == expected["profit"]["mean"]
        assert row.p5_profit == expected["profit"]["p5"]
        assert row.mean_revenue == expected["revenue"]["mean"]
        assert row.revenue_at_risk_mean == expected["revenue_at_risk"]["mean"]
        assert row.rented_revenue_share == expected["rented_revenue_share"]


def test_expected_values_worked_out_by_hand(scenario, team_file):
    teams = load_teams([team_file("Quitters", QUITTERS), team_file("Payers", PAYERS)], scenario)
    run = run_workshop(scenario, teams, deterministic=True, workers=1)
    payers, quitters = run.leaderboard
    assert (payers.rank, payers.team, quitters.rank, quitters.team) == (1, "Payers", 2, "Quitters")
    assert payers.mean_revenue == pytest.approx(700)
    assert payers.mean_profit == pytest.approx(350)
    assert payers.score == payers.mean_profit
    assert payers.revenue_at_risk_mean == pytest.approx(0)
    assert quitters.mean_revenue == pytest.approx(350)
    assert quitters.mean_profit == pytest.approx(210)
    assert quitters.revenue_at_risk_mean == pytest.approx(350)
    assert quitters.rented_revenue_share == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("score", "field"),
    [("p5_profit", "p5_profit"), ("mean_revenue", "mean_revenue"), ("mean_profit", "mean_profit")],
)
def test_the_score_is_the_scenarios_choice(team_file, score, field):
    scenario = Scenario.model_validate(workshop_data(workshop={"score": score}))
    teams = load_teams([team_file("Payers", PAYERS), team_file("Movers", MOVERS)], scenario)
    run = run_workshop(scenario, teams, workers=1)
    for row in run.leaderboard:
        assert row.score == getattr(row, field)
    assert [row.score for row in run.leaderboard] == sorted(
        (row.score for row in run.leaderboard), reverse=True
    )


def test_competition_ranking():
    assert rank([5.0, 5.0, 3.0]) == [1, 1, 3]
    assert rank([1.0, 2.0, 2.0, 0.5]) == [3, 1, 1, 4]
    assert rank([7.0]) == [1]


def test_identical_strategies_under_different_names_share_a_rank(scenario, team_file):
    paths = [
        team_file("Zebras", PAYERS),
        team_file("Quitters", QUITTERS),
        team_file("Antelopes", PAYERS),
    ]
    run = run_workshop(scenario, load_teams(paths, scenario), workers=1)
    assert [(row.rank, row.team) for row in run.leaderboard] == [
        (1, "Antelopes"),
        (1, "Zebras"),
        (3, "Quitters"),
    ]
    assert run.leaderboard[0].score == run.leaderboard[1].score


def test_team_order_changes_nothing(scenario, team_file, tmp_path):
    paths = [team_file("Payers", PAYERS), team_file("Movers", MOVERS), team_file("Q", QUITTERS)]
    forward = run_workshop(scenario, load_teams(paths, scenario), workers=1)
    backward = run_workshop(scenario, load_teams(paths[::-1], scenario), workers=2)
    assert leaderboard_csv(forward.leaderboard) == leaderboard_csv(backward.leaderboard)
    assert render_workshop_charts(forward, "svg") == render_workshop_charts(backward, "svg")


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[int, list[str]]]]:
    """Per call of the pool runner, each run its jobs simulate: (horizon, strategies)."""
    calls: list[list[tuple[int, list[str]]]] = []
    real = monte_carlo.run_jobs

    def spy(jobs, **options):
        runs = [run for job in jobs for run in job.scenarios]
        calls.append([(run.horizon_days, list(run.strategies)) for run in runs])
        return real(jobs, **options)

    monkeypatch.setattr(monte_carlo, "run_jobs", spy)
    return calls


def test_teams_run_on_every_core_and_their_numbers_do_not_change(scenario, team_file, submitted):
    paths = [team_file("Payers", PAYERS), team_file("Movers", MOVERS), team_file("Q", QUITTERS)]
    teams = load_teams(paths, scenario)
    one, two = (run_workshop(scenario, teams, workers=workers) for workers in (1, 2))
    assert json.dumps(two.results.summary) == json.dumps(one.results.summary)
    assert two.results.weekly_rows() == one.results.weekly_rows()
    assert leaderboard_csv(two.leaderboard) == leaderboard_csv(one.leaderboard)
    assert render_workshop_charts(two, "svg") == render_workshop_charts(one, "svg")
    # 40 replications are one batch: at two workers the teams go to two jobs, and Payers
    # and Q, who differ only in their responses, share one (and its calm world)
    assert submitted == [
        [(28, ["Movers", "Payers", "Q"])],
        [(28, ["Movers"]), (28, ["Payers", "Q"])],
    ]


def test_every_rounds_standings_come_from_one_pool_whatever_the_workers(team_file, submitted):
    data = workshop_data(horizon_days=42)
    data["shocks"].append({"type": "reach_collapse", "channel": "social", "at": 28, "factor": 0.5})
    scenario = Scenario.model_validate(data)
    teams = load_teams([team_file("Movers", MOVERS), team_file("Payers", PAYERS)], scenario)
    rounds = {}
    for workers in (1, 2):
        run = run_workshop(scenario, teams, workers=workers)
        submitted.clear()
        rounds[workers] = play_rounds(run, workers=workers)
        # both cuts (days 14 and 28) at once; the last round is the leaderboard, not rerun
        assert [[horizon for horizon, _ in call] for call in submitted] == [[14, 28]]
    assert [played.end_day for played in rounds[1]] == [14, 28, 42]
    assert rounds[2] == rounds[1]


def test_a_teams_mistake_names_its_file_field_and_line(scenario, team_file, tmp_path):
    good = team_file("Good", PAYERS)
    typo = tmp_path / "blue.yaml"
    typo.write_text(
        "team: Blue Herons\n"
        "strategy:\n"
        "  capture:\n"
        "    - from: social\n"
        "      to: emial\n"
        "      rate: 0.1\n"
    )
    wrong_key = team_file("Red", {"respones": {}})
    not_a_rate = team_file("Green", {"capture": [{"from": "social", "to": "email", "rate": 2}]})
    with pytest.raises(InvalidInputError) as caught:
        load_teams([good, typo, wrong_key, not_a_rate], scenario)
    rendered = caught.value.render().splitlines()
    assert (
        f"{typo}:5: strategy.capture.0.to: no channel named 'emial'; did you mean 'email'?"
        in rendered
    )
    assert any(
        line.startswith(f"{wrong_key}:") and "strategy.respones" in line and "responses" in line
        for line in rendered
    )
    assert any(
        line.startswith(f"{not_a_rate}:") and "strategy.capture.0.rate" in line for line in rendered
    )
    assert not any(str(good) in line for line in rendered)


def test_capturing_into_a_rented_channel_is_the_teams_error(scenario, team_file):
    path = team_file("Odd", {"capture": [{"from": "email", "to": "social", "rate": 0.1}]})
    with pytest.raises(InvalidInputError) as caught:
        load_teams([path], scenario)
    assert "strategy.capture.0.to" in caught.value.render()
    assert "rented" in caught.value.render()


def test_duplicate_team_names_are_an_error(scenario, team_file):
    first = team_file("Blue", PAYERS, file="one.yaml")
    second = team_file(" blue ", QUITTERS, file="two.yaml")
    with pytest.raises(InvalidInputError) as caught:
        load_teams([first, second], scenario)
    (problem,) = caught.value.problems
    assert problem.source == str(second)
    assert problem.field == "team"
    assert str(first) in problem.message


def test_missing_fields_unknown_keys_and_missing_files(scenario, tmp_path):
    empty_team = tmp_path / "empty.yaml"
    empty_team.write_text("strategy: {}\nteem: x\n")
    with pytest.raises(InvalidInputError) as caught:
        load_teams([empty_team, tmp_path / "nowhere.yaml"], scenario)
    text = caught.value.render()
    assert f"{empty_team}: team: is required but missing" in text
    assert f"{empty_team}:2: teem: unknown key 'teem'; did you mean 'team'?" in text
    assert f"{tmp_path / 'nowhere.yaml'}: no such file" in text


def test_a_scenario_is_not_a_team_file_and_a_team_file_is_not_a_scenario(
    scenario, team_file, tmp_path
):
    with pytest.raises(InvalidInputError) as caught:
        load_teams([SCENARIOS / "workshop-hidden-shocks.yaml"], scenario)
    assert "scenario file, not a team file" in caught.value.render()
    with pytest.raises(InvalidInputError):
        load_scenario(team_file("Payers", PAYERS))


def test_the_team_template_validates_against_the_workshop_scenario(tmp_path):
    hidden = load_scenario(SCENARIOS / "workshop-hidden-shocks.yaml")
    path = tmp_path / "herons.yaml"
    path.write_text(render_team_template("herons"))
    (team,) = load_teams([path], hidden)
    assert team.name == "herons"
    assert team.strategy.capture
    with pytest.raises(InvalidInputError):
        load_scenario(path)


def test_the_team_template_uses_the_channels_it_is_given(scenario, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(render_team_template("mine", rented=["social"], owned=["email"]))
    (team,) = load_teams([path], scenario)
    assert team.strategy.capture[0].from_ == "social"
    only_rented = tmp_path / "plain.yaml"
    only_rented.write_text(render_team_template("plain", rented=["social"], owned=[]))
    (plain,) = load_teams([only_rented], scenario)
    assert plain.strategy.capture == []


def test_rounds_cut_at_each_onset_and_end_with_the_leaderboard(scenario, team_file):
    teams = load_teams([team_file("Quitters", QUITTERS), team_file("Payers", PAYERS)], scenario)
    run = run_workshop(scenario, teams, deterministic=True, workers=1)
    assert [(day, [o.index for o in shocks]) for day, shocks in round_cuts(run.results)] == [
        (14, [0])
    ]
    first, last = list(play_rounds(run, workers=1))
    assert (first.start_day, first.end_day, first.shocks, first.last) == (0, 14, (), False)
    # by day 14 both teams posted 14 times and paid nothing: 350 - 140 each, a shared first place
    assert [(row.rank, row.mean_profit) for row in first.standings] == [
        (1, pytest.approx(210)),
        (1, pytest.approx(210)),
    ]
    assert (last.start_day, last.end_day, last.last) == (14, 28, True)
    assert [shock.index for shock in last.shocks] == [0]
    assert list(last.standings) == run.leaderboard


def test_round_standings_equal_a_run_cut_at_the_onset(scenario, team_file):
    teams = load_teams([team_file("Movers", MOVERS), team_file("Payers", PAYERS)], scenario)
    run = run_workshop(scenario, teams, workers=1)
    first = next(iter(play_rounds(run, workers=1)))
    cut = Scenario.model_validate(workshop_data(horizon_days=14, strategies={"m": MOVERS}))
    expected = riskSim.simulate(cut, workers=1).summary["strategies"]["m"]
    movers = next(row for row in first.standings if row.team == "Movers")
    assert movers.mean_profit == expected["profit"]["mean"]


def test_uncertain_onsets_cut_at_the_median_draw(team_file):
    data = workshop_data(
        horizon_days=56,
        shocks=[
            {
                "type": "pay_per_post",
                "channel": "social",
                "at": {"dist": "uniform", "low": 10, "high": 30},
                "fee": 5,
            }
        ],
    )
    scenario = Scenario.model_validate(data)
    run = run_workshop(scenario, load_teams([team_file("P", PAYERS)], scenario), workers=1)
    ((day, _),) = round_cuts(run.results)
    assert 10 <= day <= 30
    drawn = run.results.inputs["shocks.0.at"]
    assert abs(day - float(sorted(drawn)[len(drawn) // 2])) <= 1.5
    expected_mode = run_workshop(
        scenario, run.teams, deterministic=True, workers=1
    )  # expected-value mode: the mean, 20
    assert [cut for cut, _ in round_cuts(expected_mode.results)] == [20]


def test_the_debrief_tells_what_each_team_did(scenario, team_file, tmp_path):
    teams = load_teams([team_file("Quitters", QUITTERS), team_file("Payers", PAYERS)], scenario)
    run = run_workshop(scenario, teams, deterministic=True, workers=1)
    stories = team_stories(run)
    assert stories["Quitters"] == [
        "When social started charging 5 a post on day 14, Quitters stopped posting on social "
        "and lost 100% of revenue against the calm world from day 14 to day 28."
    ]
    assert stories["Payers"] == [
        "When social started charging 5 a post on day 14, Payers paid the fee and kept its "
        "cadence on social and lost 0% of revenue against the calm world from day 14 to day 28."
    ]
    folder = write_debrief(run, tmp_path / "out", chart_format="svg")
    names = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    assert names == [
        ".risksim-manifest.json",
        "charts/debrief.svg",
        "charts/leaderboard.svg",
        "debrief.html",
        "leaderboard.csv",
        "leaderboard.json",
        "leaderboard.md",
    ]
    header = (folder / "leaderboard.csv").read_text().splitlines()[0]
    assert header == ",".join(LEADERBOARD_COLUMNS)
    page = (folder / "debrief.html").read_text()
    assert page.count("<svg") == 2
    assert "social started charging 5 a post" in page
    assert "<script" not in page and "http://" not in page.split("<svg")[0]


def test_a_team_file_of_secrets_shows_short_keys_and_no_values(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(workshop_data())
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: " + "t" * 100 + "\n"
        "strategy: sk-live-0123456789abcdef0123456789abcdef\n"
        "a sentence that happens to hold a colon: x\n"
    )
    with pytest.raises(InvalidInputError) as raised:
        load_teams([team], scenario)
    message = raised.value.render()
    assert "the name is 100 characters; at most 64 fit" in message
    assert "got a text of 40 characters" in message and "sk-live" not in message
    assert "sentence" not in message and "unknown key '<a key>'" in message
