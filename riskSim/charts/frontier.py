"""Charts of sweeps and comparisons: the frontier, small multiples, heat map, grouped bars.

Owns what each of these charts shows: ``frontier`` (expected profit against
relative revenue at risk, one labelled point per value, joined in order,
Pareto-efficient points marked), ``sweep`` (each figure against the varied
value), ``heatmap`` (revenue at risk over a two-field grid) and ``compare``
(mean revenue at risk per strategy per scenario, CVaR95 marked). Reads
finished sweeps and comparisons only: never simulates, never writes files,
never touches pyplot. Bytes repeat through :func:`riskSim.charts.style.render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from riskSim.charts.style import (
    CALM,
    chart_style,
    money_axis,
    new_figure,
    percent_axis,
    render,
    strategy_colours,
    strategy_shades,
)
from riskSim.words import short_money

if TYPE_CHECKING:
    from riskSim.studies.compare import Comparison
    from riskSim.studies.sweep import SweepResult

__all__ = [
    "COINCIDE",
    "compare_bars",
    "compared_strategies",
    "frontier",
    "heatmap",
    "point_labels",
    "render_compare_charts",
    "render_sweep_charts",
    "sweep_chart_names",
    "sweep_panels",
]

EFFICIENT = "#1B7F3B"
"""Pareto-efficient points: green, the colour of the choices worth making."""
LABEL_SIZE = 11


def _value_text(value: float | int) -> str:
    """A varied value as written in sweep.csv: ``0.05``, ``60``."""
    return repr(value)


def _short(path: str) -> str:
    """The last segments of a dotted path, enough to say which field: ``capture.0.rate``."""
    parts = path.split(".")
    keep = 3 if len(parts) >= 3 and parts[-2].isdigit() else 2
    return ".".join(parts[-keep:])


def _subtitle(result: SweepResult) -> str:
    mode = "expected value" if result.deterministic else f"{result.replications:,} replications"
    days = result.scenario.horizon_days
    return f"strategy {result.strategy}; {mode}, {days} days, seed {result.seed}"


def _series(result: SweepResult) -> list[tuple[str | None, list[int]]]:
    """Rows joined by a line: one series for one field; one per first-field value for a grid.

    Returns:
        ``(legend label or None, row indexes in order)`` per series.
    """
    if len(result.axes) == 1:
        return [(None, list(range(len(result.points))))]
    first, second = result.axes
    width = len(second.values)
    return [
        (f"{_short(first.path)} = {_value_text(value)}", list(range(i * width, (i + 1) * width)))
        for i, value in enumerate(first.values)
    ]


def _series_colours(result: SweepResult, count: int) -> list[str]:
    """The swept strategy's colour (as in the scenario's run charts), shaded per series.

    Every line of a sweep is the same strategy, so none borrows another
    strategy's colour; with a grid, darker lines are larger first-field values.
    """
    names = result.strategy_names or (result.strategy,)
    return strategy_shades(strategy_colours(names)[result.strategy], count)


COINCIDE = 0.01
"""Points closer than this share of the data's span on both axes are drawn as one."""


def point_labels(
    result: SweepResult, risk: np.ndarray, profit: np.ndarray
) -> list[tuple[str, int, bool]]:
    """One label per place on the frontier: points that coincide share one label.

    When a field stops mattering (a fee above which the strategy exits), its
    points sit on top of each other and their labels would print over each
    other; instead the first of them carries every value, ``"10, 20, 30"`` (with
    two varied fields, points are separated by ``"; "``: ``"0.05, 10; 0.1, 10"``).

    Args:
        result: the sweep.
        risk (ndarray[points]): relative revenue at risk per point, in grid order.
        profit (ndarray[points]): expected profit per point, in grid order.

    Returns:
        ``(label, index of the point it is drawn at, any of them Pareto-efficient)``
        per place, in grid order of the places' first points.
    """
    rows = result.rows()
    tolerance_x = COINCIDE * (float(np.ptp(risk)) if len(risk) else 0.0)
    tolerance_y = COINCIDE * (float(np.ptp(profit)) if len(profit) else 0.0)
    places: list[list[int]] = []
    for index in range(len(rows)):
        for place in places:
            first = place[0]
            if (
                abs(risk[index] - risk[first]) <= tolerance_x
                and abs(profit[index] - profit[first]) <= tolerance_y
            ):
                place.append(index)
                break
        else:
            places.append([index])
    separator = ", " if len(result.paths) == 1 else "; "
    return [
        (
            separator.join(
                ", ".join(_value_text(rows[index][path]) for path in result.paths)
                for index in place
            ),
            place[0],
            any(rows[index]["pareto"] for index in place),
        )
        for place in places
    ]


