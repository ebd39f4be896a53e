"""Shared work inside a batch gives exactly what playing every world from day 0 gives."""

from __future__ import annotations

import numpy as np
import pytest

from riskSim.results.records import reduce_batch
from riskSim.simulation.batch import simulate_batch
from riskSim.simulation.compile import compile_batch
from riskSim.simulation.engine.divergence import divergence, first_divergence
from riskSim.simulation.engine.world import simulate_world
from tests.conftest import PLAIN_CHANNEL, build

SHOCKS = [
    {"type": "pay_per_post", "channel": "social", "at": 9, "fee": 3},
    {"type": "platform_shutdown", "channel": "social", "at": 20, "notice_days": 6},
]


def scenario(shocks=SHOCKS):
    channel = {**PLAIN_CHANNEL, "daily_churn": 0.01, "daily_growth": 4, "share_rate": 0.3}
    email = {**PLAIN_CHANNEL, "kind": "owned", "audience": 50, "cost_per_member_per_month": 0.2}
    video = {**channel, "posts_per_week": 3, "share_rate": 0.1}  # no shock, or a fee only
    blog = {**PLAIN_CHANNEL, "kind": "owned", "daily_growth": 2}  # never shocked
    capture = [{"from": "social", "to": "email", "rate": 0.2}]
    return build(
        horizon_days=35,
        channels={"social": channel, "email": email, "video": video, "blog": blog},
        strategies={
            "pay": {},
            "reduce": {"responses": {"pay_per_post": "reduce"}, "reaction_days": 2},
            "pay-again": {},
            "evacuate": {"capture": capture, "responses": {"platform_shutdown": "evacuate"}},
        },
        shocks=shocks,
    )


def naive(scenario, deterministic: bool):
    plan = compile_batch(scenario, batch_index=0, size=300, seed=8, deterministic=deterministic)
    records = {}
    for strategy in plan.strategies:
        records[(strategy.name, "shocked")], _ = simulate_world(plan, strategy, shocked=True)
        records[(strategy.name, "calm")], _ = simulate_world(plan, strategy, shocked=False)
    return reduce_batch(plan, records)


VIDEO_FEE = {"type": "pay_per_post", "channel": "video", "at": 5, "fee": 2}
FEE_THEN_COLLAPSE = [
    {"type": "pay_per_post", "channel": "social", "at": 5, "fee": 3},
    {"type": "reach_collapse", "channel": "social", "at": 20, "factor": 0.3, "ramp_days": 5},
]
"""A fee the paying strategies book without playing, then a shock that changes draws."""
ONLY_THE_TARGET = [
    {"type": "pay_per_post", "channel": "social", "at": 9, "fee": 3},
    {"type": "account_suspension", "channel": "email", "at": 10.5, "duration_days": 5},
    {"type": "platform_shutdown", "channel": "email", "at": 25, "notice_days": 0},
]
"""Shocks on the capture's target only: its source plays as in the calm world, and is fed."""


@pytest.mark.parametrize("deterministic", [False, True])
@pytest.mark.parametrize(
    "shocks",
    [
        SHOCKS,
        [],
        [{**SHOCKS[0], "at": 0}],
        [*SHOCKS, VIDEO_FEE],
        [VIDEO_FEE],
        FEE_THEN_COLLAPSE,
        ONLY_THE_TARGET,
        [{**ONLY_THE_TARGET[1], "at": 0}],
    ],
    ids=[
        "shocks",
        "none",
        "at-0",
        "and-a-fee-elsewhere",
        "a-fee-only",
        "fee-then-collapse",
        "only-the-target",
        "only-the-target-at-0",
    ],
)
def test_shared_work_equals_playing_every_world_from_day_zero(deterministic: bool, shocks) -> None:
    shared = simulate_batch(scenario(shocks), batch_index=0, size=300, seed=8, deterministic=deterministic)
    reference = naive(scenario(shocks), deterministic)
    for mine, theirs in zip(shared.strategies, reference.strategies, strict=True):
        for world in ("shocked", "calm"):
            for name, value in vars(getattr(mine, world)).items():
                expected = getattr(getattr(theirs, world), name)
                if deterministic:
                    # real-valued state: swapping a channel's series in adds in another order
                    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-9, err_msg=name)
                else:
                    np.testing.assert_array_equal(value, expected, err_msg=name)
        np.testing.assert_array_equal(mine.recovery_days, theirs.recovery_days)


