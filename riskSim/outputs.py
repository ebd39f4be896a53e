"""Writing a run's outputs into a folder, atomically.

Owns the files of a run: summary.json, timeseries.csv, scenario.yaml, the
charts (drawn by :mod:`riskSim.charts`) and the reports (:mod:`riskSim.report`).
Everything is written into a temporary folder beside the target and renamed
into place only when complete, so an interrupted or failed run never leaves
half a folder and never damages an earlier result. Never simulates.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskSim.errors import OutputError
from riskSim.loading import scenario_to_yaml

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


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    On any exception (an interrupt included) the temporary folder is removed and
    ``target`` is left exactly as it was.

    Raises:
        OutputError: the folder cannot be created or replaced (unwritable, disk full).
    """
    target = target.absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        )
        staging.chmod(0o777 & ~_umask())
    except OSError as error:
        blocking = next((p for p in (target.parent, *target.parent.parents) if p.exists()), None)
        reason = (
            f"{blocking} is a file, not a folder"
            if blocking is not None and not blocking.is_dir()
            else error.strerror or str(error)
        )
        raise OutputError(f"cannot write to {target.parent}: {reason}") from None
    try:
        try:
            yield staging
        except OSError as error:
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
        _swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _swap_into_place(staging: Path, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a folder")
    previous = None
    try:
        if target.exists():
            previous = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.rmdir(previous)
            os.rename(target, previous)
        os.rename(staging, target)
    except OSError as error:
        if previous is not None and previous.exists() and not target.exists():
            os.rename(previous, target)
        raise OutputError(f"cannot replace {target}: {error.strerror or error}") from None
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


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
) -> Path:
    """Write one CSV and, with ``draw_charts``, its ``charts/<name>.<format>`` atomically.

    Sweeps and comparisons share this shape of output folder.
    """
    check_chart_format(chart_format)
    target = Path(directory)
    with atomic_folder(target) as staging:
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
) -> Path:
    """Write summary.json, timeseries.csv, scenario.yaml, charts and reports into ``directory``.

    report.md and report.html are always written; with ``charts`` off they have no charts.

    Args:
        results: what to write.
        directory: the output folder; replaced as a whole when complete.
        charts: write ``charts/`` too.
        chart_format: png, svg or pdf.
        chart_writer: draws the charts into a folder; default :func:`riskSim.charts.write_charts`.

    Returns:
        The folder written.
    """
    check_chart_format(chart_format)
    with atomic_folder(directory) as staging:
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
