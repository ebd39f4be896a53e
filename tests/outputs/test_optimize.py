"""An optimization's files: the words of the report, strategy.yaml, trials.csv, the chart.

The hand scenario (tests/studies/test_optimize.py): profit 210 + 1505 r and
profit at risk 210 + 525 r in expected-value mode; a budget of 420 binds at r = 0.4.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from riskSim.charts.optimize import render_optimize_charts
from riskSim.outputs.optimize import (
    lever_words,
    optimize_markdown,
    recommendation_lines,
    strategy_yaml,
    trials_csv,
    write_optimize,
)
from riskSim.studies.optimize import parse_choice, parse_lever, run_optimize
from tests.conftest import RATE, png_size, shutdown_data


def _result(write_yaml, **options):
    data = shutdown_data(
        currency="USD",
        risk_budget={"profit_at_risk_cvar95": 420},
        strategies={
            "own": {
                "capture": [{"from": "social", "to": "email", "rate": 0.0}],
                "responses": {"platform_shutdown": "stay"},
            }
        },
    )
    path = write_yaml(data)
    levers = [
        parse_lever(f"{RATE}=0:1"),
        parse_choice("strategies.own.responses.platform_shutdown=stay,evacuate"),
    ]
    return run_optimize(
        path, strategy="own", levers=levers, trials=16, deterministic=True, workers=1, **options
    )


def test_the_recommendation_reads_in_plain_words(write_yaml) -> None:
    result = _result(write_yaml)
    rate = result.best.values[RATE]
    words = lever_words(result, result.best)
    assert words.startswith(f"capture rate {rate:.3g} from social to email and '")
    lead, check, runner = recommendation_lines(result)
    assert lead.startswith(f"Run own with capture rate {rate:.3g}")
    assert "expected profit $" in lead and lead.endswith("within your $420 budget.")
    assert check.startswith(f"Hold-out check (seed {result.holdout_seed}")
    assert "expected-value mode" in check
    assert runner.startswith("Runner-up: ")


def test_an_unmeetable_budget_is_said_plainly(write_yaml) -> None:
    result = _result(write_yaml, max_cvar95=50)
    lead = recommendation_lines(result)[0]
    assert lead.startswith("No trial meets the risk budget (profit at risk CVaR95 at most $50)")


def test_strategy_yaml_is_an_entry_of_strategies_with_the_command(write_yaml) -> None:
    result = _result(write_yaml)
    text = strategy_yaml(result)
    lines = text.splitlines()
    assert lines[0].startswith("# Found by: risksim optimize ")
    assert f"--lever {RATE}=0:1" in lines[0] and "--trials 16" in lines[0]
    entry = yaml.safe_load(text)
    assert list(entry) == ["own"]
    assert entry["own"]["capture"][0]["rate"] == result.best.values[RATE]
    key = "strategies.own.responses.platform_shutdown"
    assert entry["own"]["responses"]["platform_shutdown"] == result.best.values[key]


def test_trials_csv_has_a_row_per_trial_and_marks_feasible(write_yaml) -> None:
    result = _result(write_yaml)
    lines = trials_csv(result).splitlines()
    assert len(lines) == 17
    header = lines[0].split(",")
    for line, trial in zip(lines[1:], result.trials, strict=True):
        cells = dict(zip(header, line.split(","), strict=True))
        assert cells["feasible"] == ("true" if trial.feasible else "false")
        assert float(cells[RATE]) == trial.values[RATE]


def test_the_folder_has_the_chart_and_the_report_shows_it(write_yaml, tmp_path: Path) -> None:
    result = _result(write_yaml)
    out = write_optimize(result, tmp_path / "opt", chart_format="svg")
    assert (out / "charts" / "optimize.svg").read_text().lstrip().startswith("<?xml")
    assert "![Every trial](charts/optimize.svg)" in (out / "report.md").read_text()
    assert "<svg" in (out / "report.html").read_text()
    assert "## The best trials" in optimize_markdown(result)


def test_the_chart_is_a_slide_sized_png(write_yaml) -> None:
    result = _result(write_yaml)
    png = render_optimize_charts(result, "png")["optimize"]
    assert png_size(png) == (1600, 900)
    assert png == render_optimize_charts(result, "png")["optimize"]
