"""The time and loss charts of a run, each a function from results to a matplotlib Figure.

Owns what each chart shows and how it is laid out: the revenue fan (shocked
world against calm world per strategy), exposure (rented revenue share and the
rented and owned audiences) and the loss distribution (revenue at risk with
VaR95 and CVaR95). The charts in profit (``cdf``, ``tornado``) live in
:mod:`riskSim.charts.profit`.
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
    FIGSIZE,
    OWNED,
    RENTED,
    SHOCK,
    chart_style,
    money_axis,
    new_figure,
    percent_axis,
    strategy_colours,
)
from riskSim.results.onsets import ShockOnset, shock_onsets
from riskSim.units import DAYS_PER_WEEK
from riskSim.words import currency_label, short_money

if TYPE_CHECKING:
    from riskSim.results import SimulationResults, WorldTotals

__all__ = ["bin_edges", "exposure", "full_weeks", "loss_distribution", "revenue_fan"]

LEGEND_COLUMNS = 4
SMOOTHING_WEEKS = 4
"""Weekly series are averaged over this many trailing weeks (fewer at the start)."""
MEAN_WIDTH = 3.0
MEDIAN_WIDTH = 1.4
"""Sales are sparse in small scenarios: the median of a week can sit at 0 while the
mean does not. The mean is the thick line; the median is drawn thin, and only when
it is not stuck on whole orders (:func:`degenerate_median`)."""
LUMPY_SMOOTHING_WEEKS = 13
"""The window (a quarter) used instead when a 4-week median sits on whole orders."""
ONSET_BAR = 0.025
"""Height, as a share of the axes, of the bar marking an uncertain onset's window."""
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


ONSET_LABEL_SIZE = 12
"""Points; onset labels sit in a headroom above the data, one under the other."""
ONSET_LABEL_GAP = 4.0
"""Points between two stacked onset labels."""


PANEL_CHARACTERS = 140
"""Characters of an onset label across the width of a figure's plotting area."""


def _right_side(onset: ShockOnset, weeks: int) -> bool:
    """True when the onset's label ends at its onset (more room left of it than right)."""
    return onset.first_day / DAYS_PER_WEEK > 0.5 * weeks


def _onset_texts(onsets: list[ShockOnset], weeks: int, columns: int) -> list[str]:
    """The label of each onset drawn on a ``weeks``-long axis, wrapped to fit its panel.

    A label starts at its onset and runs to the panel's right edge (or, past the
    middle, ends at its onset and runs to the left edge); it is wrapped to the
    room on that side, about :data:`PANEL_CHARACTERS` ``// columns`` across a
    whole panel, so it never runs under the next panel.
    """
    texts = []
    for onset in onsets:
        start = onset.first_day / DAYS_PER_WEEK
        if start >= weeks:
            continue
        room = start / weeks if _right_side(onset, weeks) else 1.0 - start / weeks
        width = max(16, int(PANEL_CHARACTERS / columns * room) - 2)
        texts.append(textwrap.fill(f"{onset.label}, {_onset_when(onset)}", width=width))
    return texts


def _label_points(texts: list[str]) -> float:
    """Height in points of ``texts`` stacked one under the other."""
    lines = sum(text.count("\n") + 1 for text in texts)
    return lines * ONSET_LABEL_SIZE * 1.25 + len(texts) * ONSET_LABEL_GAP


def onset_headroom(onsets: list[ShockOnset], weeks: int, *, rows: int, columns: int) -> float:
    """The share of a panel's height kept above the data for onset bars and labels.

    The bars of uncertain onsets and the stacked labels below them sit in this
    headroom, so no label covers a band or a line. A panel is about
    ``0.72 * 9 / rows`` inches tall (the rest is titles, axis labels and legend).
    """
    texts = _onset_texts(onsets, weeks, columns)
    if not texts:
        return 0.0
    bars = ONSET_BAR * sum(onset.uncertain for onset in onsets) + 0.03
    panel_points = 0.72 * FIGSIZE[1] * 72 / rows
    return min(0.6, bars + _label_points(texts) / panel_points + 0.02)


