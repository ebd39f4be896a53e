"""Decisions in money through the CLI: profit at risk, the recommendation, currency, overrides.

Hand-worked on the base case of tests/conftest.py in expected-value mode: a post
a day for 28 days, 25 revenue a post, 10 to produce (a margin of 15).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import riskSim
from riskSim.charts.figures import loss_distribution, revenue_fan
from riskSim.cli import app
from riskSim.cli.app import stdout
from riskSim.scenario import Scenario
from tests.conftest import PLAIN_CHANNEL, scenario_data

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["run", *map(str, args)])


def busy_or_sparse(**fields) -> dict:
    """Posting costs more than it earns (30 against 25): more posts, more revenue, less profit."""
    return scenario_data(
        channels={"social": {**PLAIN_CHANNEL, "production_cost": 30}},
        strategies={"busy": {}, "sparse": {"posts_per_week": {"social": 1}}},
        **fields,
    )


def daily_or_weekly(**fields) -> dict:
    """Reach falls to 0 from day 14: daily posting earns more and has more to lose.

    daily: 28 posts, 14 after the shock earn nothing: profit 14 x 15 - 14 x 10 = 70,
    profit at risk 14 x 25 = 350. weekly: days 0, 7, 14, 21: profit 2 x 15 - 2 x 10 = 10,
    profit at risk 2 x 25 = 50.
    """
    return scenario_data(
        strategies={"daily": {}, "weekly": {"posts_per_week": {"social": 1}}},
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 14, "factor": 0}],
        **fields,
    )


def summary_of(write_yaml, tmp_path: Path, data: dict, *extra: str) -> dict:
    out = tmp_path / "out"
    result = run(write_yaml(data), "--out", out, "--no-charts", "--deterministic", *extra)
    assert result.exit_code == 0, result.output
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_the_recommendation_names_the_profit_best_not_the_revenue_best(write_yaml, tmp_path) -> None:
    summary = summary_of(write_yaml, tmp_path, busy_or_sparse())
    strategies = summary["strategies"]
    assert strategies["busy"]["revenue"]["mean"] == pytest.approx(28 * 25)
    assert strategies["sparse"]["revenue"]["mean"] == pytest.approx(4 * 25)
    assert summary["recommendation"] == {
        "strategy": "sparse",
        "objective": "mean_profit",
        "value": pytest.approx(4 * (25 - 30)),
        "within_risk_budget": True,
    }
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Recommended: **sparse**: highest expected profit, -20" in report
    by_revenue = summary_of(write_yaml, tmp_path, busy_or_sparse(objective="mean_revenue"))
    assert by_revenue["recommendation"]["strategy"] == "busy"
    assert by_revenue["recommendation"]["value"] == pytest.approx(700)


def test_a_risk_budget_moves_the_recommendation(write_yaml, tmp_path) -> None:
    free = summary_of(write_yaml, tmp_path, daily_or_weekly())
    assert free["strategies"]["daily"]["profit_at_risk"]["cvar95"] == pytest.approx(350)
    assert free["strategies"]["weekly"]["profit_at_risk"]["cvar95"] == pytest.approx(50)
    assert free["recommendation"]["strategy"] == "daily"
    assert free["recommendation"]["value"] == pytest.approx(70)

    budget = daily_or_weekly(risk_budget={"profit_at_risk_cvar95": 100})
    out = tmp_path / "budget"
    result = run(write_yaml(budget), "--out", out, "--no-charts", "--deterministic")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["recommendation"] == {
        "strategy": "weekly",
        "objective": "mean_profit",
        "value": pytest.approx(10),
        "within_risk_budget": True,
    }
    last_line = result.output.strip().splitlines()[-1]
    assert last_line == (
        "Recommended: weekly: highest expected profit, 10, and profit at risk CVaR95 50 within "
        "the 100 budget; daily has more (70) but its profit at risk CVaR95, 350, is over the budget."
    )
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Recommended: **weekly**" in report
    assert "Recommended: **weekly**" in (out / "report.html").read_text(encoding="utf-8").replace(
        "<strong>", "**"
    ).replace("</strong>", "**")


def test_when_no_strategy_is_within_the_budget_the_report_says_so(write_yaml, tmp_path) -> None:
    data = daily_or_weekly(risk_budget={"profit_at_risk_cvar95": 10, "revenue_at_risk_cvar95": 400})
    summary = summary_of(write_yaml, tmp_path, data)
    assert summary["recommendation"] == {
        "strategy": "daily",
        "objective": "mean_profit",
        "value": pytest.approx(70),
        "within_risk_budget": False,
    }
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert (
        "No strategy meets the risk budget (profit at risk CVaR95 at most 10 and revenue at risk "
        "CVaR95 at most 400); the best by expected profit is **daily**, 70, with profit at risk "
        "CVaR95 350 and revenue at risk CVaR95 350, over the budget." in report
    )


def test_a_risk_budget_can_be_set_from_the_command_line(write_yaml, tmp_path) -> None:
    summary = summary_of(
        write_yaml, tmp_path, daily_or_weekly(), "--set", "risk_budget.profit_at_risk_cvar95=100"
    )
    assert summary["recommendation"]["strategy"] == "weekly"
    assert summary["overrides"] == ["risk_budget.profit_at_risk_cvar95=100"]
    assert summary["risk_budget"] == {"profit_at_risk_cvar95": 100, "revenue_at_risk_cvar95": None}


def test_a_revenue_budget_counts_revenue_at_risk(write_yaml, tmp_path) -> None:
    data = daily_or_weekly(risk_budget={"revenue_at_risk_cvar95": 100}, objective="p5_profit")
    summary = summary_of(write_yaml, tmp_path, data)
    assert summary["recommendation"]["strategy"] == "weekly"
    assert summary["recommendation"]["objective"] == "p5_profit"


def test_currency_appears_in_every_output(write_yaml, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(stdout, "_width", 80)
    data = daily_or_weekly(currency="EUR", risk_budget={"profit_at_risk_cvar95": 100})
    out = tmp_path / "out"
    result = run(write_yaml(data), "--out", out, "--format", "svg", "--deterministic")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["currency"] == "EUR"
    assert "money in €" in result.output
    assert "profit at risk CVaR95 €50 within the €100 budget" in result.output
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "€" in markdown and "in EUR (€)" in markdown
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "€" in page
    results = riskSim.simulate(Scenario.model_validate(data), deterministic=True, workers=1)
    axis = loss_distribution(results).axes[-1].xaxis
    assert axis.get_major_formatter()(2500, 0) == "€2.5k"
    assert "(€)" in axis.get_label_text()
    fan = revenue_fan(results)
    assert fan.axes[0].yaxis.get_major_formatter()(2000, 0) == "€2k"
    # another currency: its code; none: bare numbers
    assert riskSim.words.short_money(2000, "CHF") == "CHF 2k"
    assert riskSim.words.money(-1234.4, "USD") == "-$1,234"
    assert riskSim.words.money(1234.4) == "1,234"


def test_currency_in_sweep_compare_and_workshop_outputs(write_yaml, tmp_path) -> None:
    path = write_yaml(daily_or_weekly(currency="GBP"))
    swept = runner.invoke(
        app,
        ["sweep", str(path), "--strategy", "daily", "--vary", "shocks.0.factor=0:0.5:2",
         "--deterministic", "--no-charts", "--out", str(tmp_path / "sweep")],
    )
    assert swept.exit_code == 0, swept.output
    assert "money in £" in swept.output
    rows = list(csv.DictReader((tmp_path / "sweep" / "sweep.csv").open(encoding="utf-8")))
    assert float(rows[0]["profit_at_risk_mean"]) == pytest.approx(350)
    assert float(rows[0]["profit_at_risk_cvar95"]) == pytest.approx(350)
    assert float(rows[1]["profit_at_risk_mean"]) == pytest.approx(175)
    compared = runner.invoke(
        app,
        ["compare", str(path), "--variant", "half:shocks.0.factor=0.5", "--deterministic",
         "--no-charts", "--out", str(tmp_path / "compare")],
    )
    assert compared.exit_code == 0, compared.output
    assert "money in £" in compared.output
    rows = list(csv.DictReader((tmp_path / "compare" / "compare.csv").open(encoding="utf-8")))
    assert [float(row["profit_at_risk_mean"]) for row in rows] == pytest.approx([350, 50, 175, 25])
    team = tmp_path / "team.yaml"
    team.write_text("team: Herons\nstrategy: {posts_per_week: {social: 1}}\n", encoding="utf-8")
    played = runner.invoke(
        app,
        ["workshop", str(path), str(team), "--deterministic", "--no-charts",
         "--out", str(tmp_path / "workshop")],
    )
    assert played.exit_code == 0, played.output
    board = (tmp_path / "workshop" / "leaderboard.md").read_text(encoding="utf-8")
    assert "£10" in board and "£50" in board  # profit, and profit at risk CVaR95
    document = json.loads((tmp_path / "workshop" / "leaderboard.json").read_text(encoding="utf-8"))
    assert document["currency"] == "GBP"
    assert document["teams"][0]["profit_at_risk_cvar95"] == pytest.approx(50)


def test_overrides_are_listed_and_mark_the_title(write_yaml, tmp_path) -> None:
    data = scenario_data(
        title="Social charges 5 per post",
        shocks=[{"type": "pay_per_post", "channel": "social", "at": 14, "fee": 5}],
    )
    out = tmp_path / "out"
    result = run(
        write_yaml(data), "--out", out, "--no-charts", "--deterministic",
        "--set", "shocks.0.fee=0", "--set", "channels.social.audience=2000",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["overrides"] == ["shocks.0.fee=0", "channels.social.audience=2000"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    first, _, third = markdown.splitlines()[:3]
    assert first == (
        "# Social charges 5 per post "
        "(with overrides: shocks.0.fee=0, channels.social.audience=2000)"
    )
    assert third.startswith("Run with overrides: `shocks.0.fee=0`, `channels.social.audience=2000`.")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h1>Social charges 5 per post (with overrides: shocks.0.fee=0," in page
    assert "with overrides: shocks.0.fee=0" in result.output
    # a fee of 0 is no shock: nothing at risk
    assert summary["strategies"]["stay"]["profit_at_risk"]["cvar95"] == 0.0
    plain = tmp_path / "plain"
    assert run(write_yaml(data), "--out", plain, "--no-charts", "--deterministic").exit_code == 0
    assert json.loads((plain / "summary.json").read_text(encoding="utf-8"))["overrides"] == []


def test_the_run_table_fits_80_columns_with_profit_beside_revenue(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(stdout, "_width", 80)
    result = run("scenarios/linkedin-pay-per-post.yaml", "--out", tmp_path / "out", "--no-charts",
                 "--replications", "40")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines[:-1]), "\n".join(lines)
    for name in ("pay", "reduce", "exit", "owned-first"):
        assert any(line.strip() == name for line in lines)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    pay = summary["strategies"]["pay"]
    pay_row = next(index for index, line in enumerate(lines) if line.strip() == "pay")
    profit_row = next(line for line in lines[pay_row:] if line.strip().startswith("profit"))
    short = riskSim.words.short_money
    spread = f"{short(pay['profit']['p50'], digits=2)} ({short(pay['profit']['p5'], digits=2)}–"
    assert spread in profit_row
    assert short(pay["profit_at_risk"]["cvar95"]) in profit_row
    assert "…" not in result.output
    assert lines[-1].startswith("Recommended: ")


def test_deterministic_runs_print_one_column_and_one_replication(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(stdout, "_width", 80)
    result = run("scenarios/linkedin-pay-per-post.yaml", "--out", tmp_path / "out", "--no-charts",
                 "--deterministic")
    assert result.exit_code == 0, result.output
    table = "\n".join(result.output.splitlines()[:-2])  # the table, before its two last lines
    assert "1 replication," in table and "replications" not in table
    assert "VaR95" not in table and "p5" not in table
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| strategy | revenue | profit | revenue at risk (share) | profit at risk |" in markdown


def test_bad_currency_and_objective_exit_2_naming_the_field(write_yaml) -> None:
    result = run(write_yaml(scenario_data(currency="dollars")), "--no-charts")
    assert result.exit_code == 2
    assert "currency" in result.output and "ISO 4217" in result.output
    result = run(write_yaml(scenario_data(objective="max_profit")), "--no-charts")
    assert result.exit_code == 2
    assert "objective" in result.output and "mean_profit" in result.output
    result = run(write_yaml(scenario_data(risk_budget={"profit_at_risk": 5})), "--no-charts")
    assert result.exit_code == 2
    assert "did you mean 'profit_at_risk_cvar95'" in result.output
    assert "Traceback" not in result.output
