"""report.md and report.html: a run told in plain words, with its table and charts.

Owns the words of a run: what each shock does and when it starts, which
strategy held up and by how much, the summary table as text, and the two
report files. The HTML is one self-contained file (styles inline, charts as
inline SVG, no external assets) so it can be mailed or opened offline.
Reads results and their summary; never simulates. Matplotlib is imported only
when an HTML report needs SVG charts that were not written as SVG files.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskSim.outputs.folder import write_text
from riskSim.outputs.recommendation import recommendation_sentence
from riskSim.results.onsets import shock_onsets
from riskSim.results.sensitivity import profit_swings
from riskSim.words import CHART_CAPTIONS, about_sign, currency_label, money, percent, quoted_mean

if TYPE_CHECKING:
    from riskSim.results import SimulationResults
    from riskSim.scenario import Scenario

__all__ = [
    "html_summary_tables",
    "report_html",
    "report_markdown",
    "report_title",
    "summary_table_header",
    "summary_table_rows",
    "verdict",
    "write_report",
]

TABLE_HEADER = (
    "strategy",
    "revenue p50 (p5–p95)",
    "profit p50 (p5–p95)",
    "profit mean",
    "revenue at risk mean (share)",
    "VaR95",
    "CVaR95",
    "profit at risk mean",
    "profit at risk VaR95",
    "profit at risk CVaR95",
    "rented revenue share",
    "owned audience at end",
    "recovery",
)
DETERMINISTIC_HEADER = (
    "strategy",
    "revenue",
    "profit",
    "revenue at risk (share)",
    "profit at risk",
    "rented revenue share",
    "owned audience at end",
    "recovery",
)
"""In expected-value mode every quantile, VaR and CVaR is the one value: one column each."""


def _recovery(recovery: Mapping[str, Any]) -> str:
    median, never = recovery["median"], recovery["never_share"]
    if median is None and never == 0:
        return "no shock"
    shown = "never" if median is None else f"{median:,.0f} days"
    return f"{shown} ({percent(never)} never)" if never else shown


def summary_table_header(summary: Mapping[str, Any]) -> tuple[str, ...]:
    """The columns of :func:`summary_table_rows`: one per figure, fewer in expected-value mode."""
    return DETERMINISTIC_HEADER if summary["deterministic"] else TABLE_HEADER


def summary_table_rows(summary: Mapping[str, Any]) -> list[list[str]]:
    """The summary table, one row of text per strategy, columns as :func:`summary_table_header`."""
    currency = summary.get("currency")

    def cash(value: float) -> str:
        return money(value, currency)

    rows = []
    for name, strategy in summary["strategies"].items():
        revenue, risk = strategy["revenue"], strategy["revenue_at_risk"]
        profit, profit_risk = strategy["profit"], strategy["profit_at_risk"]
        shares = [
            percent(strategy["rented_revenue_share"]),
            percent(strategy["owned_audience_share_end"]),
            _recovery(strategy["recovery_days"]),
        ]
        relative = percent(strategy["relative_revenue_at_risk"])
        if summary.get("deterministic"):
            rows.append(
                [
                    name,
                    cash(revenue["mean"]),
                    cash(profit["mean"]),
                    f"{cash(risk['mean'])} ({relative})",
                    cash(profit_risk["mean"]),
                    *shares,
                ]
            )
            continue
        rows.append(
            [
                name,
                f"{cash(revenue['p50'])} ({cash(revenue['p5'])}–{cash(revenue['p95'])})",
                f"{cash(profit['p50'])} ({cash(profit['p5'])}–{cash(profit['p95'])})",
                cash(profit["mean"]),
                f"{cash(risk['mean'])} ({relative})",
                cash(risk["var95"]),
                cash(risk["cvar95"]),
                cash(profit_risk["mean"]),
                cash(profit_risk["var95"]),
                cash(profit_risk["cvar95"]),
                *shares,
            ]
        )
    return rows


def _profit_at_risk(risk: Mapping[str, Any], amount: Callable[[float], str]) -> str:
    if risk["mean"] == 0 and risk["var95"] == 0 and risk["cvar95"] == 0:
        return "as much as in the calm world"
    if risk["mean"] < 0:
        return f"{amount(-risk['mean'])} more than in the calm world"
    return (
        f"{amount(risk['mean'])} less than in the calm world (profit at risk; "
        f"{amount(risk['cvar95'])} in the worst 5% of futures)"
    )


def _strategy_story(name: str, strategy: Mapping[str, Any], currency: str | None = None) -> str:
    revenue, risk = strategy["revenue"], strategy["revenue_at_risk"]
    profit_risk = strategy["profit_at_risk"]
    relative = strategy["relative_revenue_at_risk"]

    def amount(value: float) -> str:
        return money(value, currency)

    if risk["mean"] == 0 and risk["var95"] == 0:
        loss = "the shocks took no revenue"
    elif risk["mean"] < 0:
        loss = (
            f"the shocks added {amount(-risk['mean'])} of revenue on average "
            f"({percent(-relative)} more than the calm world)"
        )
    else:
        loss = (
            f"the shocks took {amount(risk['mean'])} of revenue on average "
            f"({percent(relative)} of what the calm world earned); one future in 20 lost more "
            f"than {amount(risk['var95'])}, and those worst futures lost {amount(risk['cvar95'])} "
            "on average"
        )
    recovery = strategy["recovery_days"]
    if recovery["median"] is None and recovery["never_share"] == 0:
        back = ""
    elif recovery["median"] is None:
        back = " Revenue never came back to 95% of the calm world's within the horizon."
    elif recovery["median"] == 0 and recovery["never_share"] == 0:
        back = " Revenue never fell below 95% of the calm world's for long."
    elif recovery["never_share"] == 0:
        back = (
            f" Revenue was back to 95% of the calm world's after {recovery['median']:,.0f} days "
            "(median) in every future."
        )
    else:
        back = (
            f" Revenue was back to 95% of the calm world's after {recovery['median']:,.0f} days "
            f"(median); {percent(recovery['never_share'])} of futures never got back."
        )
    return (
        f"**{name}**: {loss}. Revenue came to {amount(revenue['p50'])} (median; "
        f"{amount(revenue['p5'])}–{amount(revenue['p95'])} in 90% of futures) and profit to "
        f"{amount(strategy['profit']['mean'])} on average, {_profit_at_risk(profit_risk, amount)}. "
        "Rented platforms carried "
        f"{percent(strategy['rented_revenue_share'])} of its calm-world revenue; owned channels "
        f"held {percent(strategy['owned_audience_share_end'])} of its audience at the end.{back}"
    )


def verdict(summary: Mapping[str, Any]) -> list[str]:
    """The recommendation and why, then how the strategies compare, in sentences (Markdown).

    The first sentence is summary.json's ``recommendation`` (the best strategy
    by the scenario's objective within its risk budget), never revenue alone.
    Then, with several strategies, which lost the smallest share of its
    revenue to the shocks, and which earned the most revenue and profit in
    the shocked world: a strategy can lose little while earning little.
    """
    strategies = summary["strategies"]
    currency = summary.get("currency")

    def amount(value: float) -> str:
        return money(value, currency)

    sentences = [recommendation_sentence(summary, bold="**")]
    if len(strategies) < 2:
        (name,) = strategies
        relative = strategies[name]["relative_revenue_at_risk"]
        alone = f"With one strategy, **{name}**, the shocks took {percent(relative)} of revenue."
        return [*sentences, alone]
    names = list(strategies)
    relative = {name: strategies[name]["relative_revenue_at_risk"] for name in names}
    steadiest = min(names, key=lambda name: relative[name])
    hardest = max(names, key=lambda name: relative[name])
    if relative[steadiest] == relative[hardest]:
        sentences.append(
            f"Every strategy lost the same share of its revenue to the shocks: "
            f"{percent(relative[steadiest])}."
        )
    else:
        sentences.append(
            f"**{steadiest}** lost the smallest share of its revenue to the shocks: "
            f"{percent(relative[steadiest])} "
            f"({amount(strategies[steadiest]['revenue_at_risk']['mean'])} on average), against "
            f"{percent(relative[hardest])} "
            f"({amount(strategies[hardest]['revenue_at_risk']['mean'])}) for **{hardest}**."
        )
    for measure, words in (("revenue", "revenue"), ("profit", "profit")):
        ranked = sorted(names, key=lambda name: -strategies[name][measure]["mean"])
        best, runner_up = ranked[0], ranked[1]
        lead = strategies[best][measure]["mean"] - strategies[runner_up][measure]["mean"]
        base = strategies[runner_up][measure]["mean"]
        # a share of a loss reads wrong ("955% more" than -861): only of a positive amount
        share = f", {percent(lead / base)} more" if base > 0 else ""
        sentences.append(
            f"In the shocked world **{best}** earned the most {words}: "
            f"{amount(strategies[best][measure]['mean'])} on average, "
            f"{amount(lead)} ahead of **{runner_up}**{share}."
        )
    return sentences


def _scenario_facts(results: SimulationResults) -> list[str]:
    scenario = results.scenario
    summary = results.summary
    mode = (
        "expected-value mode (every draw replaced by its mean)"
        if results.deterministic
        else f"{summary['replications']:,} replications, seed {summary['seed']}"
    )
    return [
        f"Horizon: {scenario.horizon_days:,} days (about {scenario.horizon_days / 7:,.0f} weeks); "
        f"{mode}. Every strategy meets the same shocks and the same random numbers, once in "
        "the **shocked** world and once in the **calm** world where the shocks never happen; "
        "revenue at risk is calm revenue minus shocked revenue.",
    ]


def _channel_rows(results: SimulationResults) -> list[list[str]]:
    rows = []
    for name, channel in results.scenario.channels.items():
        rows.append(
            [
                name,
                channel.kind,
                f"{about_sign(channel.audience)}{money(quoted_mean(channel.audience))}",
                f"{channel.posts_per_week:g}",
                f"{about_sign(channel.organic_reach)}{percent(quoted_mean(channel.organic_reach))}",
            ]
        )
    return rows


def _sensitivity_lines(results: SimulationResults) -> list[str]:
    if not results.inputs:
        return []
    lines = []
    for name, rows in results.sensitivity().items():
        shown = ", ".join(f"`{row['input']}` {row['spearman']:+.2f}" for row in rows[:3])
        lines.append(f"**{name}**: {shown or 'none'}")
    return lines


def single_input_sentence(results: SimulationResults) -> str:
    """With one uncertain input there is no tornado (one bar ranks nothing): this sentence.

    It gives the figures the tornado would: mean profit at risk with the input
    in its lowest tenth and in its highest, per strategy.
    """
    if len(results.inputs) != 1:
        return ""
    swings = profit_swings(results)
    label = next(iter(swings.values()))[0].label
    parts = [
        f"**{name}** {money(rows[0].low)} against {money(rows[0].high)}"
        for name, rows in swings.items()
    ]
    return (
        f"One input is uncertain ({label}), so there is no tornado chart: with it in its "
        "lowest tenth and in its highest, mean profit at risk is " + "; ".join(parts) + "."
    )


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(cell) for cell in header) + " |"]
    lines.append("|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(header))) + "|")
    lines.extend("| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows)
    return lines


def report_title(scenario: Scenario) -> str:
    """The title, marked when ``--set`` overrides may have made it (or the description) untrue.

    ``LinkedIn charges $10 per post (with overrides: shocks.0.fee=0)``: the file's
    words were written for the file as it is, not for the values that were run.
    """
    title = scenario.display_title()
    if not scenario.overrides:
        return title
    return f"{title} (with overrides: {', '.join(scenario.overrides)})"


def _override_lines(scenario: Scenario) -> list[str]:
    """The ``--set`` strings as given, in order, for the lines under the title."""
    if not scenario.overrides:
        return []
    listed = ", ".join(f"`{override}`" for override in scenario.overrides)
    return [
        f"Run with overrides: {listed}. The title and description are the file's own, "
        "written before these changes."
    ]


def _money_note(summary: Mapping[str, Any]) -> str:
    currency = summary.get("currency")
    unit = "currency units" if currency is None else f"{currency} ({currency_label(currency)})"
    return (
        f"Revenue, profit, revenue at risk and profit at risk are totals over the horizon in "
        f"{unit}; profit at risk is calm-world profit minus shocked-world profit. VaR95 is the "
        "95th percentile of a loss, CVaR95 the mean of the worst 5% of futures."
    )


def report_markdown(results: SimulationResults, *, chart_files: Sequence[str] = ()) -> str:
    """report.md's text.

    Args:
        results: the run.
        chart_files: chart paths relative to the report (``charts/revenue_fan.png``), in
            the order to show them; PNG and SVG are shown as images, PDF linked.
    """
    scenario = results.scenario
    summary = results.summary
    lines = [f"# {report_title(scenario)}", ""]
    lines += [*_override_lines(scenario), ""] if scenario.overrides else []
    if scenario.description:
        lines += [scenario.description.strip(), ""]
    lines += ["## The scenario", "", *_scenario_facts(results), ""]
    lines += _md_table(
        ("channel", "kind", "audience at start", "posts a week", "organic reach"),
        _channel_rows(results),
    )
    lines += ["", "Shocks:", ""]
    onsets = shock_onsets(results)
    lines += [f"- {onset.label}, {onset.when}." for onset in onsets] or ["- none."]
    lines += ["", "Strategies:", ""]
    lines += [
        f"- **{name}**: {strategy.description or 'no description.'}"
        for name, strategy in scenario.strategies.items()
    ]
    lines += ["", "## What happened", ""]
    for name, strategy in summary["strategies"].items():
        lines += [_strategy_story(name, strategy, scenario.currency), ""]
    lines += ["## Recommendation", ""]
    lines += [*verdict(summary), ""]
    lines += _md_table(summary_table_header(summary), summary_table_rows(summary))
    lines += ["", _money_note(summary), ""]
    sensitivity = _sensitivity_lines(results)
    if sensitivity:
        lines += [
            "## What drives the risk",
            "",
            "Spearman rank correlation of each uncertain input with revenue at risk "
            "(largest first):",
            "",
            *[f"- {line}" for line in sensitivity],
            "",
        ]
        single = single_input_sentence(results)
        if single:
            lines += [single, ""]
    if chart_files:
        lines += ["## Charts", ""]
        for path in chart_files:
            stem = Path(path).stem
            caption = CHART_CAPTIONS.get(stem, stem)
            link = f"[{caption}]({path})" if path.endswith(".pdf") else f"![{caption}]({path})"
            lines += [link, ""]
    if scenario.sources:
        lines += ["## Sources", "", *[f"- {source}" for source in scenario.sources], ""]
    return "\n".join(lines).rstrip("\n") + "\n"


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 2rem; margin-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th.text, td.text { text-align: left; }
th.number, td.number { text-align: right; }
th { background: #f4f4f4; vertical-align: bottom; }
th.group { text-align: center; border-bottom: 2px solid #bbb; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 0.4rem 0; }
table.summary td { white-space: nowrap; }
@media (max-width: 1100px) { table.summary td { white-space: normal; } }
figure { margin: 2rem 0; }
figure svg { width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.95rem; }
.rented { color: #D55E00; font-weight: bold; }
.owned { color: #0072B2; font-weight: bold; }
"""


