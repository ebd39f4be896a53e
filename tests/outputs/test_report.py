"""report.md and report.html: the summary figures in words and tables, charts inline."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import riskSim
from riskSim.outputs.report import report_markdown, summary_table_rows, verdict
from riskSim.scenario import Scenario
from riskSim.words import describe_shock, money, percent
from tests.conftest import tiny_data


@pytest.fixture(scope="module")
def results() -> riskSim.SimulationResults:
    return riskSim.simulate(Scenario.model_validate(tiny_data()), workers=1)


@pytest.fixture(scope="module")
def run_folder(results, tmp_path_factory) -> Path:
    return riskSim.write_outputs(results, tmp_path_factory.mktemp("run") / "out", chart_format="png")


def summary_figures(summary: dict) -> list[str]:
    """Every figure of the summary table, as the report prints them."""
    figures = []
    for strategy in summary["strategies"].values():
        revenue, risk = strategy["revenue"], strategy["revenue_at_risk"]
        figures += [money(revenue[key]) for key in ("p5", "p50", "p95")]
        figures += [money(risk[key]) for key in ("mean", "var95", "cvar95")]
        figures += [money(strategy["profit"]["mean"])]
        figures += [percent(strategy["relative_revenue_at_risk"])]
        figures += [percent(strategy["rented_revenue_share"])]
    return figures


def test_markdown_report_has_the_summary_table_and_figures(results, run_folder) -> None:
    text = (run_folder / "report.md").read_text(encoding="utf-8")
    summary = results.summary
    assert text.startswith("# Social charges $5 per post, then $9\n")
    for figure in summary_figures(summary):
        assert figure in text
    for row in summary_table_rows(summary):
        assert "| " + " | ".join(row) + " |" in text
    leave = summary["strategies"]["leave"]
    # the table row for "leave" carries its own numbers, not another strategy's
    row = next(line for line in text.splitlines() if line.startswith("| leave |"))
    assert f"| {money(leave['revenue_at_risk']['var95'])} |" in row
    assert "social charges 5 per post, from day 60." in text
    assert "from a day between 30 and 90 (uniform)" in text
    for chart in ("revenue_fan", "exposure", "loss_distribution", "cdf", "tornado"):
        assert f"(charts/{chart}.png)" in text


def test_html_report_is_self_contained_with_inline_svg_charts(results, run_folder) -> None:
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 5
    assert "<?xml" not in page  # SVG prologs are not allowed inside HTML
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    references = re.findall(r"""(?:src|href)=["']([^"']*)""", page)
    assert references, "the inline SVGs reuse their glyphs and markers by reference"
    assert all(reference.startswith("#") for reference in references)  # nothing external
    for figure in summary_figures(results.summary):
        assert figure in page
    assert "Social charges $5 per post, then $9" in page


def test_without_charts_both_reports_are_written_without_them(results, tmp_path: Path) -> None:
    folder = riskSim.write_outputs(results, tmp_path / "out", charts=False)
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "## Charts" not in markdown and "<svg" not in page
    assert money(results.summary["strategies"]["stay"]["revenue"]["p50"]) in markdown


def test_svg_charts_are_inlined_from_the_files_and_pdf_is_linked(results, tmp_path: Path) -> None:
    folder = riskSim.write_outputs(results, tmp_path / "svg", chart_format="svg")
    page = (folder / "report.html").read_text(encoding="utf-8")
    exposure = (folder / "charts" / "exposure.svg").read_text(encoding="utf-8")
    assert exposure[exposure.index("<svg") :].strip() in page
    markdown = report_markdown(results, chart_files=["charts/exposure.pdf"])
    assert "[Exposure:" in markdown and "(charts/exposure.pdf)" in markdown
    assert "![Exposure" not in markdown


def test_verdict_opens_with_the_recommendation_then_compares() -> None:
    def strategy(relative: float, risk: float, revenue: float, profit: float, tail: float) -> dict:
        return {
            "relative_revenue_at_risk": relative,
            "revenue_at_risk": {"mean": risk, "cvar95": risk},
            "profit_at_risk": {"mean": tail / 2, "cvar95": tail},
            "revenue": {"mean": revenue},
            "profit": {"mean": profit, "p5": profit / 2},
        }

    summary = {
        "currency": "USD",
        "risk_budget": {"profit_at_risk_cvar95": 20_000, "revenue_at_risk_cvar95": None},
        "recommendation": {
            "strategy": "owned-first",
            "objective": "mean_profit",
            "value": 18_200,
            "within_risk_budget": True,
        },
        "strategies": {
            "platform-first": strategy(0.30, 30_000, 70_000, 12_000, 25_000),
            "owned-first": strategy(0.05, 6_000, 114_000, 18_200, 9_100),
        },
    }
    sentences = verdict(summary)
    assert sentences[0] == (
        "Recommended: **owned-first**: highest expected profit, $18.2k, and profit at risk "
        "CVaR95 $9.1k within the $20k budget."
    )
    assert sentences[1] == (
        "**owned-first** lost the smallest share of its revenue to the shocks: 5.0% "
        "($6,000 on average), against 30% ($30,000) for **platform-first**."
    )
    assert sentences[2] == (
        "In the shocked world **owned-first** earned the most revenue: $114,000 on average, "
        "$44,000 ahead of **platform-first**, 63% more."
    )
    assert sentences[3].startswith("In the shocked world **owned-first** earned the most profit")


def test_shocks_in_words() -> None:
    scenario = Scenario.model_validate(
        tiny_data(
            shocks=[
                {"type": "platform_shutdown", "channel": "social", "at": 10, "notice_days": 30},
                {"type": "audience_exodus", "channel": "social", "rate": 0.02},
                {"type": "pay_per_post", "channel": "social", "fee": {"dist": "uniform",
                                                                      "low": 5, "high": 15}},
            ]
        )
    )
    words = [describe_shock(shock) for shock in scenario.shocks]
    assert words == [
        "social shuts down after 30 days' notice",
        "social audience leaves at 2.0% a day",
        "social charges ~10 per post",
    ]


def test_a_pdf_run_links_its_charts_in_report_md(results, tmp_path: Path) -> None:
    folder = riskSim.write_outputs(results, tmp_path / "pdf", chart_format="pdf")
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert "![" not in markdown  # a PDF is no image a markdown viewer can show
    for chart in ("revenue_fan", "exposure", "loss_distribution", "cdf", "tornado"):
        assert f"](charts/{chart}.pdf)" in markdown


def test_one_uncertain_input_gets_a_sentence_instead_of_a_tornado(results) -> None:
    one = tiny_data()
    one["shocks"][1]["at"] = 45  # only the organic reach stays uncertain
    single = riskSim.simulate(Scenario.model_validate(one), workers=1)
    values = single.inputs["channels.social.organic_reach"]
    low_cut, high_cut = np.quantile(values, [0.1, 0.9])
    result = single.strategies["stay"]
    at_risk = result.calm.profit - result.shocked.profit
    low, high = at_risk[values <= low_cut].mean(), at_risk[values >= high_cut].mean()
    text = report_markdown(single, chart_files=["charts/revenue_fan.png"])
    assert "One input is uncertain (Social: organic reach), so there is no tornado chart" in text
    assert f"**stay** {money(low)} against {money(high)}" in text
    # two uncertain inputs: the tornado chart ranks them, no sentence
    assert "no tornado chart" not in report_markdown(results)


def test_html_summary_is_two_tables_with_grouped_risk_headers(results, run_folder) -> None:
    """Thirteen columns do not fit 1280 pixels: earned and taken are two tables of seven."""
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="summary">(.*?)</table>', page, flags=re.S)
    assert len(tables) == 2
    earned, taken = tables
    assert "<caption>What each strategy earned and how exposed it stayed</caption>" in earned
    assert re.findall(r"<th>([^<]*)</th>", earned) == [
        "strategy", "revenue p50 (p5–p95)", "profit p50 (p5–p95)", "profit mean",
        "rented revenue share", "owned audience at end", "recovery",
    ]  # fmt: skip
    assert '<th rowspan="2">strategy</th>' in taken
    assert '<th colspan="3" class="group">revenue at risk</th>' in taken
    assert '<th colspan="3" class="group">profit at risk</th>' in taken
    assert re.findall(r"<th>([^<]*)</th>", taken) == [
        "mean (share)", "VaR95", "CVaR95", "mean", "VaR95", "CVaR95",
    ]  # fmt: skip
    leave = results.summary["strategies"]["leave"]
    row = re.search(r"<tr><td>leave</td>(.*?)</tr>", taken).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert len(cells) == 6
    assert cells[1] == money(leave["revenue_at_risk"]["var95"])
    assert cells[5] == money(leave["profit_at_risk"]["cvar95"])
    for tr in re.findall(r"<tr>(.*?)</tr>", earned + taken, flags=re.S):
        assert tr.count("<td") in (0, 7)
    assert "table.summary td { white-space: nowrap; }" in page


def test_expected_value_html_summary_stays_one_table() -> None:
    from riskSim.outputs.report import html_summary_tables

    summary = riskSim.simulate(
        Scenario.model_validate(tiny_data()), deterministic=True, workers=1
    ).summary
    lines = html_summary_tables(summary)
    assert lines.count('<table class="summary">') == 1
    assert "<th>revenue at risk (share)</th>" in lines
