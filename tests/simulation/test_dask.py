"""The Dask runner: a LocalCluster on loopback gives the in-process run's exact bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskSim.cli import app
from tests.conftest import scenario_data

pytest.importorskip("distributed")
runner = CliRunner()


def test_local_cluster_output_is_byte_identical_to_in_process(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(
        scenario_data(
            horizon_days=42,
            replications=2500,  # three batches
            strategies={"stay": {}, "leave": {"responses": {"pay_per_post": "exit"}}},
            shocks=[{"type": "pay_per_post", "channel": "social", "at": 10, "fee": 2}],
        )
    )
    common = ["run", str(path), "--no-charts", "--quiet"]
    assert runner.invoke(app, [*common, "--out", str(tmp_path / "local"), "--workers", "1"]).exit_code == 0
    result = runner.invoke(
        app, [*common, "--out", str(tmp_path / "dask"), "--workers", "2", "--scheduler", "local"]
    )
    assert result.exit_code == 0, result.output
    for name in ("summary.json", "timeseries.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_unreachable_scheduler_is_an_input_error(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(scenario_data())
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(path), "--out", str(out), "--scheduler", "tcp://127.0.0.1:1", "-n", "5"]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.stderr
    assert not out.exists()
