"""A run's output folder: summary.json, timeseries.csv, scenario.yaml, charts, reports.

Owns what a run writes and in what form; the charts are drawn by
:mod:`riskSim.charts` (imported only when charts are asked for) and the
reports by :mod:`riskSim.outputs.report`. Everything goes through
:func:`riskSim.outputs.folder.output_folder`: riskSim's files are replaced,
a user's files kept. Never simulates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskSim.outputs.folder import check_chart_format, csv_text, output_folder, write_text
from riskSim.outputs.report import write_report
from riskSim.scenario.loading import scenario_to_yaml

if TYPE_CHECKING:
    from riskSim.results import SimulationResults

__all__ = [
    "TIMESERIES_COLUMNS",
    "summary_json",
    "timeseries_csv",
    "write_outputs",
]

TIMESERIES_COLUMNS = (
    "strategy",
    "world",
    "week",
    "start_day",
    "days",
    "revenue_mean",
    "revenue_p5",
    "revenue_p50",
    "revenue_p95",
    "rented_revenue_mean",
    "rented_audience_mean",
    "owned_audience_mean",
)


def summary_json(summary: dict[str, Any]) -> str:
    """summary.json's text: stable key order, no NaN, a final newline."""
    return json.dumps(summary, indent=2, allow_nan=False) + "\n"


def timeseries_csv(rows: list[dict[str, Any]]) -> str:
    """timeseries.csv's text."""
    return csv_text(TIMESERIES_COLUMNS, rows)


ChartWriter = Callable[["SimulationResults", Path, str], list[Path]]


def write_outputs(
    results: SimulationResults,
    directory: str | Path,
    *,
    charts: bool = True,
    chart_format: str = "png",
    chart_writer: ChartWriter | None = None,
    force: bool = False,
) -> Path:
    """Write summary.json, timeseries.csv, scenario.yaml, charts and reports into ``directory``.

    report.md and report.html are always written; with ``charts`` off they have no charts.

    Args:
        results: what to write.
        directory: the output folder; riskSim's files in it are replaced when
            complete, other files kept (see :mod:`riskSim.outputs.folder`).
        charts: write ``charts/`` too.
        chart_format: png, svg or pdf.
        chart_writer: draws the charts into a folder; default :func:`riskSim.charts.write_charts`.
        force: write into a non-empty folder riskSim did not make, beside its files.

    Returns:
        The folder written.
    """
    check_chart_format(chart_format)
    directory = Path(directory)
    suggest = directory / results.scenario.name
    with output_folder(directory, command="risksim run", force=force, suggest=suggest) as staging:
        write_text(staging / "summary.json", summary_json(results.summary))
        write_text(staging / "timeseries.csv", timeseries_csv(results.weekly_rows()))
        write_text(staging / "scenario.yaml", scenario_to_yaml(results.scenario))
        if charts:
            if chart_writer is None:
                from riskSim.charts import write_charts as chart_writer
            (staging / "charts").mkdir()
            chart_writer(results, staging / "charts", chart_format)
        write_report(results, staging, charts=charts, chart_format=chart_format)
    return directory
