"""Charts from results: which charts a run has, drawing them, and writing their files.

Owns the set of charts (:data:`CHART_NAMES`), their file names and formats,
and rendering them to bytes that repeat exactly for the same results (see
:func:`riskSim.charts.style.render`). The figures themselves live in
:mod:`riskSim.charts.figures`. Plotting never simulates: everything here takes
finished :class:`~riskSim.results.SimulationResults`. Matplotlib is used
through ``Figure`` and the Agg canvas only, never pyplot's global state.

May import: :mod:`riskSim.results`, :mod:`riskSim.scenario`, the shared
leaves, matplotlib (the only package that does); studies' result types only
for type checking. Must never simulate (no :mod:`riskSim.simulation`), write
files or print: it depends on the shapes of results, not on how they were made.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from riskSim.charts.figures import exposure, loss_distribution, revenue_fan
from riskSim.charts.profit import cdf, tornado
from riskSim.charts.style import render
from riskSim.results.sensitivity import MIN_TORNADO_INPUTS
from riskSim.words import CHART_CAPTIONS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from riskSim.results import SimulationResults

__all__ = [
    "CHART_NAMES",
    "cdf",
    "chart_names",
    "exposure",
    "figures",
    "loss_distribution",
    "render",
    "render_charts",
    "revenue_fan",
    "tornado",
    "write_charts",
]

CHART_NAMES = tuple(CHART_CAPTIONS)
"""Every chart a run may have, in the order they are drawn and shown."""

_DRAWERS: dict[str, Callable[[SimulationResults], Figure]] = {
    drawer.__name__: drawer for drawer in (revenue_fan, exposure, loss_distribution, cdf, tornado)
}
assert tuple(_DRAWERS) == CHART_NAMES, "every captioned chart has its drawer, in order"


def chart_names(results: SimulationResults) -> list[str]:
    """The charts ``results`` has: all but the tornado, which needs two uncertain inputs."""
    ranked = len(results.inputs) >= MIN_TORNADO_INPUTS
    return [name for name in CHART_NAMES if name != "tornado" or ranked]


def figures(results: SimulationResults) -> dict[str, Figure]:
    """Every chart of ``results`` as a matplotlib Figure, by name."""
    return {name: _DRAWERS[name](results) for name in chart_names(results)}


def render_charts(results: SimulationResults, chart_format: str) -> dict[str, bytes]:
    """Every chart of ``results`` as ``chart_format`` bytes, by name (no extension).

    Each figure is drawn, rendered and dropped before the next, so memory
    holds one figure at a time.
    """
    return {
        name: render(_DRAWERS[name](results), chart_format) for name in chart_names(results)
    }


def write_charts(results: SimulationResults, folder: Path, chart_format: str) -> list[Path]:
    """Draw every chart of ``results`` into ``folder``; returns the files written.

    Files are named ``<chart>.<format>``, e.g. ``revenue_fan.png``.
    """
    written = []
    for name, data in render_charts(results, chart_format).items():
        path = folder / f"{name}.{chart_format}"
        path.write_bytes(data)
        written.append(path)
    return written
