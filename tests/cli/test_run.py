"""`risksim run` through the CLI: outputs, determinism, overrides, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from riskSim.cli import app
from tests.conftest import scenario_data

runner = CliRunner()


def shocked_data(**fields) -> dict:
    data = scenario_data(
        horizon_days=56,
        replications=600,  # two batches, so --workers 2 really splits the work
        strategies={"stay": {}, "leave": {"responses": {"pay_per_post": "exit"}}},
        shocks=[{"type": "pay_per_post", "channel": "social", "at": 20, "fee": 5}],
    )
    data.update(fields)
    return data


def run(*args: str):
    return runner.invoke(app, ["run", *map(str, args)])


def test_run_writes_summary_timeseries_and_resolved_scenario(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    out = tmp_path / "out"
    result = run(path, "--out", out, "--no-charts", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"summary.json", "timeseries.csv", "scenario.yaml"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "hand" and summary["replications"] == 600
    assert summary["horizon_days"] == 56 and summary["seed"] == 1 and not summary["deterministic"]
    for name in ("stay", "leave"):
        strategy = summary["strategies"][name]
        for key in ("revenue", "profit", "calm_revenue"):
            assert set(strategy[key]) >= {"mean", "se", "p5", "p50", "p95"}
        assert set(strategy["revenue_at_risk"]) >= {"mean", "se", "var95", "cvar95"}
        assert set(strategy["recovery_days"]) == {"median", "never_share"}
        assert set(strategy["channels"]["social"]) == {"revenue", "cost", "fees", "audience_end"}
    assert summary["strategies"]["stay"]["revenue_at_risk"]["mean"] == 0.0
    assert summary["strategies"]["leave"]["revenue_at_risk"]["mean"] > 0
    lines = (out / "timeseries.csv").read_text().splitlines()
    assert lines[0].startswith("strategy,world,week,start_day,days,revenue_mean,revenue_p5")
    assert len(lines) == 1 + 2 * 2 * 8  # strategies x worlds x weeks
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert resolved["channels"]["social"]["click_rate"] == 0.5
    assert "Outputs written to" in result.output


def test_resolved_scenario_reruns_to_the_same_summary(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    assert run(path, "--out", tmp_path / "a", "--no-charts", "--set", "shocks.0.fee=7").exit_code == 0
    rerun = run(tmp_path / "a" / "scenario.yaml", "--out", tmp_path / "b", "--no-charts")
    assert rerun.exit_code == 0, rerun.output
    first = json.loads((tmp_path / "a" / "summary.json").read_text())
    second = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert first["strategies"] == second["strategies"]


def test_same_seed_byte_identical_whatever_the_workers(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    for name, workers in (("one", "1"), ("two", "2"), ("again", "2")):
        result = run(path, "--out", tmp_path / name, "--no-charts", "--workers", workers, "--quiet")
        assert result.exit_code == 0, result.output
        assert result.output == ""
    for file in ("summary.json", "timeseries.csv", "scenario.yaml"):
        reference = (tmp_path / "one" / file).read_bytes()
        assert (tmp_path / "two" / file).read_bytes() == reference
        assert (tmp_path / "again" / file).read_bytes() == reference


def test_different_seed_gives_different_output(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    run(path, "--out", tmp_path / "a", "--no-charts", "--seed", "1", "-n", "100")
    run(path, "--out", tmp_path / "b", "--no-charts", "--seed", "2", "-n", "100")
    first = json.loads((tmp_path / "a" / "summary.json").read_text())
    second = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert second["seed"] == 2
    assert first["strategies"]["stay"]["revenue"] != second["strategies"]["stay"]["revenue"]


def deterministic_summary(path: Path, out: Path, *overrides: str) -> dict:
    args = [arg for override in overrides for arg in ("--set", override)]
    result = run(path, "--out", out, "--no-charts", "--deterministic", "--json", *args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary == json.loads((out / "summary.json").read_text())
    return summary


def test_set_overrides_a_channel_field(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    summary = deterministic_summary(path, tmp_path / "o", "channels.social.audience=2000")
    assert summary["strategies"]["stay"]["calm_revenue"]["mean"] == pytest.approx(2 * 56 * 25)
    assert summary["replications"] == 1 and summary["deterministic"] is True


def test_set_overrides_a_shock_field(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    summary = deterministic_summary(path, tmp_path / "o", "shocks.0.fee=20")
    assert summary["strategies"]["stay"]["channels"]["social"]["fees"] == pytest.approx(36 * 20)


def test_set_overrides_a_strategy_field(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    summary = deterministic_summary(path, tmp_path / "o", "strategies.leave.responses.pay_per_post=pay")
    assert summary["strategies"]["leave"]["revenue_at_risk"]["mean"] == 0.0
    summary = deterministic_summary(path, tmp_path / "p", "strategies.leave.reaction_days=10")
    # exit at day 30 instead of 20: ten more daily posts earn 25 each
    assert summary["strategies"]["leave"]["revenue"]["mean"] == pytest.approx(30 * 25)


def test_set_accepts_a_distribution(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    summary = deterministic_summary(
        path, tmp_path / "o", "channels.social.organic_reach={dist: uniform, low: 0.1, high: 0.3}"
    )
    assert summary["strategies"]["stay"]["calm_revenue"]["mean"] == pytest.approx(2 * 56 * 25)


def test_default_output_folder_is_runs_name(write_yaml, tmp_path: Path, monkeypatch) -> None:
    path = write_yaml(shocked_data())
    monkeypatch.chdir(tmp_path)
    assert run(path, "--no-charts", "-n", "20", "--quiet").exit_code == 0
    assert (tmp_path / "runs" / "hand" / "summary.json").is_file()


def test_summary_table_names_every_strategy(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shocked_data())
    result = run(path, "--out", tmp_path / "o", "--no-charts", "-n", "50")
    assert result.exit_code == 0
    for text in ("stay", "leave", "VaR95", "CVaR95", "rented", "recovery"):
        assert text in result.output
