"""One strategy in one world (shocked or calm) for one batch: the SimPy model.

State is numpy arrays over the replications of the batch: per channel, the
target prospects ``T`` and the others ``A - T`` as the two rows of one
:class:`LazyCount`, drawn only when something reads it. Three kinds of
process share one clock: shocks (a shutdown wipes the audience at its onset),
posting per channel on its cadence, and the daily update (churn, inflow, paid
traffic, running cost). Strategy responses act through the posting schedule and the capture
rates. A world may play only some channels (the ones a shock can change, see
:mod:`riskSim.simulation.engine.divergence`): channels interact only through captures,
and each draws from streams of its own. The model knows nothing of files,
terminals or charts.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from riskSim.errors import InvalidInputError
from riskSim.simulation.compile import BatchPlan, ChannelParams, CompiledCapture, CompiledStrategy
from riskSim.simulation.engine import draws
from riskSim.simulation.engine.audience import LazyCount, Rate
from riskSim.simulation.engine.clock import Clock
from riskSim.simulation.engine.sampling import ExpectedValueSampler, RandomSampler, Sampler
from riskSim.simulation.engine.shocks import Mask, ShockTimeline
from riskSim.simulation.rng import Columns, ColumnStream, Stream, generator, name_key
from riskSim.units import DAYS_PER_WEEK

__all__ = ["ChannelSeries", "WorldRecord", "WorldState", "post_times", "simulate_world"]

SPLIT_PRIORITY = -1
PROGRESS_MARKS = 20
"""Times per world at which ``progress`` hears how far it is (a batch of 2,500
replications reports at least every 100 replications' worth of work)."""
WorldProgress = Callable[[float], None]
"""Hears the share (0 to 1) of a world's days simulated."""
PROSPECTS, OTHERS = 0, 1
"""Rows of a channel's people: target prospects, then everyone else."""
AUDIENCE_LIMIT = 1e12
"""More people than use the internet, a hundred times over: a run past it is a mistake."""
SHOCK_PRIORITY = 0
DAYS_PER_MONTH = 30.0
_NOT_TAKEN_OVER = np.empty((0, 0))
"""Stands for the daily revenue a state does not carry (see ``_World._snapshot``)."""


class Purpose:
    """Third spawn-key element of a channel's dynamics streams."""

    POSTS = 0
    DAILY = 1
    CAPTURE = 2
    PAID = 3
    """Paid traffic draws apart from the audience, so every strategy buys the same ads."""


def post_times(posts_per_week: float, horizon_days: int) -> np.ndarray:
    """``t = k * 7 / p`` for k = 0, 1, ... while ``t < horizon_days`` ``(ndarray[posts])``."""
    if posts_per_week <= 0:
        return np.empty(0)
    count = math.ceil(horizon_days * posts_per_week / DAYS_PER_WEEK) + 1
    with np.errstate(over="ignore"):  # a vanishing cadence puts the second post at inf
        times = (np.arange(count) * float(DAYS_PER_WEEK)) / posts_per_week
    return times[times < horizon_days]


@dataclass
class ChannelSeries:
    """One channel's share of a world's series, kept so another world can swap it.

    Attributes:
        daily_revenue: days ``first_day ..`` of the horizon,
            ``ndarray[horizon_days - first_day, replications]`` (before the first
            day the worlds that swap it are alike, so it is not kept).
        weekly_audience: sum over replications at each week's end, ``ndarray[weeks]``.
        first_day: the first day kept.
    """

    daily_revenue: np.ndarray
    weekly_audience: np.ndarray
    first_day: int = 0


@dataclass
class WorldRecord:
    """What one world leaves behind, per replication of the batch.

    Attributes:
        revenue, cost, fees, audience_end: ``ndarray[channels, replications]``.
        daily_revenue: ``ndarray[horizon_days, replications]``.
        weekly_rented_revenue: revenue on rented channels per week,
            ``ndarray[weeks, replications]`` (only its sum over replications is
            reported; it is summed once, over the whole batch, so a batch split
            into parts sums the same numbers in the same order).
        weekly_rented_audience, weekly_owned_audience: sums over replications at
            each week's last daily update, ``ndarray[weeks]``. People are whole in
            random mode, so these sums are exact, whatever parts a batch is split
            into (expected-value mode, real-valued, is never split).
        series: the tracked channels' own daily revenue and weekly audience.
        joins: per recorded capture (by its index in the strategy), the people it
            drew into its target at each post from ``recorded_from`` on, ``(t,
            ndarray[groups, replications] of int32)``: a shocked world that does not
            play the capture's source replays them (see ``feeds`` of :func:`simulate_world`).
    """

    revenue: np.ndarray
    cost: np.ndarray
    fees: np.ndarray
    audience_end: np.ndarray
    daily_revenue: np.ndarray
    weekly_rented_revenue: np.ndarray
    weekly_rented_audience: np.ndarray
    weekly_owned_audience: np.ndarray
    series: dict[int, ChannelSeries]
    joins: dict[int, list[tuple[float, np.ndarray]]] = field(default_factory=dict)


def _uniform(values: np.ndarray) -> Rate:
    """One float when every replication has the same value: scalar arithmetic is cheaper."""
    first = float(values[0])
    return first if bool(np.all(values == first)) else values


def _groups(plan: BatchPlan, strategy: CompiledStrategy) -> list[int]:
    """Rows of each channel's people: 1 where nobody can ever be anything but a prospect.

    Everyone is a prospect in a channel whose target share and growth target
    share are 1 for every replication and into which only such channels capture
    (captured people keep their status): its "others" row would stay 0 for
    ever, so it is not kept, and a post or a reading draws half the variates.
    Expected-value mode keeps both rows (its figures never change).
    """
    if plan.deterministic:
        return [2] * len(plan.channels)
    single = {
        index
        for index, channel in enumerate(plan.channels)
        if bool(np.all(channel.target_share == 1.0))
        and bool(np.all(channel.growth_target_share == 1.0))
    }
    changed = True
    while changed:
        changed = False
        for capture in strategy.captures:
            if capture.target in single and capture.source not in single:
                single.discard(capture.target)
                changed = True
    return [1 if index in single else 2 for index in range(len(plan.channels))]


def _compact(joined: np.ndarray) -> np.ndarray:
    """Whole people in the smallest integers that hold them (a recorded capture's joins).

    Most posts capture a handful of people, so these are mostly bytes.
    """
    if joined.dtype != np.int64:
        return joined.copy()
    most = int(joined.max()) if joined.size else 0
    for dtype in _COMPACT_TYPES:
        if most <= np.iinfo(dtype).max:
            return joined.astype(dtype)
    return joined.copy()


_COMPACT_TYPES = (np.int8, np.int16, np.int32)


def _status_split(target_share: np.ndarray) -> np.ndarray:
    """Shares of prospects and others, ``ndarray[2, 1]`` (one for all) or ``ndarray[2, r]``.

    ``split * amount`` splits an amount of people into the two rows of a channel.
    """
    share = _uniform(target_share)
    if isinstance(share, float):
        return np.array([[share], [1.0 - share]])
    return np.stack([share, 1.0 - share])


class _World:
    def __init__(
        self,
        plan: BatchPlan,
        strategy: CompiledStrategy,
        *,
        shocked: bool,
        start: WorldState | None = None,
        channels: tuple[int, ...] | None = None,
        tracked: tuple[int, ...] = (),
        skipped: frozenset[int] = frozenset(),
        series_from: int = 0,
        recorded: tuple[int, ...] = (),
        feeds: dict[int, list[tuple[float, np.ndarray]]] | None = None,
        columns: Columns | None = None,
    ) -> None:
        # Every decision that shapes the draws (which rows a channel keeps, what is
        # one float for all, which events happen, which posts are skipped) is taken
        # on the whole batch in ``plan``; a part of it (``columns``) computes only
        # its replications, so it reads its own columns of each draw's block.
        self.plan = plan
        self.columns = columns
        low, high = (0, plan.size) if columns is None else columns
        self.cut = slice(low, high)
        self.channels = [self._part_of(channel) for channel in plan.channels]
        self.strategy = strategy
        self.timeline = ShockTimeline(plan, strategy, shocked=shocked, skipped=skipped)
        self.start_time = 0.0 if start is None else start.time
        self.clock = Clock(initial_time=self.start_time)
        self.played = tuple(range(len(plan.channels))) if channels is None else channels
        size, channel_count, horizon = high - low, len(plan.channels), plan.horizon_days
        self.size = size
        self.post_samplers = [
            self._sampler(channel.name, Purpose.POSTS) for channel in plan.channels
        ]
        self.daily_samplers = [
            self._sampler(channel.name, Purpose.DAILY) for channel in plan.channels
        ]
        self.paid_samplers = [
            self._sampler(channel.name, Purpose.PAID) for channel in plan.channels
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
        self.groups = _groups(plan, strategy)
        self.people = [
            self._initial_people(channel, dtype, groups)
            for channel, groups in zip(self.channels, self.groups, strict=True)
        ]
        self.rented = np.array([channel.kind == "rented" for channel in plan.channels])
        weeks = math.ceil(horizon / DAYS_PER_WEEK)
        self.record = WorldRecord(
            revenue=np.zeros((channel_count, size)),
            cost=np.zeros((channel_count, size)),
            fees=np.zeros((channel_count, size)),
            audience_end=np.zeros((channel_count, size)),
            # A world playing only some channels is read through its channels' series
            # (see divergence.assemble): it keeps no whole-world daily revenue.
            daily_revenue=np.zeros((horizon, size)) if channels is None else _NOT_TAKEN_OVER,
            weekly_rented_revenue=np.zeros((weeks, size)),
            weekly_rented_audience=np.zeros(weeks),
            weekly_owned_audience=np.zeros(weeks),
            series={
                channel: ChannelSeries(
                    np.zeros((horizon - series_from, size)), np.zeros(weeks), series_from
                )
                for channel in tracked
            },
            joins={index: [] for index in recorded},
        )
        self.recorded_from = float(series_from)
        self.keeps_daily = channels is None
        self.fused = not plan.deterministic
        """Posts draw and sum in one compiled call (random mode; the same numbers)."""
        self.feeds = feeds or {}
        reach_keep = [np.ones(plan.size) for _ in plan.channels]
        for capture in strategy.captures:
            active = capture.rate > 0
            reach_keep[capture.source] = reach_keep[capture.source] * np.where(
                active, 1.0 - capture.reach_penalty, 1.0
            )
        # One float where every replication has the same value (fixed figures): the
        # per-post arithmetic below is then on floats, with the same results.
        self.base_reach = [
            self._rate(channel.organic_reach * keep)
            for channel, keep in zip(plan.channels, reach_keep, strict=True)
        ]
        # Evacuating at a boost of 0 stops a channel's captures during the notice: its
        # reach penalty lifts with them ("while its capture rate > 0").
        self.penalty_lifts = [
            strategy.evacuate
            and strategy.evacuation_boost == 0
            and any(capture.source == index for capture in strategy.captures)
            for index in range(channel_count)
        ]
        self.free_reach = [self._rate(channel.organic_reach) for channel in plan.channels]
        self.engagement = [self._rate(channel.engagement_rate) for channel in plan.channels]
        self.buying = [
            self._rate(channel.click_rate * channel.conversion_rate) for channel in plan.channels
        ]
        self.order_value = [self._rate(channel.order_value) for channel in plan.channels]
        self.share_rate = [self._rate(channel.share_rate) for channel in plan.channels]
        self.follower_split = [
            self._part(_status_split(channel.growth_target_share)[:groups])
            for channel, groups in zip(plan.channels, self.groups, strict=True)
        ]
        self.captures_from = self._captures_by_source()
        self.capture_rates = [self._rate(capture.rate) for capture in strategy.captures]
        self.capture_costs = [self._rate(capture.cost_per_capture) for capture in strategy.captures]
        self.production_cost = [self._rate(channel.production_cost) for channel in plan.channels]
        self.shares = [bool(np.any(channel.share_rate > 0)) for channel in plan.channels]
        self.churn = [self._rate(channel.daily_churn) for channel in plan.channels]
        self.exodus = [
            bool(self.timeline.by_channel[index].get("audience_exodus"))
            for index in range(channel_count)
        ]
        self.grows = [bool(np.any(channel.daily_growth > 0)) for channel in plan.channels]
        self.inflow: list[Rate] = [
            self._part(_status_split(channel.growth_target_share)[:groups] * channel.daily_growth)
            if grows
            else 0.0
            for channel, grows, groups in zip(plan.channels, self.grows, self.groups, strict=True)
        ]
        self.advertises = [bool(np.any(channel.ad_budget_per_day > 0)) for channel in plan.channels]
        self.pays_members = [
            bool(np.any(channel.cost_per_member_per_month > 0)) for channel in plan.channels
        ]
        # Channels whose days only age their audience by the same churn and inflow are
        # aged when next read, all the days since at once (see _catch_up); the others
        # keep a daily update.
        self.ages_when_read = [
            isinstance(self.churn[index], float)
            and not self.exodus[index]
            and not self.timeline.shutdowns(index)
            and not self.advertises[index]
            and not self.pays_members[index]
            for index in range(channel_count)
        ]
        self.changes_daily = [
            index
            for index in self.played
            if not self.ages_when_read[index]
            and (
                bool(np.any(plan.channels[index].daily_churn > 0))
                or self.exodus[index]
                or self.grows[index]
                or self.advertises[index]
                or self.pays_members[index]
            )
        ]
        self.days_done = math.ceil(self.start_time)
        """Daily updates that have happened (days ``0 .. days_done - 1``)."""
        self.aged_to = [self.days_done] * channel_count
        if start is not None:
            self._resume(start)

    def _sampler(self, *names: str | int) -> Sampler:
        if self.plan.deterministic:
            return ExpectedValueSampler()
        keys = [name_key(name) if isinstance(name, str) else name for name in names]
        stream = generator(self.plan.seed, self.plan.batch_index, Stream.DYNAMICS, *keys)
        if self.columns is None:
            return RandomSampler(stream)
        return RandomSampler(ColumnStream(stream, self.plan.size, self.columns))

    def _part(self, values: Rate | None) -> Rate | None:
        """This part's replications of a whole batch's ``ndarray[..., replications]``.

        Floats, None and arrays with one value for all (``ndarray[..., 1]``) are
        the same for every part.
        """
        if self.columns is None or not isinstance(values, np.ndarray):
            return values
        if values.shape[-1] != self.plan.size:
            return values
        return values[..., self.cut]

    def _rate(self, values: np.ndarray) -> Rate:
        """:func:`_uniform` decided on the whole batch, then this part's replications."""
        return self._part(_uniform(values))  # type: ignore[return-value]

    def _part_of(self, channel: ChannelParams) -> ChannelParams:
        """The channel's parameters for this part's replications."""
        if self.columns is None:
            return channel
        values = {name: values[self.cut] for name, values in channel.values.items()}
        return replace(channel, values=values)

    def _initial_people(self, channel: ChannelParams, dtype: type, groups: int) -> LazyCount:
        audience, prospects = channel.audience, channel.audience * channel.target_share
        if dtype is not np.float64:
            audience, prospects = np.rint(audience), np.rint(prospects)
        return LazyCount(np.stack([prospects, audience - prospects])[:groups].astype(dtype))

    def _catch_up(self, channel: int) -> LazyCount:
        """The channel's people, aged by every daily update since they were last read.

        Days are pending only for channels aged when read, and, in a world resumed
        from a calm world's state, for those the calm world aged that way: before
        the moment taken over, the worlds' days are alike.
        """
        people = self.people[channel]
        days = self.days_done - self.aged_to[channel]
        if days > 0:
            people.age_days(days, 1.0 - float(self.churn[channel]), self.inflow[channel])
            self.aged_to[channel] = self.days_done
        return people

    def _settle(self, channel: int) -> np.ndarray:
        """Draw the channel's people now: ``ndarray[2, replications]`` (prospects, others)."""
        return self._catch_up(channel).settle(self.daily_samplers[channel])

    def _audience(self, channel: int) -> np.ndarray:
        """Draw the channel's audience now."""
        return self._settle(channel).sum(axis=0)

    def _earn(self, channel: int, day: int, revenue: np.ndarray) -> None:
        self.record.revenue[channel] += revenue
        if self.keeps_daily:
            self.record.daily_revenue[day] += revenue
        if self.rented[channel]:
            self.record.weekly_rented_revenue[day // DAYS_PER_WEEK] += revenue
        series = self.record.series.get(channel)
        if series is not None and day >= series.first_day:
            series.daily_revenue[day - series.first_day] += revenue

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
                continue  # decided on the whole batch: every part skips the same posts
            self._post(channel, t, self._part(mask))

    def _post_fused(self, channel: int, t: float, engage: Rate, buy: Rate) -> None:
        """:meth:`_post` for every replication in one compiled call (same draws, same sums).

        The channel's people are read inside the call, from its daily stream, as
        :meth:`_settle` would read them: one call a post, not two.
        """
        people = self._catch_up(channel)
        survival, arrivals = people.pending()
        day = int(t)
        shares = self.shares[channel]
        settled, engaged, revenue, followers, bound = draws.post(
            self.daily_samplers[channel].generator,  # type: ignore[attr-defined]
            self.post_samplers[channel].generator,  # type: ignore[attr-defined]
            people.base,
            survival,
            arrivals,
            engage,
            buy,
            self.order_value[channel],
            self.share_rate[channel] if shares else None,
            self.follower_split[channel],
            self.record.revenue[channel],
            self.record.daily_revenue[day] if self.keeps_daily else None,
        )
        people.drawn(settled)
        if self.rented[channel]:
            self.record.weekly_rented_revenue[day // DAYS_PER_WEEK] += revenue
        series = self.record.series.get(channel)
        if series is not None and day >= series.first_day:
            series.daily_revenue[day - series.first_day] += revenue
        self._pay_for_post(channel, t, None)
        if followers is not None:
            if bound > AUDIENCE_LIMIT:
                self._check_growth(channel, t, engaged.sum(axis=0) * self.share_rate[channel])
            people.drawn(settled, followers)  # 0 + followers: what arrive() adds
        self._capture(channel, t, engaged)

    def _post(self, channel: int, t: float, mask: Mask) -> None:
        reach_factor = self._part(self.timeline.reach_factor(channel, t))
        base_reach = self.base_reach[channel]
        if self.penalty_lifts[channel]:
            evacuating = self.timeline.evacuating(channel, t)
            if evacuating.any():
                base_reach = np.where(self._part(evacuating), self.free_reach[channel], base_reach)
        reach = base_reach * reach_factor  # both in [0, 1]: no clipping needed
        engage = reach * self.engagement[channel]
        buy = self.buying[channel] * self._part(self.timeline.feature_factor(channel, t))
        needs_engaged = self.shares[channel] or self.captures_from[channel]
        if needs_engaged and mask is None and self.fused:
            self._post_fused(channel, t, engage, buy)
            return
        sampler = self.post_samplers[channel]
        people = self._settle(channel)
        if mask is not None:
            people = people * mask
        if not needs_engaged:
            # Bin(Bin(T, e), b) is Bin(T, e * b): one draw where nobody else needs E.
            buyers = sampler.binomial(people[PROSPECTS], engage * buy)
            self._earn(channel, int(t), buyers * self.order_value[channel])
            self._pay_for_post(channel, t, mask)
            return
        engaged, buyers = sampler.engage(people, engage, buy)  # E_T, E_O, then B from E_T
        self._earn(channel, int(t), buyers * self.order_value[channel])
        self._pay_for_post(channel, t, mask)
        if self.shares[channel]:
            # New followers ~ Poisson((E_T + E_O) * share_rate), split into prospects and
            # others: Poisson arrivals, drawn when the channel is next read.
            followers = engaged.sum(axis=0) * self.share_rate[channel]
            self._check_growth(channel, t, followers)
            self.people[channel].arrive(self.follower_split[channel] * followers)
        self._capture(channel, t, engaged)

    def _check_growth(self, channel: int, t: float, followers: np.ndarray) -> None:
        """Stop a run whose shares compound past any real audience (and past int64).

        Raises:
            InvalidInputError: naming the channel's share_rate.
        """
        people = self.people[channel]
        if people.total_bound() + float(followers.sum()) <= AUDIENCE_LIMIT:
            return  # every replication together is below it: so is each (the usual case)
        expected = people.expected().sum(axis=0)
        if np.max(expected + followers) <= AUDIENCE_LIMIT:
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
        fee = self._part(self.timeline.fee(channel, t))
        per_post = self.production_cost[channel] + fee
        if mask is None:
            self.record.cost[channel] += per_post
            if not isinstance(fee, float) or fee != 0.0:
                self.record.fees[channel] += fee
        else:
            self.record.cost[channel] += per_post * mask
            self.record.fees[channel] += fee * mask

    def _capture(self, channel: int, t: float, engaged: np.ndarray) -> None:
        """Engaged people who also join an owned channel, keeping their prospect status."""
        for index, capture, sampler in self.captures_from[channel]:
            if self.strategy.evacuate:
                evacuating = self._part(self.timeline.evacuating(channel, t))
                boost = np.where(evacuating, self.strategy.evacuation_boost, 1.0)
                rate: Rate = np.clip(self._part(capture.rate) * boost, 0.0, 1.0)
            else:
                rate = self.capture_rates[index]  # rates are in [0, 1]: nothing to clip
            if self.fused and self.timeline.alive(capture.target, t) is None:
                joined = self._capture_fused(index, capture, sampler, engaged, rate)
            else:
                joined = sampler.binomial(engaged, rate)
                self._join(index, capture, t, joined)
            joins = self.record.joins.get(index)
            if joins is not None and t >= self.recorded_from:
                joins.append((t, _compact(joined)))

    def _capture_fused(
        self,
        index: int,
        capture: CompiledCapture,
        sampler: Sampler,
        engaged: np.ndarray,
        rate: Rate,
    ) -> np.ndarray:
        """The capture's draw and :meth:`_join` in one compiled call (the same numbers)."""
        target = self._catch_up(capture.target)
        base = target.settle(self.daily_samplers[capture.target])
        joined, target.base = draws.capture(
            sampler.generator,  # type: ignore[attr-defined]
            engaged,
            rate,
            base,
            self.record.cost[capture.target],
            self.capture_costs[index],
        )
        return joined

    def _join(self, index: int, capture: CompiledCapture, t: float, joined: np.ndarray) -> None:
        """Captured people join the capture's target, which pays for them."""
        target_alive = self._part(self.timeline.alive(capture.target, t))
        if target_alive is not None:
            joined = joined * target_alive
        if joined.shape[0] < self.groups[capture.target]:
            joined = np.concatenate([joined, np.zeros_like(joined)])  # prospects only
        self._catch_up(capture.target).add(joined, self.daily_samplers[capture.target])
        self.record.cost[capture.target] += joined.sum(axis=0) * self.capture_costs[index]

    def feeding(self, source: int, indices: list[int]) -> Iterator[object]:
        """Replay what the captures ``indices`` from an unplayed ``source`` drew in the calm world.

        The source plays as in the calm world (no shock changes it, and nothing
        flows back into it), so its captures draw the same people there; they
        join here at the source's post times, in the same order as its posts.
        """
        captures = [self.strategy.captures[index] for index in indices]
        joined_dtype = self.post_samplers[source].dtype
        for entries in zip(*(self.feeds[index] for index in indices), strict=True):
            t = entries[0][0]
            if t < self.start_time:
                continue
            yield self.clock.wake(t, 1 + source)
            for index, capture, (_, joined) in zip(indices, captures, entries, strict=True):
                self._join(index, capture, t, joined.astype(joined_dtype))

    # --- shocks ------------------------------------------------------------

    def shocks(self) -> Iterator[object]:
        """Wipe a channel's audience at its shutdown onset."""
        horizon = self.plan.horizon_days
        onsets = sorted(
            {
                float(onset)
                for channel in self.played
                for shock in self.timeline.shutdowns(channel)
                for onset in np.unique(shock.onset)
                if self.start_time <= onset < horizon
            }
        )
        for t in onsets:
            yield self.clock.wake(t, SHOCK_PRIORITY)
            for channel in self.played:
                for shock in self.timeline.shutdowns(channel):
                    hit = shock.onset == t
                    if hit.any():  # on the whole batch, as every decision
                        self._catch_up(channel).wipe(self._part(hit))

    # --- daily update ------------------------------------------------------

    def daily(self) -> Iterator[object]:
        horizon = self.plan.horizon_days
        priority = 1 + len(self.plan.channels)
        for day in range(math.ceil(self.start_time), horizon):
            yield self.clock.wake(day, priority)
            for channel in self.changes_daily:
                self._catch_up(channel)  # days pending from a calm world, before today's
                self._daily_update(channel, day)
                self.aged_to[channel] = day + 1
            self.days_done = day + 1
            if (day + 1) % DAYS_PER_WEEK == 0 or day == horizon - 1:
                self._count_week(day // DAYS_PER_WEEK)

    def _count_week(self, week: int) -> None:
        """Sum each played channel's audience over the replications, at the week's end."""
        for channel in self.played:
            total = float(self._audience(channel).sum())
            if self.rented[channel]:
                self.record.weekly_rented_audience[week] += total
            else:
                self.record.weekly_owned_audience[week] += total
            series = self.record.series.get(channel)
            if series is not None:
                series.weekly_audience[week] += total

    def _daily_update(self, channel: int, day: int) -> None:
        """Churn, inflow, paid traffic, then the running cost of the audience.

        Churn and inflow only age the channel's lazy counts; they are drawn when
        something reads the audience (here, only a running cost does).
        """
        params = self.channels[channel]
        t = float(day)
        churn: Rate = self.churn[channel]
        if self.exodus[channel]:
            extra = self._part(self.timeline.extra_churn(channel, t))
            churn = np.clip(params.daily_churn + extra, 0.0, 1.0)
        keep = 1.0 - churn
        alive = self._part(self.timeline.alive(channel, t))
        inflow = self.inflow[channel] if alive is None else self.inflow[channel] * alive
        self.people[channel].age(keep, inflow)
        live = 1.0 if alive is None else alive
        if self.advertises[channel]:
            sampler = self.paid_samplers[channel]
            cpm = params.cpm * self._part(self.timeline.cpm_factor(channel, t))
            impressions = sampler.count(params.ad_budget_per_day / cpm * 1000.0 * live)
            buyers = sampler.binomial(impressions, params.paid_click_rate * params.conversion_rate)
            self._earn(channel, day, buyers * params.order_value)
            self.record.cost[channel] += params.ad_budget_per_day * live
        if self.pays_members[channel]:
            self.record.cost[channel] += (
                self._audience(channel) * params.cost_per_member_per_month / DAYS_PER_MONTH
            )

    def _resume(self, state: WorldState) -> None:
        """Take over a calm world's state at the moment the worlds can first differ."""
        copied = copy.deepcopy(state)
        self.people, self.record = copied.people, copied.record
        self.record.daily_revenue = (
            np.zeros((self.plan.horizon_days, self.size)) if self.keeps_daily else _NOT_TAKEN_OVER
        )
        for series in self.record.series.values():
            # the state kept only the days up to its own (the later ones were all 0)
            kept = series.daily_revenue
            days = self.plan.horizon_days - series.first_day
            series.daily_revenue = np.zeros((days, self.size))
            series.daily_revenue[: kept.shape[0]] = kept
        self.post_samplers, self.daily_samplers = copied.post_samplers, copied.daily_samplers
        self.paid_samplers = copied.paid_samplers
        self.capture_samplers = copied.capture_samplers
        self.aged_to = copied.aged_to  # days_done is the same: ceil of the time taken over
        self.captures_from = self._captures_by_source()

    def _captures_by_source(self) -> list[list[tuple[int, CompiledCapture, Sampler]]]:
        """Each channel's captures (index, capture, sampler), so a post finds its own at once."""
        triples = [
            (index, capture, sampler)
            for index, (capture, sampler) in enumerate(
                zip(self.strategy.captures, self.capture_samplers, strict=True)
            )
        ]
        return [
            [triple for triple in triples if triple[1].source == channel]
            for channel in range(len(self.plan.channels))
        ]

    def _snapshot(self) -> WorldState:
        # Counts are taken as they are, days not yet applied and all: catching them up
        # here would change how this world's own days are grouped, and with it the
        # rounding of its numbers, depending on which other worlds resume from it.
        return WorldState(
            time=self.clock.now,
            people=self.people,
            # A resumed world's whole-world daily revenue is never read (assemble takes
            # the played channels' own series), so it is not copied: the resumed world
            # starts a fresh one (see _resume). The rest is small beside it. Joins
            # recorded so far are for other worlds, never taken over.
            record=replace(
                self.record,
                daily_revenue=_NOT_TAKEN_OVER,
                joins={},
                series={
                    channel: replace(series, daily_revenue=series.daily_revenue[:days])
                    for channel, series in self.record.series.items()
                    for days in [max(0, math.floor(self.clock.now) + 1 - series.first_day)]
                },
            ),
            post_samplers=self.post_samplers,
            daily_samplers=self.daily_samplers,
            paid_samplers=self.paid_samplers,
            capture_samplers=self.capture_samplers,
            aged_to=list(self.aged_to),
        )

    def run(
        self, splits: tuple[float, ...] = (), progress: WorldProgress | None = None
    ) -> tuple[WorldRecord, dict[float, WorldState]]:
        """Run to the horizon; also return the state just before each time in ``splits``.

        A state is taken before any event at its time (a priority below the
        shocks'), so a shocked world resumed from it replays nothing twice.
        ``progress`` hears the share of this world's days done at
        :data:`PROGRESS_MARKS` evenly spaced times: the clock stops there as it
        does at a split, which changes no event and no number.
        """
        self.clock.process(self.shocks())
        fed_by: dict[int, list[int]] = {}
        for index in sorted(self.feeds):
            fed_by.setdefault(self.strategy.captures[index].source, []).append(index)
        for channel in range(len(self.plan.channels)):
            if channel in self.played:
                self.clock.process(self.posting(channel))
            elif channel in fed_by:
                self.clock.process(self.feeding(channel, fed_by[channel]))
        self.clock.process(self.daily())
        states: dict[float, WorldState] = {}
        start, horizon = self.start_time, self.plan.horizon_days
        marks = set(splits)
        if progress is not None:
            step = (horizon - start) / PROGRESS_MARKS
            marks |= {start + step * k for k in range(1, PROGRESS_MARKS)}
        for mark in sorted(marks):
            if start < mark < horizon:
                self.clock.run(until=self.clock.wake(mark, SPLIT_PRIORITY))
                if mark in splits:
                    states[mark] = copy.deepcopy(self._snapshot())
                if progress is not None:
                    progress((mark - start) / (horizon - start))
        self.clock.run()
        if progress is not None:
            progress(1.0)
        for channel in self.played:
            self.record.audience_end[channel] = self._audience(channel)
        return self.record, states


@dataclass
class WorldState:
    """Everything a world carries from one instant to the next (arrays and generators)."""

    time: float
    people: list[LazyCount]
    record: WorldRecord
    post_samplers: list[Sampler]
    daily_samplers: list[Sampler]
    paid_samplers: list[Sampler]
    capture_samplers: list[Sampler]
    aged_to: list[int]
    """Per channel, the daily updates already applied to its count (see ``_catch_up``)."""


def simulate_world(
    plan: BatchPlan,
    strategy: CompiledStrategy,
    *,
    shocked: bool,
    start: WorldState | None = None,
    channels: tuple[int, ...] | None = None,
    tracked: tuple[int, ...] = (),
    splits: tuple[float, ...] = (),
    skipped: frozenset[int] = frozenset(),
    series_from: int = 0,
    recorded: tuple[int, ...] = (),
    feeds: dict[int, list[tuple[float, np.ndarray]]] | None = None,
    progress: WorldProgress | None = None,
    columns: Columns | None = None,
) -> tuple[WorldRecord, dict[float, WorldState]]:
    """Run one strategy through one world for every replication of the batch.

    Args:
        plan: the compiled batch.
        strategy: the strategy played.
        shocked: the shocked world, or the calm one.
        start: resume from this state (a calm world's, taken before the first
            moment the worlds can differ) instead of day 0.
        channels: play only these channels (closed under captures); all by default.
        tracked: keep these channels' own series in ``record.series``.
        splits: also return the state just before each of these times.
        skipped: shocks left out of the shocked world (fees booked without playing).
        series_from: the first day of the tracked channels' daily revenue kept,
            and of the joins recorded.
        recorded: captures whose joins to keep in ``record.joins``.
        feeds: joins of captures from channels not played here, recorded in the
            calm world, replayed at their times.
        progress: hears the share of the world's days done, now and then.
        columns: simulate only replications ``low .. high - 1`` of the batch,
            drawing exactly what they draw in the whole batch (every decision
            is taken on the whole batch); the record is of those replications.
    """
    world = _World(
        plan,
        strategy,
        shocked=shocked,
        start=start,
        channels=channels,
        tracked=tracked,
        skipped=skipped,
        series_from=series_from,
        recorded=recorded,
        feeds=feeds,
        columns=columns,
    )
    return world.run(splits, progress)
