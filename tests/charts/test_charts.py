"""Charts: what each one draws, real images of the stated size, byte-identical renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.image
import numpy as np
import pytest

import riskSim
from riskSim.charts import (
    CHART_NAMES,
    chart_names,
    exposure,
    figures,
    loss_distribution,
    render,
    render_charts,
    revenue_fan,
    write_charts,
)
from riskSim.charts.figures import bin_edges, degenerate_median, full_weeks, trailing_average
from riskSim.charts.profit import profit_tail, tornado
from riskSim.charts.style import SHOCK, money_axis
from riskSim.outputs.report import shock_onsets
from riskSim.results.sensitivity import input_label
from riskSim.scenario import Scenario
from tests.conftest import png_size, tiny_data


def tiny_results(workers: int = 1, **fields: Any) -> riskSim.SimulationResults:
    return riskSim.simulate(Scenario.model_validate(tiny_data(**fields)), workers=workers)


@pytest.fixture(scope="module")
def results() -> riskSim.SimulationResults:
    return tiny_results()


@pytest.fixture(scope="module")
def svg_charts(results) -> dict[str, bytes]:
    return render_charts(results, "svg")





def test_every_chart_is_a_1600x900_png(results, tmp_path: Path) -> None:
    written = write_charts(results, tmp_path, "png")
    assert [path.name for path in written] == [f"{name}.png" for name in CHART_NAMES]
    for path in written:
        data = path.read_bytes()
        assert png_size(data) == (1600, 900), path.name
        pixels = matplotlib.image.imread(path)
        assert pixels.shape[:2] == (900, 1600)
        assert pixels[..., :3].std() > 0.05, f"{path.name} is blank"


def test_svg_and_pdf_are_real_files_without_dates_or_versions(results, svg_charts) -> None:
    svg = svg_charts["exposure"]
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert b'width="1152pt" height="648pt"' in svg  # 16x9 inches at 72 points an inch
    assert b"<dc:date>" not in svg
    assert matplotlib.__version__.encode() not in svg
    pdf = render(revenue_fan(results), "pdf")
    assert pdf.startswith(b"%PDF-")
    for stamp in (b"/CreationDate", b"/ModDate", b"/Producer", matplotlib.__version__.encode()):
        assert stamp not in pdf


def test_svg_pdf_and_png_bytes_repeat_for_the_same_results(results, svg_charts) -> None:
    assert render_charts(results, "svg") == svg_charts
    for chart_format in ("pdf", "png"):
        # A fresh figure each time: nothing may depend on what was drawn before.
        first = render(revenue_fan(results), chart_format)
        assert render(revenue_fan(results), chart_format) == first, chart_format


def test_svg_bytes_identical_with_one_or_two_workers() -> None:
    # 600 replications: two batches, so two workers really split the work.
    fields = {"replications": 600, "horizon_days": 56}
    one = render_charts(tiny_results(workers=1, **fields), "svg")
    two = render_charts(tiny_results(workers=2, **fields), "svg")
    assert list(one) == list(CHART_NAMES)
    for name in CHART_NAMES:
        assert one[name] == two[name], name


def test_different_results_give_different_svg(svg_charts) -> None:
    other = tiny_results(seed=8)
    assert render(loss_distribution(other), "svg") != svg_charts["loss_distribution"]


def test_rendering_leaves_global_matplotlib_settings_alone(results, svg_charts) -> None:
    before = dict(matplotlib.rcParams)
    with matplotlib.rc_context({"font.size": 7.0, "lines.linewidth": 9.0}):
        inside = render(exposure(results), "svg")
        assert matplotlib.rcParams["font.size"] == 7.0
    assert dict(matplotlib.rcParams) == before
    # A user's own settings do not leak into the charts either.
    assert inside == svg_charts["exposure"]


def test_no_tornado_without_uncertain_inputs() -> None:
    fixed = tiny_data()
    fixed["channels"]["social"]["organic_reach"] = 0.1
    fixed["shocks"][1]["at"] = 45
    results = riskSim.simulate(Scenario.model_validate(fixed), workers=1)
    assert results.inputs == {}
    assert chart_names(results) == ["revenue_fan", "exposure", "loss_distribution", "cdf"]


def test_no_tornado_with_one_uncertain_input() -> None:
    one = tiny_data()
    one["shocks"][1]["at"] = 45  # organic reach stays uncertain: one bar ranks nothing
    results = riskSim.simulate(Scenario.model_validate(one), workers=1)
    assert list(results.inputs) == ["channels.social.organic_reach"]
    assert "tornado" not in chart_names(results)
    with pytest.raises(ValueError, match="2 or more uncertain inputs"):
        tornado(results)


def test_titles_come_from_the_scenario_with_dollars_kept(results) -> None:
    for name, figure in figures(results).items():
        assert figure.get_suptitle() == "Social charges $5 per post, then $9", name


def test_revenue_fan_drops_the_partial_last_week_and_marks_both_onsets(results) -> None:
    assert full_weeks(results) == 21  # 150 days = 21 weeks + 3 days
    figure = figures(results)["revenue_fan"]
    first = figure.axes[0]
    assert first.get_title(loc="left") == "stay"
    # full 4-week windows only: weeks 3..20 (the first three would average fewer weeks)
    weekly = [line for line in first.lines if len(line.get_xdata()) == 18]
    assert weekly, "the weekly lines have one point per full window"
    np.testing.assert_allclose(weekly[0].get_xdata(), np.arange(3, 21) + 0.5)
    mean = trailing_average(results.strategies["stay"].shocked.weekly_revenue[:21])[3:]
    assert any(np.allclose(line.get_ydata(), mean.mean(axis=1)) for line in weekly)
    onset_lines = sorted(
        float(line.get_xdata()[0])
        for line in first.lines
        if matplotlib.colors.same_color(line.get_color(), SHOCK)
    )
    # fixed onset at day 60; the uncertain one's window starts at day 30, in weeks
    np.testing.assert_allclose(onset_lines, [30 / 7, 60 / 7])
    # the window itself is a light bar along the top, not a span over the whole plot
    bars = [patch for patch in first.patches if matplotlib.colors.same_color(
        patch.get_facecolor()[:3], matplotlib.colors.to_rgb(SHOCK))]
    assert len(bars) == 1
    corners = bars[0].get_path().vertices @ np.eye(2)  # in data x, axes y
    xs = bars[0].get_transform().transform(corners)[:, 0]
    low, high = first.transData.transform([(30 / 7, 0), (90 / 7, 0)])[:, 0]
    assert min(xs) == pytest.approx(low) and max(xs) == pytest.approx(high)
    # labels are wrapped to fit a panel; the words are what matters
    labels = [" ".join(text.get_text().split()) for text in first.texts]
    assert "social charges 5 per post, from day 60" in labels
    assert "social reach falls to 30%, starts between days 30 and 90" in labels


def test_revenue_fan_onset_labels_sit_above_the_data_one_under_the_other(results) -> None:
    figure = figures(results)["revenue_fan"]
    figure.canvas.draw()
    first = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    labels = [text.get_window_extent(renderer) for text in first.texts]
    assert len(labels) == 2
    # the highest point of any band or line drawn in data coordinates, in pixels
    data_top = max(
        first.transData.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))[:, 1].max()
        for line in first.lines
        if line.get_transform() == first.transData
    )
    bands = [collection.get_paths()[0].vertices for collection in first.collections]
    data_top = max(data_top, *(first.transData.transform(band)[:, 1].max() for band in bands))
    panel = first.get_window_extent(renderer)
    for label in labels:
        assert label.y0 > data_top  # above every band and line
        assert label.y1 <= panel.y1  # inside the panel, under the bars
    # stacked: the second label starts below the first
    assert labels[1].y1 <= labels[0].y0 + 1e-6


def test_degenerate_median_is_left_out_where_sales_come_in_whole_orders() -> None:
    # one 1,200 order every few weeks: the median sits on 0 and flips to 300
    assert degenerate_median(np.array([0.0, 300.0, 0.0, 300.0, 0.0, 0.0, 300.0]))
    # a median that moves in small steps on a lattice is an honest median
    assert not degenerate_median(np.array([1100.0, 1125.0, 1125.0, 1150.0, 1125.0, 1100.0]))


def test_onsets_fixed_day_and_uniform_window(results) -> None:
    fixed, window = shock_onsets(results)
    assert (fixed.first_day, fixed.last_day, fixed.happens_share) == (60, None, 1.0)
    assert (window.first_day, window.last_day) == (30, 90)
    assert window.uncertain and not fixed.uncertain


def test_loss_distribution_marks_var95_and_cvar95_from_the_summary(results) -> None:
    figure = figures(results)["loss_distribution"]
    summary = results.summary["strategies"]
    for axes, name in zip(figure.axes, results.strategies, strict=True):
        risk = summary[name]["revenue_at_risk"]
        marked = {float(line.get_xdata()[0]) for line in axes.lines}
        assert marked == {risk["var95"], risk["cvar95"]}
        assert axes.get_title(loc="left").startswith(f"{name}: ")


def test_tornado_bars_span_mean_profit_at_risk_between_the_lowest_and_highest_tenth(
    results,
) -> None:
    figure = figures(results)["tornado"]
    axes = figure.axes[0]
    spans = sorted((round(bar.get_x(), 6), round(bar.get_x() + bar.get_width(), 6))
                   for bar in axes.patches)
    expected = []
    for values in results.inputs.values():
        low_cut, high_cut = np.quantile(values, [0.1, 0.9])
        for result in results.strategies.values():
            at_risk = result.calm.profit - result.shocked.profit
            low = at_risk[values <= low_cut].mean()
            high = at_risk[values >= high_cut].mean()
            expected.append((round(min(low, high), 6), round(max(low, high), 6)))
    assert spans == sorted(expected)
    ticks = sorted(" ".join(tick.get_text().split()) for tick in axes.get_yticklabels())
    assert ticks == ["Social reach collapse: onset day", "Social: organic reach"]
    assert axes.xaxis.get_major_formatter()(12_500, 0) == "12.5k"


def test_input_labels_name_the_shock_in_words(results) -> None:
    assert input_label(results.scenario, "shocks.1.at") == "Social reach collapse: onset day"
    assert input_label(results.scenario, "shocks.0.fee") == "Social pay per post: fee per post"
    assert input_label(results.scenario, "channels.email.conversion_rate") == (
        "Email: conversion rate"
    )


def test_cdf_draws_every_strategy_in_both_worlds_with_the_tail_marked(results) -> None:
    figure = figures(results)["cdf"]
    axes = figure.axes[0]
    steps = [line for line in axes.lines if line.get_drawstyle() == "steps-post"]
    # two strategies with different captures: two calm curves, two shocked curves
    assert len(steps) == 4
    stay = results.strategies["stay"].shocked.profit
    shocked = [line for line in steps if line.get_linestyle() == "-"]
    np.testing.assert_allclose(shocked[0].get_xdata()[1:], np.sort(stay))
    np.testing.assert_allclose(shocked[0].get_ydata()[-1], 1.0)
    p5, worst = profit_tail(stay)
    assert p5 == pytest.approx(np.percentile(stay, 5))
    # CVaR95: the mean of the worst 5% of replications, a fraction of the next counted
    losses = np.sort(-stay)[::-1]
    share = 0.05 * losses.size
    whole = int(share)
    worst_mean = (losses[:whole].sum() + (share - whole) * losses[whole]) / share
    assert worst == pytest.approx(-worst_mean) and worst <= p5
    first_marks = {
        line.get_marker(): float(line.get_xdata()[0])
        for line in axes.lines
        if line.get_marker() in ("v", "D") and line.get_color() == shocked[0].get_color()
    }
    assert first_marks == {"v": pytest.approx(p5), "D": pytest.approx(worst)}


def test_money_axis_labels_ticks_with_their_true_value() -> None:
    formatter = money_axis()
    formatter.set_locs([10_000, 12_500, 15_000])
    assert [formatter(value) for value in (10_000, 12_500, 15_000)] == ["10k", "12.5k", "15k"]
    formatter.set_locs([1000, 1250, 1500, 1750])
    assert formatter(1750) == "1.75k" and formatter(1250) == "1.25k"
    formatter.set_locs([10_000, 11_250, 12_500])
    assert formatter(11_250) == "11.25k"


def test_trailing_average_by_hand() -> None:
    weekly = np.array([4.0, 0.0, 8.0, 0.0, 4.0, 4.0])
    np.testing.assert_allclose(
        trailing_average(weekly, window=4), [4.0, 2.0, 4.0, 3.0, 3.0, 4.0]
    )
    two_columns = np.column_stack([weekly, 2 * weekly])
    np.testing.assert_allclose(trailing_average(two_columns, 4)[:, 1], 2 * trailing_average(weekly))


def test_histogram_bins_sit_on_the_order_value_lattice() -> None:
    losses = [np.array([0.0, 1200.0, 3600.0]), np.array([-1200.0, 0.0])]
    edges = bin_edges(losses)
    np.testing.assert_allclose(edges, [-1800, -600, 600, 1800, 3000, 4200])
    assert bin_edges([np.zeros(5)]).tolist() == [-0.5, 0.5]
