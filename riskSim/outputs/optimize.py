"""The output folder of an optimization: optimize.json, trials.csv, strategy.yaml, report, chart.

Written atomically through :func:`riskSim.outputs.folder.output_folder`; the
chart is drawn by :mod:`riskSim.charts.optimize`, imported only when charts
are asked for. The report says in plain words which strategy to run, what it
earns and risks, and whether the hold-out check confirms it. Reads an
:class:`~riskSim.studies.optimize.OptimizeResult`; never simulates.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import yaml

from riskSim.outputs.folder import check_chart_format, csv_text, output_folder, write_text
from riskSim.outputs.recommendation import OBJECTIVE_WORDS
from riskSim.outputs.report import html_page, svg_element
from riskSim.studies.optimize import Holdout, OptimizeResult, Trial, Value
from riskSim.words import channel_name, round_money

__all__ = [
    "lever_words",
    "optimize_json",
    "optimize_markdown",
    "recommendation_lines",
    "strategy_yaml",
    "trials_csv",
    "write_optimize",
]

CHART_CAPTION = (
    "Every trial: its objective against its profit at risk CVaR95. Filled dots are within "
    "the risk budget (dashed line), hollow ones over it; the green line joins the frontier "
    "(no other trial is as safe and better), and the black ring marks the recommendation."
)


def optimize_json(result: OptimizeResult) -> str:
    """optimize.json's text: stable key order, a final newline."""
    return json.dumps(result.document(), indent=2, allow_nan=False) + "\n"


def trials_csv(result: OptimizeResult) -> str:
    """trials.csv: one row per trial, in trial order; floats in shortest round-trip form."""
    rows = result.rows()
    return csv_text(list(rows[0]), rows)


def strategy_yaml(result: OptimizeResult) -> str:
    """The best strategy as an entry of ``strategies``, with the command that found it."""
    lines = [
        f"# Found by: {result.command()}",
        f"# Reproduce the best trial: {result.run_command(result.best)}",
        f"# Paste under `strategies:` in {result.source} (it replaces '{result.strategy}').",
    ]
    body = yaml.safe_dump(
        {result.strategy: result.best_strategy}, sort_keys=False, allow_unicode=True
    )
    return "\n".join(lines) + "\n" + body


def _number(value: Value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.3g}"


def lever_words(result: OptimizeResult, trial: Trial) -> str:
    """The trial's lever values in words: ``capture rate 0.183 from LinkedIn to email, ...``."""
    phrases = []
    for lever in result.levers:
        value = trial.values[lever.path]
        field = lever.path.split(".")[2:]
        shown = _number(value)
        if field[0] == "capture" and len(field) == 3 and field[2] == "rate":
            capture = result.scenario.strategies[result.strategy].capture[int(field[1])]
            phrases.append(
                f"capture rate {shown} from {channel_name(capture.from_)} "
                f"to {channel_name(capture.to)}"
            )
        elif field[0] == "posts_per_week" and len(field) == 2:
            phrases.append(f"{shown} posts a week on {channel_name(field[1])}")
        elif field == ["responses", "pay_per_post"]:
            phrases.append(f"'{shown}' when a channel charges per post")
        elif field == ["responses", "platform_shutdown"]:
            phrases.append(f"'{shown}' when a channel announces its shutdown")
        elif field == ["responses", "evacuation_boost"]:
            phrases.append(f"{shown} times the capture rate while evacuating")
        elif field == ["responses", "reduce_to_posts_per_week"]:
            phrases.append(f"reduce to {shown} posts a week")
        elif field in (["reaction_days"], ["responses", "reaction_days"]):
            phrases.append(f"react after {shown} days")
        else:
            phrases.append(f"{'.'.join(field)} {shown}")
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _budget_words(result: OptimizeResult) -> str:
    currency = result.scenario.currency
    caps = []
    if result.budget.profit_at_risk_cvar95 is not None:
        cap = round_money(result.budget.profit_at_risk_cvar95, currency)
        caps.append(f"profit at risk CVaR95 at most {cap}")
    if result.budget.revenue_at_risk_cvar95 is not None:
        cap = round_money(result.budget.revenue_at_risk_cvar95, currency)
        caps.append(f"revenue at risk CVaR95 at most {cap}")
    return " and ".join(caps)


