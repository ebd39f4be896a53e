"""The workshop's debrief: leaderboard.csv, leaderboard.md, the charts and debrief.html.

Owns the words and files a facilitator shows the room after a workshop run:
the shocks revealed, the leaderboard as CSV (the design's columns, best
first) and as Markdown, and one self-contained HTML page with the table,
both charts inline as SVG and, for every team, one sentence per shock on
what its strategy did when the shock hit and what the shock cost it against
the calm world. Everything is written through
:func:`riskSim.outputs.folder.output_folder`, so a failed run leaves no half folder.
Reads a finished :class:`~riskSim.studies.workshop.WorkshopRun`; never simulates and
knows nothing of the terminal.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from riskSim.outputs.folder import check_chart_format, csv_text, output_folder, write_text
from riskSim.outputs.report import html_page, svg_element
from riskSim.results.onsets import ShockOnset, shock_onsets
from riskSim.scenario import Strategy
from riskSim.studies.workshop import LEADERBOARD_COLUMNS, Standing, WorkshopRun, round_cuts
from riskSim.units import DAYS_PER_WEEK
from riskSim.words import (
    SCORE_LABELS,
    WORKSHOP_CAPTIONS,
    channel_name,
    currency_label,
    money,
    percent,
    quoted_mean,
    shock_happened,
)

__all__ = [
    "leaderboard_csv",
    "leaderboard_document",
    "leaderboard_markdown",
    "debrief_html",
    "revealed_shocks",
    "team_stories",
    "write_debrief",
]

TABLE_HEADER = (
    "rank",
    "team",
    "score",
    "mean profit",
    "p5 profit",
    "mean revenue",
    "revenue at risk (mean)",
    "profit at risk (mean)",
    "profit at risk CVaR95",
    "rented revenue share",
)
TEXT_COLUMNS = frozenset({"team"})
"""Columns of :data:`TABLE_HEADER` holding words: left-aligned; every other one is a
number (rank, money, percent) and right-aligned, in Markdown and HTML alike."""


def _alignment(column: str) -> str:
    """The CSS class of a leaderboard column: ``text`` (left) or ``number`` (right)."""
    return "text" if column in TEXT_COLUMNS else "number"


def leaderboard_csv(rows: Sequence[Standing]) -> str:
    """leaderboard.csv's text: :data:`~riskSim.studies.workshop.LEADERBOARD_COLUMNS`, best first."""
    return csv_text(LEADERBOARD_COLUMNS, [row.row() for row in rows])


def leaderboard_document(run: WorkshopRun) -> dict[str, Any]:
    """The leaderboard as plain data (what ``--json`` prints)."""
    return {
        "scenario": run.scenario.name,
        "title": run.scenario.display_title(),
        "seed": run.results.seed,
        "replications": run.results.replications,
        "horizon_days": run.scenario.horizon_days,
        "deterministic": run.results.deterministic,
        "score": run.score,
        "currency": run.scenario.currency,
        "teams": [
            {
                **row.row(),
                "profit_at_risk_mean": row.profit_at_risk_mean,
                "profit_at_risk_cvar95": row.profit_at_risk_cvar95,
                "file": str(_team_file(run, row.team)),
            }
            for row in run.leaderboard
        ],
    }


def _team_file(run: WorkshopRun, name: str) -> Path:
    return next(team.source for team in run.teams if team.name == name)


def standing_cells(rows: Sequence[Standing], currency: str | None = None) -> list[list[str]]:
    """Leaderboard rows as display text, for the terminal, Markdown and HTML alike."""
    return [
        [
            str(row.rank),
            row.team,
            money(row.score, currency),
            money(row.mean_profit, currency),
            money(row.p5_profit, currency),
            money(row.mean_revenue, currency),
            money(row.revenue_at_risk_mean, currency),
            money(row.profit_at_risk_mean, currency),
            money(row.profit_at_risk_cvar95, currency),
            percent(row.rented_revenue_share),
        ]
        for row in rows
    ]


def revealed_shocks(run: WorkshopRun) -> list[tuple[int | None, ShockOnset]]:
    """Every shock with the day it hit (None when it never started within the horizon).

    An uncertain onset is told by the median of the onsets drawn within the
    horizon (see :func:`riskSim.studies.workshop.round_cuts`).
    """
    days = {onset.index: day for day, onsets in round_cuts(run.results) for onset in onsets}
    return [(days.get(onset.index), onset) for onset in shock_onsets(run.results)]


def _posts(count: float) -> str:
    return f"{count:g} post{'' if count == 1 else 's'} a week"


