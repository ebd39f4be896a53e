"""The workshop's two charts: the leaderboard and the debrief.

Owns what each shows: ``leaderboard`` is every team's score as a bar, best
at the top, with the 5th-95th percentile range of the quantity the score is
taken from (profit or revenue) drawn as an interval; ``debrief`` is each
team's weekly revenue in the shocked world as the shocks hit, beside the score
the teams are ranked on, both in rank order.
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

from riskSim.charts.figures import SMOOTHING_WEEKS, trailing_average
from riskSim.charts.style import (
    SHOCK,
    chart_style,
    money_axis,
    new_figure,
    render,
    strategy_colours,
)
from riskSim.results.onsets import shock_onsets
from riskSim.units import DAYS_PER_WEEK
from riskSim.words import SCORE_LABELS, WORKSHOP_CAPTIONS, short_money

if TYPE_CHECKING:
    from riskSim.studies.workshop import WorkshopRun

__all__ = ["WORKSHOP_CHARTS", "debrief", "leaderboard", "render_workshop_charts"]

WORKSHOP_CHARTS = tuple(WORKSHOP_CAPTIONS)
"""The workshop's charts, in the order they are drawn and shown."""


def _team_colours(run: WorkshopRun) -> dict[str, str]:
    """Each team's colour from its place in the workshop's scenario (teams in name order)."""
    return strategy_colours(run.scenario.strategies)


