"""``risksim list | new | validate | schema | brief`` through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
