"""The shipped scenario library: every file validates, runs, cites sources, compares strategies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

import riskSim
from riskSim.scenario.catalogue import brief_data, brief_text, list_scenarios, validate_paths
from riskSim.scenario.loading import resolve_extends
from riskSim.scenario.schema import scenario_schema

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
BASES = sorted((SCENARIOS / "bases").glob("*.yaml"))
SHOCK_WORDS = (
    "pay_per_post",
    "reach_collapse",
    "feature_shutdown",
    "platform_shutdown",
    "account_suspension",
    "ad_cost_inflation",
    "audience_exodus",
    "Shocks",
    "fee",
    "suspen",
    "ramp",
    "notice",
    "onset",
)


def test_library_has_at_least_ten_scenarios_and_bases_stay_out_of_the_listing():
    assert len(FILES) >= 10
    assert BASES, "shared channels live in scenarios/bases/"
    assert all(path.parent == SCENARIOS for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_scenario_validates_runs_and_cites_sources(path):
    scenario = riskSim.load_scenario(path)
    assert scenario.name == path.stem
    assert scenario.title and len(scenario.description) > 200
    assert len(scenario.sources) >= 3
    assert any("assumption" in source.lower() for source in scenario.sources)
    assert len(scenario.strategies) >= 2
    assert "owned-first" in scenario.strategies
    assert scenario.shocks
    results = riskSim.simulate(scenario, replications=20, workers=1)
    strategies = results.summary["strategies"]
    assert set(strategies) == set(scenario.strategies)
    for summary in strategies.values():
        assert summary["calm_revenue"]["mean"] > 0


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_platform_first_strategy_earns_mostly_on_rented_channels(path):
    """Each story is about dependency: the first strategy's calm revenue is mostly rented."""
    scenario = riskSim.load_scenario(path)
    first = next(iter(scenario.strategies))
    results = riskSim.simulate(scenario, replications=20, workers=1, deterministic=True)
    assert results.summary["strategies"][first]["rented_revenue_share"] > 0.6
    owned = results.summary["strategies"]["owned-first"]["rented_revenue_share"]
    assert owned < results.summary["strategies"][first]["rented_revenue_share"]


def test_linkedin_scenario_compares_pay_reduce_exit_and_keeps_design_figures():
    scenario = riskSim.load_scenario(SCENARIOS / "linkedin-pay-per-post.yaml")
    responses = {name: s.responses.pay_per_post for name, s in scenario.strategies.items()}
    assert {"pay", "reduce", "exit"} <= set(responses.values())
    linkedin = scenario.channels["linkedin"]
    assert (linkedin.audience, linkedin.target_share, linkedin.posts_per_week) == (5000, 0.6, 5)
    # per view, from the 2019 study of LinkedIn company pages: 5.6% engage, 3.8% click
    assert linkedin.engagement_rate == 0.056
    assert (linkedin.click_rate, linkedin.order_value) == (0.68, 1200)
    assert scenario.currency == "USD"
    results = riskSim.simulate(scenario, replications=50, workers=1, deterministic=True)
    strategies = results.summary["strategies"]
    assert strategies["pay"]["revenue_at_risk"]["mean"] == pytest.approx(0.0)
    assert strategies["exit"]["revenue_at_risk"]["mean"] > strategies["reduce"]["revenue_at_risk"][
        "mean"
    ] > 0
    assert strategies["pay"]["channels"]["linkedin"]["fees"] > 0
    assert strategies["exit"]["channels"]["linkedin"]["fees"] < 100
    # posting pays for itself in the calm world; the fee is what costs money
    for strategy in strategies.values():
        assert strategy["calm_profit"]["mean"] > 0
    pay = strategies["pay"]
    assert pay["profit_at_risk"]["mean"] == pytest.approx(pay["channels"]["linkedin"]["fees"])


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_every_shipped_strategy_makes_money_in_the_calm_world(path):
    """A platform-first strategy that loses money without any shock reads as a broken model."""
    scenario = riskSim.load_scenario(path)
    results = riskSim.simulate(scenario, workers=1, deterministic=True)
    for name, strategy in results.summary["strategies"].items():
        assert strategy["calm_profit"]["mean"] > 0, name
        assert strategy["profit_at_risk"]["cvar95"] >= strategy["profit_at_risk"]["var95"]


def test_library_covers_every_shock_type_and_uncertainty():
    scenarios = [riskSim.load_scenario(path) for path in FILES]
    types = {shock.type for scenario in scenarios for shock in scenario.shocks}
    assert types == set(SHOCK_WORDS[:7])
    assert any(
        shock.annual_probability is not None for scenario in scenarios for shock in scenario.shocks
    )
    assert any(scenario.workshop.hide_shocks for scenario in scenarios)
    evacuating = [
        scenario
        for scenario in scenarios
        if any(s.responses.platform_shutdown == "evacuate" for s in scenario.strategies.values())
        and any(shock.type == "platform_shutdown" for shock in scenario.shocks)
    ]
    assert evacuating


