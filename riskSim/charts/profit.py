"""The charts in money that a strategist used to @RISK or Crystal Ball expects.

Owns ``cdf`` (the cumulative distribution of profit over the horizon, one
S-curve per strategy, shocked world solid and calm world dashed, with the 5th
percentile and the mean of the worst 5% marked) and ``tornado`` (for each
uncertain input, how far mean profit at risk moves between the input's lowest
and highest tenth; :mod:`riskSim.results.sensitivity` computes it). Reads
results only; never simulates, never writes files, never touches pyplot.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.lines import Line2D

from riskSim.charts.style import chart_style, money_axis, new_figure, strategy_colours
from riskSim.results.metrics import risk_summary
from riskSim.results.sensitivity import MIN_TORNADO_INPUTS, profit_swings
from riskSim.words import currency_label, short_money

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from riskSim.results import SimulationResults

__all__ = ["MAX_TORNADO_INPUTS", "cdf", "profit_tail", "tornado"]

MAX_TORNADO_INPUTS = 12
"""Inputs beyond this many (by largest swing) are left off the tornado."""
STYLE_KEY = "#8A8A8A"
"""Colour of legend entries that explain a line style or marker, not a strategy."""


def profit_tail(profit: np.ndarray) -> tuple[float, float]:
    """The 5th percentile of profit and the mean of the worst 5% of futures.

    The profit-side reading of VaR95 and CVaR95 (the same tail rule as
    :func:`riskSim.results.metrics.risk_summary`, on the loss ``-profit``).

    Args:
        profit: ``ndarray[replications]``.
    """
    risk = risk_summary(-profit)
    return -risk["var95"], -risk["cvar95"]


def _curve(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The empirical cumulative distribution as a step line: x sorted, y from 0 to 1."""
    ordered = np.sort(values)
    shares = np.arange(1, ordered.size + 1) / ordered.size
    return np.concatenate(([ordered[0]], ordered)), np.concatenate(([0.0], shares))


def cdf(results: SimulationResults) -> Figure:
    """Cumulative distribution of profit per strategy, shocked solid and calm dashed.

    Read across at 5%: the profit that 1 future in 20 falls short of (▼, the
    profit VaR95), and ◆ the mean profit of those worst futures (CVaR95).
    """
    currency = results.scenario.currency
    names = list(results.strategies)
    colours = strategy_colours(results.scenario.strategies)
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        handles: list[tuple[object, str]] = []
        calm_drawn: list[tuple[np.ndarray, list[str], str]] = []
        for name in names:
            colour = colours[name]
            result = results.strategies[name]
            for profit, sharing, _colour in calm_drawn:
                if np.array_equal(profit, result.calm.profit):
                    sharing.append(name)  # strategies that differ only in responses share one
                    break
            else:
                calm_drawn.append((result.calm.profit, [name], colour))
                x, y = _curve(result.calm.profit)
                axes.step(x, y, where="post", color=colour, linestyle="--", linewidth=1.8,
                          alpha=0.8)
            x, y = _curve(result.shocked.profit)
            axes.step(x, y, where="post", color=colour, linewidth=3.0)
            p5, worst = profit_tail(result.shocked.profit)
            axes.plot([p5], [0.05], marker="v", markersize=13, color=colour, linestyle="none")
            axes.plot([worst], [0.025], marker="D", markersize=10, color=colour, linestyle="none")
            handles.append(
                (
                    Line2D([], [], color=colour, linewidth=3),
                    f"{name}: VaR95 {short_money(p5, currency)}, "
                    f"CVaR95 {short_money(worst, currency)}",
                )
            )
        for _profit, sharing, colour in calm_drawn:
            if len(sharing) > 1:
                handles.append(
                    (
                        Line2D([], [], color=colour, linewidth=1.8, linestyle="--"),
                        f"calm world of {', '.join(sharing)} (one and the same)",
                    )
                )
        axes.axhline(0.05, color="#444444", linewidth=1, linestyle=":")
        axes.axhline(0.5, color="#BBBBBB", linewidth=1, linestyle=":")
        axes.set_ylim(0, 1.0)
        axes.yaxis.set_major_formatter(lambda value, _position: f"{value:.0%}")
        axes.xaxis.set_major_formatter(money_axis(currency))
        axes.set_xlabel(
            f"profit over {results.scenario.horizon_days:,} days ({currency_label(currency)}): "
            "revenue less every cost"
        )
        axes.set_ylabel("share of futures with this profit or less")
        handles += [
            (Line2D([], [], color=STYLE_KEY, linewidth=3), "shocked world"),
            (Line2D([], [], color=STYLE_KEY, linewidth=1.8, linestyle="--"), "calm world"),
            (
                Line2D([], [], color=STYLE_KEY, marker="v", markersize=12, linestyle="none"),
                "VaR95: 1 future in 20 earns less",
            ),
            (
                Line2D([], [], color=STYLE_KEY, marker="D", markersize=9, linestyle="none"),
                "CVaR95: mean profit of the worst 5%",
            ),
        ]
        figure.legend(
            [handle for handle, _ in handles],
            [label for _, label in handles],
            loc="outside lower center",
            ncols=3,
            frameon=False,
        )
        axes.set_title(
            f"Profit across {results.replications:,} simulated futures: further right is "
            "better, steeper is surer",
            loc="left",
            fontsize=16,
        )
        figure.suptitle(results.scenario.display_title())
    return figure


