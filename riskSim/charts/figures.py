"""The four charts of a run, each a function from results to a matplotlib Figure.

Owns what each chart shows and how it is laid out: the revenue fan (shocked
world against calm world per strategy), exposure (rented revenue share and the
rented/owned audience split), the loss distribution (revenue at risk with
VaR95 and CVaR95) and the tornado (which uncertain inputs drive the risk).
Reads results only; never simulates, never writes files, never touches pyplot.

Weeks: the engine sums revenue by week from day 0; when the horizon is not a
whole number of weeks the last week is partial (730 days = 104 weeks + 2
days). Its total would read as a crash, so the charts drop it; the report's
totals still count every day. Sales come in whole orders, so one week's
revenue is lumpy (a week with one order of 1,200 next to a week with none);
the time charts show a trailing 4-week average per replication
(:data:`SMOOTHING_WEEKS`), the same window the recovery metric uses.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from riskSim.charts.style import (
    CALM,
    OWNED,
    RENTED,
    SHOCK,
    chart_style,
    money_axis,
    new_figure,
    strategy_colour,
)
from riskSim.results.onsets import ShockOnset, shock_onsets
from riskSim.units import DAYS_PER_WEEK
from riskSim.words import currency_label, short_money

if TYPE_CHECKING:
    from riskSim.results import SimulationResults, WorldTotals

__all__ = ["bin_edges", "exposure", "full_weeks", "loss_distribution", "revenue_fan", "tornado"]

MAX_TORNADO_INPUTS = 15
"""Inputs beyond this many (by largest correlation) are left off the tornado."""
MIN_TORNADO_ROWS = 3
"""Room for at least this many inputs, so one input does not become a wall of colour."""
LEGEND_COLUMNS = 4
SMOOTHING_WEEKS = 4
"""Weekly series are averaged over this many trailing weeks (fewer at the start)."""
MEDIAN_WIDTH = 3.0
MEAN_WIDTH = 1.4
"""Sales are sparse in small scenarios: the median of a week can sit at 0 while the
mean does not, so the fan shows both."""
STYLE_KEY = "#8A8A8A"
"""Colour of legend entries that explain a line style, not a strategy."""


def full_weeks(results: SimulationResults) -> int:
    """Weeks charted: the whole weeks of the horizon (the one partial week if shorter)."""
    return max(results.scenario.horizon_days // DAYS_PER_WEEK, 1)


def _week_midpoints(weeks: int) -> np.ndarray:
    """x of each week, in weeks since day 0: the middle of the week."""
    return np.arange(weeks) + 0.5


def trailing_average(weekly: np.ndarray, window: int = SMOOTHING_WEEKS) -> np.ndarray:
    """Mean over the trailing ``window`` weeks (as many as there are at the start).

    Args:
        weekly: ``ndarray[weeks, ...]``, weeks on the first axis.

    Returns:
        The same shape as ``weekly``.
    """
    cumulative = np.cumsum(weekly, axis=0)
    trailing = cumulative.copy()
    trailing[window:] -= cumulative[:-window]
    counts = np.minimum(np.arange(1, weekly.shape[0] + 1), window)
    return trailing / counts.reshape((-1,) + (1,) * (weekly.ndim - 1))


def _grid(count: int) -> tuple[int, int]:
    """Rows and columns of small multiples, one per strategy, fitting a 16:9 page."""
    if count <= 3:
        return 1, count
    columns = 2 if count == 4 else 3
    return math.ceil(count / columns), columns


def _mark_onsets(
    axes: Axes, onsets: list[ShockOnset], weeks: int, *, labelled: bool, columns: int = 1
) -> None:
    """Shock onsets on a time axis in weeks: a line for a fixed day, a span for a window.

    Labels are wrapped to fit half a panel of a figure ``columns`` panels wide: a
    neighbouring panel would paint over anything longer.
    """
    transform = axes.get_xaxis_transform()
    for order, onset in enumerate(onsets):
        start = onset.first_day / DAYS_PER_WEEK
        if start >= weeks:
            continue
        if onset.uncertain:
            end = min(onset.last_day or start, weeks * DAYS_PER_WEEK) / DAYS_PER_WEEK
            axes.axvspan(start, end, color=SHOCK, alpha=0.06, linewidth=0, zorder=0)
            axes.axvline(start, color=SHOCK, linewidth=1, linestyle=":", alpha=0.7)
            axes.axvline(end, color=SHOCK, linewidth=1, linestyle=":", alpha=0.7)
            when = f"starts between days {onset.first_day:,.0f} and {onset.last_day:,.0f}"
        else:
            axes.axvline(start, color=SHOCK, linewidth=2, linestyle="-", alpha=0.85)
            when = f"from day {onset.first_day:,.0f}"
        if not labelled:
            continue
        right_side = start > 0.6 * weeks
        label = axes.text(
            start + (-0.01 if right_side else 0.01) * weeks,
            0.97 - 0.13 * (order % 5),
            textwrap.fill(f"{onset.label}, {when}", width=max(18, 64 // columns)),
            transform=transform,
            ha="right" if right_side else "left",
            va="top",
            fontsize=13,
            color=SHOCK,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
            zorder=5,
        )
        # A label may run over the next panel; it must not squeeze its own panel.
        label.set_in_layout(False)


def _onset_legend(onsets: list[ShockOnset], weeks: int) -> list[tuple[object, str]]:
    handles: list[tuple[object, str]] = []
    visible = [onset for onset in onsets if onset.first_day / DAYS_PER_WEEK < weeks]
    if any(not onset.uncertain for onset in visible):
        handles.append((Line2D([], [], color=SHOCK, linewidth=2), "shock onset"))
    if any(onset.uncertain for onset in visible):
        handles.append(
            (Patch(facecolor=SHOCK, alpha=0.15, edgecolor=SHOCK), "uncertain onset window")
        )
    return handles


def _fan(totals: WorldTotals, weeks: int) -> np.ndarray:
    """``ndarray[4, weeks]``: p5, p50, p95 and mean across replications of smoothed revenue."""
    smoothed = trailing_average(totals.weekly_revenue[:weeks])
    return np.vstack([np.percentile(smoothed, [5, 50, 95], axis=1), smoothed.mean(axis=1)])


def _time_axis(axes: Axes, weeks: int) -> None:
    axes.set_xlim(0, weeks)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))


def _hide_unused(axes_grid: np.ndarray, used: int) -> None:
    for axes in axes_grid.flat[used:]:
        axes.set_visible(False)


def revenue_fan(results: SimulationResults) -> Figure:
    """Weekly revenue per strategy: shocked world (colour) against calm world (grey).

    One panel per strategy, sharing both axes so heights compare; a median line
    and a 5th-95th percentile band per world; shock onsets marked and labelled.
    """
    weeks = full_weeks(results)
    x = _week_midpoints(weeks)
    onsets = shock_onsets(results)
    names = list(results.strategies)
    with chart_style():
        figure = new_figure()
        rows, columns = _grid(len(names))
        grid = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
        handles: list[tuple[object, str]] = []
        for position, name in enumerate(names):
            axes = grid.flat[position]
            result = results.strategies[name]
            calm = _fan(result.calm, weeks)
            shocked = _fan(result.shocked, weeks)
            colour = strategy_colour(position)
            axes.fill_between(x, calm[0], calm[2], color=CALM, alpha=0.2, linewidth=0)
            axes.plot(x, calm[1], color=CALM, linestyle="--", linewidth=MEDIAN_WIDTH)
            axes.plot(x, calm[3], color=CALM, linestyle="--", linewidth=MEAN_WIDTH)
            axes.fill_between(x, shocked[0], shocked[2], color=colour, alpha=0.25, linewidth=0)
            axes.plot(x, shocked[1], color=colour, linewidth=MEDIAN_WIDTH)
            axes.plot(x, shocked[3], color=colour, linewidth=MEAN_WIDTH)
            axes.set_title(name, color=colour, loc="left")
            _mark_onsets(axes, onsets, weeks, labelled=position == 0, columns=columns)
            _time_axis(axes, weeks)
            axes.yaxis.set_major_formatter(money_axis(results.scenario.currency))
            handles.append(
                (
                    (Patch(facecolor=colour, alpha=0.25), Line2D([], [], color=colour)),
                    f"{name}, shocked world",
                )
            )
        _hide_unused(grid, len(names))
        low = min(float(np.min(axes.dataLim.y0)) for axes in grid.flat[: len(names)])
        grid.flat[0].set_ylim(bottom=min(0.0, low))
        handles.append(
            (
                (Patch(facecolor=CALM, alpha=0.2), Line2D([], [], color=CALM, linestyle="--")),
                "calm world (same strategy, no shocks)",
            )
        )
        handles += _onset_legend(onsets, weeks)
        handles += [
            (Line2D([], [], color=STYLE_KEY, linewidth=MEDIAN_WIDTH), "median (thick line)"),
            (Line2D([], [], color=STYLE_KEY, linewidth=MEAN_WIDTH), "mean (thin line)"),
        ]
        for axes in grid[-1, :]:
            axes.set_xlabel("weeks since start")
        figure.supylabel(
            f"revenue per week, trailing {SMOOTHING_WEEKS}-week average "
            f"({currency_label(results.scenario.currency)})",
            fontsize=16,
        )
        figure.suptitle(results.scenario.display_title())
        _figure_legend(
            figure,
            handles,
            title="across replications: median, mean, and 5th–95th percentile band",
        )
    return figure


def _figure_legend(figure: Figure, handles: list[tuple[object, str]], *, title: str = "") -> None:
    from matplotlib.legend_handler import HandlerTuple

    figure.legend(
        [handle for handle, _ in handles],
        [label for _, label in handles],
        loc="outside lower center",
        ncols=min(LEGEND_COLUMNS, len(handles)),
        title=title or None,
        handler_map={tuple: HandlerTuple(ndivide=1)},
        frameon=False,
    )


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` where the denominator is positive, NaN elsewhere."""
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def exposure(results: SimulationResults) -> Figure:
    """Getting out of social: rented revenue share over time, and the audience split.

    Top: per strategy, the share of each week's revenue earned on rented
    channels (shocked world solid, calm world dotted). Below: per strategy, the
    shocked world's audience stacked rented (orange) over owned (blue).
    """
    weeks = full_weeks(results)
    x = _week_midpoints(weeks)
    onsets = shock_onsets(results)
    names = list(results.strategies)
    count = results.replications
    with chart_style():
        figure = new_figure()
        columns = min(len(names), 4)
        rows = math.ceil(len(names) / columns)
        layout = figure.add_gridspec(1 + rows, columns, height_ratios=[1.25] + [1.0] * rows)
        top = figure.add_subplot(layout[0, :])
        strategy_handles: list[tuple[object, str]] = []
        for position, name in enumerate(names):
            colour = strategy_colour(position)
            result = results.strategies[name]
            for world, style in (("calm", ":"), ("shocked", "-")):
                totals: WorldTotals = getattr(result, world)
                revenue = trailing_average(totals.weekly_revenue[:weeks].mean(axis=1))
                rented = trailing_average(totals.weekly_rented_revenue_sum[:weeks] / count)
                top.plot(
                    x,
                    _share(rented, revenue),
                    color=colour,
                    linestyle=style,
                    linewidth=2.8 if world == "shocked" else 2.0,
                )
            strategy_handles.append((Line2D([], [], color=colour, linewidth=3), name))
        top.set_ylim(0, 1.02)
        top.yaxis.set_major_formatter(PercentFormatter(1.0))
        top.set_ylabel("rented share\nof revenue")
        top.set_title(
            f"Share of revenue earned on rented platforms (trailing {SMOOTHING_WEEKS} weeks)",
            loc="left",
        )
        _time_axis(top, weeks)
        _mark_onsets(top, onsets, weeks, labelled=True)
        strategy_handles += [
            (Line2D([], [], color=STYLE_KEY, linestyle="-", linewidth=2.8), "shocked world"),
            (Line2D([], [], color=STYLE_KEY, linestyle=":", linewidth=2.0), "calm world"),
        ]
        top.legend(
            [handle for handle, _ in strategy_handles],
            [label for _, label in strategy_handles],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            title="strategy",
        )
        panels = []
        for position, name in enumerate(names):
            axes = figure.add_subplot(
                layout[1 + position // columns, position % columns],
                sharey=panels[0] if panels else None,
            )
            panels.append(axes)
            result = results.strategies[name]
            rented = result.shocked.weekly_rented_audience_sum[:weeks] / count
            owned = result.shocked.weekly_owned_audience_sum[:weeks] / count
            axes.stackplot(x, rented, owned, colors=[RENTED, OWNED], alpha=0.85, linewidth=0)
            axes.set_title(name, loc="left", color=strategy_colour(position), fontsize=17)
            _time_axis(axes, weeks)
            _mark_onsets(axes, onsets, weeks, labelled=False)
            axes.yaxis.set_major_formatter(money_axis())
            axes.set_xlabel("weeks since start")
            if position % columns == 0:
                axes.set_ylabel("audience, shocked\nworld (people)")
        figure.suptitle(results.scenario.display_title())
        _figure_legend(
            figure,
            [
                (Patch(facecolor=RENTED, alpha=0.85), "audience on rented platforms"),
                (Patch(facecolor=OWNED, alpha=0.85), "audience on owned channels"),
                *_onset_legend(onsets, weeks),
            ],
        )
    return figure


MAX_BINS = 60


def bin_edges(losses: list[np.ndarray]) -> np.ndarray:
    """Common histogram bins for every strategy, so widths compare.

    Revenue comes in whole orders, so losses often sit on a lattice (multiples
    of an order value). Bins then hold a whole number of lattice steps each,
    centred on the steps, which avoids a comb of empty bins between them.
    """
    joined = np.concatenate(losses)
    low, high = float(joined.min()), float(joined.max())
    if high - low <= 1e-9 * max(1.0, abs(high)):
        return np.array([low - 0.5, high + 0.5])
    values = np.unique(joined)
    gaps = np.diff(values)
    step = float(gaps.min())
    multiples = gaps / step
    if values.size <= 10 * MAX_BINS and np.allclose(multiples, np.round(multiples), atol=1e-6):
        steps = round((high - low) / step) + 1
        per_bin = math.ceil(steps / MAX_BINS)
        bins = math.ceil(steps / per_bin)
        return low - step / 2 + step * per_bin * np.arange(bins + 1)
    count = int(min(MAX_BINS, max(10, math.sqrt(joined.size / len(losses)) * 2)))
    return np.linspace(low, high, count + 1)


def _risk_labels(axes: Axes, risk: dict[str, float], currency: str | None = None) -> None:
    """VaR95 left of its line near the top, CVaR95 right of its line lower down.

    Opposite sides and heights keep the two labels apart however close the lines are.
    """
    transform = axes.get_xaxis_transform()
    box = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1}
    axes.text(
        risk["var95"],
        0.95,
        f"VaR95 {short_money(risk['var95'], currency)} ",
        transform=transform,
        ha="right",
        va="top",
        fontsize=14,
        color="#222222",
        bbox=box,
    )
    axes.text(
        risk["cvar95"],
        0.72,
        f" CVaR95 {short_money(risk['cvar95'], currency)}",
        transform=transform,
        ha="left",
        va="top",
        fontsize=14,
        color=SHOCK,
        bbox=box,
    )


