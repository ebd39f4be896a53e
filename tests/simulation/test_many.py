"""Several runs on one pool: each result is that run's own, byte for byte."""

from __future__ import annotations

import json

import pytest

import riskSim
from riskSim.results.records import join_strategies
from riskSim.simulation import monte_carlo, runners, simulate_many, simulate_split
from tests.conftest import build, tiny_data


def summary_bytes(results: riskSim.SimulationResults) -> bytes:
    return json.dumps(results.summary, sort_keys=True).encode()


@pytest.fixture(scope="module")
def scenarios() -> list[riskSim.Scenario]:
    fees = (0, 5, 20)
    return [
        build(
            name=f"fee-{fee}",
            replications=3000,  # two batches, the second a partial one
            shocks=[{"type": "pay_per_post", "channel": "social", "at": 3, "fee": fee}],
        )
        for fee in fees
    ]


def test_every_run_equals_its_own_simulation_whatever_the_workers(scenarios) -> None:
    alone = [summary_bytes(riskSim.simulate(scenario, workers=1)) for scenario in scenarios]
    for workers in (1, 2):
        together = simulate_many(scenarios, workers=workers)
        assert [summary_bytes(results) for results in together] == alone


def test_progress_counts_every_replication_of_every_run(scenarios) -> None:
    seen: list[tuple[int, int]] = []
    simulate_many(scenarios, replications=3000, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 9000) and seen[-1] == (9000, 9000)
    done = [count for count, _ in seen]
    assert done == sorted(done) and len(set(done)) == len(done)  # forward, never repeated


def test_a_fee_changes_only_the_shocked_world(scenarios) -> None:
    free, _, dear = simulate_many(scenarios, replications=200, workers=2)
    calm = [results.summary["strategies"]["stay"]["calm_revenue"]["mean"] for results in (free, dear)]
    assert calm[0] == calm[1]
    assert free.summary["strategies"]["stay"]["revenue_at_risk"]["mean"] == 0
    assert dear.summary["strategies"]["stay"]["profit"]["mean"] < free.summary["strategies"]["stay"]["profit"]["mean"]


def fingerprint(results: riskSim.SimulationResults) -> tuple[bytes, bytes, list[str]]:
    """Everything written from a run: summary, weekly rows, and the inputs in their order."""
    rows = json.dumps(results.weekly_rows(), sort_keys=True).encode()
    return summary_bytes(results), rows, list(results.inputs)


def uncertain_capture(high: float) -> list[dict[str, object]]:
    """A capture from social into email at a rate drawn from 1% to ``high``."""
    rate = {"dist": "uniform", "low": 0.01, "high": high}
    return [{"from": "social", "to": "email", "rate": rate}]


@pytest.fixture(scope="module")
def many_strategies() -> riskSim.Scenario:
    """Five strategies in one batch: b and d share a calm world, a, c and e draw capture rates."""
    return riskSim.Scenario.model_validate(
        tiny_data(
            name="five",
            replications=300,
            strategies={
                "a": {"capture": uncertain_capture(0.05)},
                "b": {"responses": {"pay_per_post": "pay"}},
                "c": {"capture": uncertain_capture(0.08), "posts_per_week": {"email": 2}},
                "d": {"responses": {"pay_per_post": "exit"}},
                "e": {"capture": uncertain_capture(0.1), "posts_per_week": {"social": 14}},
            },
        )
    )


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[list[list[str]]]:
    """Per call of the pool runner, the strategies of each run its jobs simulate."""
    calls: list[list[list[str]]] = []
    real = monte_carlo.run_jobs

    def spy(jobs, **options):
        calls.append([list(run.strategies) for job in jobs for run in job.scenarios])
        return real(jobs, **options)

    monkeypatch.setattr(monte_carlo, "run_jobs", spy)
    return calls


