"""Absurd and hostile input (issue 15): refused at once with exit 2, never a file's contents.

Files that could block (FIFOs, /dev/zero) run in a subprocess with a timeout,
so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from riskSim.cli import app
from riskSim.scenario import limits
from riskSim.simulation.engine.world import AUDIENCE_LIMIT
from tests.conftest import scenario_data

runner = CliRunner()
GUARD = 60
"""Seconds a subprocess may take before the test fails (a hang, not a speed check)."""


def risksim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "riskSim", *args],
        capture_output=True,
        text=True,
        timeout=GUARD,
        cwd=cwd,
        env={**os.environ, "RISKSIM_DEBUG": ""},
    )


def refused(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert "Traceback" not in result.output + message
    for fragment in fragments:
        assert fragment in message, message
    return message


def run(path: Path, tmp_path: Path, *extra: str):
    return runner.invoke(
        app, ["run", str(path), "--out", str(tmp_path / "out"), "--quiet", *extra]
    )


def test_the_engine_and_the_limits_agree_on_the_largest_audience() -> None:
    assert limits.MAX_AUDIENCE == AUDIENCE_LIMIT


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("channels.social.posts_per_week=1000000", ("posts_per_week", "at most 1,000 a week")),
        ("channels.social.posts_per_week=1e12", ("posts_per_week", "at most 1,000 a week")),
        ("channels.social.daily_growth=1e15", ("daily_growth", "at most 1,000,000,000,000")),
        ("horizon_days=10000000", ("horizon_days", "at most 7,300 days")),
        ("horizon_days=1000000000", ("horizon_days", "at most 7,300 days")),
        ("channels.social.order_value=1e300", ("order_value", "at most 1,000,000,000,000")),
        ("channels.social.audience=1e19", ("audience", "64-bit integers")),
        ("title=" + "x" * 5000, ("title", "5,000 characters long; at most 200 fit")),
    ],
)
def test_absurd_values_are_refused_naming_field_and_limit(
    write_yaml, tmp_path: Path, setting: str, fragments: tuple[str, ...]
) -> None:
    path = write_yaml(scenario_data())
    refused(run(path, tmp_path, "--deterministic", "--set", setting), "--set", *fragments)
    assert not (tmp_path / "out").exists()


def test_a_huge_fee_is_refused(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(
        scenario_data(shocks=[{"type": "pay_per_post", "channel": "social", "at": 3, "fee": 1}])
    )
    refused(run(path, tmp_path, "--set", "shocks.0.fee=1e308"), "shocks.0.fee", "a trillion")


def test_growth_that_fills_the_planet_by_the_horizon_names_the_largest_that_fits(
    write_yaml, tmp_path: Path
) -> None:
    # 1,000 people now + 28 days x 1e11 a day = 2.8e12 > 1e12: at most (1e12 - 1000) / 28
    path = write_yaml(scenario_data())
    message = refused(
        run(path, tmp_path, "--set", "channels.social.daily_growth=1e11"),
        "channels.social.daily_growth",
        "at most 35,714,285,678.5 a day fit",
    )
    assert message.count("\n") == 2  # heading and one problem


def test_posts_over_the_horizon_have_a_budget(write_yaml, tmp_path: Path) -> None:
    # 1,000 a week for 7,300 days = 1,042,857 posts > 100,000: 95.89 a week fit
    path = write_yaml(scenario_data(horizon_days=7_300))
    refused(
        run(path, tmp_path, "--set", "channels.social.posts_per_week=1000"),
        "channels.social.posts_per_week",
        "1,042,857 posts",
        "at most 95.89 a week",
        "at most 700 days at 1000",
    )


def test_a_set_index_of_unicode_digits_is_an_input_error(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(
        scenario_data(shocks=[{"type": "pay_per_post", "channel": "social", "at": 3}])
    )
    refused(run(path, tmp_path, "--set", "shocks.³.fee=1"), "'shocks' is a list: use an index")


def test_extends_etc_passwd_never_prints_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n")
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {secret}\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "is not a scenario file (its first line is not a YAML mapping)" in result.stderr
    assert "root" not in result.stderr.replace(str(tmp_path), "") and "alice" not in result.stderr


def test_a_mapping_of_secrets_shows_short_keys_never_values_or_long_keys(tmp_path: Path) -> None:
    secret = tmp_path / "secrets.yaml"
    secret.write_text(
        "API_TOKEN: sk-live-0123456789abcdef0123456789\n"
        "this line is a sentence someone wrote with a colon: and more\n"
        "name: hunter2-is-my-password-and-it-is-long-enough-to-hide\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {secret.name}\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "unknown key 'API_TOKEN'" in result.stderr
    assert "sk-live" not in result.stderr
    assert "sentence" not in result.stderr and "hunter2" not in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "channels: " + "[" * 5000 + "]" * 5000 + "\n",
        "channels: " + "[" * 900_000 + "\n",  # the scanner would read ahead quadratically
        "channels: " + "{a: " * 200_000 + "\n",
        "channels:\n" + "- " * 200_000 + "x\n",
    ],
    ids=["5000-lists", "900k-brackets", "200k-mappings", "200k-block-lists"],
)
def test_yaml_nested_too_deep_is_refused_without_recursion(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "nests mappings and lists more than 32 deep" in result.stderr


def test_an_extends_chain_1000_deep_is_refused(write_yaml, tmp_path: Path) -> None:
    write_yaml(scenario_data(), "chain1000.yaml")
    for index in range(1000):
        (tmp_path / f"chain{index}.yaml").write_text(f"extends: chain{index + 1}.yaml\n")
    result = runner.invoke(app, ["validate", str(tmp_path / "chain0.yaml")])
    assert result.exit_code == 2
    assert "chain of extends is more than 16 files long" in result.stderr


def test_a_symlink_loop_and_a_nul_byte_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "via.yaml").write_text("extends: a.yaml\n")
    (tmp_path / "nul.yaml").write_text('extends: "a\\0b"\n')
    for name, fragment in [
        ("a.yaml", "a.yaml: is a loop of symbolic links"),
        ("via.yaml", "a.yaml is a loop of symbolic links"),
        ("nul.yaml", "extends: the path contains a NUL byte"),
    ]:
        result = runner.invoke(app, ["validate", str(tmp_path / name)])
        assert result.exit_code == 2, result.output
        assert fragment in result.stderr


def test_a_file_past_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * limits.MAX_FILE_BYTES + "\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "is larger than 1,000,000 bytes" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_a_device_as_the_scenario_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.yaml")
    for target, kind in [(tmp_path / "fifo.yaml", "is a FIFO"), (Path("/dev/zero"), "device")]:
        result = risksim("run", str(target), "--out", str(tmp_path / "out"), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert kind in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_a_folder_never_blocks_validate_list_or_charts(
    write_yaml, tmp_path: Path
) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "ok.yaml").write_text(yaml.safe_dump(scenario_data(name="ok")))
    os.mkfifo(folder / "pipe.yaml")
    result = risksim("validate", str(folder), cwd=tmp_path)
    assert result.returncode == 2 and "pipe.yaml: is a FIFO" in result.stderr
    result = risksim("list", str(folder), cwd=tmp_path)
    assert result.returncode == 0 and "INVALID" in result.stdout
    result = risksim("charts", str(folder), "--out", str(tmp_path / "ref"), cwd=tmp_path)
    assert result.returncode == 2 and "pipe.yaml: is a FIFO" in result.stderr


def test_new_onto_a_folder_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir.yaml").mkdir()
    result = runner.invoke(app, ["new", "adir.yaml", "--force"])
    assert result.exit_code == 2
    assert "adir.yaml is a folder" in result.stderr


def test_sweep_grids_past_the_budget_are_refused_before_anything_runs(
    write_yaml, tmp_path: Path
) -> None:
    path = write_yaml(scenario_data())
    common = ["sweep", str(path), "--strategy", "stay", "--out", str(tmp_path / "s")]
    result = runner.invoke(app, [*common, "--vary", "channels.social.order_value=0:0.1:1000000"])
    refused(result, "--vary", "N is 1,000,000; a sweep runs at most 2,500 points")
    result = runner.invoke(
        app,
        [
            *common,
            "--vary",
            "channels.social.order_value=1:2:1000",
            "--vary",
            "channels.social.production_cost=1:2:1000",
        ],
    )
    refused(result, "1,000 x 1,000 = 1,000,000 points")
    result = runner.invoke(
        app, [*common, "--vary", "channels.social.order_value=1:2:100", "-n", "1000000"]
    )
    refused(result, "at most 100,000 replications a point fit")


def test_an_unexpected_exception_is_one_line_and_exit_1(
    write_yaml, tmp_path: Path, monkeypatch
) -> None:
    import riskSim.cli.run as cli_run

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(cli_run, "simulate", broken)
    path = write_yaml(scenario_data())
    result = run(path, tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: internal error: ZeroDivisionError: float division by zero (please report it; "
        "RISKSIM_DEBUG=1 shows the traceback)\n"
    )
    monkeypatch.setenv("RISKSIM_DEBUG", "1")
    result = run(path, tmp_path)
    assert result.exit_code == 1 and "Traceback" in result.stderr