def frontier(result: SweepResult) -> Figure:
    """Expected profit against relative revenue at risk, one labelled point per grid point.

    Moving right costs safety, moving up earns profit: the efficient points
    (green rings) are those no other point beats on both at once.
    """
    rows = result.rows()
    risk = np.array([row["relative_revenue_at_risk"] for row in rows])
    profit = np.array([row["profit_mean"] for row in rows])
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        series = _series(result)
        shades = _series_colours(result, len(series))
        for (label, indexes), colour in zip(series, shades, strict=True):
            axes.plot(
                risk[indexes],
                profit[indexes],
                "-o",
                color=colour,
                markersize=8,
                label=label,
                zorder=2,
            )
        efficient = [index for index, row in enumerate(rows) if row["pareto"]]
        axes.scatter(
            risk[efficient],
            profit[efficient],
            s=380,
            facecolors="none",
            edgecolors=EFFICIENT,
            linewidths=3,
            zorder=3,
        )
        for text, index, pareto in point_labels(result, risk, profit):
            axes.annotate(
                text,
                (risk[index], profit[index]),
                xytext=(14, 8),
                textcoords="offset points",
                fontsize=LABEL_SIZE,
                color=EFFICIENT if pareto else "#333333",
                fontweight="bold" if pareto else "normal",
            )
        axes.xaxis.set_major_formatter(percent_axis())
        axes.yaxis.set_major_formatter(money_axis(result.scenario.currency))
        axes.set_xlabel("relative revenue at risk (share of calm-world revenue the shocks take)")
        axes.set_ylabel("expected profit (shocked world)")
        axes.margins(x=0.08, y=0.1)
        handles: list[Any] = [
            Line2D(
                [],
                [],
                marker="o",
                color="none",
                markerfacecolor="none",
                markeredgecolor=EFFICIENT,
                markeredgewidth=3,
                markersize=16,
                label="Pareto-efficient: no point has both less risk and more profit",
            ),
        ]
        if len(series) > 1:
            handles = [*axes.get_legend_handles_labels()[0], *handles]
        axes.legend(handles=handles, loc="best")
        axes.set_title(f"labels: {', '.join(result.paths)}", fontsize=14, fontweight="normal")
        figure.suptitle(
            f"{result.scenario.display_title()}: the diversification frontier\n{_subtitle(result)}"
        )
    return figure


_PANELS = (
    ("expected revenue", ("revenue_mean",), True),
    ("expected profit", ("profit_mean", "calm_profit_mean"), True),
    ("revenue at risk", ("revenue_at_risk_mean", "revenue_at_risk_cvar95"), True),
    ("relative revenue at risk", ("relative_revenue_at_risk",), False),
    ("rented revenue share", ("rented_revenue_share",), False),
)
_LINE_STYLES = {
    "calm_profit_mean": ":",
    "revenue_at_risk_cvar95": "--",
}
_SERIES_MARKERS = ("o", "s", "^", "D", "v", "P")
"""Markers of a grid's lines, one per value of its first field, so coinciding lines still show."""
_HOLLOW = frozenset(_LINE_STYLES)
"""Second lines of a panel: hollow, larger markers, so a line on top of the first shows as rings."""
_LINE_NAMES = {
    "profit_mean": "shocked world",
    "calm_profit_mean": "calm world",
    "revenue_at_risk_mean": "mean",
    "revenue_at_risk_cvar95": "CVaR95",
}


