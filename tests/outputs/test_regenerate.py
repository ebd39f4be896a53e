"""Regenerating reference files: every scenario on one pool, drawn in parallel, same bytes."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from riskSim.errors import InvalidInputError
from riskSim.outputs import regenerate as module
from riskSim.outputs.regenerate import load_scenarios, regenerate, scenario_files
from riskSim.simulation import monte_carlo
from tests.conftest import tiny_data


@pytest.fixture
def two_scenarios(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name, seed in (("first", 7), ("second", 3)):
        data = tiny_data(name=name, seed=seed, replications=30)
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_scenarios_are_simulated_on_one_pool_and_drawn_in_parallel(
    two_scenarios, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulated: list[list[str]] = []
    real_runner = monte_carlo.run_jobs

    def runner_spy(jobs, **options):
        simulated.append([run.name for job in jobs for run in job.scenarios])
        return real_runner(jobs, **options)

    drawing: list[tuple[int, list[str]]] = []
    real_map = module.ordered_map

    @contextmanager
    def map_spy(workers: int, **options):
        with real_map(workers, **options) as mapped:

            def spied(function, items, **keywords):
                drawing.append((workers, [results.scenario.name for results in items]))
                return mapped(function, items, **keywords)

            yield spied

    monkeypatch.setattr(monte_carlo, "run_jobs", runner_spy)
    monkeypatch.setattr(module, "ordered_map", map_spy)
    heard: list[tuple[str, int, int]] = []
    files = {
        workers: regenerate(
            [two_scenarios],
            workers=workers,
            drawn=lambda scenario, done, total: heard.append((scenario.name, done, total)),
        )
        for workers in (1, 2)
    }
    assert files[2] == files[1]
    assert sorted({path.split("/")[0] for path in files[1]}) == ["first", "second"]
    # one call of the pool runner for both scenarios; then one drawing job per scenario
    assert simulated[0] == ["first", "second"] and len(simulated) == 2
    assert drawing == [(1, ["first", "second"]), (2, ["first", "second"])]
    assert heard == [("first", 1, 2), ("second", 2, 2)] * 2


def test_scenarios_that_fit_alone_but_not_together_are_refused_before_any_run(
    two_scenarios, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = load_scenarios(scenario_files([two_scenarios]))
    needs = [
        monte_carlo.run_bytes(scenario, scenario.replications, scenario.horizon_days, 1)
        for scenario in scenarios
    ]
    available = max(needs) / 0.8 * 1.01  # each fits on its own
    assert sum(needs) > 0.8 * available
    monkeypatch.setattr(monte_carlo, "available_memory", lambda: available)
    monkeypatch.setattr(monte_carlo, "run_jobs", pytest.fail)
    with pytest.raises(InvalidInputError, match="the 2 runs of this study need"):
        regenerate([two_scenarios], workers=1)