def _response(strategy: Strategy, onset: ShockOnset, shock: Any, team: str) -> str:
    """What the team's strategy did when this shock hit, as the middle of a sentence."""
    channel = channel_name(shock.channel)
    delay = strategy.effective_reaction_days()
    after = f" after {delay:g} days" if delay else ""
    captures = [capture for capture in strategy.capture if capture.from_ == shock.channel]
    moving = " and ".join(
        f"{percent(quoted_mean(capture.rate))} of {channel}'s engaged people into "
        f"{channel_name(capture.to)}"
        for capture in captures
    )
    if shock.type == "pay_per_post":
        reply = strategy.responses.pay_per_post
        if reply == "pay":
            return f"{team} paid the fee and kept its cadence on {channel}"
        if reply == "reduce":
            cadence = _posts(strategy.responses.reduce_to_posts_per_week)
            return f"{team} cut {channel} to {cadence}{after}"
        return f"{team} stopped posting on {channel}{after}"
    if shock.type == "platform_shutdown":
        if strategy.responses.platform_shutdown == "evacuate" and captures:
            targets = " and ".join(sorted({channel_name(capture.to) for capture in captures}))
            return f"{team} evacuated {channel}'s audience into {targets} during the notice"
        if strategy.responses.platform_shutdown == "evacuate":
            return f"{team} meant to evacuate {channel} but had no capture out of it to speed up"
        return f"{team} stayed on {channel} to the end"
    if captures:
        return f"{team} was moving {moving}"
    return f"{team} had no capture out of {channel}"


