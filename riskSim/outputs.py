"""Writing a run's outputs into a folder, atomically.

Owns the files of a run: summary.json, timeseries.csv, scenario.yaml, the
charts (drawn by :mod:`riskSim.charts`) and the reports (:mod:`riskSim.report`).
Everything is written through :func:`riskSim.output_folder.output_folder`
(re-exported here as ``atomic_folder``): staged beside the target and moved
into place only when complete, so an interrupted or failed run never leaves
half a folder, never damages an earlier result and never removes a file
riskSim did not write. Never simulates.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskSim.loading import scenario_to_yaml
from riskSim.output_folder import output_folder

if TYPE_CHECKING:
    from riskSim.results import SimulationResults

__all__ = [
    "CHART_FORMATS",
    "atomic_folder",
    "check_chart_format",
    "write_table_and_charts",
    "write_text",
    "summary_json",
    "timeseries_csv",
    "write_outputs",
]

atomic_folder = output_folder
"""The former name of :func:`riskSim.output_folder.output_folder`, kept for callers."""

CHART_FORMATS = ("png", "svg", "pdf")
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
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TIMESERIES_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def check_chart_format(chart_format: str) -> None:
    """Refuse a chart format matplotlib is not asked to write here.

    Raises:
        ValueError: naming the format and the choices.
    """
    if chart_format not in CHART_FORMATS:
        raise ValueError(
            f"chart_format(={chart_format!r}) must be one of {', '.join(CHART_FORMATS)}."
        )


def write_table_and_charts(
    directory: str | Path,
    *,
    table_name: str,
    table_text: str,
    draw_charts: Callable[[], dict[str, bytes]] | None,
    chart_format: str,
    command: str,
    force: bool = False,
) -> Path:
    """Write one CSV and, with ``draw_charts``, its ``charts/<name>.<format>`` atomically.

    Sweeps and comparisons share this shape of output folder; ``command`` and
    ``force`` are :func:`~riskSim.output_folder.output_folder`'s.
    """
    check_chart_format(chart_format)
    target = Path(directory)
    with output_folder(target, command=command, force=force) as staging:
        write_text(staging / table_name, table_text)
        if draw_charts is not None:
            (staging / "charts").mkdir()
            for name, data in draw_charts().items():
                (staging / "charts" / f"{name}.{chart_format}").write_bytes(data)
    return target


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix line ends, whatever the platform."""
    _write_text(path, text)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


ChartWriter = Callable[["SimulationResults", Path, str], list[Path]]


def write_outputs(
    results: SimulationResults,
    directory: Path,
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
            complete, other files kept (see :mod:`riskSim.output_folder`).
        charts: write ``charts/`` too.
        chart_format: png, svg or pdf.
        chart_writer: draws the charts into a folder; default :func:`riskSim.charts.write_charts`.
        force: write into a non-empty folder riskSim did not make.

    Returns:
        The folder written.
    """
    check_chart_format(chart_format)
    suggest = os.path.join(directory, results.scenario.name)
    with output_folder(directory, command="risksim run", force=force, suggest=suggest) as staging:
        _write_text(staging / "summary.json", summary_json(results.summary))
        _write_text(staging / "timeseries.csv", timeseries_csv(results.weekly_rows()))
        _write_text(staging / "scenario.yaml", scenario_to_yaml(results.scenario))
        if charts:
            if chart_writer is None:
                from riskSim.charts import write_charts as chart_writer
            (staging / "charts").mkdir()
            chart_writer(results, staging / "charts", chart_format)
        from riskSim.report import write_report

        write_report(results, staging, charts=charts, chart_format=chart_format)
    return directory