def loss_distribution(results: SimulationResults) -> Figure:
    """Revenue at risk across replications, per strategy, with VaR95 and CVaR95 marked.

    One row per strategy on a shared x axis, heights in % of replications.
    """
    summary = results.summary["strategies"]
    currency = results.scenario.currency
    names = list(results.strategies)
    losses = [results.strategies[name].revenue_at_risk for name in names]
    edges = bin_edges(losses)
    with chart_style():
        figure = new_figure()
        grid = figure.subplots(len(names), 1, sharex=True, squeeze=False)
        for position, name in enumerate(names):
            axes: Axes = grid[position, 0]
            values = losses[position]
            risk = summary[name]["revenue_at_risk"]
            colour = strategy_colour(position)
            axes.hist(
                values,
                bins=edges,
                weights=np.full(values.size, 1.0 / values.size),
                color=colour,
                alpha=0.75,
                edgecolor="white",
                linewidth=0.5,
            )
            axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            axes.axvline(risk["var95"], color="#222222", linestyle="--", linewidth=2.2)
            axes.axvline(risk["cvar95"], color=SHOCK, linestyle="-", linewidth=2.6)
            transform = axes.get_xaxis_transform()
            if risk["var95"] == risk["cvar95"]:
                axes.text(
                    risk["cvar95"],
                    0.6,
                    f"  VaR95 = CVaR95 = {short_money(risk['cvar95'], currency)}",
                    transform=transform,
                    ha="left",
                    va="top",
                    fontsize=14,
                    color=SHOCK,
                )
            else:
                _risk_labels(axes, risk, currency)
            relative = summary[name]["relative_revenue_at_risk"]
            note = (
                "no revenue at risk in any replication"
                if not np.any(values)
                else f"mean {short_money(risk['mean'], currency)} "
                f"({relative:.1%} of calm-world revenue)"
            )
            axes.set_title(f"{name}: {note}", loc="left", color=colour, fontsize=16)
            axes.set_ylabel("replications")
            axes.set_ylim(0, max(axes.get_ylim()[1], 0.05) * 1.12)
        grid[-1, 0].xaxis.set_major_formatter(money_axis(results.scenario.currency))
        grid[-1, 0].set_xlabel(
            f"revenue at risk over {results.scenario.horizon_days:,} days "
            f"({currency_label(results.scenario.currency)}): "
            "calm-world revenue − shocked-world revenue"
        )
        span = edges[-1] - edges[0]
        grid[-1, 0].set_xlim(edges[0] - 0.04 * span, edges[-1] + 0.12 * span)
        figure.suptitle(results.scenario.display_title())
        _figure_legend(
            figure,
            [
                (Line2D([], [], color="#222222", linestyle="--"),
                 "VaR95: 1 replication in 20 loses more"),
                (Line2D([], [], color=SHOCK), "CVaR95: mean loss of the worst 5%"),
            ],
        )
    return figure


