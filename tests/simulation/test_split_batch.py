"""A batch split into parts by replication gives exactly the batch simulated whole.

A small what-if is one batch: to use every core, the runner splits it into
parts of consecutive replications (:func:`riskSim.simulation.runners.plan_jobs`).
Each part draws its own columns of every block the whole batch draws and
takes every decision (which posts happen, what is one float for all, which
rows a channel keeps) on the whole batch, so the joined parts must equal the
whole batch bit for bit, and a run's bytes must not depend on the workers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import riskSim
from riskSim.results.records import BatchResult, join_columns
from riskSim.simulation import runners
from riskSim.simulation.batch import simulate_batches
from riskSim.simulation.rng import ColumnStream
from tests.conftest import PLAIN_CHANNEL, build

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml")) + [ROOT / "benchmarks" / "captures.yaml"]


def arrays(result: BatchResult) -> dict[str, np.ndarray]:
    """Every array a batch result carries, by a readable name."""
    found = {f"inputs.{path}": values for path, values in result.inputs.items()}
    for strategy in result.strategies:
        found[f"{strategy.name}.recovery_days"] = strategy.recovery_days
        for world in ("shocked", "calm"):
            for name, values in vars(getattr(strategy, world)).items():
                found[f"{strategy.name}.{world}.{name}"] = values
    return found


def assert_identical(joined: BatchResult, whole: BatchResult) -> None:
    assert (joined.batch_index, joined.size, joined.columns) == (whole.batch_index, whole.size, None)
    mine, theirs = arrays(joined), arrays(whole)
    assert mine.keys() == theirs.keys()
    for name, values in theirs.items():
        assert mine[name].dtype == values.dtype, name
        np.testing.assert_array_equal(mine[name], values, err_msg=name)


def split(scenario: riskSim.Scenario, size: int, edges: list[int]) -> tuple[BatchResult, BatchResult]:
    """The batch simulated whole, and joined from parts cut at ``edges`` (joined out of order)."""
    options = {"batch_index": 1, "size": size, "seed": 11, "deterministic": False}
    (whole,) = simulate_batches([scenario], **options)
    spans = list(zip([0, *edges], [*edges, size], strict=True))
    parts = [simulate_batches([scenario], **options, columns=span)[0] for span in spans]
    for part, span in zip(parts, spans, strict=True):
        assert (part.columns, part.size) == (span, span[1] - span[0])
    return join_columns(parts[::-1]), whole


def test_a_part_reads_exactly_its_own_columns_of_every_block() -> None:
    def stream() -> np.random.Generator:
        return np.random.Generator(np.random.PCG64DXSM(2026))

    whole = stream()
    parts = [ColumnStream(stream(), 9, columns) for columns in ((0, 2), (2, 7), (7, 9))]
    for rows in (1, 3, 2, 4):  # blocks of [rows, 9] elements, two raw outputs each
        block = whole.bit_generator.random_raw(2 * rows * 9).reshape(rows, 9, 2)
        read = [part.raw(rows * (part.high - part.low)).reshape(rows, -1, 2) for part in parts]
        np.testing.assert_array_equal(np.concatenate(read, axis=1), block)
    with pytest.raises(ValueError, match="not whole rows of 5 replications"):
        parts[1].raw(7)


@pytest.mark.parametrize("path", LIBRARY, ids=[path.stem for path in LIBRARY])
def test_every_shipped_scenario_split_unevenly_equals_its_whole_batch(path: Path) -> None:
    joined, whole = split(riskSim.load_scenario(path), 120, [37, 38, 90])
    assert_identical(joined, whole)


def decisions_scenario() -> riskSim.Scenario:
    """Shocks that hit some replications only, and every response that reads them.

    With parts of one replication each, a part often has no shock where the
    batch has some: a post skipped, a wipe, an evacuation's lifted reach penalty
    or a reduced cadence decided on the part would draw other numbers.
    """
    social = {**PLAIN_CHANNEL, "daily_churn": 0.01, "daily_growth": 4, "share_rate": 0.3}
    email = {**PLAIN_CHANNEL, "kind": "owned", "audience": 50, "target_share": 1.0}
    video = {**social, "posts_per_week": 3, "ad_budget_per_day": 5, "cpm": 8, "paid_click_rate": 0.01}
    capture = [{"from": "social", "to": "email", "rate": 0.2, "reach_penalty": 0.3}]
    return build(
        horizon_days=42,
        channels={"social": social, "email": email, "video": video},
        strategies={
            "reduce": {"responses": {"pay_per_post": "reduce", "reduce_to_posts_per_week": 2}},
            "evacuate": {
                "capture": capture,
                "responses": {"platform_shutdown": "evacuate", "evacuation_boost": 0},
            },
        },
        shocks=[
            {"type": "pay_per_post", "channel": "social", "at": 10, "fee": 3, "probability": 0.5},
            {"type": "platform_shutdown", "channel": "social", "at": 25, "notice_days": 8, "probability": 0.4},
            {"type": "account_suspension", "channel": "video", "at": 5, "duration_days": 6, "probability": 0.3},
            {"type": "ad_cost_inflation", "channel": "video", "at": 12, "factor": 2, "probability": 0.5},
            {"type": "reach_collapse", "channel": "video", "at": 20, "factor": 0.2, "probability": 0.5},
        ],
    )


def test_parts_of_one_replication_take_every_decision_on_the_whole_batch() -> None:
    size = 16
    joined, whole = split(decisions_scenario(), size, list(range(1, size)))
    assert_identical(joined, whole)
    happened = whole.inputs["shocks.1.happens"]
    assert 0 < happened.sum() < size  # some parts of one replication had no shutdown at all


def test_joining_refuses_parts_that_do_not_make_one_batch() -> None:
    options = {"batch_index": 0, "size": 60, "seed": 3, "deterministic": False}
    first, gap = (simulate_batches([build()], **options, columns=span)[0] for span in ((0, 20), (30, 60)))
    with pytest.raises(ValueError, match=r"parts \[\(0, 20\), \(30, 60\)\] do not make one batch"):
        join_columns([first, gap])
    with pytest.raises(ValueError, match="expected-value mode"):
        simulate_batches([build()], **{**options, "deterministic": True}, columns=(0, 20))


def spans(jobs: list[runners.BatchJob]) -> list[tuple[int, tuple[int, int] | None]]:
    return [(job.batch_index, job.columns) for job in jobs]


def test_a_lone_batch_is_split_over_the_workers_in_parts_of_at_least_500() -> None:
    scenario = build()

    def planned(sizes: list[int], workers: int, deterministic: bool = False):
        return spans(runners.plan_jobs([(scenario, sizes, 7, deterministic)], workers=workers))

    assert planned([1000], 2) == [(0, (0, 500)), (0, (500, 1000))]
    assert planned([1500], 3) == [(0, (0, 500)), (0, (500, 1000)), (0, (1000, 1500))]
    assert planned([2500], 8) == [(0, (low, low + 500)) for low in range(0, 2500, 500)]
    assert planned([999], 2) == [(0, None)]  # parts under 500 would gain less than they cost
    assert planned([1000], 1) == [(0, None)]
    assert planned([1000], 2, deterministic=True) == [(0, None)]
    assert planned([2500, 500], 2) == [(0, None), (1, None)]  # as many jobs as workers
    assert planned([2500, 1000], 4) == [(0, (0, 1250)), (0, (1250, 2500)), (1, (0, 500)), (1, (500, 1000))]
    job = runners.plan_jobs([(scenario, [1000], 7, False)], workers=2)[1]
    assert job.replications == 500


def summary_bytes(results: riskSim.SimulationResults) -> bytes:
    return json.dumps([results.summary, results.weekly_rows()], sort_keys=True).encode()


def test_a_run_of_one_batch_gives_the_same_bytes_on_one_two_or_three_workers() -> None:
    scenario = decisions_scenario()
    alone = summary_bytes(riskSim.simulate(scenario, replications=1500, workers=1))
    for workers in (2, 3):
        heard: list[int] = []

        def listen(done: int, total: int, heard: list[int] = heard) -> None:
            assert total == 1500
            heard.append(done)

        results = riskSim.simulate(scenario, replications=1500, workers=workers, progress=listen)
        assert summary_bytes(results) == alone, workers
        assert heard[-1] == 1500 and heard == sorted(heard)
