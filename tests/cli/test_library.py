"""``risksim list | new | validate | schema | brief`` through Typer's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

import riskSim
from riskSim.cli import app
from riskSim.cli.app import stdout

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
runner = CliRunner()


def test_list_shows_every_scenario_with_shocks_and_strategies(monkeypatch):
    monkeypatch.setattr(stdout, "_width", 200)  # a wide terminal: no folding
    result = runner.invoke(app, ["list", str(SCENARIOS)])
    assert result.exit_code == 0, result.output
    for path in SCENARIOS.glob("*.yaml"):
        assert path.stem in result.output
    assert "pay per post on linkedin" in result.output
    assert "owned-first" in result.output
    assert "bases" not in result.output


def test_list_of_a_missing_folder_exits_2(tmp_path):
    result = runner.invoke(app, ["list", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such folder" in result.output


@pytest.mark.parametrize("template", ["b2b", "retail", "creator"])
def test_new_writes_a_file_that_validates_and_runs(tmp_path, template):
    target = tmp_path / f"my-{template}.yaml"
    result = runner.invoke(app, ["new", str(target), "--template", template])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert text.startswith(f"# my-{template}: a riskSim scenario")
    assert text.count("#") > 10  # commented
    checked = runner.invoke(app, ["validate", str(target)])
    assert checked.exit_code == 0, checked.output
    assert "1 file(s) valid" in checked.output
    scenario = riskSim.load_scenario(target)
    assert scenario.name == f"my-{template}"
    assert len(scenario.strategies) == 2 and scenario.shocks and scenario.sources
    summary = riskSim.simulate(scenario, replications=10, workers=1).summary
    assert summary["strategies"]["platform-first"]["calm_revenue"]["mean"] > 0


def test_new_with_a_bare_name_writes_name_yaml_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "launch-plan"])
    assert result.exit_code == 0, result.output
    assert "name: launch-plan" in (tmp_path / "launch-plan.yaml").read_text()


def test_new_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("keep me\n")
    result = runner.invoke(app, ["new", str(target)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert target.read_text() == "keep me\n"
    forced = runner.invoke(app, ["new", str(target), "--force", "--template", "creator"])
    assert forced.exit_code == 0, forced.output
    assert "tiktok" in target.read_text()


def test_new_rejects_an_unknown_template_and_a_bad_name(tmp_path):
    unknown = runner.invoke(app, ["new", str(tmp_path / "a.yaml"), "--template", "bank"])
    assert unknown.exit_code == 2
    bad = runner.invoke(app, ["new", str(tmp_path / "-bad name.yaml")])
    assert bad.exit_code == 2
    assert not list(tmp_path.iterdir())


def test_validate_accepts_the_shipped_library():
    result = runner.invoke(app, ["validate", str(SCENARIOS)])
    assert result.exit_code == 0, result.output
    assert f"{len(list(SCENARIOS.glob('*.yaml')))} file(s) valid" in result.output


def test_validate_lists_every_problem_in_every_file(tmp_path):
    first = tmp_path / "first.yaml"
    first.write_text("channels:\n  x: {kind: rentd, audience: 10}\nhorizon_days: -5\n")
    second = tmp_path / "second.yaml"
    second.write_text(
        "channels:\n  y: {kind: owned, audience: 1}\n"
        "shocks:\n  - {type: reach_collapse, channel: z}\n"
    )
    result = runner.invoke(
        app, ["validate", str(SCENARIOS / "linkedin-pay-per-post.yaml"), str(first), str(second)]
    )
    assert result.exit_code == 2
    assert "3 problem(s) in 2 file(s)" in result.output
    assert f"{first}:2: channels.x.kind: 'rentd' is not one of: rented, owned" in result.output
    assert f"{first}:3: horizon_days" in result.output
    assert f"{second}:4: shocks.0.channel: no channel named 'z'" in result.output
    assert "Traceback" not in result.output


def test_schema_prints_a_valid_json_schema_that_checks_files():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    channel = schema["$defs"]["Channel"]["properties"]
    assert channel["organic_reach"]["default"] == 0.1
    number = {"type": "number", "minimum": 0.0, "maximum": 1.0}
    assert channel["organic_reach"]["anyOf"][0] == number
    validator = Draft202012Validator(schema)
    good = {"channels": {"blog": {"kind": "owned", "audience": 100}}}
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({"channels": {"blog": {"kind": "owned"}}}))


def test_brief_hides_shocks_when_the_workshop_says_so():
    result = runner.invoke(app, ["brief", str(SCENARIOS / "workshop-hidden-shocks.yaml")])
    assert result.exit_code == 0, result.output
    assert "facebook (rented)" in result.output
    assert "email (owned)" in result.output
    for word in ("reach_collapse", "pay_per_post", "suspension", "fee", "day 150", "Sources"):
        assert word not in result.output


def test_brief_shows_shocks_otherwise():
    result = runner.invoke(app, ["brief", str(SCENARIOS / "linkedin-pay-per-post.yaml")])
    assert result.exit_code == 0, result.output
    assert "pay_per_post on linkedin: at 180, fee 10" in result.output
    assert "organic reach: triangular 0.04-0.08-0.12" in result.output
    assert "Everything stays on LinkedIn; pay the fee" not in result.output  # strategies
    assert "Sources" in result.output and "Smart Insights" in result.output


def test_brief_of_an_invalid_file_exits_2(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("channels: {}\n")
    result = runner.invoke(app, ["brief", str(broken)])
    assert result.exit_code == 2
    assert "broken.yaml" in result.output


def test_validate_reports_schema_and_reference_problems_in_one_pass(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "channels:\n"
        "  linkedin: {kind: rented, audience: 100, organic_reach: 2}\n"  # 2: out of [0, 1]
        "  email: {kind: owned, audience: -5}\n"  # 3: negative audience
        "horizon_days: 0\n"  # 4: not positive
        "strategies:\n"
        "  own:\n"
        "    capture: [{from: linkdin, to: email, rate: 0.1}]\n"  # 7: misspelled channel
        "    posts_per_week: {emial: 2}\n"  # 8: misspelled channel
        "shocks:\n"
        "  - {type: pay_per_post, channel: linkedn, at: 10, fee: 5}\n"  # 10: misspelled channel
    )
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    assert "6 problem(s) in 1 file(s)" in result.output
    for line, field in (
        (2, "channels.linkedin.organic_reach"),
        (3, "channels.email.audience"),
        (4, "horizon_days"),
        (7, "strategies.own.capture.0.from: no channel named 'linkdin'; did you mean"),
        (8, "strategies.own.posts_per_week.emial: no channel named 'emial'; did you mean"),
        (10, "shocks.0.channel: no channel named 'linkedn'; did you mean"),
    ):
        assert f"{broken}:{line}: {field}" in result.output, field
    assert "Traceback" not in result.output


def test_validate_accepts_a_team_file_written_by_new(tmp_path):
    scenario = Path(__file__).resolve().parents[2] / "examples" / "workshop" / "scenario.yaml"
    team = tmp_path / "blue-herons.yaml"
    written = runner.invoke(
        app, ["new", str(team), "--template", "team", "--scenario", str(scenario)]
    )
    assert written.exit_code == 0, written.output
    alone = runner.invoke(app, ["validate", str(team)])
    assert alone.exit_code == 0, alone.output
    assert "1 file(s) valid" in alone.output
    against = runner.invoke(app, ["validate", str(team), "--scenario", str(scenario)])
    assert against.exit_code == 0, against.output
    # against a scenario without those channels, the team's references fail
    other = runner.invoke(
        app, ["validate", str(team), "--scenario", str(SCENARIOS / "linkedin-pay-per-post.yaml")]
    )
    assert other.exit_code == 2
    assert "strategy.capture.0.from: no channel named 'facebook'" in other.output


def test_validate_lists_a_team_files_own_mistakes_with_scenarios_beside_it(tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text("team: Owls\nstrategy:\n  capture: [{from: x, to: email, rate: 3}]\n  colour: 1\n")
    result = runner.invoke(app, ["validate", str(team), str(SCENARIOS / "linkedin-pay-per-post.yaml")])
    assert result.exit_code == 2
    assert "2 problem(s) in 1 file(s)" in result.output
    assert f"{team}:3: strategy.capture.0.rate" in result.output
    assert f"{team}:4: strategy.colour: unknown key" in result.output


def test_list_never_shows_hidden_shocks(monkeypatch):
    monkeypatch.setattr(stdout, "_width", 200)
    folder = Path(__file__).resolve().parents[2] / "examples" / "workshop"
    hidden = riskSim.load_scenario(folder / "scenario.yaml")
    assert hidden.workshop.hide_shocks and hidden.shocks
    result = runner.invoke(app, ["list", str(folder)])
    assert result.exit_code == 0, result.output
    assert "hidden (workshop)" in result.output
    for shock in hidden.shocks:
        assert shock.type not in result.output
        assert shock.type.replace("_", " ") not in result.output
    assert "none" not in result.output  # hidden is not the same as no shocks


def test_list_fits_80_columns_without_breaking_a_name(monkeypatch):
    monkeypatch.setattr(stdout, "_width", 80)
    result = runner.invoke(app, ["list", str(SCENARIOS)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output
    words = {word for line in lines for word in line.split()}
    for path in SCENARIOS.glob("*.yaml"):
        scenario = riskSim.load_scenario(path)
        assert scenario.name in words, scenario.name
        for strategy in scenario.strategies:
            assert strategy in words, strategy


def test_version_and_completion():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"risksim {version('riskSim')}"
    assert "--install-completion" in runner.invoke(app, ["--help"]).output


def test_help_keeps_its_brackets_and_shows_no_bool_on_flags(monkeypatch):
    monkeypatch.setattr(stdout, "_width", 100)
    result = runner.invoke(app, ["run", "--help"], terminal_width=100)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "riskSim[dask]" in text
    assert "<bool>" not in result.output
    assert "--quiet" in result.output


def test_list_and_sweep_tables_fit_columns_80_in_a_real_process(tmp_path):
    """COLUMNS=80 as a shell sets it: no line longer, no header or name cut."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    listing = subprocess.run(
        [sys.executable, "-m", "riskSim", "list", str(SCENARIOS)],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    sweep = subprocess.run(
        [sys.executable, "-m", "riskSim", "sweep", str(SCENARIOS / "linkedin-pay-per-post.yaml"),
         "--strategy", "owned-first", "--vary", "strategies.owned-first.capture.0.rate=0:0.1:2",
         "--deterministic", "--no-charts", "--out", str(tmp_path / "sweep")],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    table = sweep.stdout.split("Pareto-efficient points")[0]
    for output in (listing.stdout, table):
        assert max(len(line) for line in output.splitlines()) <= 80
        assert "…" not in output
    for heading in ("revenue", "profit", "CVaR95", "rented", "share", "capture.0.rate"):
        assert heading in table


PYTHON_TYPE = re.compile(r"<(list\[\w+\]|Path|path|file|directory|str|int|float|bool)( range)?>")
"""A type column made from a Python annotation: ``<list[Path]>``, ``<Path>``, ``<int range>``."""


def test_every_commands_help_at_80_columns_names_types_in_words_and_cuts_nothing():
    commands = sorted(typer.main.get_command(app).commands)
    assert {"run", "validate", "charts", "compare", "workshop", "calibrate"} <= set(commands)
    seen = {}
    for command in ["", *commands]:
        result = runner.invoke(app, [command, "--help"] if command else ["--help"],
                               env={"COLUMNS": "80", "NO_COLOR": "1"})  # fmt: skip
        assert result.exit_code == 0, command
        assert PYTHON_TYPE.search(result.output) is None, (command, result.output)
        assert "…" not in result.output, (command, result.output)
        assert max(len(line) for line in result.output.splitlines()) <= 80, command
        seen[command] = " ".join(result.output.split())
    assert "paths... PATH... Scenario or team files" in seen["validate"]
    assert "--out -o PATH Output folder" in seen["run"]
    assert "--replications -n INTEGER [x>=1]" in seen["run"]
    assert "--strategy -s TEXT" in seen["sweep"]
    assert "--format <png|svg|pdf>" in seen["run"]