def _series_marker(number: int, count: int) -> tuple[str, float]:
    """Marker and size of series ``number`` of ``count``: earlier series larger, so lines that
    coincide show as nested markers instead of the last one hiding the others."""
    if count == 1:
        return "o", 5.0
    return _SERIES_MARKERS[number % len(_SERIES_MARKERS)], 5.0 + 2.5 * (count - 1 - number)


def sweep_panels(result: SweepResult) -> Figure:
    """Each figure of sweep.csv against the varied value, one small panel per figure.

    For a grid, x is the second field and there is one line per value of the first.
    """
    rows = result.rows()
    x_axis = result.axes[-1]
    series = _series(result)
    shades = _series_colours(result, len(series))
    with chart_style():
        figure = new_figure()
        grid = figure.subplots(2, 3, squeeze=False)
        flat = list(grid.flat)
        for panel, (title, columns, is_money) in zip(flat, _PANELS, strict=False):
            for number, ((label, indexes), colour) in enumerate(zip(series, shades, strict=True)):
                x = [rows[index][x_axis.path] for index in indexes]
                marker, size = _series_marker(number, len(series))
                for column in columns:
                    name = _LINE_NAMES.get(column)
                    shown = " - ".join(part for part in (label, name) if part) or None
                    hollow = column in _HOLLOW
                    line_colour = (
                        CALM if column == "calm_profit_mean" and len(series) == 1 else colour
                    )
                    panel.plot(
                        x,
                        [rows[index][column] for index in indexes],
                        marker=marker,
                        markersize=size + 5 if hollow else size,
                        markerfacecolor="none" if hollow else line_colour,
                        markeredgewidth=1.8 if hollow else 1.0,
                        color=line_colour,
                        linestyle=_LINE_STYLES.get(column, "-"),
                        label=shown,
                        zorder=3 if hollow else 2,
                    )
            panel.set_title(title, fontsize=15)
            panel.set_xlabel(_short(x_axis.path), fontsize=13)
            panel.yaxis.set_major_formatter(
                money_axis(result.scenario.currency)
                if is_money
                else percent_axis()
            )
            if len(columns) > 1 and len(series) == 1:
                panel.legend(fontsize=11)
        legend_panel = flat[-1]
        legend_panel.axis("off")
        if len(series) > 1:
            legend_panel.legend(
                handles=[
                    Line2D(
                        [],
                        [],
                        color=colour,
                        marker=_series_marker(number, len(series))[0],
                        markersize=8,
                        label=label,
                    )
                    for number, ((label, _), colour) in enumerate(zip(series, shades, strict=True))
                ]
                + [
                    Line2D(
                        [],
                        [],
                        color=CALM,
                        linestyle=linestyle,
                        marker="o",
                        markersize=9,
                        markerfacecolor="none",
                        label=text,
                    )
                    for linestyle, text in (
                        (":", "calm-world profit"),
                        ("--", "CVaR95 of revenue at risk"),
                    )
                ],
                loc="center",
            )
        # two lines: a long title and two dotted paths overflow a 16-inch figure on one
        figure.suptitle(f"{result.scenario.display_title()}\nsweep of {', '.join(result.paths)}")
        figure.text(
            0.99, 0.01, _subtitle(result), ha="right", va="bottom", fontsize=12, color="#555555"
        )
    return figure


def heatmap(result: SweepResult) -> Figure:
    """Mean revenue at risk over a two-field grid, each cell labelled with its figure.

    Raises:
        ValueError: the sweep varies one field, not two.
    """
    if len(result.axes) != 2:
        raise ValueError(f"a heat map needs two varied fields, got {len(result.axes)}.")
    first, second = result.axes
    rows = result.rows()
    values = np.array([row["revenue_at_risk_mean"] for row in rows]).reshape(
        len(first.values), len(second.values)
    )
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        axes.grid(False)
        image = axes.imshow(values, origin="lower", aspect="auto", cmap="OrRd")
        axes.set_xticks(range(len(second.values)), [_value_text(v) for v in second.values])
        axes.set_yticks(range(len(first.values)), [_value_text(v) for v in first.values])
        axes.set_xlabel(second.path)
        axes.set_ylabel(first.path)
        span = float(values.max() - values.min()) or 1.0
        for (row, column), amount in np.ndenumerate(values):
            dark = (amount - values.min()) / span > 0.6
            axes.text(
                column,
                row,
                short_money(float(amount), result.scenario.currency),
                ha="center",
                va="center",
                fontsize=12,
                color="white" if dark else "black",
            )
        bar = figure.colorbar(image, ax=axes)
        bar.set_label("mean revenue at risk")
        bar.formatter = money_axis(result.scenario.currency)
        bar.update_ticks()
        figure.suptitle(
            f"{result.scenario.display_title()}: mean revenue at risk\n{_subtitle(result)}"
        )
    return figure


