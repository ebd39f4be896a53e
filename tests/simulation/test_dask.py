"""The Dask runner: a LocalCluster on loopback gives the in-process run's exact bytes."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.errors import InvalidInputError
from riskSim.simulation import runners
from tests.conftest import build, scenario_data

pytest.importorskip("distributed")
runner = CliRunner()


def test_local_cluster_output_is_byte_identical_to_in_process(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(
        scenario_data(
            horizon_days=42,
            replications=2500,  # one batch: on 2 workers, two parts joined again
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


# --- issue 15: addresses, timeouts, a scheduler lost mid-run, no dashboard -------------



@pytest.mark.parametrize(
    "address",
    ["tcp://127.0.0.1:notaport", "garbage", "", "tls://127.0.0.1", "tcp://127.0.0.1:70000"],
)
def test_a_malformed_scheduler_address_is_an_input_error(
    write_yaml, tmp_path: Path, address: str
) -> None:
    path = write_yaml(scenario_data())
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(path), "--out", str(out), "-n", "5", "--scheduler", address]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: invalid input")
    assert "--scheduler: " in result.stderr and "is not a scheduler address" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_local_is_accepted_in_any_case() -> None:
    assert runners.check_scheduler("LOCAL") == "local"
    assert runners.check_scheduler("tls://[::1]:8786") == "tls://[::1]:8786"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_port_that_accepts_and_never_speaks_times_out(monkeypatch) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                accepted.append(server.accept()[0])
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setattr(runners, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        with pytest.raises(InvalidInputError) as raised:
            simulate_on(address)
    finally:
        server.close()
        for connection in accepted:
            connection.close()
    assert f"cannot reach the Dask scheduler at '{address}' within 1 s" in raised.value.render()


def simulate_on(address: str, **options):
    import riskSim

    return riskSim.simulate(build(), replications=5, scheduler=address, **options)


@pytest.fixture
def scheduler() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Dask scheduler on loopback, in a process of its own, with no workers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "distributed.cli.dask_scheduler",
            "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield f"tcp://127.0.0.1:{port}", process
    process.kill()
    process.wait(timeout=30)


def test_a_scheduler_with_no_workers_gives_up_with_a_message(scheduler, monkeypatch) -> None:
    address, _ = scheduler
    monkeypatch.setattr(runners, "WORKERS_TIMEOUT", 2.0)
    with pytest.raises(runners.ClusterError) as raised:
        simulate_on(address)
    assert str(raised.value).startswith(f"the Dask scheduler at {address} has no workers after 2 s")


def test_a_scheduler_lost_mid_run_is_one_error(scheduler) -> None:
    address, process = scheduler
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
         "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    got: list[int] = []

    def kill_after_first(tag, results) -> None:
        got.append(results[0][1].batch_index)
        process.kill()

    try:
        scenario = build(horizon_days=28)
        jobs = list(enumerate(runners.plan_jobs([(scenario, [20] * 50, 1, False)], workers=1)))
        with pytest.raises(runners.ClusterError) as raised:
            runners._run_on_dask(jobs, scheduler=address, workers=1, finished=kill_after_first)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert len(got) >= 1
    assert str(raised.value).startswith(f"lost the Dask scheduler at {address} after ")


def test_a_cluster_error_is_one_line_exit_1_and_earlier_outputs_stay(
    write_yaml, tmp_path: Path, monkeypatch
) -> None:
    import riskSim.cli.run as cli_run

    path = write_yaml(scenario_data())
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(path), "--out", str(out), "-n", "5", "--quiet",
                               "--no-charts"]).exit_code == 0
    before = (out / "summary.json").read_bytes()

    def lost(*args, **kwargs):
        raise runners.ClusterError("lost the Dask scheduler at tcp://127.0.0.1:1 after 1 of 2 batches")

    monkeypatch.setattr(cli_run, "simulate", lost)
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 1
    assert result.stderr == "error: lost the Dask scheduler at tcp://127.0.0.1:1 after 1 of 2 batches\n"
    assert (out / "summary.json").read_bytes() == before


def test_local_cluster_serves_no_dashboard() -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8787)) == 0:
            pytest.skip("something else listens on 8787")
    seen: list[int] = []

    def probe_dashboard(tag, results) -> None:
        with socket.socket() as probe:
            seen.append(probe.connect_ex(("127.0.0.1", 8787)))

    scenario = build()
    jobs = list(enumerate(runners.plan_jobs([(scenario, [5], 1, False)], workers=1)))
    runners._run_on_dask(jobs, scheduler="local", workers=1, finished=probe_dashboard)
    assert seen and seen[0] != 0  # refused: nothing listens on the dashboard's port


def test_a_dask_batch_reports_its_progress_as_it_runs() -> None:
    """One 2,000-replication batch on a LocalCluster: the bar moves before the batch ends."""
    import json

    import riskSim
    from riskSim.scenario import Scenario
    from riskSim.simulation.runners import BATCH_SIZE
    from tests.conftest import tiny_data

    scenario = Scenario.model_validate(tiny_data())
    heard: list[tuple[int, int]] = []
    results = riskSim.simulate(
        scenario,
        replications=BATCH_SIZE,
        workers=1,
        scheduler="local",
        progress=lambda *call: heard.append(call),
    )
    assert heard[0] == (0, BATCH_SIZE) and heard[-1] == (BATCH_SIZE, BATCH_SIZE)
    within = [done for done, _ in heard if 0 < done < BATCH_SIZE]
    assert len(within) >= 5, heard
    assert within == sorted(within), "progress never goes back"
    quiet = riskSim.simulate(scenario, replications=BATCH_SIZE, workers=1)
    assert json.dumps(results.summary, sort_keys=True) == json.dumps(quiet.summary, sort_keys=True)