def leaderboard(run: WorkshopRun) -> Figure:
    """Score per team, best at the top, with the p5-p95 range as a real interval.

    The bar is the score; just below it, a line with caps at both ends runs
    from the 5th to the 95th percentile of the quantity the score is taken
    from, through a dot at its mean, so the range reads as a range even when
    the score is itself its lower end (``p5_profit``).
    """
    currency = run.scenario.currency
    colours = _team_colours(run)
    rows = run.leaderboard
    with chart_style():
        figure = new_figure()
        axes = figure.add_subplot()
        positions = np.arange(len(rows))[::-1].astype(float)
        axes.barh(
            positions + 0.12,
            [row.score for row in rows],
            height=0.5,
            color=[colours[row.team] for row in rows],
            alpha=0.85,
        )
        for position, row in zip(positions, rows, strict=True):
            low, high = row.score_range(run.score)
            centre = row.mean_revenue if run.score == "mean_revenue" else row.mean_profit
            level = position - 0.3
            axes.plot([low, high], [level, level], color="#222222", linewidth=2.2)
            axes.plot([low, high], [level, level], "|", color="#222222", markersize=16,
                      markeredgewidth=2.2)
            axes.plot([centre], [level], "o", color="#222222", markersize=8)
            axes.annotate(
                f"p5 {short_money(low, currency)} · mean {short_money(centre, currency)} · "
                f"p95 {short_money(high, currency)}",
                (high, level),
                xytext=(10, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=12,
                color="#444444",
            )
            axes.annotate(
                short_money(row.score, run.scenario.currency),
                (row.score, position + 0.12),
                xytext=(6 if row.score >= 0 else -6, 0),
                textcoords="offset points",
                ha="left" if row.score >= 0 else "right",
                va="center",
                fontweight="bold",
            )
        axes.set_yticks(positions, [f"{row.rank}. {row.team}" for row in rows])
        axes.axvline(0, color="#222222", linewidth=1)
        axes.xaxis.set_major_formatter(money_axis(run.scenario.currency))
        axes.margins(x=0.25)
        axes.grid(axis="y", visible=False)
        axes.set_xlabel(f"score: {SCORE_LABELS[run.score]} (currency units)")
        quantity = "revenue" if run.score == "mean_revenue" else "profit"
        figure.suptitle(f"{run.scenario.display_title()}: leaderboard")
        axes.set_title(
            f"ranked by {SCORE_LABELS[run.score]}, over {run.results.replications:,} simulated "
            f"futures. Bar: the score. Line: 5th–95th percentile of {quantity}, dot at its mean.",
            loc="left",
            fontsize=14,
            fontweight="normal",
        )
    return figure


def debrief(run: WorkshopRun) -> Figure:
    """Weekly revenue per team as the shocks hit, and each team's score, in rank order.

    Left: the shocked world's mean weekly revenue (trailing 4 weeks), so each
    shock shows as the drop it caused. Right: the score the teams are ranked
    on, a dot per team with its p5-p95 range. The legend lists the teams in
    rank order, as the leaderboard does, each in its leaderboard colour.
    """
    colours = _team_colours(run)
    results = run.results
    weeks = max(results.scenario.horizon_days // DAYS_PER_WEEK, 1)
    window = min(SMOOTHING_WEEKS, weeks)
    ranked = run.leaderboard
    with chart_style():
        figure = new_figure()
        lines_axes, score_axes = figure.subplots(1, 2, width_ratios=[2.3, 1.0])
        for row in ranked:
            weekly = results.strategies[row.team].shocked.weekly_revenue_sum[:weeks]
            smoothed = trailing_average(weekly / results.replications, window)[window - 1 :]
            x = np.arange(window - 1, weeks) + 0.5
            lines_axes.plot(x, smoothed, color=colours[row.team],
                            label=f"{row.rank}. {row.team}")
        for order, onset in enumerate(shock_onsets(results)):
            start = onset.first_day / DAYS_PER_WEEK
            if start >= weeks:
                continue
            if onset.uncertain:
                end = min(onset.last_day or onset.first_day, weeks * DAYS_PER_WEEK)
                lines_axes.axvspan(start, end / DAYS_PER_WEEK, ymin=0.975 - 0.025 * order,
                                   ymax=1.0 - 0.025 * order, color=SHOCK, alpha=0.35, linewidth=0)
            lines_axes.axvline(start, color=SHOCK, linewidth=2, alpha=0.85)
            lines_axes.text(
                start,
                0.93 - 0.12 * (order % 4),
                " " + textwrap.fill(f"{onset.label} ({onset.when})", width=34),
                transform=lines_axes.get_xaxis_transform(),
                color=SHOCK,
                fontsize=12,
                va="top",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
            )
        lines_axes.set_xlim(0, weeks)
        # not from 0: the dents the shocks make are the story, and they are small
        # beside a year's revenue
        lines_axes.set_xlabel("weeks since start")
        lines_axes.set_ylabel(f"revenue per week (mean, trailing {window} weeks)")
        lines_axes.yaxis.set_major_formatter(money_axis(run.scenario.currency))
        lines_axes.legend(loc="lower left", title="rank, team")
        lines_axes.set_title("Revenue as the shocks hit", loc="left")
        positions = np.arange(len(ranked))[::-1]
        for position, row in zip(positions, ranked, strict=True):
            low, high = row.score_range(run.score)
            score_axes.plot([low, high], [position, position], color=colours[row.team],
                            linewidth=2.2)
            score_axes.plot([row.score], [position], "o", color=colours[row.team], markersize=12)
        score_axes.set_yticks(positions, [f"{row.rank}. {row.team}" for row in ranked])
        score_axes.set_ylim(-0.7, len(ranked) - 0.3)
        score_axes.xaxis.set_major_formatter(money_axis(run.scenario.currency))
        score_axes.grid(axis="y", visible=False)
        score_axes.set_title("Score, best at the top", loc="left", fontsize=15)
        score_axes.set_xlabel(textwrap.fill(
            f"{SCORE_LABELS[run.score]} (dot); line: 5th–95th percentile", width=34
        ))
        figure.suptitle(f"{run.scenario.display_title()}: debrief")
    return figure


def render_workshop_charts(run: WorkshopRun, chart_format: str) -> dict[str, bytes]:
    """Both charts as bytes of ``chart_format`` (png, svg or pdf), by name."""
    return {
        "leaderboard": render(leaderboard(run), chart_format),
        "debrief": render(debrief(run), chart_format),
    }
