"""`risksim optimize` through the CLI: outputs, reproduction with `run --set`, workers, exit codes.

The hand scenario's figures are worked out in tests/studies/test_optimize.py:
profit 210 + 1505 r and profit at risk 210 + 525 r in expected-value mode.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from riskSim.cli import app
from tests.conftest import RATE, shutdown_data

runner = CliRunner()

UNCERTAIN_SHUTDOWN = [
    {"type": "platform_shutdown", "channel": "social", "at": {"dist": "uniform", "low": 5, "high": 25}}
]


def invoke(*args: object):
    return runner.invoke(app, [*map(str, args)])


def test_optimize_writes_its_folder_and_says_what_to_run(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shutdown_data(risk_budget={"profit_at_risk_cvar95": 420}))
    out = tmp_path / "opt"
    result = invoke("optimize", path, "--strategy", "own", "--lever", f"{RATE}=0:1",
                    "--deterministic", "--trials", 24, "--workers", 1, "--out", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [".risksim-manifest.json", "charts", "optimize.json", "report.html",
                     "report.md", "strategy.yaml", "trials.csv"]
    assert (out / "charts" / "optimize.png").read_bytes()[:4] == b"\x89PNG"
    document = json.loads((out / "optimize.json").read_text())
    assert document["trials"] == 24 and document["feasible"] is True
    assert set(document["best"]) >= {"values", "objective", "profit_at_risk_cvar95", "feasible"}
    assert set(document["holdout"]) >= {"seed", "objective", "se", "profit_at_risk_cvar95"}
    rows = (out / "trials.csv").read_text().splitlines()
    assert rows[0] == (f"trial,{RATE},objective,profit_mean,profit_at_risk_mean,"
                       "profit_at_risk_cvar95,revenue_at_risk_cvar95,feasible,frontier")
    assert len(rows) == 25
    assert "Run own with capture rate" in result.output
    assert "Hold-out check" in result.output
    assert "trials 8/24: best so far " in result.output  # progress, a line per generation
    assert all(len(line) <= 80 for line in result.output.splitlines())
    report = (out / "report.md").read_text()
    assert "Run own with capture rate" in report and "charts/optimize.png" in report
    assert "optimizer's curse" in (out / "report.html").read_text()
    assert "Found by: risksim optimize" in (out / "strategy.yaml").read_text()


def test_strategy_yaml_rerun_with_run_set_reproduces_the_best_objective(
    write_yaml, tmp_path: Path
) -> None:
    data = shutdown_data(risk_budget={"profit_at_risk_cvar95": 420})
    path = write_yaml(data)
    out = tmp_path / "opt"
    result = invoke("optimize", path, "-s", "own", "--lever", f"{RATE}=0:1", "--deterministic",
                    "--trials", 16, "--workers", 1, "--out", out, "--no-charts")
    assert result.exit_code == 0, result.output
    best = json.loads((out / "optimize.json").read_text())["best"]
    text = (out / "strategy.yaml").read_text()
    reproduce = next(line for line in text.splitlines() if line.startswith("# Reproduce"))
    command = shlex.split(reproduce.split(": ", 1)[1])
    assert command[:3] == ["risksim", "run", str(path)]
    rerun = invoke(*command[1:], "--json", "--no-charts", "--out", tmp_path / "run")
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.output)["strategies"]["own"]["profit"]["mean"] == best["objective"]
    # pasting the entry into the scenario gives the same figure
    data["strategies"] = yaml.safe_load(text)
    pasted = write_yaml(data, "pasted.yaml")
    again = invoke("run", pasted, "--deterministic", "--json", "--no-charts", "--out", tmp_path / "p")
    assert json.loads(again.output)["strategies"]["own"]["profit"]["mean"] == best["objective"]


def test_the_same_seed_gives_the_same_bytes_whatever_the_workers(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shutdown_data(replications=100, shocks=UNCERTAIN_SHUTDOWN))
    documents = []
    for name, workers in (("one", 1), ("two", 2)):
        out = tmp_path / name
        result = invoke("optimize", path, "-s", "own", "--lever", f"{RATE}=0:1",
                        "--choice", "strategies.own.responses.platform_shutdown=stay,evacuate",
                        "--max-cvar95", 1000, "--trials", 12, "--workers", workers,
                        "--out", out, "--no-charts", "--quiet")
        assert result.exit_code == 0, result.output
        documents.append(((out / "optimize.json").read_bytes(), (out / "trials.csv").read_bytes()))
    assert documents[0] == documents[1]


def test_an_unmeetable_budget_exits_0_with_a_clear_sentence(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shutdown_data())
    out = tmp_path / "opt"
    result = invoke("optimize", path, "-s", "own", "--lever", f"{RATE}=0:1", "--deterministic",
                    "--max-cvar95", 100, "--trials", 8, "--workers", 1, "--out", out, "--no-charts")
    assert result.exit_code == 0, result.output
    assert "No trial meets the risk budget" in result.output
    assert json.loads((out / "optimize.json").read_text())["feasible"] is False


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--lever", "channels.social.audience=1:2"], "--lever"),
        (["--lever", "strategies.own.responses.pay_per_post=0:1"], "--lever"),
        (["--lever", f"{RATE}=0.5:0.1"], "--lever"),
        (["--choice", "strategies.own.responses.pay_per_post="], "--choice"),
        (["--lever", f"{RATE}=0:1", "--trials", "0"], "--trials"),
        (["--lever", f"{RATE}=0:1", "--trials", "600", "--replications", "10000"], "--trials"),
        (["--lever", f"{RATE}=0:1", "--objective", "most_money"], "--objective"),
    ],
)
def test_bad_input_exits_2_naming_the_flag_and_writes_nothing(
    write_yaml, tmp_path: Path, args: list[str], flag: str
) -> None:
    path = write_yaml(shutdown_data())
    out = tmp_path / "opt"
    result = invoke("optimize", path, "-s", "own", *args, "--out", out)
    assert result.exit_code == 2, result.output
    assert flag in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_trials_on_a_dask_cluster_give_the_same_bytes(write_yaml, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    path = write_yaml(shutdown_data(risk_budget={"profit_at_risk_cvar95": 420}))
    documents = []
    for name, extra in (("pool", []), ("dask", ["--scheduler", "local"])):
        out = tmp_path / name
        result = invoke("optimize", path, "-s", "own", "--lever", f"{RATE}=0:1", "--deterministic",
                        "--trials", 10, "--workers", 2, *extra, "--out", out, "--no-charts",
                        "--quiet")
        assert result.exit_code == 0, result.output
        documents.append((out / "optimize.json").read_bytes())
    assert documents[0] == documents[1]