def _mark_onsets(
    axes: Axes, onsets: list[ShockOnset], weeks: int, *, labelled: bool, columns: int = 1
) -> None:
    """Shock onsets on a time axis in weeks: a line for a fixed day, a span for a window.

    Labels are stacked, one under the other, below the bars of uncertain
    onsets, in the headroom :func:`onset_headroom` keeps above the data; each
    starts at its onset (ends there, in the right part of the axis) and is
    wrapped to fit its panel of a figure ``columns`` panels wide.
    """
    transform = axes.get_xaxis_transform()
    below_bars = 0.99 - ONSET_BAR * sum(onset.uncertain for onset in onsets)
    texts = iter(_onset_texts(onsets, weeks, columns))
    stacked = 0.0
    for order, onset in enumerate(onsets):
        start = onset.first_day / DAYS_PER_WEEK
        if start >= weeks:
            continue
        if onset.uncertain:
            # A light bar along the top, one row per shock: full-height spans would
            # cover the plot and blend into the percentile bands.
            end = min(onset.last_day or start, weeks * DAYS_PER_WEEK) / DAYS_PER_WEEK
            top = 1.0 - ONSET_BAR * order
            axes.axvspan(
                start, end, ymin=top - ONSET_BAR * 0.8, ymax=top, color=SHOCK, alpha=0.35,
                linewidth=0, zorder=4,
            )
            axes.plot(
                [start, start], [0.0, top], transform=transform, color=SHOCK, linewidth=1,
                linestyle=":", alpha=0.6,
            )
        else:
            axes.axvline(start, color=SHOCK, linewidth=2, linestyle="-", alpha=0.85)
        text = next(texts)
        if not labelled:
            continue
        right_side = _right_side(onset, weeks)
        label = axes.annotate(
            text,
            (start, below_bars),
            xycoords=transform,
            xytext=(-4 if right_side else 4, -stacked),
            textcoords="offset points",
            ha="right" if right_side else "left",
            va="top",
            fontsize=ONSET_LABEL_SIZE,
            color=SHOCK,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
            zorder=5,
        )
        stacked += _label_points([text])
        # A label may run over the next panel; it must not squeeze its own panel.
        label.set_in_layout(False)


def _onset_when(onset: ShockOnset) -> str:
    if onset.uncertain:
        return f"starts between days {onset.first_day:,.0f} and {onset.last_day:,.0f}"
    return f"from day {onset.first_day:,.0f}"


def _onset_legend(onsets: list[ShockOnset], weeks: int) -> list[tuple[object, str]]:
    handles: list[tuple[object, str]] = []
    visible = [onset for onset in onsets if onset.first_day / DAYS_PER_WEEK < weeks]
    if any(not onset.uncertain for onset in visible):
        handles.append((Line2D([], [], color=SHOCK, linewidth=2), "shock onset"))
    if any(onset.uncertain for onset in visible):
        handles.append(
            (
                Patch(facecolor=SHOCK, alpha=0.35, linewidth=0),
                "window an uncertain onset falls in (bar at the top)",
            )
        )
    return handles


def _fan(totals: WorldTotals, weeks: int, window: int) -> np.ndarray:
    """``ndarray[4, weeks - window + 1]``: p5, p50, p95 and mean of smoothed revenue.

    Only full windows: the first ``window - 1`` weeks average fewer weeks and
    would read as a start-up spike or a collapse before any shock.
    """
    smoothed = trailing_average(totals.weekly_revenue[:weeks], window)[window - 1 :]
    return np.vstack([np.percentile(smoothed, [5, 50, 95], axis=1), smoothed.mean(axis=1)])


def degenerate_median(median: np.ndarray) -> bool:
    """True when a median series is stuck on whole orders and would tell a false story.

    Lumpy revenue (a 1,200 order every few weeks) gives a median that sits on 0
    and flips to one order's worth, so revenue seems to die and revive: the
    median is zero in more than a tenth of the weeks, or jumps from one week to
    the next by more than a quarter of its average level. A median that steps
    along whole orders in small steps (1,100, 1,125, ...) is kept.
    """
    if median.size < 2:
        return False
    level = float(np.mean(np.abs(median)))
    if level == 0:
        return True
    jump = float(np.max(np.abs(np.diff(median))))
    return bool(np.mean(median == 0) > 0.1 or jump > 0.25 * level)


