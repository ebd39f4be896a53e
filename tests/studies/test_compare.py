"""`risksim compare` and riskSim.studies.compare: scenarios side by side, variants, compare.csv."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import riskSim
from riskSim.cli import app
from riskSim.errors import InvalidInputError
from riskSim.studies.compare import COMPARE_COLUMNS, load_compared, parse_variant, run_comparison
from tests.conftest import shutdown_data

runner = CliRunner()


def compare(*args: object):
    return runner.invoke(app, ["compare", *map(str, args)])


def test_parse_variant() -> None:
    variant = parse_variant("late:shocks.0.at=20,horizon_days=30")
    assert variant.name == "late" and variant.overrides == ("shocks.0.at=20", "horizon_days=30")
    for bad in ("late", "late:", "no good:shocks.0.at=2", "late:shocks.0.at"):
        with pytest.raises(InvalidInputError) as caught:
            parse_variant(bad)
        assert caught.value.problems[0].source == "--variant"


def test_variants_of_one_file_by_hand(write_yaml) -> None:
    path = write_yaml(shutdown_data())
    labelled = load_compared([path], variants=[parse_variant("late:shocks.0.at=21")])
    assert [label for label, _ in labelled] == ["hand", "late"]
    rows = run_comparison(labelled, deterministic=True).rows()
    assert [(row["scenario"], row["strategy"]) for row in rows] == [("hand", "own"), ("late", "own")]
    # rate 0: the shutdown takes posts 14..27 (half) or 21..27 (a quarter) of 28 x 25
    assert rows[0]["revenue_at_risk_mean"] == pytest.approx(350)
    assert rows[1]["revenue_at_risk_mean"] == pytest.approx(175)
    assert rows[1]["relative_revenue_at_risk"] == pytest.approx(0.25)
    assert rows[1]["profit_mean"] == pytest.approx(21 * 25 - 21 * 10)


def test_compare_files_writes_csv_and_chart_on_each_files_seed(write_yaml, tmp_path: Path) -> None:
    first = write_yaml(shutdown_data(name="first", replications=40), "first.yaml")
    second = write_yaml(shutdown_data(name="second", replications=40, seed=9), "second.yaml")
    out = tmp_path / "cmp"
    result = compare(first, second, "--out", out, "--format", "svg", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [(s["label"], s["seed"]) for s in document["scenarios"]] == [("first", 1), ("second", 9)]
    lines = (out / "compare.csv").read_text().splitlines()
    assert lines[0] == ",".join(COMPARE_COLUMNS)
    assert [line.split(",")[:2] for line in lines[1:]] == [["first", "own"], ["second", "own"]]
    assert (out / "charts" / "compare.svg").is_file()
    plain = riskSim.simulate(riskSim.load_scenario(second), workers=1).summary
    assert float(lines[2].split(",")[3]) == plain["strategies"]["own"]["revenue_at_risk"]["mean"]
    again = compare(first, second, "--out", tmp_path / "again", "--format", "svg", "--workers", "1", "-q")
    assert again.exit_code == 0 and again.output == ""
    assert (tmp_path / "again" / "charts" / "compare.svg").read_bytes() == (out / "charts" / "compare.svg").read_bytes()


def test_one_seed_for_all_with_seed(write_yaml, tmp_path: Path) -> None:
    path = write_yaml(shutdown_data(replications=30))
    result = compare(path, "--variant", "v:shocks.0.at=20", "--seed", "5", "--workers", "1",
                     "--no-charts", "--out", tmp_path / "o", "--json")
    assert result.exit_code == 0, result.output
    assert [s["seed"] for s in json.loads(result.output)["scenarios"]] == [5, 5]
    assert not (tmp_path / "o" / "charts").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "needs two scenario files"),
        (["--variant", "hand:shocks.0.at=3"], "two scenarios are named 'hand'"),
        (["--variant", "v:shocks.0.att=3"], "v"),
        (["--variant", "v:shocks.0.at=-3"], ">= 0"),
    ],
)
def test_invalid_comparisons_exit_2(write_yaml, tmp_path: Path, extra, message) -> None:
    path = write_yaml(shutdown_data())
    out = tmp_path / "never"
    result = compare(path, *extra, "--out", out, "--deterministic")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()
