"""One strategy in one world (shocked or calm) for one batch: the SimPy model.

State is numpy arrays over the replications of the batch: audience ``A`` and
target prospects ``T`` per channel. Three kinds of process share one clock:
shocks (a shutdown wipes the audience at its onset), posting per channel on
its cadence, and the daily update (churn, inflow, paid traffic, running
cost). Strategy responses act through the posting schedule and the capture
rates. The model knows nothing of files, terminals or charts.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from riskSim.compile import BatchPlan, ChannelParams, CompiledCapture, CompiledStrategy
from riskSim.engine.clock import Clock
from riskSim.engine.sampling import ExpectedValueSampler, RandomSampler, Sampler
from riskSim.engine.shocks import Mask, ShockTimeline
from riskSim.errors import InvalidInputError
from riskSim.rng import Stream, generator, name_key

__all__ = ["WorldRecord", "WorldState", "post_times", "simulate_world"]

SPLIT_PRIORITY = -1
AUDIENCE_LIMIT = 1e12
"""More people than use the internet, a hundred times over: a run past it is a mistake."""
SHOCK_PRIORITY = 0
DAYS_PER_MONTH = 30.0
DAYS_PER_WEEK = 7


class Purpose:
    """Third spawn-key element of a channel's dynamics streams."""

    POSTS = 0
    DAILY = 1
    CAPTURE = 2


def post_times(posts_per_week: float, horizon_days: int) -> np.ndarray:
    """``t = k * 7 / p`` for k = 0, 1, ... while ``t < horizon_days`` ``(ndarray[posts])``."""
    if posts_per_week <= 0:
        return np.empty(0)
    count = math.ceil(horizon_days * posts_per_week / DAYS_PER_WEEK) + 1
    with np.errstate(over="ignore"):  # a vanishing cadence puts the second post at inf
        times = (np.arange(count) * float(DAYS_PER_WEEK)) / posts_per_week
    return times[times < horizon_days]


@dataclass
class WorldRecord:
    """What one world leaves behind, per replication of the batch.

    Attributes:
        revenue, cost, fees, audience_end: ``ndarray[channels, replications]``.
        daily_revenue, daily_rented_revenue: ``ndarray[horizon_days, replications]``.
        weekly_rented_audience, weekly_owned_audience: sums over replications at
            each week's last daily update, ``ndarray[weeks]``.
    """

    revenue: np.ndarray
    cost: np.ndarray
    fees: np.ndarray
    audience_end: np.ndarray
    daily_revenue: np.ndarray
    daily_rented_revenue: np.ndarray
    weekly_rented_audience: np.ndarray
    weekly_owned_audience: np.ndarray