def sweep_chart_names(result: SweepResult) -> list[str]:
    """The charts of a sweep: frontier and sweep; heatmap too for a two-field grid."""
    return ["frontier", "sweep", *(["heatmap"] if len(result.axes) == 2 else [])]


def render_sweep_charts(result: SweepResult, chart_format: str) -> dict[str, bytes]:
    """Every chart of a sweep as ``chart_format`` bytes, by name, one figure at a time."""
    drawers = {"frontier": frontier, "sweep": sweep_panels, "heatmap": heatmap}
    return {name: render(drawers[name](result), chart_format) for name in sweep_chart_names(result)}


def _shared_currency(comparison: Comparison) -> str | None:
    """The currency every compared scenario names, or None when they differ or name none."""
    currencies = {compared.scenario.currency for compared in comparison.scenarios}
    return currencies.pop() if len(currencies) == 1 else None


def compared_strategies(comparison: Comparison) -> list[str]:
    """Every strategy of the compared scenarios, by its earliest position in any of them.

    Scenarios of one family list the same strategies in the same order, so each
    keeps the colour of its run charts; ties are broken by name, so the order
    (and so the colours) never depends on the order the files were given.
    """
    earliest: dict[str, int] = {}
    for compared in comparison.scenarios:
        for position, name in enumerate(compared.scenario.strategies):
            earliest[name] = min(earliest.get(name, position), position)
    return sorted(earliest, key=lambda name: (earliest[name], name))


def compare_bars(comparison: Comparison) -> Figure:
    """Mean revenue at risk per strategy, grouped by scenario, CVaR95 marked on each bar."""
    rows = comparison.rows()
    labels = [compared.label for compared in comparison.scenarios]
    strategies = compared_strategies(comparison)
    colours = strategy_colours(strategies)
    by_key = {(row["scenario"], row["strategy"]): row for row in rows}
    width = 0.8 / len(strategies)
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        for position, strategy in enumerate(strategies):
            offset = (position - (len(strategies) - 1) / 2) * width
            for group, label in enumerate(labels):
                row = by_key.get((label, strategy))
                if row is None:
                    continue
                x = group + offset
                axes.bar(
                    x, row["revenue_at_risk_mean"], width * 0.92, color=colours[strategy]
                )
                axes.plot(
                    [x - width * 0.4, x + width * 0.4],
                    [row["revenue_at_risk_cvar95"]] * 2,
                    color="black",
                    linewidth=3,
                )
                axes.annotate(
                    f"{row['relative_revenue_at_risk']:.0%}",
                    (x, row["revenue_at_risk_mean"]),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=LABEL_SIZE,
                )
        axes.set_xticks(range(len(labels)), labels)
        axes.yaxis.set_major_formatter(money_axis(_shared_currency(comparison)))
        axes.set_ylabel("revenue at risk (calm - shocked revenue)")
        axes.grid(axis="x", visible=False)
        handles: list[Any] = [
            Patch(color=colours[strategy], label=strategy)
            for strategy in strategies
        ]
        handles.append(Line2D([], [], color="black", linewidth=3, label="CVaR95 (worst 5%)"))
        axes.legend(handles=handles, loc="best")
        axes.set_title(
            "bars: mean revenue at risk, labelled with its share of calm revenue",
            fontsize=14,
            fontweight="normal",
        )
        figure.suptitle("Revenue at risk, scenario by scenario")
    return figure


def render_compare_charts(comparison: Comparison, chart_format: str) -> dict[str, bytes]:
    """A comparison's one chart (``compare``) as ``chart_format`` bytes."""
    return {"compare": render(compare_bars(comparison), chart_format)}
