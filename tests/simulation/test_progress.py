"""Progress within batches: a bar moves at least every 200 replications, numbers unchanged."""

from __future__ import annotations

import json

import pytest

import riskSim
from riskSim.scenario import Scenario
from riskSim.simulation.runners import BATCH_SIZE, PROGRESS_STEP
from tests.conftest import tiny_data


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_moves_within_batches_and_changes_no_number(workers: int) -> None:
    scenario = Scenario.model_validate(tiny_data())
    count = BATCH_SIZE + 400  # a full batch and a short one
    heard: list[tuple[int, int]] = []
    results = riskSim.simulate(
        scenario, replications=count, workers=workers, progress=lambda *call: heard.append(call)
    )
    assert heard[0] == (0, count) and heard[-1] == (count, count)
    assert {total for _, total in heard} == {count}
    steps = [after[0] - before[0] for before, after in zip(heard, heard[1:], strict=False)]
    assert all(step > 0 for step in steps), "progress never goes back or repeats"
    assert max(steps) <= PROGRESS_STEP
    quiet = riskSim.simulate(scenario, replications=count, workers=1)
    assert json.dumps(results.summary, sort_keys=True) == json.dumps(quiet.summary, sort_keys=True)