def smoothing_window(results: SimulationResults, weeks: int) -> int:
    """:data:`SMOOTHING_WEEKS`, or a quarter when that leaves a median stuck on whole orders."""
    if results.deterministic or weeks < 3 * LUMPY_SMOOTHING_WEEKS:
        return min(SMOOTHING_WEEKS, weeks)
    for result in results.strategies.values():
        for totals in (result.shocked, result.calm):
            if degenerate_median(_fan(totals, weeks, SMOOTHING_WEEKS)[1]):
                return LUMPY_SMOOTHING_WEEKS
    return SMOOTHING_WEEKS


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
    window = smoothing_window(results, weeks)
    x = _week_midpoints(weeks)[window - 1 :]
    onsets = shock_onsets(results)
    names = list(results.strategies)
    colours = strategy_colours(results.scenario.strategies)
    hidden_median = False
    with chart_style():
        figure = new_figure()
        rows, columns = _grid(len(names))
        grid = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
        handles: list[tuple[object, str]] = []
        for position, name in enumerate(names):
            axes = grid.flat[position]
            result = results.strategies[name]
            calm = _fan(result.calm, weeks, window)
            shocked = _fan(result.shocked, weeks, window)
            colour = colours[name]
            axes.fill_between(x, calm[0], calm[2], color=CALM, alpha=0.2, linewidth=0)
            axes.plot(x, calm[3], color=CALM, linestyle="--", linewidth=MEAN_WIDTH)
            axes.fill_between(x, shocked[0], shocked[2], color=colour, alpha=0.25, linewidth=0)
            axes.plot(x, shocked[3], color=colour, linewidth=MEAN_WIDTH)
            if not results.deterministic:
                for fan, style, line_colour in ((calm, "--", CALM), (shocked, "-", colour)):
                    if degenerate_median(fan[1]):
                        hidden_median = True
                    else:
                        axes.plot(x, fan[1], color=line_colour, linestyle=style,
                                  linewidth=MEDIAN_WIDTH)
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
        used = grid.flat[: len(names)]
        low = min(0.0, min(float(axes.dataLim.y0) for axes in used))
        high = max(float(axes.dataLim.y1) for axes in used)
        headroom = onset_headroom(onsets, weeks, rows=rows, columns=columns)
        # the data fill the panel below the headroom; bars and labels sit above it
        grid.flat[0].set_ylim(low, low + (high - low) * 1.04 / (1.0 - headroom))
        handles.append(
            (
                (Patch(facecolor=CALM, alpha=0.2), Line2D([], [], color=CALM, linestyle="--")),
                "calm world (same strategy, no shocks)",
            )
        )
        handles += _onset_legend(onsets, weeks)
        handles.append(
            (Line2D([], [], color=STYLE_KEY, linewidth=MEAN_WIDTH), "mean (thick line)")
        )
        if results.deterministic:
            title = "expected-value mode: every future is the mean"
        else:
            handles.append(
                (
                    Line2D([], [], color=STYLE_KEY, linewidth=MEDIAN_WIDTH),
                    "median (thin line)"
                    # on two lines: on one, the legend runs past a 1600-pixel figure's edges
                    + (";\nleft out where it sits on whole orders" if hidden_median else ""),
                )
            )
            title = "across replications: mean, median and 5th–95th percentile band"
        for axes in grid[-1, :]:
            axes.set_xlabel("weeks since start")
        figure.supylabel(
            f"revenue per week, trailing {window}-week average "
            f"({currency_label(results.scenario.currency)})",
            fontsize=16,
        )
        figure.suptitle(results.scenario.display_title())
        _figure_legend(figure, handles, title=title)
    return figure


