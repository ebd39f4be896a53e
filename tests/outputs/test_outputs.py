"""Atomic outputs: a failed or interrupted run leaves earlier results byte-for-byte intact."""

from __future__ import annotations

import errno
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.outputs import run as run_outputs
from riskSim.outputs.folder import MANIFEST_NAME, manifest_text
from tests.conftest import scenario_data

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def earlier(write_yaml, tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    path = write_yaml(scenario_data(shocks=[{"type": "pay_per_post", "channel": "social", "at": 3}]))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-charts", "-n", "20", "-q"])
    assert result.exit_code == 0, result.output
    return path, out, snapshot(out)


def rerun(path: Path, out: Path):
    return runner.invoke(app, ["run", str(path), "--out", str(out), "--no-charts", "-n", "30", "--seed", "5"])


def test_full_disk_while_writing_keeps_the_earlier_result(earlier, monkeypatch) -> None:
    path, out, before = earlier

    def full(target: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run_outputs, "write_text", full)
    result = rerun(path, out)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_interrupt_while_writing_keeps_the_earlier_result(earlier, monkeypatch) -> None:
    path, out, before = earlier

    def interrupted(target: Path, text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_outputs, "write_text", interrupted)
    result = rerun(path, out)
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted: nothing was written; earlier outputs are intact."
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_unwritable_out_is_a_clear_error(earlier, tmp_path: Path) -> None:
    path, _, _ = earlier
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = rerun(path, blocker / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot write to {blocker}")
    result = rerun(path, blocker)
    assert result.exit_code == 1
    assert "exists and is not a folder" in result.stderr
    assert blocker.read_text() == "not a folder"


def test_rerun_replaces_risksims_files_and_keeps_the_users(earlier) -> None:
    path, out, before = earlier
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    manifest["files"].append("stale.txt")  # written by an older version, no longer
    (out / MANIFEST_NAME).write_text(json.dumps(manifest))
    (out / "stale.txt").write_text("from an older version")
    (out / "notes.md").write_text("my notes on this run\n")
    assert rerun(path, out).exit_code == 0
    after = snapshot(out)
    assert "stale.txt" not in after
    assert after["notes.md"] == b"my notes on this run\n"
    assert json.loads(after["summary.json"])["seed"] == 5
    assert after["summary.json"] != before["summary.json"]
    assert json.loads(after[MANIFEST_NAME])["files"] == sorted(set(before) - {MANIFEST_NAME})


def test_ctrl_c_stops_a_pool_run_quickly_and_writes_nothing(tmp_path: Path) -> None:
    data = scenario_data(
        horizon_days=2000,
        replications=40_000,
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 100, "factor": 0.5}],
    )
    import yaml

    path = tmp_path / "slow.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("earlier result\n")
    (out / MANIFEST_NAME).write_text(manifest_text("risksim run", ["summary.json"]))
    command = [sys.executable, "-m", "riskSim", "run", str(path), "--out", str(out), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 3
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == "interrupted: nothing was written; earlier outputs are intact."
    assert "Traceback" not in stderr
    assert (out / "summary.json").read_text() == "earlier result\n"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "summary.json"]
    assert leftovers(tmp_path) == []
