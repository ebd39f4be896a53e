"""The benchmark's hand-written SimPy model and riskSim simulate the same model.

`make bench` compares their speed; that comparison only means something if
both compute the same thing. The means of shocked revenue, calm revenue and
shocked profit must agree within Monte Carlo error on both workloads (the
reference scenario and the captures one of issue 21, each shortened to 120
days, with both shocks moved inside the horizon so every feature acts). A
tiny smoke run of bench.py keeps the script working.
"""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import riskSim

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
HORIZON = 120


def _module(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def handwritten() -> ModuleType:
    return _module("handwritten")


def _shortened(name: str) -> riskSim.Scenario:
    """A workload over 120 days, fee from day 40, reach collapse from day 60."""
    scenario = riskSim.load_scenario(BENCHMARKS / name)
    fee, collapse = scenario.shocks
    assert (fee.type, collapse.type) == ("pay_per_post", "reach_collapse")
    shocks = [fee.model_copy(update={"at": 40}), collapse.model_copy(update={"at": 60})]
    return scenario.model_copy(update={"horizon_days": HORIZON, "shocks": shocks})


@pytest.fixture(scope="module")
def short_reference() -> riskSim.Scenario:
    return _shortened("reference.yaml")


@pytest.fixture(scope="module", params=["reference.yaml", "captures.yaml"])
def short_workload(request: pytest.FixtureRequest) -> riskSim.Scenario:
    return _shortened(request.param)


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


def test_reference_scenario_is_what_issue_9_asks_for() -> None:
    scenario = riskSim.load_scenario(BENCHMARKS / "reference.yaml")
    kinds = {name: channel.kind for name, channel in scenario.channels.items()}
    assert kinds == {
        "linkedin": "rented",
        "facebook": "rented",
        "x": "rented",
        "instagram": "rented",
        "tiktok": "rented",
        "email": "owned",
        "website": "owned",
        "community": "owned",
    }
    assert (scenario.horizon_days, scenario.replications, scenario.seed) == (730, 1000, 7)
    assert len(scenario.strategies) == 1
    (strategy,) = scenario.strategies.values()
    (capture,) = strategy.capture
    assert (capture.from_, capture.to, capture.rate) == ("linkedin", "email", 0.05)
    assert [(shock.type, shock.at) for shock in scenario.shocks] == [
        ("pay_per_post", 180),
        ("reach_collapse", 365),
    ]


def test_captures_workload_is_what_issue_21_asks_for() -> None:
    """Eight channels, two years, captures from every rented channel, X twice a day, two shocks."""
    scenario = riskSim.load_scenario(BENCHMARKS / "captures.yaml")
    reference = riskSim.load_scenario(BENCHMARKS / "reference.yaml")
    assert list(scenario.channels) == list(reference.channels)
    assert scenario.horizon_days == 730
    rented = [name for name, channel in scenario.channels.items() if channel.kind == "rented"]
    (strategy,) = scenario.strategies.values()
    assert sorted(capture.from_ for capture in strategy.capture) == sorted(rented)
    assert {capture.to for capture in strategy.capture} == {"email"}
    assert scenario.channels["x"].posts_per_week == 14
    assert strategy.responses.pay_per_post == "pay"
    assert [(shock.type, shock.channel, shock.at) for shock in scenario.shocks] == [
        ("pay_per_post", "linkedin", 180),
        ("reach_collapse", "facebook", 365),
    ]


def test_same_means_as_risksim(handwritten: ModuleType, short_workload: riskSim.Scenario) -> None:
    spec = handwritten.model_from_scenario(short_workload)
    by_hand = handwritten.run_replications(spec, 400, seed=11)
    results = riskSim.simulate(short_workload, replications=4000, workers=1)
    (strategy,) = results.strategies.values()
    engine = {
        "shocked_revenue": strategy.shocked.revenue,
        "calm_revenue": strategy.calm.revenue,
        "shocked_profit": strategy.shocked.profit,
        "calm_profit": strategy.calm.profit,
    }
    for name, values in engine.items():
        hand_mean, hand_se = _mean_se(np.array([getattr(r, name) for r in by_hand]))
        engine_mean, engine_se = _mean_se(values)
        tolerance = 4 * math.hypot(hand_se, engine_se)
        assert abs(hand_mean - engine_mean) < tolerance, (
            f"{name}: hand-written {hand_mean:.1f} +- {hand_se:.1f}, "
            f"riskSim {engine_mean:.1f} +- {engine_se:.1f}"
        )


def test_fee_costs_the_same_in_both(
    handwritten: ModuleType, short_reference: riskSim.Scenario
) -> None:
    """Facebook posts from day 40 on pay $5 each: a cost both models must charge alike."""
    spec = handwritten.model_from_scenario(short_reference)
    world = handwritten.World(spec, np.random.default_rng(0), shocked=True)
    posts_after = sum(1 for k in range(1000) if 40 <= k * 7 / 3 < HORIZON)
    assert world.fee(1, 40.0) == 5.0 and world.fee(1, 39.9) == 0.0
    results = riskSim.simulate(short_reference, replications=10, workers=1)
    (strategy,) = results.strategies.values()
    facebook = list(short_reference.channels).index("facebook")
    assert np.all(strategy.shocked.channel_fees[facebook] == 5.0 * posts_after)


def test_handwritten_is_reproducible(handwritten: ModuleType, short_reference: riskSim.Scenario) -> None:
    spec = handwritten.model_from_scenario(short_reference)
    first = handwritten.run_replications(spec, 3, seed=5)
    assert first == handwritten.run_replications(spec, 3, seed=5)
    assert first[1:] == handwritten.run_replications(spec, 2, seed=5, start=1)


def test_bench_quick_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _module("bench")
    assert bench.main(["--quick", "--skip-memory", "--skip-what-if"]) == 0
    printed = capsys.readouterr().out
    assert "ratio riskSim / hand-written, reference" in printed
    assert "ratio riskSim / hand-written, captures" in printed
    assert "smallest ratio" in printed
    assert "efficiency" in printed
    assert "max RSS" in printed
    assert "sweep / run: " in printed


def test_the_old_code_path_imports_the_baseline_tree_not_the_repository(tmp_path: Path) -> None:
    # run from the repository, `python -m riskSim` would find today's package first
    bench = _module("bench")
    tree = tmp_path / "baseline"
    (tree / "riskSim").mkdir(parents=True)
    (tree / "riskSim" / "__init__.py").write_text("")
    env, cwd = bench.old_code_path(tree)
    assert cwd == str(tree) and env["PYTHONPATH"] == str(tree)
    empty = tmp_path / "no-package"
    empty.mkdir()
    with pytest.raises(RuntimeError, match="the old code path imports .*riskSim"):
        bench.old_code_path(empty)  # nothing there: today's installed riskSim is imported
