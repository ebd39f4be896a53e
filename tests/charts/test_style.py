"""Colours keep their meaning: a strategy or team has one colour in every chart of an output.

The colours are read back from the drawn figures (legend handles, panel
titles, bars), so a chart that picks its colours some other way fails here.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import riskSim
from riskSim.charts import figures
from riskSim.charts.frontier import compare_bars, frontier, sweep_panels
from riskSim.charts.style import STRATEGY_COLOURS, strategy_colours, strategy_shades
from riskSim.charts.workshop import debrief, leaderboard
from riskSim.scenario import Scenario
from riskSim.studies.compare import run_comparison
from riskSim.studies.sweep import parse_vary, run_sweep
from riskSim.studies.workshop import Team, WorkshopRun, run_workshop
from tests.conftest import tiny_data

THREE = {
    "stay": {"responses": {"pay_per_post": "pay"}},
    "leave": {
        "capture": [{"from": "social", "to": "email", "rate": 0.05}],
        "responses": {"pay_per_post": "exit"},
    },
    "halve": {"responses": {"pay_per_post": "reduce", "reduce_to_posts_per_week": 3}},
}
"""Three strategies, so a colour taken from the wrong position shows."""


def _colour(artist: Any) -> str:
    getter = getattr(artist, "get_color", None) or artist.get_facecolor
    return to_hex(getter())


def drawn_colours(figure: Figure, names: list[str]) -> dict[str, set[str]]:
    """Every colour each name is drawn in: legend entries and panel titles naming it.

    A legend label or title names a strategy when it is the name, or starts
    with it followed by ``,`` or ``:``, or is ``"<rank>. <name>"``.
    """
    found: dict[str, set[str]] = {name: set() for name in names}

    def named(text: str) -> str | None:
        text = re.sub(r"^\d+\. ", "", text)
        for name in names:
            if text == name or text.startswith((f"{name},", f"{name}:")):
                return name
        return None

    legends = [*figure.legends, *(axes.get_legend() for axes in figure.axes)]
    for legend in (legend for legend in legends if legend is not None):
        for text, handle in zip(legend.texts, legend.legend_handles, strict=True):
            name = named(text.get_text())
            if name is not None:
                found[name].add(_colour(handle))
    for axes in figure.axes:
        name = named(axes.get_title(loc="left"))
        if name is not None:
            found[name].add(to_hex(axes._left_title.get_color()))
    return found


def bar_colours(figure: Figure) -> dict[str, str]:
    """The leaderboard's bars: team (from the tick label level with the bar) to colour."""
    axes = figure.axes[0]
    ticks = {
        round(float(tick), 1): re.sub(r"^\d+\. ", "", label.get_text())
        for tick, label in zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    }
    return {
        ticks[round(bar.get_y() + bar.get_height() / 2 - 0.12, 1)]: _colour(bar)
        for bar in axes.patches
    }


def test_strategy_colours_follow_the_given_order_and_shades_stay_in_hue() -> None:
    assert strategy_colours(["b", "a"]) == {"b": STRATEGY_COLOURS[0], "a": STRATEGY_COLOURS[1]}
    shades = strategy_shades("#4B2991", 3)
    assert shades[-1] == "#4b2991"
    assert len(set(shades)) == 3
    assert strategy_shades("#4B2991", 1) == ["#4B2991"]


def test_every_run_chart_draws_a_strategy_in_the_colour_of_its_place_in_the_scenario() -> None:
    scenario = Scenario.model_validate(tiny_data(strategies=THREE))
    results = riskSim.simulate(scenario, workers=1)
    names = list(THREE)
    expected = {"stay": "#4b2991", "leave": "#a0265a", "halve": "#6b7a00"}
    for chart, figure in figures(results).items():
        drawn = drawn_colours(figure, names)
        for name in names:
            assert drawn[name] == {expected[name]}, (chart, name, drawn[name])


def _workshop(order: list[str]) -> WorkshopRun:
    scenario = Scenario.model_validate(tiny_data())
    teams = [Team(name=name, strategy=scenario.strategies[strategy], source=Path(f"{name}.yaml"))
             for name, strategy in (("Zebras", "stay"), ("Ants", "leave"), ("Moles", "stay"))
             if name in order]
    teams.sort(key=lambda team: order.index(team.name))
    return run_workshop(scenario, teams, deterministic=True, workers=1)


