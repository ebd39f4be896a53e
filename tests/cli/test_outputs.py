"""Every folder-writing command, as a careless user runs it: nothing riskSim did not write is lost.

Each case of issue 14 in tmp_path: ``--out .`` beside the scenario, a folder
riskSim did not make (refused, or written beside with ``--force``), ``--out ''``,
a link, an empty folder, ``charts --out .`` with a scenario named like a
folder; then, in real processes, SIGKILL mid-write followed by a re-run,
SIGTERM of a two-worker run, a killed parent's workers, and two writers of
one folder at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.outputs.folder import MANIFEST_NAME
from tests.cli.test_workshop import setup_files
from tests.conftest import scenario_data

runner = CliRunner()
INTERRUPTED = "interrupted: nothing was written; earlier outputs are intact."
TERMINATED = "terminated: nothing was written; earlier outputs are intact."


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def scenario(folder: Path, name: str = "hand", **fields: object) -> Path:
    data = scenario_data(
        name=name, shocks=[{"type": "pay_per_post", "channel": "social", "at": 3}], **fields
    )
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def run(path: Path, out: str | Path, *extra: str):
    return runner.invoke(
        app, ["run", str(path), "--out", str(out), "--no-charts", "-n", "20", "-q", *extra]
    )


def complete(out: Path) -> dict[str, bytes]:
    """riskSim's files in ``out``, once checked that the manifest lists exactly them."""
    files = tree(out)
    listed = json.loads(files[MANIFEST_NAME])["files"]
    assert all(name in files for name in listed), (listed, sorted(files))
    return {name: files[name] for name in listed}


def debris(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".risksim-" in name)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``my-project``: the scenario, the user's notes and a sub-folder; the current folder."""
    folder = tmp_path / "my-project"
    folder.mkdir()
    scenario(folder)
    (folder / "precious.txt").write_text("the user's\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.txt").write_text("deep\n")
    monkeypatch.chdir(folder)
    return folder


def test_out_dot_beside_the_scenario_is_refused_and_deletes_nothing(project: Path) -> None:
    before = tree(project)
    result = run(project / "hand.yaml", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "error: invalid input; nothing was written.",
        f"--out: . ({project}) is not empty and is not a riskSim output (it has no "
        f"{MANIFEST_NAME}). Give the outputs a folder of their own, e.g. --out ./hand, or add "
        "--force to write riskSim's files beside what is there (a file of the same name is "
        "replaced; nothing else is touched).",
    ]
    assert "Traceback" not in result.stderr
    assert tree(project) == before
    assert sorted(os.listdir(project.parent)) == ["my-project"]


@pytest.mark.parametrize("out", ["..", "my-project-dir"])
def test_other_folders_risksim_did_not_make_are_refused(project: Path, out: str) -> None:
    if out == "my-project-dir":
        out = str(project)  # --out proj: the scenario's own folder, given by name
    before = tree(project.parent)
    result = run(project / "hand.yaml", out)
    assert result.exit_code == 2
    assert "is not empty and is not a riskSim output" in result.stderr
    assert tree(project.parent) == before


def test_an_empty_out_is_refused_not_taken_for_the_current_folder(project: Path) -> None:
    before = tree(project)
    result = run(project / "hand.yaml", "")
    assert result.exit_code == 2
    message = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--out' / '-o': an empty folder name (an unset shell" in message
    assert tree(project) == before


def test_force_writes_beside_the_users_files(project: Path) -> None:
    before = tree(project)
    result = run(project / "hand.yaml", ".", "--force")
    assert result.exit_code == 0, result.output
    after = tree(project)
    assert {name: after[name] for name in before} == before
    assert sorted(complete(project)) == [
        "report.html",
        "report.md",
        "scenario.yaml",
        "summary.json",
        "timeseries.csv",
    ]
    # a riskSim output now: the next run needs no --force, and still deletes none of the user's
    assert run(project / "hand.yaml", ".", "--seed", "7").exit_code == 0
    assert json.loads((project / "summary.json").read_text())["seed"] == 7
    assert {name: tree(project)[name] for name in before} == before
    assert debris(project.parent) == []


