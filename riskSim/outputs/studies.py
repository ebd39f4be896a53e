"""The output folders of studies: sweep.csv, compare.csv and their charts.

Sweeps and comparisons share one shape of folder (a table and ``charts/``),
written atomically through :mod:`riskSim.outputs.folder`; the charts are drawn
by :mod:`riskSim.charts.frontier`, imported only when charts are asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from riskSim.outputs.folder import check_chart_format, csv_text, output_folder, write_text
from riskSim.studies.compare import COMPARE_COLUMNS, Comparison
from riskSim.studies.sweep import METRIC_COLUMNS, SweepResult

__all__ = [
    "compare_csv",
    "sweep_csv",
    "sweep_json",
    "write_comparison",
    "write_sweep",
    "write_table_and_charts",
]


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
    ``force`` are :func:`~riskSim.outputs.folder.output_folder`'s.
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



def sweep_csv(result: SweepResult) -> str:
    """sweep.csv's text: one row per point in grid order; floats in shortest round-trip form."""
    return csv_text([*result.paths, *METRIC_COLUMNS, "pareto"], result.rows())


def sweep_json(result: SweepResult) -> str:
    """The sweep's JSON document (``--json``): stable key order, a final newline."""
    return json.dumps(result.document(), indent=2, allow_nan=False) + "\n"


def write_sweep(result: SweepResult, directory: str | Path, **options: Any) -> Path:
    """Write sweep.csv and the charts (frontier, sweep, heatmap for a grid) atomically.

    ``options``: ``charts`` (default True), ``chart_format`` (default png) and
    ``force`` (write into a non-empty folder riskSim did not make).
    """
    table = sweep_csv(result)
    return _write_study(directory, "sweep.csv", table, "render_sweep_charts", result, **options)


def compare_csv(comparison: Comparison) -> str:
    """compare.csv's text: :data:`COMPARE_COLUMNS`, floats in shortest round-trip form."""
    return csv_text(COMPARE_COLUMNS, comparison.rows())


def write_comparison(comparison: Comparison, directory: str | Path, **options: Any) -> Path:
    """Write compare.csv and ``charts/compare`` atomically (options as :func:`write_sweep`)."""
    table = compare_csv(comparison)
    return _write_study(
        directory, "compare.csv", table, "render_compare_charts", comparison, **options
    )


def _write_study(
    directory: str | Path,
    table_name: str,
    table_text: str,
    renderer: str,
    study: object,
    *,
    charts: bool = True,
    chart_format: str = "png",
    force: bool = False,
) -> Path:
    """A study's table, and its charts drawn by ``charts.frontier.<renderer>(study, format)``.

    The chart module is imported only when charts are drawn, so a study without
    charts never loads matplotlib.
    """

    def draw() -> dict[str, bytes]:
        from riskSim.charts import frontier

        return getattr(frontier, renderer)(study, chart_format)

    return write_table_and_charts(
        directory,
        table_name=table_name,
        table_text=table_text,
        draw_charts=draw if charts else None,
        chart_format=chart_format,
        command=f"risksim {table_name.removesuffix('.csv')}",
        force=force,
    )