def test_strategies_split_over_the_cores_give_the_same_bytes(many_strategies, submitted) -> None:
    alone = fingerprint(riskSim.simulate(many_strategies, workers=1))
    for workers in (1, 2, 3):
        (split,) = simulate_split([many_strategies], workers=workers)
        assert fingerprint(split) == alone, workers
    # one batch: the whole scenario at one worker; else up to a group a worker, dealt the
    # largest class first, a calm world's strategies (b and d) always in one group
    everything = [["a", "b", "c", "d", "e"]]
    assert submitted == [
        everything,  # the plain simulate
        everything,
        [["a", "c"], ["b", "d", "e"]],
        [["a", "e"], ["b", "d"], ["c"]],  # inputs joined back in draw order: a, c, e
    ]


def test_a_split_run_tells_progress_in_its_own_replications(many_strategies) -> None:
    heard: list[tuple[int, int]] = []
    simulate_split([many_strategies], workers=2, progress=lambda *call: heard.append(call))
    assert heard[0] == (0, 300) and heard[-1] == (300, 300)
    assert {total for _, total in heard} == {300}  # not 600: the groups are one run
    done = [count for count, _ in heard]
    assert done == sorted(done) and len(set(done)) == len(done)


def test_groups_that_do_not_make_the_scenario_are_refused(many_strategies) -> None:
    groups, order = monte_carlo.strategy_groups(
        many_strategies, parts=2, seed=many_strategies.seed, deterministic=False
    )
    parts = simulate_split(
        [
            many_strategies.model_copy(
                update={"strategies": {name: many_strategies.strategies[name] for name in group}}
            )
            for group in groups
        ],
        workers=1,
    )
    with pytest.raises(ValueError, match="must be"):
        join_strategies(parts[:1], scenario=many_strategies, input_order=order)
    with pytest.raises(ValueError, match="more than one part"):
        join_strategies([parts[0], parts[0], parts[1]], scenario=many_strategies, input_order=order)
    other_seed = simulate_split([parts[1].scenario], seed=99, workers=1)[0]
    with pytest.raises(ValueError, match="share seed"):
        join_strategies([parts[0], other_seed], scenario=many_strategies, input_order=order)


def test_runs_that_differ_only_in_shocks_play_each_calm_world_once(scenarios, monkeypatch) -> None:
    import riskSim.simulation.batch as batch

    played: list[bool] = []
    simulate_world = batch.simulate_world

    def counting(plan, strategy, *, shocked, **options):
        played.append(shocked)
        return simulate_world(plan, strategy, shocked=shocked, **options)

    monkeypatch.setattr(batch, "simulate_world", counting)
    simulate_many(scenarios, workers=1)
    # 3 fees x 2 batches: one calm world a batch; a fee the strategy pays is booked, not played
    assert played == [False, False]


def test_onsets_varied_across_points_each_resume_from_the_shared_calm_world() -> None:
    points = [
        build(
            replications=300,
            shocks=[{"type": "reach_collapse", "channel": "social", "at": day, "factor": 0.2}],
        )
        for day in (2, 9, 20)
    ]
    alone = [summary_bytes(riskSim.simulate(point, workers=1)) for point in points]
    assert [summary_bytes(results) for results in simulate_many(points, workers=1)] == alone
    assert len(set(alone)) == 3  # the onsets matter: not one result three times


def test_jobs_share_calm_worlds_only_where_nothing_but_shocks_differs() -> None:
    fee_points = [
        build(shocks=[{"type": "pay_per_post", "channel": "social", "at": 3, "fee": fee}])
        for fee in range(16)
    ]
    runs = [(point, [1000], 7, False) for point in fee_points]
    jobs = runners.plan_jobs(runs, workers=2)
    assert [job.runs for job in jobs] == [tuple(range(8)), tuple(range(8, 16))]
    audiences = [
        build(channels={"social": {**build().channels["social"].model_dump(), "audience": 1000 + n}})
        for n in range(3)
    ]
    jobs = runners.plan_jobs([(point, [1000], 7, False) for point in audiences], workers=2)
    assert [job.runs for job in jobs] == [(0,), (1,), (2,)]  # a channel's field: no sharing
    many_batches = runners.plan_jobs([(point, [2000] * 4, 7, False) for point in fee_points[:3]], workers=2)
    assert [(job.batch_index, job.runs) for job in many_batches] == [(b, (0, 1, 2)) for b in range(4)]