def test_uncertain_scenario_has_sensitivity_for_the_tornado():
    scenario = riskSim.load_scenario(SCENARIOS / "uncertain-platform-risk.yaml")
    results = riskSim.simulate(scenario, replications=40, workers=1)
    sensitivity = results.summary["sensitivity"]
    for strategy in scenario.strategies:
        inputs = [row["input"] for row in sensitivity[strategy]]
        assert any(path.startswith("shocks.") for path in inputs)
        assert any(path.startswith("channels.") for path in inputs)


def _raw(path: Path) -> dict:
    data, _ = resolve_extends(path)
    return data


def test_schema_is_valid_and_accepts_every_shipped_file_as_written_and_resolved():
    schema = scenario_schema()
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for path in [*FILES, *BASES]:
        written = yaml.safe_load(path.read_text())
        assert not list(validator.iter_errors(written)), path
        assert not list(validator.iter_errors(_raw(path))), path


def test_schema_rejects_broken_scenarios():
    validator = Draft202012Validator(scenario_schema())
    good = _raw(SCENARIOS / "linkedin-pay-per-post.yaml")
    broken_rate = {**good, "channels": {"linkedin": {**good["channels"]["linkedin"],
                                                     "engagement_rate": 1.5}}}
    assert list(validator.iter_errors(broken_rate))
    typo = {**good, "horizon_dayz": 10}
    assert list(validator.iter_errors(typo))
    no_channels = {key: value for key, value in good.items() if key != "channels"}
    assert list(validator.iter_errors(no_channels))
    bad_kind = {**good, "channels": {"x": {"kind": "borrowed", "audience": 1}}}
    assert list(validator.iter_errors(bad_kind))
    missing_kind = {**good, "channels": {"x": {"audience": 1}}}
    assert list(validator.iter_errors(missing_kind))
    partial = {"extends": "base.yaml", "channels": {"x": {"audience": 1}}}
    assert not list(validator.iter_errors(partial))


def test_schema_gives_every_field_a_description_and_every_optional_one_a_default():
    schema = scenario_schema()
    definitions = {"Scenario": schema, **schema["$defs"]}
    for name, definition in definitions.items():
        required = set(definition.get("required", []))
        for field, prop in definition["properties"].items():
            assert prop.get("description"), f"{name}.{field}"
            if field not in required and not (name == "Scenario" and field == "channels"):
                if name == "ChannelPatch" and field in ("kind", "audience"):
                    continue
                assert "default" in prop, f"{name}.{field}"
    normal = schema["$defs"]["Normal"]["properties"]
    assert "mean" in normal and "mean_" not in normal
    assert schema["properties"]["horizon_days"]["default"] == 730
    assert schema["properties"]["workshop"]["default"] == {
        "score": "mean_profit",
        "hide_shocks": False,
    }


def test_list_scenarios_reports_every_file_with_its_shocks_and_strategies():
    entries = {entry.name: entry for entry in list_scenarios(SCENARIOS)}
    assert set(entries) == {path.stem for path in FILES}
    linkedin = entries["linkedin-pay-per-post"]
    assert linkedin.valid
    assert linkedin.shocks == ("pay per post on linkedin",)
    assert linkedin.strategies == ("pay", "reduce", "exit", "owned-first")
    hidden = entries["workshop-hidden-shocks"]
    assert hidden.shocks == () and hidden.shocks_hidden  # list must not give them away


def test_validate_paths_collects_problems_of_every_file(tmp_path):
    (tmp_path / "a.yaml").write_text("channels:\n  x: {kind: rentd, audience: -1}\n")
    (tmp_path / "b.yaml").write_text("channels:\n  y: {kind: owned, audience: 1, clik_rate: 1}\n")
    files, problems = validate_paths([tmp_path, tmp_path / "missing.yaml"])
    assert len(files) == 2
    rendered = "\n".join(problem.render() for problem in problems)
    assert "a.yaml:2: channels.x.kind" in rendered
    assert "channels.x.audience" in rendered
    assert "did you mean 'click_rate'" in rendered
    assert "missing.yaml: no such file" in rendered


def test_brief_leaves_hidden_shocks_and_sources_out():
    scenario = riskSim.load_scenario(SCENARIOS / "workshop-hidden-shocks.yaml")
    assert scenario.workshop.hide_shocks and scenario.shocks
    data = brief_data(scenario)
    assert "shocks" not in data and "sources" not in data
    text = brief_text(scenario)
    for word in SHOCK_WORDS:
        assert word.lower() not in text.lower(), word
    assert "audience: 40,000" in text
    for strategy in scenario.strategies.values():
        assert strategy.description not in text


def test_brief_shows_shocks_when_not_hidden():
    scenario = riskSim.load_scenario(SCENARIOS / "creator-single-platform.yaml")
    text = brief_text(scenario)
    assert "platform_shutdown on tiktok" in text
    assert "uniform 0-270" in text
    assert "organic reach: 0.3" in text