def _check_words(result: OptimizeResult, holdout: Holdout) -> str:
    currency = result.scenario.currency
    if result.deterministic:
        return (
            f"{round_money(holdout.objective, currency)} (expected-value mode: no noise to check)"
        )
    return f"{round_money(holdout.objective, currency)} ± {round_money(holdout.se, currency)}"


def recommendation_lines(result: OptimizeResult) -> list[str]:
    """The recommendation, the hold-out check and the runner-up verdict, one sentence each."""
    currency = result.scenario.currency
    best = result.best
    what = OBJECTIVE_WORDS[result.objective]
    money = lambda value: round_money(value, currency)  # noqa: E731
    budget = _budget_words(result)
    figures = (
        f"{what} {money(best.objective)}, profit at risk CVaR95 {money(best.profit_at_risk_cvar95)}"
    )
    if not result.feasible:
        lead = (
            f"No trial meets the risk budget ({budget}) in {len(result.trials)} trials. "
            f"The least over it: {lever_words(result, best)}: {figures}."
        )
    else:
        within = f" within your budget ({budget})" if budget else ""
        if result.budget.revenue_at_risk_cvar95 is None and budget:
            cap = result.budget.profit_at_risk_cvar95
            within = f" within your {money(cap or 0.0)} budget"
        lead = f"Run {result.strategy} with {lever_words(result, best)}: {figures}{within}."
    lines = [lead]
    lines.append(
        f"Hold-out check (seed {result.holdout_seed}, draws the search never saw): "
        f"{_check_words(result, result.holdout)}, profit at risk CVaR95 "
        f"{money(result.holdout.profit_at_risk_cvar95)}"
        + ("" if result.holdout.feasible or not budget else ", over the budget")
        + "."
    )
    if result.runner_up is None or result.runner_up_holdout is None:
        lines.append("No runner-up with different values to compare with.")
    else:
        runner = result.runner_up_holdout
        gap = f"{money(result.difference or 0.0)}"
        if not result.deterministic:
            gap += f" ± {money(result.difference_se or 0.0)}"
        verdict = (
            "the two best are distinguishable"
            if result.distinguishable
            else "the two best are NOT distinguishable: either is as good a choice"
        )
        lines.append(
            f"Runner-up: {lever_words(result, result.runner_up)}: hold-out "
            f"{_check_words(result, runner)}; best minus runner-up {gap} ({verdict})."
        )
    return lines


def _table(result: OptimizeResult) -> tuple[list[str], list[list[str]]]:
    """The best few trials (feasible first, by objective) as a table."""
    currency = result.scenario.currency
    header = [
        "trial",
        *(lever.path.split(".", 2)[2] for lever in result.levers),
        "objective",
        "profit at risk CVaR95",
        "within budget",
    ]
    ranked = sorted(
        result.trials, key=lambda trial: (not trial.feasible, -trial.objective, trial.number)
    )
    rows = [
        [
            str(trial.number),
            *(_number(trial.values[lever.path]) for lever in result.levers),
            round_money(trial.objective, currency),
            round_money(trial.profit_at_risk_cvar95, currency),
            "yes" if trial.feasible else "no",
        ]
        for trial in ranked[:10]
    ]
    return header, rows


def _facts(result: OptimizeResult) -> str:
    mode = (
        "expected-value mode" if result.deterministic else f"{result.replications:,} replications"
    )
    return (
        f"{len(result.trials)} trials of strategy {result.strategy} ({mode}, seed {result.seed}, "
        f"every trial on the same draws); objective: {OBJECTIVE_WORDS[result.objective]}. "
        "Optimizer: Optuna's TPE sampler, seeded, with the risk budget as a constraint."
    )