def test_a_team_keeps_its_colour_in_leaderboard_and_debrief_whatever_the_file_order() -> None:
    names = ["Zebras", "Ants", "Moles"]
    by_name = {"Ants": "#4b2991", "Moles": "#a0265a", "Zebras": "#6b7a00"}
    for order in (names, names[::-1]):
        run = _workshop(order)
        assert bar_colours(leaderboard(run)) == by_name
        drawn = drawn_colours(debrief(run), names)
        assert drawn == {name: {colour} for name, colour in by_name.items()}


def _write(tmp_path: Path, name: str, **fields: Any) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(tiny_data(name=name, **copy.deepcopy(fields))))
    return path


def test_a_sweep_draws_its_strategy_in_the_colour_of_its_run_charts(tmp_path: Path) -> None:
    path = _write(tmp_path, "swept", strategies=THREE)
    line = run_sweep(
        path, strategy="leave", axes=[parse_vary("shocks.0.fee=0:10:3")], deterministic=True
    )
    for figure in (frontier(line), sweep_panels(line)):
        assert {_colour(drawn) for drawn in figure.axes[0].lines} == {"#a0265a"}
    assert sweep_panels(line).get_suptitle() == (
        "Social charges $5 per post, then $9\nsweep of shocks.0.fee"
    )
    grid = run_sweep(
        path,
        strategy="leave",
        axes=[parse_vary("shocks.0.fee=0:10:2"), parse_vary("strategies.leave.capture.0.rate=0:0.1:2")],
        deterministic=True,
    )
    drawn = [_colour(line) for line in frontier(grid).axes[0].lines[:2]]
    assert drawn == strategy_shades("#A0265A", 2) == [drawn[0], "#a0265a"]


@pytest.mark.parametrize("swap", [False, True])
def test_compare_colours_do_not_depend_on_the_order_files_are_given(
    tmp_path: Path, swap: bool
) -> None:
    both = Scenario.model_validate(tiny_data(name="both", strategies=THREE))
    fewer = Scenario.model_validate(
        tiny_data(name="fewer", strategies={"leave": THREE["leave"], "halve": THREE["halve"]})
    )
    scenarios = [("fewer", fewer), ("both", both)]
    comparison = run_comparison(scenarios[::-1] if swap else scenarios, deterministic=True)
    drawn = drawn_colours(compare_bars(comparison), list(THREE))
    # leave and stay both come first in a file; the tie goes by name
    assert drawn == {"leave": {"#4b2991"}, "stay": {"#a0265a"}, "halve": {"#6b7a00"}}


def test_percent_ticks_carry_the_decimals_they_need_and_no_more() -> None:
    from riskSim.charts.style import percent_axis

    formatter = percent_axis()
    formatter.set_locs([0.0, 0.025, 0.05])
    assert [formatter(value) for value in (0.0, 0.025, 0.05)] == ["0.0%", "2.5%", "5.0%"]
    formatter.set_locs([0.0, 0.05, 0.1])
    assert [formatter(value) for value in (0.0, 0.05, 0.1)] == ["0%", "5%", "10%"]
    formatter.set_locs([0.0, 0.005, 0.0125])
    assert formatter(0.0125) == "1.25%"


def test_an_optimization_draws_its_trials_in_the_colour_of_its_strategy(write_yaml) -> None:
    from riskSim.charts.optimize import optimize_chart
    from riskSim.studies.optimize import parse_lever, run_optimize
    from tests.conftest import RATE, shutdown_data

    data = shutdown_data(
        risk_budget={"profit_at_risk_cvar95": 420},
        strategies={
            "stay": {"responses": {"platform_shutdown": "stay"}},
            "own": {"capture": [{"from": "social", "to": "email", "rate": 0.0}]},
        },
    )
    result = run_optimize(
        write_yaml(data),
        strategy="own",
        levers=[parse_lever(f"{RATE}=0:1")],
        trials=12,
        deterministic=True,
        workers=1,
    )
    assert result.strategy_names == ("stay", "own")
    feasible = sum(trial.feasible for trial in result.trials)
    assert 0 < feasible < len(result.trials)
    within, over = optimize_chart(result).axes[0].collections[:2]
    # "own" is second in the file: wine, filled within the budget, hollow over it
    assert {to_hex(colour) for colour in within.get_facecolors()} == {"#a0265a"}
    assert len(within.get_offsets()) == feasible
    assert len(over.get_facecolors()) == 0
    assert {to_hex(colour) for colour in over.get_edgecolors()} == {"#a0265a"}
    assert len(over.get_offsets()) == len(result.trials) - feasible
