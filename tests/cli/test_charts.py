"""`risksim charts` through the CLI: reference files, --check, determinism, exit codes.

Every test works in tmp_path; nothing here checks the committed docs/charts,
which change whenever a scenario does.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import riskSim
from riskSim.charts import render_charts
from riskSim.cli import app
from riskSim.cli import charts as charts_command
from riskSim.outputs.folder import MANIFEST_NAME
from riskSim.outputs.run import summary_json
from tests.conftest import png_size, tiny_data

runner = CliRunner()
CHARTS = ("cdf.svg", "exposure.svg", "loss_distribution.svg", "revenue_fan.svg", "tornado.svg")


def charts(*args: object):
    return runner.invoke(app, ["charts", *map(str, args)])


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A folder with two tiny scenarios and a file that is not a scenario."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "first.yaml").write_text(yaml.safe_dump(tiny_data(name="first")), encoding="utf-8")
    second = tiny_data(name="second", seed=3, replications=30)
    second["channels"]["social"]["organic_reach"] = 0.1  # no uncertain input: no tornado
    second["shocks"][1]["at"] = 45
    (folder / "second.yaml").write_text(yaml.safe_dump(second), encoding="utf-8")
    (folder / "notes.txt").write_text("not a scenario", encoding="utf-8")
    return folder


@pytest.fixture
def reference(scenarios: Path, tmp_path: Path) -> Path:
    out = tmp_path / "docs" / "charts"
    result = charts(scenarios, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    return out


def test_writes_svg_charts_and_summary_per_scenario(scenarios, reference) -> None:
    assert sorted(path.name for path in (reference / "first" / "charts").iterdir()) == list(CHARTS)
    assert sorted(path.name for path in (reference / "second" / "charts").iterdir()) == [
        name for name in CHARTS if name != "tornado.svg"
    ]
    # the file's own seed and replications, exactly what the Python API gives
    scenario = riskSim.load_scenario(scenarios / "second.yaml")
    results = riskSim.simulate(scenario, workers=1)
    summary = json.loads((reference / "second" / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 3 and summary["replications"] == 30
    assert (reference / "second" / "summary.json").read_text() == summary_json(results.summary)
    assert (reference / "second" / "charts" / "exposure.svg").read_bytes() == render_charts(
        results, "svg"
    )["exposure"]


def test_check_passes_on_fresh_charts(scenarios, reference) -> None:
    result = charts(scenarios, "--out", reference, "--check")
    assert result.exit_code == 0, result.output
    assert "11 files up to date" in result.output


def test_check_fails_naming_a_changed_and_a_missing_file(scenarios, reference) -> None:
    changed = reference / "first" / "charts" / "revenue_fan.svg"
    changed.write_bytes(changed.read_bytes().replace(b"</svg>", b"<!-- edited --></svg>"))
    missing = reference / "second" / "summary.json"
    missing.unlink()
    before = {path: path.read_bytes() for path in reference.rglob("*") if path.is_file()}
    result = charts(scenarios, "--out", reference, "--check")
    assert result.exit_code == 1
    assert f"{changed} (differs)" in result.stderr
    assert f"{missing} (missing)" in result.stderr
    assert "2 reference file(s)" in result.stderr
    assert "exposure.svg" not in result.stderr  # untouched files are not named
    # --check writes nothing
    assert {path: path.read_bytes() for path in reference.rglob("*") if path.is_file()} == before


def test_check_names_a_chart_the_scenario_no_longer_draws(scenarios, reference) -> None:
    leftover = reference / "second" / "charts" / "tornado.svg"
    leftover.write_text("<svg/>", encoding="utf-8")
    manifest = reference / "second" / MANIFEST_NAME
    listed = json.loads(manifest.read_text(encoding="utf-8"))
    listed["files"].append("charts/tornado.svg")  # as when the scenario still drew it
    manifest.write_text(json.dumps(listed), encoding="utf-8")
    notes = reference / "second" / "notes.md"
    notes.write_text("a reviewer's notes, not riskSim's", encoding="utf-8")
    result = charts(scenarios / "second.yaml", "--out", reference, "--check")
    assert result.exit_code == 1
    assert f"{leftover} (not generated)" in result.stderr
    assert "1 reference file(s)" in result.stderr  # the notes are not riskSim's business
    # regenerating removes riskSim's leftover and keeps the notes
    assert charts(scenarios / "second.yaml", "--out", reference, "-q").exit_code == 0
    assert not leftover.exists()
    assert notes.read_text(encoding="utf-8") == "a reviewer's notes, not riskSim's"
    assert charts(scenarios / "second.yaml", "--out", reference, "--check").exit_code == 0


def test_check_names_a_folder_risksim_did_not_make(scenarios, reference) -> None:
    manifest = reference / "first" / MANIFEST_NAME
    manifest.unlink()
    result = charts(scenarios, "--out", reference, "--check")
    assert result.exit_code == 1
    assert f"{manifest} (missing)" in result.stderr


def test_check_against_nothing_fails_and_creates_nothing(scenarios, tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = charts(scenarios / "first.yaml", "--out", out, "--check")
    assert result.exit_code == 1
    assert str(out / "first" / "charts" / "tornado.svg") in result.stderr
    assert not out.exists()


def test_svg_bytes_identical_across_runs_and_workers(scenarios, tmp_path: Path) -> None:
    data = tiny_data(name="big", replications=600, horizon_days=56)  # two batches of replications
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    for name, workers in (("one", 1), ("two", 2), ("again", 1)):
        assert charts(path, "--out", tmp_path / name, "--workers", workers, "-q").exit_code == 0
    for file in (*(f"charts/{chart}" for chart in CHARTS), "summary.json"):
        reference = (tmp_path / "one" / "big" / file).read_bytes()
        assert (tmp_path / "two" / "big" / file).read_bytes() == reference, file
        assert (tmp_path / "again" / "big" / file).read_bytes() == reference, file


def test_invalid_input_exits_2_and_writes_nothing(scenarios, tmp_path: Path) -> None:
    bad = scenarios / "third.yaml"
    bad.write_text(yaml.safe_dump(tiny_data(name="third", horizon_days=-5)), encoding="utf-8")
    out = tmp_path / "out"
    result = charts(scenarios, "--out", out)
    assert result.exit_code == 2
    assert "third.yaml" in result.stderr and "horizon_days" in result.stderr
    assert not out.exists()
    missing = charts(tmp_path / "nowhere.yaml", "--out", out)
    assert missing.exit_code == 2
    assert "nowhere.yaml: no such file or folder" in missing.stderr


def test_two_files_with_one_name_are_refused(scenarios, tmp_path: Path) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text(yaml.safe_dump(tiny_data(name="first")), encoding="utf-8")
    result = charts(scenarios / "first.yaml", twin, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "'first' is also the name of" in result.stderr


def test_run_writes_five_png_charts_and_both_reports(scenarios, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(scenarios / "first.yaml"), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    for chart in CHARTS:
        png = out / "charts" / chart.replace(".svg", ".png")
        assert png_size(png.read_bytes()) == (1600, 900)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    markdown = (out / "report.md").read_text(encoding="utf-8")
    risk = summary["strategies"]["leave"]["revenue_at_risk"]
    assert f"{risk['cvar95']:,.0f}" in markdown
    assert (out / "report.html").read_text(encoding="utf-8").count("<svg") == 5


def test_says_what_runs_which_scenario_is_drawn_and_how_many_are_left(
    scenarios, tmp_path: Path
) -> None:
    result = charts(scenarios, "--out", tmp_path / "announced", "--workers", 2)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "simulating 2 scenarios together (70 replications)",
        "[1/2] charts of first drawn; 1 left",
        "[2/2] charts of second drawn; 0 left",
    ]


def test_one_bar_counts_every_scenarios_replications(
    scenarios, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars: list[tuple[str, bool, list[tuple[int, int]]]] = []

    @contextmanager
    def bar(name: str, *, enabled: bool):
        heard: list[tuple[int, int]] = []
        bars.append((name, enabled, heard))
        yield lambda done, total: heard.append((done, total))

    monkeypatch.setattr(charts_command, "batch_progress", bar)
    result = charts(scenarios, "--out", tmp_path / "bar", "--workers", 2)
    assert result.exit_code == 0, result.output
    ((name, enabled, heard),) = bars
    assert (name, enabled) == ("2 scenarios", True)
    assert heard[0] == (0, 70) and heard[-1] == (70, 70)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