def tornado(results: SimulationResults) -> Figure:
    """Mean profit at risk when each uncertain input is low (○) or high (●), per strategy.

    A bar spans the two means; the longest bars, at the top, are the inputs
    worth pinning down. Raises ValueError with fewer than
    :data:`~riskSim.results.sensitivity.MIN_TORNADO_INPUTS` uncertain inputs:
    one bar ranks nothing, and the report says it in a sentence instead.
    """
    currency = results.scenario.currency
    if len(results.inputs) < MIN_TORNADO_INPUTS:
        raise ValueError(
            f"a tornado needs {MIN_TORNADO_INPUTS} or more uncertain inputs; "
            f"this scenario has {len(results.inputs)}."
        )
    swings = profit_swings(results)
    names = list(results.strategies)
    colours = strategy_colours(results.scenario.strategies)
    first = swings[names[0]]
    left_off = max(len(first) - MAX_TORNADO_INPUTS, 0)
    rows = len(first) - left_off
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        band = 0.78
        height = band / len(names)
        for position, name in enumerate(names):
            colour = colours[name]
            for row, swing in enumerate(swings[name][:rows]):
                offset = row - band / 2 + height * (position + 0.5)
                left, right = sorted((swing.low, swing.high))
                axes.barh(offset, right - left, left=left, height=height * 0.8, color=colour,
                          alpha=0.55, linewidth=0)
                axes.plot([swing.low], [offset], marker="o", markersize=9, color=colour,
                          markerfacecolor="white", markeredgewidth=2, linestyle="none")
                axes.plot([swing.high], [offset], marker="o", markersize=9, color=colour,
                          linestyle="none")
                axes.annotate(
                    f"{short_money(abs(swing.swing), currency)}",
                    (right, offset),
                    xytext=(10, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=13 if len(names) <= 3 else 11,
                    color=colour,
                )
        labels = [textwrap.fill(swing.label, width=30) for swing in first[:rows]]
        axes.set_yticks(np.arange(rows), labels)
        axes.set_ylim(rows - 0.5, -0.5)
        axes.grid(axis="y", visible=False)
        axes.xaxis.set_major_formatter(money_axis(currency))
        axes.margins(x=0.08)
        axes.set_xlabel(
            "mean profit at risk (calm-world profit − shocked-world profit, "
            f"{currency_label(currency)})"
        )
        subject = "What moves profit at risk: each uncertain input from its lowest to highest tenth"
        if left_off:
            subject += f" (top {MAX_TORNADO_INPUTS}; {left_off} more left off)"
        axes.set_title(subject, loc="left", fontsize=16)
        handles = [
            (Line2D([], [], color=colours[name], linewidth=8, alpha=0.55), name)
            for name in names
        ] + [
            (
                Line2D([], [], color=STYLE_KEY, marker="o", markerfacecolor="white",
                       markeredgewidth=2, markersize=9, linestyle="none"),
                "input in its lowest 10%",
            ),
            (
                Line2D([], [], color=STYLE_KEY, marker="o", markersize=9, linestyle="none"),
                "input in its highest 10%",
            ),
        ]
        figure.legend(
            [handle for handle, _ in handles],
            [label for _, label in handles],
            loc="outside lower center",
            ncols=min(len(handles), 4),
            frameon=False,
        )
        figure.suptitle(results.scenario.display_title())
    return figure
