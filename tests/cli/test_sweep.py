"""`risksim sweep` through the CLI: outputs, byte-identical bytes, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.simulation.runners import BATCH_SIZE
from tests.conftest import RATE, shutdown_data

runner = CliRunner()


def sweep(*args: object):
    return runner.invoke(app, ["sweep", *map(str, args)])


def test_sweep_writes_csv_and_charts_and_names_efficient_points(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shutdown_data())
    out = tmp_path / "out"
    result = sweep(path, "--strategy", "own", "--vary", f"{RATE}=0:1:3", "--deterministic",
                   "--out", out, "--format", "svg")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "charts").iterdir()) == ["frontier.svg", "sweep.svg"]
    lines = (out / "sweep.csv").read_text().splitlines()
    assert lines[0].split(",")[0] == RATE and lines[0].endswith(",pareto")
    assert [line.split(",")[0] for line in lines[1:]] == ["0.0", "0.5", "1.0"]
    # capture before a shutdown: more profit and less risk at once -> only rate 1 is efficient
    assert [line.split(",")[-1] for line in lines[1:]] == ["false", "false", "true"]
    assert f"Pareto-efficient points (1 of 3): {RATE} = 1.0" in result.output


def test_two_fields_add_a_heat_map_and_json(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shutdown_data())
    out = tmp_path / "grid"
    result = sweep(path, "-s", "own", "--vary", f"{RATE}=0:1:2", "--vary", "horizon_days=20:28:2",
                   "--deterministic", "--out", out, "--format", "svg", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["varied"] == {RATE: [0, 1], "horizon_days": [20, 28]}
    assert [(p[RATE], p["horizon_days"]) for p in document["points"]] == [(0, 20), (0, 28), (1, 20), (1, 28)]
    assert (out / "charts" / "heatmap.svg").is_file()
    assert "\n0,20," in (out / "sweep.csv").read_text()  # integers stay integers


def test_sweep_bytes_repeat_across_runs_and_workers(write_yaml, tmp_path: Path) -> None:
    data = shutdown_data(
        horizon_days=60,
        replications=2 * BATCH_SIZE + 1,
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": {"dist": "uniform", "low": 10, "high": 50}}],
    )
    path = write_yaml(data)
    outputs = []
    for name, workers in (("a", 1), ("b", 2), ("c", 2)):
        out = tmp_path / name
        result = sweep(path, "-s", "own", "--vary", f"{RATE}=0:0.4:2", "--workers", workers,
                       "--out", out, "--format", "svg", "--quiet")
        assert result.exit_code == 0, result.output
        assert result.output == ""
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert set(outputs[0]) == {
        Path(".risksim-manifest.json"), Path("sweep.csv"), Path("charts/frontier.svg"), Path("charts/sweep.svg")
    }
    assert outputs[0] == outputs[1] == outputs[2]  # the manifest too: no time, no path in it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vary", f"{RATE}=0:1"], "expected LOW:HIGH:N"),
        (["--vary", f"{RATE}=0:1:0"], "N must be >= 1"),
        (["--vary", "channels.social.audiense=1:2:2"], "did you mean 'audience'"),
        (["--vary", f"{RATE}=0:1:2", "--vary", "shocks.0.at=1:2:2", "--vary", "horizon_days=9:10:2"], "at most 2"),
        (["--vary", f"{RATE}=0:1:2", "--strategy", "onw"], "did you mean 'own'"),
    ],
)
def test_invalid_sweeps_exit_2_and_write_nothing(write_yaml, tmp_path: Path, args, message) -> None:
    path = write_yaml(shutdown_data())
    out = tmp_path / "never"
    strategy = [] if "--strategy" in args else ["--strategy", "own"]
    result = sweep(path, *strategy, *args, "--deterministic", "--out", out)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "--vary" in result.output or "--strategy" in result.output
    assert not out.exists()