class _World:
    def __init__(
        self,
        plan: BatchPlan,
        strategy: CompiledStrategy,
        *,
        shocked: bool,
        start: WorldState | None = None,
    ) -> None:
        self.plan = plan
        self.strategy = strategy
        self.timeline = ShockTimeline(plan, strategy, shocked=shocked)
        self.start_time = 0.0 if start is None else start.time
        self.clock = Clock(initial_time=self.start_time)
        size, channel_count, horizon = plan.size, len(plan.channels), plan.horizon_days
        self.post_samplers = [
            self._sampler(channel.name, Purpose.POSTS) for channel in plan.channels
        ]
        self.daily_samplers = [
            self._sampler(channel.name, Purpose.DAILY) for channel in plan.channels
        ]
        self.capture_samplers = [
            self._sampler(
                plan.channels[capture.source].name,
                Purpose.CAPTURE,
                plan.channels[capture.target].name,
            )
            for capture in strategy.captures
        ]
        dtype = self.post_samplers[0].dtype if self.post_samplers else np.float64
        self.audience = [self._initial(channel.audience, dtype) for channel in plan.channels]
        self.targets = [
            self._initial(channel.audience * channel.target_share, dtype)
            for channel in plan.channels
        ]
        self.rented = np.array([channel.kind == "rented" for channel in plan.channels])
        weeks = math.ceil(horizon / DAYS_PER_WEEK)
        self.record = WorldRecord(
            revenue=np.zeros((channel_count, size)),
            cost=np.zeros((channel_count, size)),
            fees=np.zeros((channel_count, size)),
            audience_end=np.zeros((channel_count, size)),
            daily_revenue=np.zeros((horizon, size)),
            daily_rented_revenue=np.zeros((horizon, size)),
            weekly_rented_audience=np.zeros(weeks),
            weekly_owned_audience=np.zeros(weeks),
        )
        reach_keep = [np.ones(size) for _ in plan.channels]
        for capture in strategy.captures:
            active = capture.rate > 0
            reach_keep[capture.source] = reach_keep[capture.source] * np.where(
                active, 1.0 - capture.reach_penalty, 1.0
            )
        self.base_reach = [
            channel.organic_reach * keep
            for channel, keep in zip(plan.channels, reach_keep, strict=True)
        ]
        self.captures_from = self._captures_by_source()
        self.shares = [bool(np.any(channel.share_rate > 0)) for channel in plan.channels]
        self.churns = [
            bool(np.any(channel.daily_churn > 0))
            or bool(self.timeline.by_channel[index].get("audience_exodus"))
            for index, channel in enumerate(plan.channels)
        ]
        self.grows = [bool(np.any(channel.daily_growth > 0)) for channel in plan.channels]
        self.advertises = [bool(np.any(channel.ad_budget_per_day > 0)) for channel in plan.channels]
        self.pays_members = [
            bool(np.any(channel.cost_per_member_per_month > 0)) for channel in plan.channels
        ]
        self.changes_daily = [
            any(flags)
            for flags in zip(
                self.churns, self.grows, self.advertises, self.pays_members, strict=True
            )
        ]
        if start is not None:
            self._resume(start)

    def _sampler(self, *names: str | int) -> Sampler:
        if self.plan.deterministic:
            return ExpectedValueSampler()
        keys = [name_key(name) if isinstance(name, str) else name for name in names]
        return RandomSampler(
            generator(self.plan.seed, self.plan.batch_index, Stream.DYNAMICS, *keys)
        )

    def _initial(self, amount: np.ndarray, dtype: type) -> np.ndarray:
        if dtype is np.float64:
            return amount.astype(np.float64)
        return np.rint(amount).astype(np.int64)

    def _earn(self, channel: int, day: int, revenue: np.ndarray) -> None:
        self.record.revenue[channel] += revenue
        self.record.daily_revenue[day] += revenue
        if self.rented[channel]:
            self.record.daily_rented_revenue[day] += revenue

    # --- posting ---------------------------------------------------------

    def _schedule(self, channel: int) -> Iterator[tuple[float, Mask]]:
        """Post times of ``channel`` with the replications that post at each.

        Before the strategy's pay-per-post response takes effect (time ``R``)
        posts follow the channel's cadence; from ``R`` on, the reduced cadence
        (none for 'exit'). Both grids are anchored at day 0.
        """
        horizon = self.plan.horizon_days
        base = post_times(self.strategy.posts_per_week[channel], horizon)
        response_time = self.timeline.response_time(channel)
        if response_time is None:
            for t in base:
                yield float(t), None
            return
        reduced = (
            post_times(self.strategy.reduce_to_posts_per_week, horizon)
            if self.strategy.pay_per_post == "reduce"
            else np.empty(0)
        )
        in_base = set(base.tolist())
        in_reduced = set(reduced.tolist())
        for t in sorted(in_base | in_reduced):
            before = t < response_time
            if t in in_base and t in in_reduced:
                yield t, None
            elif t in in_base:
                yield t, before
            else:
                yield t, ~before

    def posting(self, channel: int) -> Iterator[object]:
        for t, scheduled in self._schedule(channel):
            if t < self.start_time:
                continue
            yield self.clock.wake(t, 1 + channel)
            mask = self.timeline.can_post(channel, t)
            if scheduled is not None:
                mask = scheduled if mask is None else scheduled & mask
            if mask is not None and not mask.any():
                continue
            self._post(channel, t, mask)

    def _post(self, channel: int, t: float, mask: Mask) -> None:
        params: ChannelParams = self.plan.channels[channel]
        sampler = self.post_samplers[channel]
        audience, targets = self.audience[channel], self.targets[channel]
        reach_factor = self.timeline.reach_factor(channel, t)
        reach = self.base_reach[channel] * reach_factor  # both in [0, 1]: no clipping needed
        engage = reach * params.engagement_rate
        buy = params.click_rate * params.conversion_rate * self.timeline.feature_factor(channel, t)
        prospects = targets if mask is None else targets * mask
        needs_engaged = self.shares[channel] or self.captures_from[channel]
        if not needs_engaged:
            # Bin(Bin(T, e), b) is Bin(T, e * b): one draw where nobody else needs E.
            buyers = sampler.binomial(prospects, engage * buy)
            self._earn(channel, int(t), buyers * params.order_value)
            self._pay_for_post(channel, t, mask)
            return
        others = audience - targets if mask is None else (audience - targets) * mask
        engaged_prospects = sampler.binomial(prospects, engage)
        engaged_others = sampler.binomial(others, engage)
        buyers = sampler.binomial(engaged_prospects, buy)
        self._earn(channel, int(t), buyers * params.order_value)
        self._pay_for_post(channel, t, mask)
        if self.shares[channel]:
            engaged = engaged_prospects + engaged_others
            followers = sampler.poisson(engaged * params.share_rate)
            follower_prospects = sampler.binomial(followers, params.growth_target_share)
            self.audience[channel] = audience + followers
            self.targets[channel] = targets + follower_prospects
            self._check_growth(channel, t)
        self._capture(channel, t, engaged_prospects, engaged_others)

    def _check_growth(self, channel: int, t: float) -> None:
        """Stop a run whose shares compound past any real audience (and past int64).

        Raises:
            InvalidInputError: naming the channel's share_rate.
        """
        if np.max(self.audience[channel]) <= AUDIENCE_LIMIT:
            return
        name = self.plan.channels[channel].name
        raise InvalidInputError.single(
            "model",
            f"channels.{name}.share_rate",
            f"the audience of '{name}' grew past {AUDIENCE_LIMIT:,.0f} people by day {t:g}: "
            "shares compound faster than churn removes people; lower share_rate, "
            "organic_reach or engagement_rate",
        )

    def _pay_for_post(self, channel: int, t: float, mask: Mask) -> None:
        """Production cost and the platform's fee, for the replications that posted."""
        fee = self.timeline.fee(channel, t)
        per_post = self.plan.channels[channel].production_cost + fee
        if mask is None:
            self.record.cost[channel] += per_post
            if not isinstance(fee, float) or fee != 0.0:
                self.record.fees[channel] += fee
        else:
            self.record.cost[channel] += per_post * mask
            self.record.fees[channel] += fee * mask

    def _capture(
        self, channel: int, t: float, engaged_prospects: np.ndarray, engaged_others: np.ndarray
    ) -> None:
        """Engaged people who also join an owned channel, keeping their prospect status."""
        for capture, sampler in self.captures_from[channel]:
            evacuating = self.timeline.evacuating(channel, t)
            boost = np.where(evacuating, self.strategy.evacuation_boost, 1.0)
            rate = np.clip(capture.rate * boost, 0.0, 1.0)
            joined_prospects = sampler.binomial(engaged_prospects, rate)
            joined_others = sampler.binomial(engaged_others, rate)
            target_alive = self.timeline.alive(capture.target, t)
            if target_alive is not None:
                joined_prospects, joined_others = (
                    joined_prospects * target_alive,
                    joined_others * target_alive,
                )
            joined = joined_prospects + joined_others
            self.audience[capture.target] = self.audience[capture.target] + joined
            self.targets[capture.target] = self.targets[capture.target] + joined_prospects
            self.record.cost[capture.target] += joined * capture.cost_per_capture

    # --- shocks ------------------------------------------------------------

    def shocks(self) -> Iterator[object]:
        """Wipe a channel's audience at its shutdown onset."""
        horizon = self.plan.horizon_days
        onsets = sorted(
            {
                float(onset)
                for channel in range(len(self.plan.channels))
                for shock in self.timeline.shutdowns(channel)
                for onset in np.unique(shock.onset)
                if self.start_time <= onset < horizon
            }
        )
        for t in onsets:
            yield self.clock.wake(t, SHOCK_PRIORITY)
            for channel in range(len(self.plan.channels)):
                for shock in self.timeline.shutdowns(channel):
                    hit = shock.onset == t
                    if hit.any():
                        self.audience[channel] = np.where(hit, 0, self.audience[channel])
                        self.targets[channel] = np.where(hit, 0, self.targets[channel])

    # --- daily update ------------------------------------------------------

    def daily(self) -> Iterator[object]:
        horizon = self.plan.horizon_days
        priority = 1 + len(self.plan.channels)
        for day in range(math.ceil(self.start_time), horizon):
            yield self.clock.wake(day, priority)
            for channel, changes in enumerate(self.changes_daily):
                if changes:
                    self._daily_update(channel, day)
            if (day + 1) % DAYS_PER_WEEK == 0 or day == horizon - 1:
                week = day // DAYS_PER_WEEK
                for channel, audience in enumerate(self.audience):
                    total = float(audience.sum())
                    if self.rented[channel]:
                        self.record.weekly_rented_audience[week] += total
                    else:
                        self.record.weekly_owned_audience[week] += total

    def _daily_update(self, channel: int, day: int) -> None:
        """Churn, inflow, paid traffic, then the running cost of the audience."""
        params = self.plan.channels[channel]
        sampler = self.daily_samplers[channel]
        t = float(day)
        audience, targets = self.audience[channel], self.targets[channel]
        if self.churns[channel]:
            churn = np.clip(params.daily_churn + self.timeline.extra_churn(channel, t), 0.0, 1.0)
            lost_prospects = sampler.binomial(targets, churn)
            lost_others = sampler.binomial(audience - targets, churn)
            targets = targets - lost_prospects
            audience = audience - lost_prospects - lost_others
        alive = self.timeline.alive(channel, t)
        live = 1.0 if alive is None else alive
        if self.grows[channel]:
            inflow = sampler.poisson(params.daily_growth * live)
            inflow_prospects = sampler.binomial(inflow, params.growth_target_share)
            audience = audience + inflow
            targets = targets + inflow_prospects
        self.audience[channel], self.targets[channel] = audience, targets
        if self.advertises[channel]:
            cpm = params.cpm * self.timeline.cpm_factor(channel, t)
            impressions = sampler.count(params.ad_budget_per_day / cpm * 1000.0 * live)
            buyers = sampler.binomial(impressions, params.paid_click_rate * params.conversion_rate)
            self._earn(channel, day, buyers * params.order_value)
            self.record.cost[channel] += params.ad_budget_per_day * live
        if self.pays_members[channel]:
            self.record.cost[channel] += (
                audience * params.cost_per_member_per_month / DAYS_PER_MONTH
            )

    def _resume(self, state: WorldState) -> None:
        """Take over a calm world's state at the moment the worlds can first differ."""
        copied = copy.deepcopy(state)
        self.audience, self.targets, self.record = copied.audience, copied.targets, copied.record
        self.post_samplers, self.daily_samplers = copied.post_samplers, copied.daily_samplers
        self.capture_samplers = copied.capture_samplers
        self.captures_from = self._captures_by_source()

    def _captures_by_source(self) -> list[list[tuple[CompiledCapture, Sampler]]]:
        """Each channel's captures with their samplers, so a post finds its own at once."""
        pairs = list(zip(self.strategy.captures, self.capture_samplers, strict=True))
        return [
            [(capture, sampler) for capture, sampler in pairs if capture.source == index]
            for index in range(len(self.plan.channels))
        ]

    def _snapshot(self) -> WorldState:
        return WorldState(
            time=self.clock.now,
            audience=self.audience,
            targets=self.targets,
            record=self.record,
            post_samplers=self.post_samplers,
            daily_samplers=self.daily_samplers,
            capture_samplers=self.capture_samplers,
        )

    def run(self, split_at: float | None = None) -> tuple[WorldRecord, WorldState | None]:
        """Run to the horizon; with ``split_at``, also return the state just before it.

        The state is taken before any event at ``split_at`` (a priority below the
        shocks'), so a shocked world resumed from it replays nothing twice.
        """
        self.clock.process(self.shocks())
        for channel in range(len(self.plan.channels)):
            self.clock.process(self.posting(channel))
        self.clock.process(self.daily())
        state = None
        if split_at is not None and self.start_time < split_at < self.plan.horizon_days:
            self.clock.run(until=self.clock.wake(split_at, SPLIT_PRIORITY))
            state = copy.deepcopy(self._snapshot())
        self.clock.run()
        for channel, audience in enumerate(self.audience):
            self.record.audience_end[channel] = audience
        return self.record, state


@dataclass
class WorldState:
    """Everything a world carries from one instant to the next (arrays and generators)."""

    time: float
    audience: list[np.ndarray]
    targets: list[np.ndarray]
    record: WorldRecord
    post_samplers: list[Sampler]
    daily_samplers: list[Sampler]
    capture_samplers: list[Sampler]


def simulate_world(
    plan: BatchPlan,
    strategy: CompiledStrategy,
    *,
    shocked: bool,
    start: WorldState | None = None,
    split_at: float | None = None,
) -> tuple[WorldRecord, WorldState | None]:
    """Run one strategy through one world for every replication of the batch.

    Args:
        plan: the compiled batch.
        strategy: the strategy played.
        shocked: the shocked world, or the calm one.
        start: resume from this state (a calm world's, taken before the first
            moment the worlds can differ) instead of day 0.
        split_at: also return the state just before this time.
    """
    return _World(plan, strategy, shocked=shocked, start=start).run(split_at)