def test_first_divergence_counts_a_shutdowns_notice() -> None:
    plan = compile_batch(scenario(), batch_index=0, size=10, seed=1, deterministic=False)
    assert first_divergence(plan) == 9.0
    later = scenario([SHOCKS[1]])
    assert first_divergence(compile_batch(later, batch_index=0, size=10, seed=1, deterministic=False)) == 14.0
    assert first_divergence(compile_batch(scenario([]), batch_index=0, size=10, seed=1, deterministic=False)) == float("inf")


def test_a_shocked_world_plays_only_the_channels_a_shock_changes() -> None:
    """Indices: social 0, email 1, video 2, blog 3; 'evacuate' captures social -> email."""
    plan = compile_batch(scenario([*SHOCKS, VIDEO_FEE]), batch_index=0, size=4, seed=1, deterministic=False)
    by_name = {strategy.name: divergence(plan, strategy) for strategy in plan.strategies}
    # social is shut down; its capture ties email to it; video only pays its fee
    assert by_name["evacuate"].channels == (0, 1)
    assert by_name["pay"].channels == (0,)
    assert by_name["evacuate"].start == 9.0  # social's fee: onset 9 (shutdown notice: 20 - 6 = 14)
    # video posts 3 a week at k * 7/3; those at or after day 5: k = 3 .. 14, 12 posts at 2
    np.testing.assert_array_equal(by_name["pay"].fees[2], np.full(4, 24.0))
    # reducing video's posts changes its draws: it is played, from the fee's onset
    assert by_name["reduce"].channels == (0, 2)
    assert by_name["reduce"].start == 5.0
    assert 2 not in by_name["reduce"].fees


def test_a_fee_that_is_paid_changes_only_costs() -> None:
    plan = compile_batch(scenario([VIDEO_FEE]), batch_index=0, size=4, seed=1, deterministic=False)
    paying = divergence(plan, plan.strategies[0])
    assert paying.channels == () and not paying.plays
    result = simulate_batch(scenario([VIDEO_FEE]), batch_index=0, size=4, seed=1, deterministic=False)
    pay = result.strategies[0]
    np.testing.assert_array_equal(pay.shocked.revenue, pay.calm.revenue)
    np.testing.assert_array_equal(pay.shocked.channel_fees[2], np.full(4, 24.0))
    np.testing.assert_array_equal(pay.shocked.cost - pay.calm.cost, np.full(4, 24.0))


def test_a_paid_fee_on_a_played_channel_is_booked_and_the_replay_starts_later() -> None:
    """social: a $3 fee from day 5, its reach collapses from day 20 (indices as above)."""
    plan = compile_batch(scenario(FEE_THEN_COLLAPSE), batch_index=0, size=4, seed=1, deterministic=False)
    by_name = {strategy.name: divergence(plan, strategy) for strategy in plan.strategies}
    paying = by_name["pay"]
    assert paying.channels == (0,) and paying.start == 20.0 and paying.booked == {0}
    # a post a day at t = 0 .. 34: those at or after day 5 are the 30 posts t = 5 .. 34
    np.testing.assert_array_equal(paying.fees[0], np.full(4, 90.0))
    assert by_name["evacuate"].channels == (0, 1) and by_name["evacuate"].start == 20.0
    # reducing posts after the fee changes draws: played from the fee's onset, fee not booked
    reducing = by_name["reduce"]
    assert reducing.start == 5.0 and reducing.booked == frozenset() and 0 not in reducing.fees


def test_a_fee_on_a_channel_whose_posts_can_stop_is_played() -> None:
    """A shutdown stops social's posts, so its fee is charged post by post, from its onset."""
    plan = compile_batch(scenario(), batch_index=0, size=4, seed=1, deterministic=False)
    paying = divergence(plan, plan.strategies[0])
    assert paying.start == 9.0 and paying.booked == frozenset() and not paying.fees


def test_a_capture_into_a_shocked_channel_is_replayed_from_the_calm_world() -> None:
    """Only email is shocked: social, its capture's source, is not played but fed."""
    plan = compile_batch(scenario(ONLY_THE_TARGET), batch_index=0, size=4, seed=1, deterministic=False)
    by_name = {strategy.name: divergence(plan, strategy) for strategy in plan.strategies}
    evacuate = by_name["evacuate"]
    assert evacuate.channels == (1,) and evacuate.feeds == (0,) and evacuate.start == 10.5
    assert by_name["pay"].channels == (1,) and by_name["pay"].feeds == ()
    # social's fee is booked: posts t = 9 .. 34 at 3 each
    np.testing.assert_array_equal(evacuate.fees[0], np.full(4, 78.0))
