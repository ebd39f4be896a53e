"""The optimization chart: every trial's objective against its profit at risk CVaR95.

Draws an :class:`~riskSim.studies.optimize.OptimizeResult` (a type only: this
module never simulates, never searches and never writes files): trials within
the budget as filled dots, those over it as hollow ones, both in the optimized
strategy's own colour (its place in the scenario, as in every run chart), the budget as a
vertical line, the non-dominated trials joined as the frontier and the best
ringed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from riskSim.charts.style import (
    SHOCK,
    chart_style,
    money_axis,
    new_figure,
    render,
    strategy_colours,
)
from riskSim.words import short_money

if TYPE_CHECKING:
    from riskSim.studies.optimize import OptimizeResult

__all__ = ["OBJECTIVE_AXIS", "optimize_chart", "render_optimize_charts"]

OBJECTIVE_AXIS = {
    "mean_profit": "expected profit (shocked world)",
    "p5_profit": "profit in a bad year (5th percentile, shocked world)",
    "mean_revenue": "expected revenue (shocked world)",
}
"""The vertical axis, by objective."""
FRONTIER = "#009E73"
"""Non-dominated trials: bluish green, as the sweep's efficient points."""


def optimize_chart(result: OptimizeResult) -> Figure:
    """Objective against profit at risk CVaR95, one dot per trial.

    Left is safer, up is better: the frontier is where no trial has both less
    tail loss and more of the objective, and the recommendation is the
    highest point left of the budget line.
    """
    trials = result.trials
    risk = np.array([trial.profit_at_risk_cvar95 for trial in trials])
    value = np.array([trial.objective for trial in trials])
    feasible = np.array([trial.feasible for trial in trials])
    frontier = np.array(result.frontier())
    currency = result.scenario.currency
    names = result.strategy_names or (result.strategy,)
    colour = strategy_colours(names)[result.strategy]
    with chart_style():
        figure = new_figure()
        axes = figure.subplots()
        axes.scatter(
            risk[feasible],
            value[feasible],
            s=70,
            color=colour,
            zorder=3,
            label=f"within the budget ({int(feasible.sum())} trials)",
        )
        axes.scatter(
            risk[~feasible],
            value[~feasible],
            s=70,
            facecolors="none",
            edgecolors=colour,
            linewidths=2,
            zorder=3,
            label=f"over the budget ({int((~feasible).sum())} trials)",
        )
        order = np.argsort(risk[frontier], kind="stable")
        axes.plot(
            risk[frontier][order],
            value[frontier][order],
            "-o",
            color=FRONTIER,
            markersize=15,
            markerfacecolor="none",
            markeredgewidth=2.5,
            linewidth=2.5,
            zorder=2,
            label="frontier: no other trial is as safe and better",
        )
        axes.scatter(
            [result.best.profit_at_risk_cvar95],
            [result.best.objective],
            s=520,
            facecolors="none",
            edgecolors="#000000",
            linewidths=3,
            zorder=4,
        )
        axes.annotate(
            "recommended" if result.feasible else "least over the budget",
            (result.best.profit_at_risk_cvar95, result.best.objective),
            xytext=(18, 12),
            textcoords="offset points",
            fontsize=15,
            fontweight="bold",
        )
        cap = result.budget.profit_at_risk_cvar95
        handles = axes.get_legend_handles_labels()[0]
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color="none",
                markerfacecolor="none",
                markeredgecolor="#000000",
                markeredgewidth=3,
                markersize=18,
                label="best trial",
            )
        )
        if cap is not None:
            axes.axvline(cap, color=SHOCK, linestyle="--", linewidth=2.5, zorder=1)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=SHOCK,
                    linestyle="--",
                    linewidth=2.5,
                    label=f"risk budget: CVaR95 at most {short_money(cap, currency)}",
                )
            )
        axes.xaxis.set_major_formatter(money_axis(currency))
        axes.yaxis.set_major_formatter(money_axis(currency))
        axes.set_xlabel("profit at risk CVaR95 (mean loss in the worst 5% of futures)")
        axes.set_ylabel(OBJECTIVE_AXIS[result.objective])
        axes.margins(x=0.08, y=0.1)
        axes.legend(handles=handles, loc="best")
        mode = (
            "expected-value mode"
            if result.deterministic
            else f"{result.replications:,} replications"
        )
        axes.set_title(
            f"strategy {result.strategy}: {len(trials)} trials, {mode}, seed {result.seed}",
            fontsize=14,
            fontweight="normal",
        )
        figure.suptitle(f"{result.scenario.display_title()}: the strategies tried")
    return figure


def render_optimize_charts(result: OptimizeResult, chart_format: str) -> dict[str, bytes]:
    """The optimization's charts as ``chart_format`` bytes, by name."""
    return {"optimize": render(optimize_chart(result), chart_format)}