def _window_loss(run: WorkshopRun, team: str, start: int, end: int) -> tuple[float, float]:
    """Mean revenue in the shocked and the calm world over whole weeks of ``[start, end)``."""
    result = run.results.strategies[team]
    first = start // DAYS_PER_WEEK
    last = max(first + 1, -(-end // DAYS_PER_WEEK))
    shocked = float(np.sum(result.shocked.weekly_revenue_sum[first:last]))
    calm = float(np.sum(result.calm.weekly_revenue_sum[first:last]))
    return shocked, calm


def team_stories(run: WorkshopRun) -> dict[str, list[str]]:
    """Per team, in leaderboard order: one sentence per shock on what its strategy did.

    The loss of each sentence is shocked against calm revenue from the shock's
    day until the next shock's (or the horizon), in whole weeks: what that
    stretch of the story cost the team.
    """
    horizon = run.scenario.horizon_days
    shocks = revealed_shocks(run)
    hit_days = sorted({day for day, _ in shocks if day is not None})
    strategies = {team.name: team.strategy for team in run.teams}
    stories: dict[str, list[str]] = {}
    for row in run.leaderboard:
        sentences = []
        for day, onset in shocks:
            shock = run.scenario.shocks[onset.index]
            if day is None:
                sentences.append(
                    f"{onset.label[:1].upper()}{onset.label[1:]} never happened within the "
                    f"{horizon} days, so it cost {row.team} nothing."
                )
                continue
            end = next((later for later in hit_days if later > day), horizon)
            shocked, calm = _window_loss(run, row.team, day, end)
            if calm <= 0:
                cost = "earned nothing in that stretch either way"
            elif shocked <= calm:
                cost = (
                    f"lost {percent(1 - shocked / calm)} of revenue against the calm world "
                    f"from day {day} to day {end}"
                )
            else:
                cost = (
                    f"earned {percent(shocked / calm - 1)} more than in the calm world "
                    f"from day {day} to day {end}"
                )
            action = _response(strategies[row.team], onset, shock, row.team)
            happened = shock_happened(shock, run.scenario.currency)
            sentences.append(f"When {happened} on day {day}, {action} and {cost}.")
        if not shocks:
            sentences.append(f"No shock hit; {row.team} played a calm {horizon} days.")
        stories[row.team] = sentences
    return stories


def _shock_lines(run: WorkshopRun) -> list[str]:
    lines = []
    for day, onset in revealed_shocks(run):
        when = (
            "never within the horizon"
            if day is None
            else (f"day {day} ({onset.when})" if onset.uncertain else f"day {day}")
        )
        lines.append(f"{onset.label}: {when}")
    return lines or ["no shocks"]


def _intro(run: WorkshopRun) -> str:
    results = run.results
    mode = ", expected-value mode" if results.deterministic else ""
    return (
        f"{len(run.teams)} teams, {run.scenario.horizon_days} days, "
        f"{results.replications:,} simulated futures (seed {results.seed}{mode}); every team "
        f"met the same shocks on the same random numbers. Ranked by "
        f"{SCORE_LABELS[run.score]}."
    )


def _unit(run: WorkshopRun) -> str:
    currency = run.scenario.currency
    return "currency units" if currency is None else f"{currency} ({currency_label(currency)})"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def leaderboard_markdown(run: WorkshopRun, *, chart_files: Sequence[str] = ()) -> str:
    """leaderboard.md's text: the shocks revealed, the table, the teams' stories, the charts."""
    lines = [f"# {run.scenario.display_title()}: leaderboard", "", _intro(run), ""]
    lines += ["## The shocks, revealed", ""]
    lines += [f"- {line}" for line in _shock_lines(run)]
    lines += ["", "## Leaderboard", ""]
    lines.append("| " + " | ".join(TABLE_HEADER) + " |")
    lines.append(
        "|"
        + "|".join("---" if _alignment(column) == "text" else "---:" for column in TABLE_HEADER)
        + "|"
    )
    for cells in standing_cells(run.leaderboard, run.scenario.currency):
        lines.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    lines += [
        "",
        f"Money is in {_unit(run)} over the whole horizon, shocked world; revenue (profit) at "
        "risk is calm-world revenue (profit) less shocked-world revenue (profit), CVaR95 the "
        "mean of the worst 5% of futures; p5 profit is the 5th percentile of profit across "
        "the futures.",
        "",
        "## What each team did when the shocks hit",
        "",
    ]
    strategies = {team.name: team.strategy for team in run.teams}
    for team, sentences in team_stories(run).items():
        plan = strategies[team].description
        heading = f"**{team}**" + (f" ({plan.rstrip('.')})" if plan else "")
        lines += [f"- {heading}: " + " ".join(sentences)]
    if chart_files:
        lines += ["", "## Charts", ""]
        for path in chart_files:
            lines += [f"![{Path(path).stem}]({path})", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def debrief_html(run: WorkshopRun, *, svg_charts: Mapping[str, str] = {}) -> str:
    """debrief.html's text: one self-contained page to project.

    Args:
        run: the workshop.
        svg_charts: chart name -> SVG text, inlined in the order given.
    """


    title = html.escape(f"{run.scenario.display_title()}: debrief")
    body = [f"<h1>{title}</h1>", f"<p>{html.escape(_intro(run))}</p>"]
    body += ["<h2>The shocks, revealed</h2>", "<ul>"]
    body += [f"<li>{html.escape(line)}</li>" for line in _shock_lines(run)]
    body += ["</ul>", "<h2>Leaderboard</h2>", "<table>", "<thead><tr>"]
    body += [
        f'<th class="{_alignment(cell)}">{html.escape(cell)}</th>' for cell in TABLE_HEADER
    ]
    body += ["</tr></thead>", "<tbody>"]
    for cells in standing_cells(run.leaderboard, run.scenario.currency):
        body.append(
            "<tr>"
            + "".join(
                f'<td class="{_alignment(column)}">{html.escape(cell)}</td>'
                for column, cell in zip(TABLE_HEADER, cells, strict=True)
            )
            + "</tr>"
        )
    body += ["</tbody>", "</table>"]
    for name in ("leaderboard", "debrief"):
        if name in svg_charts:
            body += [
                f'<figure id="{name}">',
                svg_element(svg_charts[name]),
                f"<figcaption>{html.escape(WORKSHOP_CAPTIONS[name])}</figcaption>",
                "</figure>",
            ]
    body.append("<h2>What each team did when the shocks hit</h2>")
    strategies = {team.name: team.strategy for team in run.teams}
    for team, sentences in team_stories(run).items():
        plan = strategies[team].description
        body.append(f"<h3>{html.escape(team)}</h3>")
        if plan:
            body.append(f"<p><em>{html.escape(plan)}</em></p>")
        body += [f"<p>{html.escape(sentence)}</p>" for sentence in sentences]
    return html_page(title, body)


def write_debrief(
    run: WorkshopRun,
    directory: Path,
    *,
    charts: bool = True,
    chart_format: str = "png",
    force: bool = False,
) -> Path:
    """Write leaderboard.csv, leaderboard.json, leaderboard.md, charts/ and debrief.html.

    riskSim's files in the folder are replaced when complete, other files kept
    (``force``: write into a non-empty folder riskSim did not make). debrief.html inlines both
    charts as SVG (drawn as SVG whatever ``chart_format``); with ``charts`` off
    it has none.

    Returns:
        The folder written.
    """
    check_chart_format(chart_format)
    svg_charts: dict[str, str] = {}
    chart_files: list[str] = []
    suggest = os.path.join(directory, f"{run.scenario.name}-workshop")
    with output_folder(
        directory, command="risksim workshop", force=force, suggest=suggest
    ) as staging:
        write_text(staging / "leaderboard.csv", leaderboard_csv(run.leaderboard))
        write_text(
            staging / "leaderboard.json",
            json.dumps(leaderboard_document(run), indent=2, allow_nan=False) + "\n",
        )
        if charts:
            from riskSim.charts.workshop import WORKSHOP_CHARTS, render_workshop_charts

            (staging / "charts").mkdir()
            drawn = render_workshop_charts(run, chart_format)
            for name in WORKSHOP_CHARTS:
                (staging / "charts" / f"{name}.{chart_format}").write_bytes(drawn[name])
                chart_files.append(f"charts/{name}.{chart_format}")
            svg = drawn if chart_format == "svg" else render_workshop_charts(run, "svg")
            svg_charts = {name: svg[name].decode("utf-8") for name in WORKSHOP_CHARTS}
        write_text(staging / "leaderboard.md", leaderboard_markdown(run, chart_files=chart_files))
        write_text(staging / "debrief.html", debrief_html(run, svg_charts=svg_charts))
    return directory