def optimize_markdown(result: OptimizeResult, *, chart_file: str | None = None) -> str:
    """report.md: the recommendation in words, the hold-out check, the best trials, the chart."""
    header, rows = _table(result)
    lines = [f"# {result.scenario.display_title()}: which strategy to run", ""]
    lines += [line for sentence in recommendation_lines(result) for line in (sentence, "")]
    lines += [_facts(result), ""]
    lines += [
        "The hold-out check re-runs the best and the runner-up on a seed the search never "
        "saw: the best of many noisy trials tends to look better than it is (the optimizer's "
        "curse), and the hold-out figure is the honest one.",
        "",
        "To use it, paste `strategy.yaml` into the scenario, or run: "
        f"`{result.run_command(result.best)}`",
        "",
        "## The best trials",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    if chart_file is not None:
        lines += [f"![Every trial]({chart_file})", "", CHART_CAPTION, ""]
    return "\n".join(lines)


def optimize_html(result: OptimizeResult, *, svg_chart: str | None = None) -> str:
    """report.html: the same report as one self-contained page."""
    header, rows = _table(result)
    title = html.escape(f"{result.scenario.display_title()}: which strategy to run")
    body = [f"<h1>{title}</h1>"]
    body += [f"<p>{html.escape(sentence)}</p>" for sentence in recommendation_lines(result)]
    body.append(f"<p>{html.escape(_facts(result))}</p>")
    body.append(
        "<p>The hold-out check re-runs the best and the runner-up on a seed the search never "
        "saw: the best of many noisy trials tends to look better than it is (the optimizer's "
        "curse), and the hold-out figure is the honest one.</p>"
    )
    body.append(f"<p>To use it: <code>{html.escape(result.run_command(result.best))}</code></p>")
    body.append("<h2>The best trials</h2>")
    body.append("<table><thead><tr>" + "".join(f"<th>{html.escape(cell)}</th>" for cell in header))
    body.append("</tr></thead><tbody>")
    body += [
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    ]
    body.append("</tbody></table>")
    if svg_chart is not None:
        body.append(
            f"<figure>{svg_element(svg_chart)}<figcaption>{html.escape(CHART_CAPTION)}</figcaption></figure>"
        )
    return html_page(title, body)


def write_optimize(
    result: OptimizeResult,
    directory: str | Path,
    *,
    charts: bool = True,
    chart_format: str = "png",
    force: bool = False,
) -> Path:
    """Write optimize.json, trials.csv, strategy.yaml, report.md/.html, charts/ atomically."""
    check_chart_format(chart_format)
    target = Path(directory)
    drawn: dict[str, Any] = {}
    svg: str | None = None
    if charts:
        from riskSim.charts.optimize import render_optimize_charts

        drawn = render_optimize_charts(result, chart_format)
        svg_bytes = (
            drawn["optimize"]
            if chart_format == "svg"
            else render_optimize_charts(result, "svg")["optimize"]
        )
        svg = svg_bytes.decode("utf-8")
    with output_folder(target, command="risksim optimize", force=force) as staging:
        write_text(staging / "optimize.json", optimize_json(result))
        write_text(staging / "trials.csv", trials_csv(result))
        write_text(staging / "strategy.yaml", strategy_yaml(result))
        chart_file = None
        if drawn:
            (staging / "charts").mkdir()
            for name, data in drawn.items():
                (staging / "charts" / f"{name}.{chart_format}").write_bytes(data)
            chart_file = f"charts/optimize.{chart_format}"
        write_text(staging / "report.md", optimize_markdown(result, chart_file=chart_file))
        write_text(staging / "report.html", optimize_html(result, svg_chart=svg))
    return target
