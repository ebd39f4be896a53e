"""Which channels a strategy's shocks can change, and the shocked world built from the calm one.

Channels interact only through captures, which flow one way (a capture's
source never depends on its target), and each draws from streams of its own,
so a channel that no shock touches, and that no capture links to a touched
channel downstream of it, plays exactly as in the calm world, draw for draw.
A shocked world therefore plays only the changed channels, from the calm
world's state at the first moment a shock can act on them, and takes
everything else from the calm world; what captures from unchanged channels
draw into changed ones is recorded in the calm world and replayed. A fee the
strategy pays changes only costs: it is booked without playing the channel,
also when the channel is played for another shock (unless a suspension or
shutdown can stop some of its posts), and it never starts the replay, which
starts at the first shock that changes dynamics. Played in full from day 0
the shocked world gives the same figures (``tests/simulation/test_batch.py``); this way
it costs a fraction of the calm one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from riskSim.simulation.compile import BatchPlan, CompiledShock, CompiledStrategy
from riskSim.simulation.engine.world import WorldRecord, post_times
from riskSim.units import DAYS_PER_WEEK

__all__ = ["Divergence", "assemble", "divergence", "first_divergence"]


@dataclass(frozen=True)
class Divergence:
    """How one strategy's shocked world differs from its calm world, in one batch.

    Attributes:
        channels: the channels to play in the shocked world (closed under captures
            downstream: every target of a played channel's captures is played).
        start: the earliest time they can differ (``inf``: not within the horizon).
        feeds: indices of the strategy's captures from unplayed channels into
            played ones: their joins are recorded in the calm world and replayed.
        fees: extra costs ``ndarray[replications]`` of fees booked without playing.
        booked: indices of the shocks those fees come from (the played world skips them).
    """

    channels: tuple[int, ...]
    start: float
    fees: dict[int, np.ndarray] = field(default_factory=dict)
    booked: frozenset[int] = frozenset()
    feeds: tuple[int, ...] = ()

    @property
    def plays(self) -> bool:
        """Whether any channel has to be played at all."""
        return bool(self.channels) and math.isfinite(self.start)


def first_divergence(
    plan: BatchPlan, channels: tuple[int, ...] | None = None, skipped: frozenset[int] = frozenset()
) -> float:
    """The earliest time a shock on ``channels`` (default: any) can act in any replication.

    A shock acts from its onset, except a shutdown, whose notice lets a strategy
    evacuate early. Shocks in ``skipped`` (fees booked without playing) never
    count. ``inf`` when no such shock happens in this batch.
    """
    earliest = math.inf
    for shock in plan.shocks:
        if channels is not None and shock.channel not in channels:
            continue
        if shock.index in skipped:
            continue
        start = shock.onset
        if shock.type == "platform_shutdown":
            start = start - shock.params["notice_days"]
        earliest = min(earliest, float(np.min(start)))
    return max(earliest, 0.0)


def _only_costs(shock: CompiledShock, strategy: CompiledStrategy) -> bool:
    return shock.type == "pay_per_post" and strategy.pay_per_post == "pay"


POSTS_STOPPED_BY = ("platform_shutdown", "account_suspension")
"""Shocks that stop some posts of a channel: a fee on it is paid only by the posts made."""


def _bookable(plan: BatchPlan, strategy: CompiledStrategy, shock: CompiledShock) -> bool:
    """A fee the strategy pays on every post of its unchanged cadence: booked, never played."""
    if not _only_costs(shock, strategy):
        return False
    return not any(
        other.channel == shock.channel and other.type in POSTS_STOPPED_BY for other in plan.shocks
    )


def _downstream(strategy: CompiledStrategy, channels: set[int]) -> set[int]:
    """``channels`` and every channel their captures reach, directly or through others."""
    reached = set(channels)
    frontier = list(channels)
    while frontier:
        source = frontier.pop()
        for capture in strategy.captures:
            if capture.source == source and capture.target not in reached:
                reached.add(capture.target)
                frontier.append(capture.target)
    return reached


def _fees_without_playing(
    plan: BatchPlan, strategy: CompiledStrategy, channel: int, shocks: list[CompiledShock]
) -> np.ndarray:
    """Fees of every post at or after each onset, on the unchanged cadence."""
    posts = post_times(strategy.posts_per_week[channel], plan.horizon_days)
    total = np.zeros(plan.size)
    for shock in shocks:
        charged = posts.size - np.searchsorted(posts, shock.onset, side="left")
        total = total + charged * shock.params["fee"]
    return total


def divergence(plan: BatchPlan, strategy: CompiledStrategy) -> Divergence:
    """The channels ``strategy``'s shocks change, when, and the fees paid without change."""
    touched = {shock.channel for shock in plan.shocks if not _only_costs(shock, strategy)}
    channels = tuple(sorted(_downstream(strategy, touched)))
    paying: dict[int, list[CompiledShock]] = {}
    for shock in plan.shocks:
        if shock.channel not in channels or _bookable(plan, strategy, shock):
            paying.setdefault(shock.channel, []).append(shock)
    fees = {
        channel: _fees_without_playing(plan, strategy, channel, shocks)
        for channel, shocks in paying.items()
    }
    booked = frozenset(shock.index for shocks in paying.values() for shock in shocks)
    start = first_divergence(plan, channels, booked) if channels else math.inf
    if start >= plan.horizon_days:
        start = math.inf
    feeds = tuple(
        index
        for index, capture in enumerate(strategy.captures)
        if capture.source not in channels and capture.target in channels
    )
    return Divergence(
        channels=channels, start=start, fees=fees, booked=booked, feeds=feeds if channels else ()
    )


def assemble(
    plan: BatchPlan, calm: WorldRecord, changed: WorldRecord | None, difference: Divergence
) -> WorldRecord:
    """The shocked world: the calm record with the changed channels and the fees swapped in.

    Args:
        calm: the calm world, tracking the series of ``difference.channels``.
        changed: the shocked world playing only ``difference.channels`` (with
            their series), or None when none had to be played.
    """
    if changed is None and not difference.fees:
        return calm
    record = WorldRecord(
        revenue=calm.revenue.copy(),
        cost=calm.cost.copy(),
        fees=calm.fees.copy(),
        audience_end=calm.audience_end.copy(),
        daily_revenue=calm.daily_revenue.copy(),
        weekly_rented_revenue=calm.weekly_rented_revenue.copy(),
        weekly_rented_audience=calm.weekly_rented_audience.copy(),
        weekly_owned_audience=calm.weekly_owned_audience.copy(),
        series={},
    )
    if changed is not None:
        for channel in difference.channels:
            for totals in ("revenue", "cost", "fees", "audience_end"):
                getattr(record, totals)[channel] = getattr(changed, totals)[channel]
            before, after = calm.series[channel], changed.series[channel]
            first = before.first_day
            if after.first_day != first:
                raise ValueError("the worlds keep the series from different days")
            revenue_change = after.daily_revenue - before.daily_revenue
            audience_change = after.weekly_audience - before.weekly_audience
            record.daily_revenue[first:] += revenue_change
            if plan.channels[channel].kind == "rented":
                per_day = np.zeros((plan.horizon_days, revenue_change.shape[1]))
                per_day[first:] = revenue_change
                record.weekly_rented_revenue += np.add.reduceat(
                    per_day, np.arange(0, plan.horizon_days, DAYS_PER_WEEK), axis=0
                )
                record.weekly_rented_audience += audience_change
            else:
                record.weekly_owned_audience += audience_change
    for channel, fees in difference.fees.items():
        record.cost[channel] += fees
        record.fees[channel] += fees
    return record
