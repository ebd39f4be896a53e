"""``risksim workshop``, ``brief`` and ``new --template team`` through Typer's CliRunner."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.studies.workshop import LEADERBOARD_COLUMNS
from tests.conftest import PLAIN_CHANNEL

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
runner = CliRunner()

SCENARIO: dict[str, Any] = {
    "name": "tiny-workshop",
    "horizon_days": 28,
    "replications": 30,
    "seed": 5,
    "channels": {
        "social": copy.deepcopy(PLAIN_CHANNEL),
        "email": {**PLAIN_CHANNEL, "kind": "owned", "audience": 200},
    },
    "strategies": {"example": {}},
    "shocks": [
        {"type": "pay_per_post", "channel": "social", "at": 10, "fee": 5},
        {"type": "reach_collapse", "channel": "social", "at": 20, "factor": 0.5},
    ],
    "workshop": {"score": "p5_profit", "hide_shocks": True},
}
STRATEGIES = {
    "Blue Herons": {
        "capture": [{"from": "social", "to": "email", "rate": 0.1}],
        "responses": {"pay_per_post": "reduce", "reduce_to_posts_per_week": 1},
    },
    "Red Foxes": {"responses": {"pay_per_post": "pay"}},
    "Green Owls": {"posts_per_week": {"email": 3}, "responses": {"pay_per_post": "exit"}},
}


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def setup_files(tmp_path: Path) -> tuple[Path, list[Path]]:
    scenario = write(tmp_path / "tiny.yaml", SCENARIO)
    teams = [
        write(tmp_path / f"{name.split()[0].lower()}.yaml", {"team": name, "strategy": strategy})
        for name, strategy in STRATEGIES.items()
    ]
    return scenario, teams


def workshop(*args: str | Path):
    return runner.invoke(app, ["workshop", *map(str, args), "--workers", "1"])


def test_writes_the_debrief_with_the_designs_columns(tmp_path):
    scenario, teams = setup_files(tmp_path)
    out = tmp_path / "out"
    result = workshop(scenario, *teams, "--out", out, "--format", "svg")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "leaderboard.csv").open()))
    assert list(rows[0]) == list(LEADERBOARD_COLUMNS)
    assert sorted(row["team"] for row in rows) == sorted(STRATEGIES)
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(row["score"] == row["p5_profit"] for row in rows)
    for name in ("leaderboard.md", "debrief.html", "charts/leaderboard.svg", "charts/debrief.svg"):
        assert (out / name).is_file(), name
    assert "Blue Herons" in result.output


def test_each_teams_numbers_equal_a_plain_run(tmp_path):
    scenario, teams = setup_files(tmp_path)
    out = tmp_path / "out"
    assert workshop(scenario, *teams, "--out", out, "--no-charts", "--seed", "9").exit_code == 0
    board = {row["team"]: row for row in csv.DictReader((out / "leaderboard.csv").open())}
    for name, strategy in STRATEGIES.items():
        single = write(tmp_path / "single.yaml", {**SCENARIO, "strategies": {"only": strategy}})
        run_out = tmp_path / "run"
        result = runner.invoke(
            app,
            ["run", str(single), "--out", str(run_out), "--no-charts", "--seed", "9", "--quiet"],
        )
        assert result.exit_code == 0, result.output
        summary = json.loads((run_out / "summary.json").read_text())["strategies"]["only"]
        assert float(board[name]["mean_profit"]) == summary["profit"]["mean"]
        assert float(board[name]["p5_profit"]) == summary["profit"]["p5"]
        assert float(board[name]["mean_revenue"]) == summary["revenue"]["mean"]
        assert float(board[name]["revenue_at_risk_mean"]) == summary["revenue_at_risk"]["mean"]


def test_reordering_team_files_changes_nothing(tmp_path):
    scenario, teams = setup_files(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    assert workshop(scenario, *teams, "--out", first, "--format", "svg").exit_code == 0
    assert workshop(scenario, *teams[::-1], "--out", second, "--format", "svg").exit_code == 0
    for name in ("leaderboard.csv", "leaderboard.md", "charts/leaderboard.svg", "debrief.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_tie_shares_a_rank(tmp_path):
    scenario, _ = setup_files(tmp_path)
    same = STRATEGIES["Red Foxes"]
    teams = [
        write(tmp_path / "x.yaml", {"team": "Twin A", "strategy": same}),
        write(tmp_path / "y.yaml", {"team": "Twin B", "strategy": same}),
        write(tmp_path / "z.yaml", {"team": "Other", "strategy": STRATEGIES["Green Owls"]}),
    ]
    out = tmp_path / "out"
    assert workshop(scenario, *teams, "--out", out, "--no-charts").exit_code == 0
    rows = list(csv.DictReader((out / "leaderboard.csv").open()))
    twins = [row for row in rows if row["team"].startswith("Twin")]
    assert twins[0]["rank"] == twins[1]["rank"]
    assert twins[0]["score"] == twins[1]["score"]
    other = next(row for row in rows if row["team"] == "Other")
    assert other["rank"] in ("1", "3")


def test_invalid_team_files_exit_2_listing_every_one(tmp_path):
    scenario, teams = setup_files(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("team: Bad\nstrategy:\n  capture:\n    - {from: social, to: emial, rate: 0.1}\n")
    worse = write(tmp_path / "worse.yaml", {"team": "Worse", "strategy": {"posts_per_wek": {}}})
    out = tmp_path / "out"
    result = workshop(scenario, teams[0], bad, worse, "--out", out)
    assert result.exit_code == 2
    assert f"{bad}:4: strategy.capture.0.to: no channel named 'emial'; did you mean 'email'?" in (
        result.output
    )
    assert f"{worse}:" in result.output and "posts_per_week" in result.output
    assert str(teams[0]) not in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_duplicate_team_names_exit_2(tmp_path):
    scenario, teams = setup_files(tmp_path)
    copy_of_first = write(tmp_path / "again.yaml", yaml.safe_load(teams[0].read_text()))
    result = workshop(scenario, teams[0], copy_of_first, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert str(copy_of_first) in result.output


def test_rounds_without_a_terminal_print_every_round_and_never_wait(tmp_path):
    scenario, teams = setup_files(tmp_path)
    for extra in (["--no-pause"], []):
        result = runner.invoke(
            app,
            [
                "workshop",
                str(scenario),
                *map(str, teams),
                "--rounds",
                *extra,
                "--no-charts",
                "--workers",
                "1",
                "--out",
                str(tmp_path / "out"),
            ],
        )
        assert result.exit_code == 0, result.output
        for number in (1, 2, 3):
            assert f"Round {number} of 3" in result.output
        assert "social charges 5 per post" in result.output
        assert "Standings at day 10" in result.output
        assert "Standings at day 20" in result.output
        assert "Final standings" in result.output
        assert "Press Enter" not in result.output


def test_json_prints_the_leaderboard_and_the_rounds(tmp_path):
    scenario, teams = setup_files(tmp_path)
    result = workshop(
        scenario, *teams, "--json", "--rounds", "--no-charts", "--out", tmp_path / "out"
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [team["rank"] for team in document["teams"]] == sorted(
        team["rank"] for team in document["teams"]
    )
    assert [item["end_day"] for item in document["rounds"]] == [10, 20, 28]


def test_brief_never_prints_a_hidden_shock(tmp_path):
    scenario, _ = setup_files(tmp_path)
    result = runner.invoke(app, ["brief", str(scenario)])
    assert result.exit_code == 0, result.output
    for word in ("pay_per_post", "reach_collapse", "charges", "fee", "day 10", "day 20"):
        assert word not in result.output
    hidden = runner.invoke(app, ["brief", str(SCENARIOS / "workshop-hidden-shocks.yaml")])
    assert hidden.exit_code == 0
    for word in ("reach_collapse", "pay_per_post", "account_suspension", "suspended", "day 150"):
        assert word not in hidden.output


def test_new_team_template_is_accepted_by_workshop_and_is_not_a_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario, _ = setup_files(tmp_path)
    result = runner.invoke(app, ["new", "herons", "--template", "team"])
    assert result.exit_code == 0, result.output
    hidden = SCENARIOS / "workshop-hidden-shocks.yaml"
    run = runner.invoke(
        app,
        ["workshop", str(hidden), "herons.yaml", "-n", "5", "--no-charts", "--workers", "1"],
    )
    assert run.exit_code == 0, run.output
    assert (tmp_path / "runs" / "workshop-hidden-shocks-workshop" / "leaderboard.csv").is_file()
    # a team file validates as a team file (its team: key), not as a broken scenario
    checked = runner.invoke(app, ["validate", "herons.yaml", "--scenario", str(hidden)])
    assert checked.exit_code == 0, checked.output
    fitted = runner.invoke(app, ["new", "owls", "--template", "team", "--scenario", str(scenario)])
    assert fitted.exit_code == 0, fitted.output
    assert "from: social, to: email" in (tmp_path / "owls.yaml").read_text()
    assert workshop(scenario, "owls.yaml", "--no-charts", "--quiet").exit_code == 0


def test_the_facilitator_guides_commands_work_as_written(tmp_path, monkeypatch):
    """Every command of FACILITATOR.md, in order, from a fresh copy of the repository's examples."""
    import re
    import shutil

    root = Path(__file__).resolve().parents[2]
    guide = (root / "examples" / "workshop" / "FACILITATOR.md").read_text(encoding="utf-8")
    for folder in ("examples", "scenarios"):  # a fresh clone: the examples extend scenarios/
        shutil.copytree(root / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    # a command takes a file or folder (`risksim run` alone names a command in prose)
    commands = [
        command
        for command in re.findall(r"`((?:risksim|mkdir) [^`]+)`", guide)
        if len(command.split()) > 2 or command.startswith("mkdir")
    ]
    assert any("--template team" in command for command in commands)
    ran = 0
    for command in commands:
        words = command.split()
        if words[0] == "mkdir":
            Path(words[1]).mkdir()
            continue
        if "<team>" in command:
            for team in ("blue-herons", "red-foxes"):
                result = runner.invoke(app, [word.replace("<team>", team) for word in words[1:]])
                assert result.exit_code == 0, (command, result.output)
                assert Path(f"teams/{team}.yaml").is_file()
            ran += 1
            continue
        args: list[str] = []
        for word in words[1:]:
            args += sorted(str(path) for path in Path().glob(word)) if "*" in word else [word]
        if words[1] == "workshop":
            if "-n" in args:
                args[args.index("-n") + 1] = "20"
            else:
                args += ["-n", "20"]
            if "--rounds" in args:
                args.append("--no-pause")
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (command, result.output)
        ran += 1
    assert ran >= 6
    assert Path("runs/workshop-exercise-workshop/debrief.html").is_file()