def _inline(markdown_text: str) -> str:
    """Escape text and turn the report's own **bold** and `code` marks into HTML."""
    escaped = html.escape(markdown_text, quote=False)
    parts = escaped.split("**")
    escaped = "".join(
        f"<strong>{part}</strong>" if index % 2 else part for index, part in enumerate(parts)
    )
    parts = escaped.split("`")
    return "".join(
        f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts)
    )


def html_page(title: str, body: Sequence[str]) -> str:
    """One self-contained HTML page (inline style, no external assets) around ``body``.

    ``title`` must already be HTML-escaped.
    """
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"


RISK_COLUMNS: dict[str, tuple[str, str]] = {
    "revenue at risk mean (share)": ("revenue at risk", "mean (share)"),
    "VaR95": ("revenue at risk", "VaR95"),
    "CVaR95": ("revenue at risk", "CVaR95"),
    "profit at risk mean": ("profit at risk", "mean"),
    "profit at risk VaR95": ("profit at risk", "VaR95"),
    "profit at risk CVaR95": ("profit at risk", "CVaR95"),
}
"""The summary table's tail-risk columns, as (group, column) under a shared group header."""
EARNED_CAPTION = "What each strategy earned and how exposed it stayed"
RISK_CAPTION = "What the shocks took (calm world minus shocked world)"


