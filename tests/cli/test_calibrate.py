"""`risksim calibrate` through the CLI: the shipped examples, the table, --merge, bad input."""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.cli.app import stdout
from riskSim.scenario.loading import load_scenario

runner = CliRunner()
EXAMPLES = Path("examples/calibrate").resolve()
LINKEDIN = EXAMPLES / "linkedin-posts.csv"
MAILCHIMP = EXAMPLES / "mailchimp-campaigns.csv"
META = EXAMPLES / "meta-facebook-posts.csv"
GENERIC = EXAMPLES / "instagram-posts.csv"
ALL = [GENERIC, LINKEDIN, MAILCHIMP, META]
AUDIENCES = ["--audience", "linkedin=5000", "--audience", "facebook=2500"]


def calibrate(*args: object):
    return runner.invoke(app, ["calibrate", *map(str, args)])


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stdout, "_width", 80)


def test_examples_calibrate_into_a_scenario_that_validates_and_runs(
    tmp_path: Path, narrow: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a short --out, so every printed line fits
    out = Path("northwind.yaml")
    result = calibrate(*ALL, *AUDIENCES, "--out", out)
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        assert len(line) <= 80, line
    for title in (
        "linkedin (rented): 24 posts, 2026-01-06 to 2026-03-26",
        "email (owned): 13 posts, 2026-01-06 to 2026-03-31",
        "facebook (rented): 12 posts, 2026-01-07 to 2026-03-25",
        "instagram (rented): 16 posts, 2026-01-05 to 2026-02-26",
    ):
        assert title in result.stdout
    assert "meta-facebook-posts.csv" in result.stdout
    assert "not estimated: conversion_rate (no orders in the data)" in result.stdout
    assert f"Wrote {out}" in result.stdout
    scenario = load_scenario(out)
    assert list(scenario.channels) == ["instagram", "linkedin", "email", "facebook"]
    linkedin = scenario.channels["linkedin"]
    assert linkedin.audience == 5000 and linkedin.posts_per_week == pytest.approx(2.038)
    # LinkedIn example: 1,925 impressions... pooled over 24 posts of 5,000 followers.
    assert linkedin.organic_reach.mean() == pytest.approx(0.080217, rel=1e-4)
    assert scenario.channels["email"].click_rate == 1.0
    assert set(scenario.strategies) == {"platform-first", "owned-first"}
    assert len(scenario.sources) == 6
    validated = runner.invoke(app, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output
    run = runner.invoke(
        app,
        ["run", str(out), "--out", "run", "--no-charts", "-n", "40", "--workers", "1"],
    )
    assert run.exit_code == 0, run.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert set(summary["strategies"]) == {"platform-first", "owned-first"}
    assert summary["strategies"]["platform-first"]["revenue"]["mean"] > 0


def test_examples_table_and_run_in_a_real_80_column_terminal(tmp_path: Path) -> None:
    """The console script as a user runs it, with COLUMNS=80."""
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "riskSim", "calibrate", *map(str, ALL), *AUDIENCES, "--out", "s.yaml"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "organic_reach" in done.stdout and "95% interval" in done.stdout


def test_merge_into_a_shipped_scenario_keeps_its_strategies_and_shocks(tmp_path: Path) -> None:
    into = Path("scenarios/linkedin-pay-per-post.yaml").resolve()
    out = tmp_path / "merged.yaml"
    result = calibrate(LINKEDIN, MAILCHIMP, "--audience", "linkedin=5000", "--merge", into, "--out", out)
    assert result.exit_code == 0, result.output
    merged, original = load_scenario(out), load_scenario(into)
    assert merged.strategies == original.strategies and merged.shocks == original.shocks
    assert merged.name == original.name
    assert merged.channels["linkedin"].order_value == original.channels["linkedin"].order_value
    assert merged.channels["linkedin"].posts_per_week == pytest.approx(2.038)
    assert merged.channels["email"].audience == 1489
    assert "# hypothetical: $10 a post from month six" in out.read_text()
    run = runner.invoke(
        app,
        ["run", str(out), "--out", str(tmp_path / "run"), "--no-charts", "-n", "40", "--workers", "1"],
    )
    assert run.exit_code == 0, run.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["strategies"]["exit"]["revenue_at_risk"]["mean"] > 0


def test_out_exists_without_force_exit_2_and_untouched(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    out.write_text("mine\n")
    result = calibrate(MAILCHIMP, "--out", out)
    assert result.exit_code == 2
    assert f"--out: {out} already exists; use --force to overwrite it" in result.stderr
    assert out.read_text() == "mine\n"
    forced = calibrate(MAILCHIMP, "--out", out, "--force", "--name", "newsletter")
    assert forced.exit_code == 0, forced.output
    assert load_scenario(out).name == "newsletter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GENERIC_HEADER = "date,channel,kind,audience,impressions,engagements,clicks\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "date,channel,kind,audience,engagements,clicks\n2026-01-05,x,rented,100,3,1\n",
            "row 1, column 'impressions': required column 'impressions' is missing",
        ),
        (GENERIC_HEADER + "Jan 5,x,rented,100,10,3,1\n", "row 2, column 'date': 'Jan 5' is not a date"),
        (GENERIC_HEADER + "2026-01-05,x,rented,100,-10,3,1\n", "row 2, column 'impressions': -10 is negative"),
        (
            GENERIC_HEADER + "2026-01-05,x,rented,100,10,3,12\n",
            "row 2, column 'clicks': 12 clicks is more than the 10 impressions",
        ),
        (GENERIC_HEADER + "2026-01-05,x,paid,100,10,3,1\n", "row 2, column 'kind': 'paid' is not a channel kind"),
        ("", "the file is empty"),
        (GENERIC_HEADER, "row 1: the header of a generic per-post CSV is there but no row follows it"),
    ],
)
def test_bad_input_exit_2_naming_file_row_and_column_nothing_written(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path / "posts.csv", text)
    out = tmp_path / "s.yaml"
    result = calibrate(path, "--out", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: invalid input; nothing was written.\n")
    assert f"{path}: {expected}" in result.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["posts.csv"]


def test_unreadable_file_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(b"\x00\x01\x02\xff\xfe\x00garbage")
    result = calibrate(path, tmp_path / "missing.csv", "--out", tmp_path / "s.yaml")
    assert result.exit_code == 2
    assert "invalid input (2 problems)" in result.stderr
    assert f"{path}: is not" in result.stderr
    assert f"{tmp_path / 'missing.csv'}: no such file" in result.stderr


def test_linkedin_without_audience_exit_2_says_how(tmp_path: Path) -> None:
    result = calibrate(LINKEDIN, "--out", tmp_path / "s.yaml")
    assert result.exit_code == 2
    assert "give the linkedin audience with --audience linkedin=N" in result.stderr
    assert not (tmp_path / "s.yaml").exists()


@pytest.mark.parametrize(
    "options, expected",
    [
        (["--audience", "linkedin"], "--audience: linkedin: expected CHANNEL=N"),
        (["--audience", "linkedin=lots"], "--audience: linkedin=lots: the audience must be a whole number"),
        (["--since", "last week"], "--since: 'last week' is not a date"),
        (["--since", "2026-03-01", "--until", "2026-01-01"], "is after --until"),
        (["--since", "2027-01-01"], "no post in any file falls from 2027-01-01 to the end"),
        (["--channel", "nope.csv=x"], "--channel: nope.csv=x: no file 'nope.csv'"),
        (["--name", "my brand"], "--name: 'my brand' is not a scenario name"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, options: list[str], expected: str) -> None:
    out = tmp_path / "s.yaml"
    result = calibrate(LINKEDIN, "--audience", "linkedin=5000", *options, "--out", out)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert not out.exists()


def test_since_until_keep_the_window(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    result = calibrate(
        LINKEDIN, "--audience", "company-page=5000", "--since", "2026-02-01", "--until", "2026-02-28",
        "--channel", "linkedin-posts.csv=company-page", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out)
    assert list(scenario.channels) == ["company-page"]
    assert f"company-page from {LINKEDIN} (LinkedIn company page post export)" in scenario.sources[0]
    assert "2026-02-03 to 2026-02-26, 8 posts" in scenario.sources[0]
    assert "only 8 post(s)" in result.stderr  # fewer than 10 posts: a warning


def readme_walk_through() -> list[list[str]]:
    """The commands of the README's walk-through from the examples to a first run."""
    text = Path("README.md").read_text(encoding="utf-8")
    section = text.split("\n## Calibrate\n", 1)[1].split("\n## ", 1)[0]
    walk = section.split("### From the shipped examples to a first run", 1)[1]
    blocks = re.findall(r"```sh\n(.*?)```", walk, flags=re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_walk_through_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path.cwd()
    for folder in ("examples", "scenarios"):
        (tmp_path / folder).symlink_to(root / folder)
    commands = readme_walk_through()
    monkeypatch.chdir(tmp_path)
    assert [command[:2] for command in commands] == [
        ["risksim", "calibrate"],
        ["risksim", "validate"],
        ["risksim", "run"],
        ["risksim", "calibrate"],
        ["risksim", "run"],
    ]
    for command in commands:
        args = [match for arg in command[1:] for match in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
        if args[0] == "run":
            args += ["-n", "40", "--no-charts", "--workers", "1"]  # as written, but quick
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (command, result.output)
    summary = json.loads(Path("runs/northwind-pay-per-post/summary.json").read_text())
    assert set(summary["strategies"]) == {"pay", "reduce", "exit", "owned-first"}
    assert summary["strategies"]["exit"]["revenue_at_risk"]["mean"] > 0
    assert json.loads(Path("runs/northwind/summary.json").read_text())["scenario"] == "northwind"