def _input_label(results: SimulationResults, path: str) -> str:
    """A dotted input path, with the shock it belongs to named: ``shocks.2.at`` alone is opaque."""
    parts = path.split(".")
    if parts[0] == "shocks" and len(parts) > 1 and parts[1].isdigit():
        shocks = results.scenario.shocks
        index = int(parts[1])
        if index < len(shocks):
            shock = shocks[index]
            return f"{path}\n({shock.channel} {shock.type.replace('_', ' ')})"
    return path


def tornado(results: SimulationResults) -> Figure:
    """Which uncertain inputs drive revenue at risk: a bar per input and strategy.

    Inputs are ordered by their largest correlation across strategies, largest
    at the top; at most :data:`MAX_TORNADO_INPUTS`. Raises ValueError when the
    scenario has no uncertain inputs (there is nothing to draw).
    """
    sensitivity = results.sensitivity()
    if not results.inputs:
        raise ValueError("tornado needs uncertain inputs; this scenario has none.")
    names = list(results.strategies)
    strength: dict[str, float] = {}
    table: dict[str, dict[str, float]] = {name: {} for name in names}
    for name in names:
        for row in sensitivity[name]:
            table[name][row["input"]] = row["spearman"]
            strength[row["input"]] = max(strength.get(row["input"], 0.0), abs(row["spearman"]))
    inputs = sorted(strength, key=lambda path: -strength[path])
    left_off = max(len(inputs) - MAX_TORNADO_INPUTS, 0)
    inputs = inputs[:MAX_TORNADO_INPUTS]
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        band = 0.8
        height = band / len(names)
        for position, name in enumerate(names):
            colour = strategy_colour(position)
            offsets = np.arange(len(inputs)) - band / 2 + height * (position + 0.5)
            values = np.array([table[name].get(path, 0.0) for path in inputs])
            axes.barh(offsets, values, height=height * 0.92, color=colour, label=name)
            for offset, value in zip(offsets, values, strict=True):
                shown = f"{value:+.2f}"
                axes.text(
                    value + (0.015 if value >= 0 else -0.015),
                    offset,
                    "0.00" if shown in ("+0.00", "-0.00") else shown,
                    ha="left" if value >= 0 else "right",
                    va="center",
                    fontsize=15 if len(names) <= 3 else 13,
                    color=colour,
                )
        axes.set_yticks(np.arange(len(inputs)), [_input_label(results, path) for path in inputs])
        spare = max(MIN_TORNADO_ROWS - len(inputs), 0) / 2
        # headroom above the first input for the direction hints
        axes.set_ylim(len(inputs) - 0.5 + spare, -1.1 - spare)
        axes.set_xlim(-1.1, 1.1)
        axes.axvline(0, color="#444444", linewidth=1.2)
        axes.grid(axis="y", visible=False)
        axes.set_xlabel("Spearman rank correlation of the input with revenue at risk")
        directions = ((0.01, "◀ higher input, less risk"), (0.99, "higher input, more risk ▶"))
        for side, words in directions:
            axes.text(
                side,
                0.99,
                words,
                transform=axes.transAxes,
                ha="left" if side < 0.5 else "right",
                va="top",
                fontsize=14,
                color="#555555",
            )
        subject = "What drives revenue at risk: each uncertain input, per strategy"
        if left_off:
            subject += f" (top {MAX_TORNADO_INPUTS}; {left_off} more left off)"
        axes.set_title(subject, loc="left")
        figure.legend(loc="outside right upper", title="strategy", frameon=False)
        figure.suptitle(results.scenario.display_title())
    return figure
