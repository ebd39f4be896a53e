"""The sweep's charts read as a deck: coinciding points share one label, coinciding lines show.

Values are read back from the drawn figures (annotation texts, line markers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from riskSim.charts.frontier import frontier, point_labels, sweep_panels
from riskSim.studies.sweep import parse_vary, run_sweep
from tests.charts.test_style import THREE
from tests.conftest import tiny_data


def _exit_sweep(tmp_path: Path, *vary: str):
    path = tmp_path / "swept.yaml"
    path.write_text(yaml.safe_dump(tiny_data(name="swept", strategies=THREE)))
    return run_sweep(
        path, strategy="leave", axes=[parse_vary(text) for text in vary], deterministic=True
    )


def test_points_that_coincide_share_one_label(tmp_path: Path) -> None:
    # "leave" exits at the first fee: any fee above zero gives the same world
    result = _exit_sweep(tmp_path, "shocks.0.fee=0:10:3")
    rows = result.rows()
    assert rows[1]["profit_mean"] == rows[2]["profit_mean"]
    assert rows[0]["profit_mean"] != rows[1]["profit_mean"]
    texts = [text.get_text() for text in frontier(result).axes[0].texts]
    assert texts == ["0", "5, 10"]


def test_point_labels_merge_only_points_within_a_hundredth_of_the_span(tmp_path: Path) -> None:
    result = _exit_sweep(tmp_path, "shocks.0.fee=0:10:3")
    risk = np.array([0.0, 0.5, 0.5 + 0.004])  # 0.8% of the span apart: one place
    profit = np.array([100.0, 50.0, 50.0])
    assert [label for label, _, _ in point_labels(result, risk, profit)] == ["0", "5, 10"]
    risk = np.array([0.0, 0.5, 0.52])  # 4% apart: two places
    assert [label for label, _, _ in point_labels(result, risk, profit)] == ["0", "5", "10"]


def test_a_grid_joins_coinciding_points_with_semicolons(tmp_path: Path) -> None:
    result = _exit_sweep(
        tmp_path, "shocks.0.fee=5:10:2", "strategies.leave.capture.0.rate=0.05:0.1:2"
    )
    texts = [text.get_text() for text in frontier(result).axes[0].texts]
    # the fee does not matter once "leave" exits; the capture rate does
    assert texts == ["5, 0.05; 10, 0.05", "5, 0.1; 10, 0.1"]


def test_coinciding_lines_of_a_panel_stay_visible(tmp_path: Path) -> None:
    result = _exit_sweep(tmp_path, "shocks.0.fee=0:10:3")
    panel = sweep_panels(result).axes[2]
    assert panel.get_title() == "revenue at risk"
    mean, cvar = panel.lines
    # in expected-value mode mean and CVaR95 are one line: the second is drawn as rings on top
    np.testing.assert_allclose(mean.get_ydata(), cvar.get_ydata())
    assert mean.get_markerfacecolor() == mean.get_color()
    assert cvar.get_markerfacecolor() == "none"
    assert cvar.get_markersize() > mean.get_markersize()
    assert cvar.get_zorder() > mean.get_zorder()


def test_grid_lines_get_a_marker_each_larger_first(tmp_path: Path) -> None:
    result = _exit_sweep(
        tmp_path, "shocks.0.fee=5:10:2", "strategies.leave.capture.0.rate=0.05:0.1:2"
    )
    figure = sweep_panels(result)
    first, second = figure.axes[0].lines
    # the fee does not matter: the two lines coincide, nested markers show both
    np.testing.assert_allclose(first.get_ydata(), second.get_ydata())
    assert (first.get_marker(), second.get_marker()) == ("o", "s")
    assert first.get_markersize() > second.get_markersize()
    legend = figure.axes[-1].get_legend()
    assert [handle.get_marker() for handle in legend.legend_handles[:2]] == ["o", "s"]


def test_percent_ticks_on_half_percent_steps_are_told_apart(tmp_path: Path) -> None:
    result = _exit_sweep(tmp_path, "shocks.0.fee=0:10:3")
    panel = sweep_panels(result).axes[3]
    assert panel.get_title() == "relative revenue at risk"
    ticks = [0.52, 0.525, 0.53, 0.535]
    for formatter in (
        panel.yaxis.get_major_formatter(),
        frontier(result).axes[0].xaxis.get_major_formatter(),
    ):
        formatter.set_locs(ticks)
        # whole percents printed "52%, 52%, 53%, 54%" on the LinkedIn sweep
        assert [formatter(tick) for tick in ticks] == ["52.0%", "52.5%", "53.0%", "53.5%"]