def _figure_legend(
    figure: Figure,
    handles: list[tuple[object, str]],
    *,
    title: str = "",
    columns: int = LEGEND_COLUMNS,
) -> None:
    from matplotlib.legend_handler import HandlerTuple

    figure.legend(
        [handle for handle, _ in handles],
        [label for _, label in handles],
        loc="outside lower center",
        ncols=min(columns, len(handles)),
        title=title or None,
        handler_map={tuple: HandlerTuple(ndivide=1)},
        frameon=False,
    )


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` where the denominator is positive, NaN elsewhere."""
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _stacked_width(position: int, count: int, narrowest: float = 2.2) -> float:
    """Line width of strategy ``position`` of ``count``: the first widest, each next narrower.

    Drawn in that order, lines that coincide (strategies identical until a
    shock) show as one line with every strategy's colour nested inside it.
    """
    if count == 1:
        return narrowest + 0.6
    widest = min(narrowest + 2.6 * (count - 1), 10.0)
    return widest - (widest - narrowest) * position / (count - 1)


def exposure(results: SimulationResults) -> Figure:
    """Getting out of social: rented revenue share over time, and the two audiences.

    Top: per strategy, the share of each week's revenue earned on rented
    channels (shocked world solid, calm world dotted). Below: per strategy, the
    shocked world's audience on owned channels (left) and on rented platforms
    (right), each on its own scale: stacked, a few thousand owned members would
    be a sliver under tens of thousands of followers. Lines narrow from the
    first strategy to the last, so strategies that coincide stay visible.
    """
    weeks = full_weeks(results)
    window = min(SMOOTHING_WEEKS, weeks)
    x = _week_midpoints(weeks)
    onsets = shock_onsets(results)
    names = list(results.strategies)
    colours = strategy_colours(results.scenario.strategies)
    count = results.replications
    with chart_style():
        figure = new_figure()
        layout = figure.add_gridspec(2, 2, height_ratios=[1.2, 1.0])
        top = figure.add_subplot(layout[0, :])
        owned_axes = figure.add_subplot(layout[1, 0])
        rented_axes = figure.add_subplot(layout[1, 1])
        strategy_handles: list[tuple[object, str]] = []
        for position, name in enumerate(names):
            colour = colours[name]
            width = _stacked_width(position, len(names))
            result = results.strategies[name]
            for world, style in (("calm", ":"), ("shocked", "-")):
                totals: WorldTotals = getattr(result, world)
                revenue = trailing_average(totals.weekly_revenue[:weeks].mean(axis=1), window)
                rented = trailing_average(totals.weekly_rented_revenue_sum[:weeks] / count, window)
                top.plot(
                    x[window - 1 :],
                    _share(rented, revenue)[window - 1 :],
                    color=colour,
                    linestyle=style,
                    linewidth=width if world == "shocked" else 2.0,
                    solid_capstyle="butt",
                    # calm worlds above every shocked line: strategies often share one
                    zorder=3 if world == "calm" else 2,
                )
            shocked = result.shocked
            for axes, audience in (
                (owned_axes, shocked.weekly_owned_audience_sum[:weeks] / count),
                (rented_axes, shocked.weekly_rented_audience_sum[:weeks] / count),
            ):
                axes.plot(x, audience, color=colour, linewidth=width, solid_capstyle="butt")
            strategy_handles.append((Line2D([], [], color=colour, linewidth=width), name))
        top.set_ylim(0, 1.02)
        top.yaxis.set_major_formatter(PercentFormatter(1.0))
        top.set_ylabel("rented share\nof revenue")
        top.set_title(
            f"Share of revenue earned on rented platforms (trailing {window} weeks)",
            loc="left",
        )
        _time_axis(top, weeks)
        # Labels would sit on the share lines (often near 100%): the legend names the shocks.
        _mark_onsets(top, onsets, weeks, labelled=False)
        strategy_handles += [
            (Line2D([], [], color=STYLE_KEY, linestyle="-", linewidth=3), "shocked world"),
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
        for axes, title, colour in (
            (owned_axes, "Audience on owned channels (email, website...)", OWNED),
            (rented_axes, "Audience on rented platforms", RENTED),
        ):
            axes.set_title(title, loc="left", color=colour, fontsize=17)
            _time_axis(axes, weeks)
            _mark_onsets(axes, onsets, weeks, labelled=False)
            axes.yaxis.set_major_formatter(money_axis())
            axes.set_ylim(bottom=0, top=max(axes.get_ylim()[1], 1.0) * 1.05)
            axes.set_xlabel("weeks since start")
        owned_axes.set_ylabel("people, shocked\nworld (mean)")
        figure.suptitle(results.scenario.display_title())
        onset_handles = _onset_legend(onsets, weeks) + [
            (Line2D([], [], linestyle="none"), f"{onset.label}, {_onset_when(onset)}")
            for onset in onsets
            if onset.first_day / DAYS_PER_WEEK < weeks
        ]
        if onset_handles:
            _figure_legend(figure, onset_handles, columns=2)
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
    colours = strategy_colours(results.scenario.strategies)
    losses = [results.strategies[name].revenue_at_risk for name in names]
    edges = bin_edges(losses)
    with chart_style():
        figure = new_figure()
        grid = figure.subplots(len(names), 1, sharex=True, squeeze=False)
        for position, name in enumerate(names):
            axes: Axes = grid[position, 0]
            values = losses[position]
            risk = summary[name]["revenue_at_risk"]
            colour = colours[name]
            axes.hist(
                values,
                bins=edges,
                weights=np.full(values.size, 1.0 / values.size),
                color=colour,
                alpha=0.75,
                edgecolor="white",
                linewidth=0.5,
            )
            # Ticks on 1-2-5 steps, labelled with the decimals they need: whole
            # percents cut 2.5% to "2%" between "0%" and "5%".
            axes.yaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 5, 10]))
            axes.yaxis.set_major_formatter(percent_axis())
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