def _html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str = "",
    groups: Sequence[str] = (),
    css: str = "",
) -> list[str]:
    """A table; with ``groups`` (one per column, "" for none) a first header row spans them.

    A grouped header states "revenue at risk" once over its mean, VaR95 and
    CVaR95, so each column's own header is a word or two.
    """
    lines = [f'<table class="{css}">' if css else "<table>"]
    if caption:
        lines.append(f"<caption>{html.escape(caption)}</caption>")
    lines.append("<thead>")
    if groups:
        lines.append("<tr>")
        index = 0
        while index < len(header):
            group = groups[index]
            span = 1
            while group and index + span < len(header) and groups[index + span] == group:
                span += 1
            if group:
                lines.append(f'<th colspan="{span}" class="group">{html.escape(group)}</th>')
            else:
                lines.append(f'<th rowspan="2">{html.escape(header[index])}</th>')
            index += span
        lines.append("</tr>")
        header = [cell for cell, group in zip(header, groups, strict=True) if group]
    lines.append("<tr>")
    lines += [f"<th>{html.escape(cell)}</th>" for cell in header]
    lines += ["</tr>", "</thead>", "<tbody>"]
    for row in rows:
        cells = []
        for cell in row:
            css = f' class="{cell}"' if cell in ("rented", "owned") else ""
            cells.append(f"<td{css}>{html.escape(cell)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return lines


def html_summary_tables(summary: Mapping[str, Any]) -> list[str]:
    """The summary table as report.html shows it: two tables, so it fits a 1280-pixel screen.

    With quantiles, VaR and CVaR the table has 13 columns, too wide for a
    laptop without scrolling sideways. The page splits it by question: what
    each strategy earned (and how exposed it stayed), then what the shocks took,
    whose columns sit under a "revenue at risk" and a "profit at risk" header.
    Expected-value mode has 8 columns and stays one table. report.md keeps the
    one table, whose rows :func:`summary_table_rows` gives both.
    """
    header = summary_table_header(summary)
    rows = summary_table_rows(summary)
    if not any(column in RISK_COLUMNS for column in header):
        return _html_table(header, rows, css="summary")
    earned = [index for index, column in enumerate(header) if column not in RISK_COLUMNS]
    risk = [0] + [index for index, column in enumerate(header) if column in RISK_COLUMNS]
    tables = []
    for indexes, caption in ((earned, EARNED_CAPTION), (risk, RISK_CAPTION)):
        columns = [header[index] for index in indexes]
        named = [RISK_COLUMNS.get(column, ("", column)) for column in columns]
        groups = [group for group, _ in named]
        shown = [name for _, name in named]
        tables += _html_table(
            shown,
            [[row[index] for index in indexes] for row in rows],
            caption=caption,
            groups=groups if any(groups) else (),
            css="summary",
        )
    return tables


def svg_element(svg_text: str) -> str:
    """The ``<svg>`` element alone: the XML prolog and doctype are not allowed inside HTML."""
    start = svg_text.find("<svg")
    return svg_text[start:].strip() if start >= 0 else svg_text


def report_html(results: SimulationResults, *, svg_charts: Mapping[str, str] = {}) -> str:
    """report.html's text: one self-contained page.

    Args:
        results: the run.
        svg_charts: chart name -> SVG text, inlined in the order given.
    """
    scenario = results.scenario
    summary = results.summary
    title = html.escape(report_title(scenario))
    body = [f"<h1>{title}</h1>"]
    body += [f"<p>{_inline(line)}</p>" for line in _override_lines(scenario)]
    if scenario.description:
        body.append(f"<p>{_inline(scenario.description.strip())}</p>")
    body += [
        "<h2>The scenario</h2>",
        *[f"<p>{_inline(line)}</p>" for line in _scenario_facts(results)],
    ]
    body += _html_table(
        ("channel", "kind", "audience at start", "posts a week", "organic reach"),
        _channel_rows(results),
    )
    onsets = shock_onsets(results)
    body.append("<p>Shocks:</p><ul>")
    body += [f"<li>{_inline(f'{onset.label}, {onset.when}.')}</li>" for onset in onsets] or [
        "<li>none.</li>"
    ]
    body.append("</ul><p>Strategies:</p><ul>")
    body += [
        f"<li>{_inline(f'**{name}**: ' + (strategy.description or 'no description.'))}</li>"
        for name, strategy in scenario.strategies.items()
    ]
    body += ["</ul>", "<h2>What happened</h2>"]
    body += [
        f"<p>{_inline(_strategy_story(name, strategy, scenario.currency))}</p>"
        for name, strategy in summary["strategies"].items()
    ]
    body.append("<h2>Recommendation</h2>")
    body += [f"<p>{_inline(sentence)}</p>" for sentence in verdict(summary)]
    body += html_summary_tables(summary)
    body.append(f"<p>{_inline(_money_note(summary))}</p>")
    sensitivity = _sensitivity_lines(results)
    if sensitivity:
        body += [
            "<h2>What drives the risk</h2>",
            "<p>Spearman rank correlation of each uncertain input with revenue at risk "
            "(largest first):</p><ul>",
            *[f"<li>{_inline(line)}</li>" for line in sensitivity],
            "</ul>",
        ]
        single = single_input_sentence(results)
        if single:
            body.append(f"<p>{_inline(single)}</p>")
    if svg_charts:
        body.append("<h2>Charts</h2>")
        for name, svg_text in svg_charts.items():
            caption = html.escape(CHART_CAPTIONS.get(name, name))
            body += [
                f'<figure id="{html.escape(name)}">',
                svg_element(svg_text),
                f"<figcaption>{caption}</figcaption>",
                "</figure>",
            ]
    if scenario.sources:
        body += ["<h2>Sources</h2>", "<ul>"]
        body += [f"<li>{html.escape(source)}</li>" for source in scenario.sources]
        body.append("</ul>")
    return html_page(title, body)


def write_report(
    results: SimulationResults, folder: Path, *, charts: bool, chart_format: str
) -> list[Path]:
    """Write report.md and report.html into ``folder`` (a run's output folder).

    report.md shows the chart files found in ``folder/charts``. report.html
    inlines the same charts as SVG: read from the files when they are SVG,
    otherwise drawn again as SVG in memory. With ``charts`` off both reports
    are written without charts.

    Returns:
        The two files written.
    """
    chart_names: list[str] = []
    if charts:
        chart_names = [
            name
            for name in CHART_CAPTIONS
            if (folder / "charts" / f"{name}.{chart_format}").is_file()
        ]
    chart_files = [f"charts/{name}.{chart_format}" for name in chart_names]
    svg_charts: dict[str, str] = {}
    if chart_names and chart_format == "svg":
        svg_charts = {
            name: (folder / "charts" / f"{name}.svg").read_text(encoding="utf-8")
            for name in chart_names
        }
    elif chart_names:
        from riskSim.charts import render_charts

        drawn = render_charts(results, "svg")
        svg_charts = {name: drawn[name].decode("utf-8") for name in chart_names if name in drawn}
    markdown_path, html_path = folder / "report.md", folder / "report.html"
    write_text(markdown_path, report_markdown(results, chart_files=chart_files))
    write_text(html_path, report_html(results, svg_charts=svg_charts))
    return [markdown_path, html_path]


