"""The workshop's two charts: the leaderboard and the debrief.

Owns what each shows: ``leaderboard`` is every team's score as a bar, best
at the top, with the 5th-95th percentile range of the quantity the score is
taken from (profit or revenue); ``debrief`` is each team's mean cumulative
revenue over the horizon in the shocked world, with the shock onsets marked.
A team keeps one colour in both (its position by name, which never depends
on the order team files were given). Reads a finished
:class:`~riskSim.studies.workshop.WorkshopRun`; never simulates, never writes files,
never touches pyplot. Bytes repeat through :func:`riskSim.charts.style.render`.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from riskSim.charts.style import SHOCK, chart_style, money_axis, new_figure, render, strategy_colour
from riskSim.results.onsets import shock_onsets
from riskSim.units import DAYS_PER_WEEK
from riskSim.words import SCORE_LABELS, WORKSHOP_CAPTIONS, short_money

if TYPE_CHECKING:
    from riskSim.studies.workshop import WorkshopRun

__all__ = ["WORKSHOP_CHARTS", "debrief", "leaderboard", "render_workshop_charts"]

WORKSHOP_CHARTS = tuple(WORKSHOP_CAPTIONS)
"""The workshop's charts, in the order they are drawn and shown."""


def _team_colours(run: WorkshopRun) -> dict[str, str]:
    return {team.name: strategy_colour(position) for position, team in enumerate(run.teams)}


def leaderboard(run: WorkshopRun) -> Figure:
    """Score per team, best at the top, with its p5-p95 range."""

    colours = _team_colours(run)
    rows = run.leaderboard
    with chart_style():
        figure = new_figure()
        axes = figure.add_subplot()
        positions = np.arange(len(rows))[::-1]
        scores = [row.score for row in rows]
        axes.barh(
            positions,
            scores,
            height=0.6,
            color=[colours[row.team] for row in rows],
            alpha=0.85,
        )
        for position, row in zip(positions, rows, strict=True):
            low, high = row.score_range(run.score)
            axes.plot([low, high], [position, position], color="#222222", linewidth=2)
            axes.plot([low, high], [position, position], "|", color="#222222", markersize=18)
            axes.annotate(
                short_money(row.score, run.scenario.currency),
                (row.score, position),
                xytext=(0, 14),
                textcoords="offset points",
                ha="center",
                fontweight="bold",
            )
        axes.set_yticks(positions, [f"{row.rank}. {row.team}" for row in rows])
        axes.axvline(0, color="#222222", linewidth=1)
        axes.xaxis.set_major_formatter(money_axis(run.scenario.currency))
        axes.grid(axis="y", visible=False)
        axes.set_xlabel(f"score: {SCORE_LABELS[run.score]}")
        axes.set_title(
            f"{run.scenario.display_title()}: leaderboard\n"
            f"ranked by {SCORE_LABELS[run.score]}; line = 5th-95th percentile range, "
            f"{run.results.replications:,} futures"
        )
    return figure


def debrief(run: WorkshopRun) -> Figure:
    """Mean cumulative revenue per team over time, shock onsets marked."""
    colours = _team_colours(run)
    results = run.results
    horizon = results.scenario.horizon_days
    with chart_style():
        figure = new_figure()
        axes = figure.add_subplot()
        for team in run.teams:
            weekly = results.strategies[team.name].shocked.weekly_revenue_sum
            cumulative = np.concatenate(([0.0], np.cumsum(weekly) / results.replications))
            days = np.minimum(np.arange(cumulative.size) * DAYS_PER_WEEK, horizon)
            axes.plot(days, cumulative, color=colours[team.name], label=team.name)
        top = axes.get_ylim()[1]
        for order, onset in enumerate(shock_onsets(results)):
            if onset.first_day >= horizon:
                continue
            if onset.uncertain:
                end = min(onset.last_day or onset.first_day, horizon)
                axes.axvspan(onset.first_day, end, color=SHOCK, alpha=0.07, linewidth=0)
            axes.axvline(onset.first_day, color=SHOCK, linewidth=2, alpha=0.85)
            axes.text(
                onset.first_day,
                top * (0.97 - 0.09 * (order % 4)),
                " " + textwrap.fill(f"{onset.label} ({onset.when})", width=34),
                color=SHOCK,
                fontsize=12,
                va="top",
            )
        axes.set_xlim(0, horizon)
        axes.set_xlabel("day")
        axes.set_ylabel("cumulative revenue (mean)")
        axes.yaxis.set_major_formatter(money_axis(run.scenario.currency))
        axes.legend(loc="lower right")
        axes.set_title(f"{run.scenario.display_title()}: revenue as the shocks hit")
    return figure


def render_workshop_charts(run: WorkshopRun, chart_format: str) -> dict[str, bytes]:
    """Both charts as bytes of ``chart_format`` (png, svg or pdf), by name."""
    return {
        "leaderboard": render(leaderboard(run), chart_format),
        "debrief": render(debrief(run), chart_format),
    }
