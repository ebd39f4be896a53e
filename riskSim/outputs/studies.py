"""The output folders of studies: sweep.csv, compare.csv and their charts.

Sweeps and comparisons share one shape of folder (a table and ``charts/``),
written atomically through :mod:`riskSim.outputs.folder`; the charts are drawn
by :mod:`riskSim.charts.frontier`, imported only when charts are asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from riskSim.outputs.folder import atomic_folder, check_chart_format, csv_text, write_text
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



def sweep_csv(result: SweepResult) -> str:
    """sweep.csv's text: one row per point in grid order; floats in shortest round-trip form."""
    return csv_text([*result.paths, *METRIC_COLUMNS, "pareto"], result.rows())


def sweep_json(result: SweepResult) -> str:
    """The sweep's JSON document (``--json``): stable key order, a final newline."""
    return json.dumps(result.document(), indent=2, allow_nan=False) + "\n"


def write_sweep(
    result: SweepResult,
    directory: str | Path,
    *,
    charts: bool = True,
    chart_format: str = "png",
) -> Path:
    """Write sweep.csv and the charts (frontier, sweep, heatmap for a grid) atomically.

    Args:
        result: the sweep.
        directory: the output folder; replaced as a whole once complete.
        charts: draw ``charts/`` too.
        chart_format: png, svg or pdf.

    Returns:
        The folder written.
    """
    def draw() -> dict[str, bytes]:
        from riskSim.charts.frontier import render_sweep_charts

        return render_sweep_charts(result, chart_format)

    return write_table_and_charts(
        directory,
        table_name="sweep.csv",
        table_text=sweep_csv(result),
        draw_charts=draw if charts else None,
        chart_format=chart_format,
    )


def compare_csv(comparison: Comparison) -> str:
    """compare.csv's text: :data:`COMPARE_COLUMNS`, floats in shortest round-trip form."""
    return csv_text(COMPARE_COLUMNS, comparison.rows())


def write_comparison(
    comparison: Comparison,
    directory: str | Path,
    *,
    charts: bool = True,
    chart_format: str = "png",
) -> Path:
    """Write compare.csv and ``charts/compare`` into ``directory``, atomically.

    Returns:
        The folder written.
    """
    def draw() -> dict[str, bytes]:
        from riskSim.charts.frontier import compare_bars
        from riskSim.charts.style import render

        return {"compare": render(compare_bars(comparison), chart_format)}

    return write_table_and_charts(
        directory,
        table_name="compare.csv",
        table_text=compare_csv(comparison),
        draw_charts=draw if charts else None,
        chart_format=chart_format,
    )