def test_a_users_notes_in_an_earlier_output_survive_a_rerun(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    out = tmp_path / "runs" / "hand"
    assert runner.invoke(app, ["run", str(path), "--out", str(out), "-n", "20", "-q"]).exit_code == 0
    (out / "notes.md").write_text("what I think of this run\n")
    (out / "charts" / "annotated.png").write_bytes(b"mine")
    assert run(path, out, "--seed", "3").exit_code == 0  # --no-charts this time
    assert (out / "notes.md").read_text() == "what I think of this run\n"
    assert (out / "charts" / "annotated.png").read_bytes() == b"mine"
    assert sorted((out / "charts").iterdir()) == [out / "charts" / "annotated.png"]
    assert json.loads((out / "summary.json").read_text())["seed"] == 3
    assert debris(out.parent) == []


def test_a_linked_out_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    real = tmp_path / "disk" / "results"
    real.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    for seed in ("1", "2"):
        result = run(path, link, "--seed", seed)
        assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads((real / "summary.json").read_text())["seed"] == 2
    assert sorted(os.listdir(tmp_path)) == ["disk", "hand.yaml", "link"]
    assert os.listdir(real.parent) == ["results"]


def test_an_empty_folder_is_fine(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    out = tmp_path / "empty"
    out.mkdir()
    result = run(path, out)
    assert result.exit_code == 0, result.output
    assert "summary.json" in complete(out)


def test_charts_out_dot_never_wipes_a_folder_named_like_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = scenario(folder, name="scenarios")
    (folder / "other.txt").write_text("keep me\n")
    before = tree(folder)
    result = runner.invoke(app, ["charts", str(path), "--out", ".", "-q"])
    assert result.exit_code == 2
    assert "--out: scenarios is not empty and is not a riskSim output" in (
        " ".join(result.stderr.split())
    )
    assert "simulating" not in result.stderr  # refused before any work
    assert tree(folder) == before
    result = runner.invoke(app, ["charts", str(path), "--out", ".", "-q", "--force"])
    assert result.exit_code == 0, result.output
    after = tree(folder)
    assert {name: after[name] for name in before} == before
    assert "charts/exposure.svg" in complete(folder)
    check = runner.invoke(app, ["charts", str(path), "--out", ".", "--check"])
    assert check.exit_code == 0, check.output


def command_line(kind: str, folder: Path) -> list[str]:
    path = scenario(folder)
    if kind == "run":
        return ["run", str(path), "-n", "20", "--no-charts"]
    if kind == "sweep":
        vary = "channels.social.organic_reach=0.1:0.2:2"
        return ["sweep", str(path), "-s", "stay", "--vary", vary, "-n", "20", "--no-charts"]
    if kind == "compare":
        other = scenario(folder, name="other", seed=2)
        return ["compare", str(path), str(other), "-n", "20", "--no-charts"]
    if kind == "workshop":
        workshop, teams = setup_files(folder)
        return ["workshop", str(workshop), *map(str, teams), "-n", "20", "--no-charts"]
    return ["charts", str(path)]


@pytest.mark.parametrize("kind", ["run", "sweep", "compare", "workshop", "charts"])
def test_every_command_refuses_a_foreign_folder_and_writes_beside_it_with_force(
    tmp_path: Path, kind: str
) -> None:
    args = command_line(kind, tmp_path)
    thesis = tmp_path / "thesis"
    written = thesis / "hand" if kind == "charts" else thesis  # charts writes OUT/<name>
    written.mkdir(parents=True)
    (written / "thesis.docx").write_bytes(b"three years of work")
    result = runner.invoke(app, [*args, "--out", str(thesis), "-q"])
    assert result.exit_code == 2, result.output
    assert f"--out: {written} is not empty and is not a riskSim output" in result.stderr
    before = tree(thesis)
    assert len(before) == 1  # nothing written, nothing removed
    result = runner.invoke(app, [*args, "--out", str(thesis), "-q", "--force"])
    assert result.exit_code == 0, result.output
    assert (written / "thesis.docx").read_bytes() == b"three years of work"
    assert json.loads((written / MANIFEST_NAME).read_text())["command"] == f"risksim {kind}"
    assert complete(written)
    assert debris(written.parent) == []


# Real processes: signals and concurrent writers.


def python_risksim(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "riskSim", *map(str, args)]


def living(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie, waiting for a reaper, has ended)."""
    alive = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def wait_for(condition, what: str, process: subprocess.Popen, limit: float = 60) -> None:
    """Poll ``condition`` until it holds; fail if ``process`` ends first (or after ``limit``)."""
    deadline = time.monotonic() + limit
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the command ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {limit} s")
        time.sleep(0.005)


def slow_scenario(folder: Path) -> Path:
    data = scenario_data(
        name="slow",
        horizon_days=2000,
        replications=40_000,
        shocks=[{"type": "reach_collapse", "channel": "social", "at": 100, "factor": 0.5}],
    )
    path = folder / "slow.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def workers_of(process: subprocess.Popen, count: int) -> list[psutil.Process]:
    parent = psutil.Process(process.pid)
    wait_for(lambda: len(parent.children()) >= count, f"{count} workers", process)
    return parent.children()


def test_sigkill_while_writing_then_a_rerun_leaves_no_temporary(tmp_path: Path) -> None:
    path = scenario(tmp_path, replications=2000)
    out = tmp_path / "out"
    assert run(path, out).exit_code == 0
    (out / "notes.md").write_text("mine\n")
    earlier = complete(out)
    process = subprocess.Popen(
        python_risksim("run", path, "--out", out, "--seed", "4", "-q"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def staged() -> bool:  # the summary is staged first, the charts take a while after it
        return any((tmp_path / name / "summary.json").exists() for name in temporaries())

    def temporaries() -> list[str]:
        return [name for name in debris(tmp_path) if ".risksim-tmp-" in name]

    wait_for(staged, "a staged summary.json", process)
    process.kill()
    process.wait()
    assert temporaries() != []  # what the kill left
    assert complete(out) == earlier  # killed while staging: the earlier result stands
    result = run(path, out, "--seed", "5")
    assert result.exit_code == 0, result.output
    assert debris(tmp_path) == []
    assert json.loads(complete(out)["summary.json"])["seed"] == 5
    assert (out / "notes.md").read_text() == "mine\n"


def test_sigterm_while_writing_removes_the_temporary_and_keeps_the_earlier_result(
    tmp_path: Path,
) -> None:
    path = scenario(tmp_path, replications=2000)
    out = tmp_path / "out"
    assert run(path, out).exit_code == 0
    earlier = complete(out)
    process = subprocess.Popen(
        python_risksim("run", path, "--out", out, "--seed", "4", "-q"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(
        lambda: any((tmp_path / name / "summary.json").exists() for name in debris(tmp_path)),
        "a staged summary.json",
        process,
    )
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr.strip() == TERMINATED
    assert debris(tmp_path) == []
    assert complete(out) == earlier


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with the parent")
def test_sigterm_of_a_two_worker_run_exits_143_and_leaves_nothing(tmp_path: Path) -> None:
    path = slow_scenario(tmp_path)
    out = tmp_path / "out"
    process = subprocess.Popen(
        python_risksim("run", path, "--out", out, "--workers", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers = workers_of(process, 2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr.strip().splitlines()[-1] == TERMINATED
    assert "Traceback" not in stderr and "Error" not in stderr
    _, alive = psutil.wait_procs(living(workers), timeout=3)
    assert living(alive) == []
    assert sorted(os.listdir(tmp_path)) == ["slow.yaml"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs PR_SET_PDEATHSIG")
def test_the_workers_of_a_killed_parent_stop(tmp_path: Path) -> None:
    path = slow_scenario(tmp_path)
    process = subprocess.Popen(
        python_risksim("run", path, "--out", tmp_path / "out", "--workers", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers = workers_of(process, 2)
    process.kill()
    _, stderr = process.communicate(timeout=60)
    _, alive = psutil.wait_procs(living(workers), timeout=3)
    assert living(alive) == []
    assert "Traceback" not in stderr


def test_two_writers_of_one_folder_end_with_one_complete_result(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    out = tmp_path / "out"
    writers = [
        subprocess.Popen(
            python_risksim("run", path, "--out", out, "-n", str(count), "--no-charts", "-q"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for count in (200, 300)
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    files = complete(out)
    replications = json.loads(files["summary.json"])["replications"]
    assert replications in (200, 300)
    assert f"{replications:,} replications".encode() in files["report.md"]
    assert debris(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == ["hand.yaml", "out"]
