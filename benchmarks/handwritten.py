"""The reference model written by hand, as a user would write it in plain SimPy.

This is the baseline riskSim's speed is measured against (issue 9): one
``simpy.Environment`` per replication and world, one process per channel's
posting, one daily process, scalar numpy draws on Python ints from one
``numpy.random.Generator`` per replication, and a ``multiprocessing`` pool for
parallelism. It implements the design's model for the features the reference
scenario uses (fixed numbers, pay-per-post answered by paying, reach
collapse, captures, shares, churn, inflow, running cost), so its means must
agree with riskSim's within Monte Carlo error: that agreement is what makes
the speed comparison fair (tests/simulation/test_benchmark_model.py checks it).

It reads the scenario with :func:`riskSim.load_scenario` so the figures come
from one file, but never imports the engine. Run as a script (``make bench``
does, to time the whole process as it times ``risksim run``) it reads a
pickled :class:`ModelSpec` and never imports riskSim at all.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import simpy
from simpy.events import Event

if TYPE_CHECKING:  # only the bench's parent reads scenarios; the baseline never imports riskSim
    from riskSim import Scenario

__all__ = [
    "CaptureSpec",
    "ChannelSpec",
    "ModelSpec",
    "ReplicationResult",
    "model_from_scenario",
    "run_pool",
    "run_replications",
    "simulate_replication",
]

DAYS_PER_WEEK = 7.0
DAYS_PER_MONTH = 30.0


@dataclass(frozen=True)
class ChannelSpec:
    """One channel's fixed parameters (the reference scenario has no distributions)."""

    name: str
    audience: float
    target_share: float
    posts_per_week: float
    organic_reach: float
    engagement_rate: float
    click_rate: float
    conversion_rate: float
    order_value: float
    production_cost: float
    daily_growth: float
    growth_target_share: float
    share_rate: float
    daily_churn: float
    cost_per_member_per_month: float


@dataclass(frozen=True)
class CaptureSpec:
    """Engaged people of ``source`` who also join the owned channel ``target``."""

    source: int
    target: int
    rate: float
    cost_per_capture: float
    reach_penalty: float


@dataclass(frozen=True)
class ModelSpec:
    """Everything one replication needs: channels, the strategy's captures, the shocks.

    Attributes:
        fees: per channel, ``(onset, fee)`` of each pay-per-post shock.
        collapses: per channel, ``(onset, factor, ramp_days)`` of each reach collapse.
    """

    horizon_days: int
    channels: tuple[ChannelSpec, ...]
    captures: tuple[CaptureSpec, ...]
    fees: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    collapses: dict[int, list[tuple[float, float, float]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReplicationResult:
    """Totals of one replication in both worlds."""

    shocked_revenue: float
    shocked_profit: float
    calm_revenue: float
    calm_profit: float


def _number(value: object, path: str) -> float:
    if not isinstance(value, (int, float)):
        raise ValueError(f"{path}: the hand-written model takes fixed numbers only")
    return float(value)


def model_from_scenario(scenario: Scenario, strategy: str | None = None) -> ModelSpec:
    """The fixed figures of ``scenario`` for one strategy (default: the first).

    Raises:
        ValueError: a feature the hand-written model does not implement (a
            distribution, paid traffic, a shock other than pay_per_post and
            reach_collapse, a response other than 'pay').
    """
    names = list(scenario.channels)
    name = strategy or next(iter(scenario.strategies))
    chosen = scenario.strategies[name]
    channels = []
    for channel_name, channel in scenario.channels.items():
        path = f"channels.{channel_name}"
        if _number(channel.ad_budget_per_day, f"{path}.ad_budget_per_day") > 0:
            raise ValueError(f"{path}.ad_budget_per_day: paid traffic is not implemented")
        values = {
            key: _number(getattr(channel, key), f"{path}.{key}")
            for key in ChannelSpec.__dataclass_fields__
            if key not in ("name", "posts_per_week")
        }
        posts = chosen.posts_per_week.get(channel_name, channel.posts_per_week)
        channels.append(ChannelSpec(name=channel_name, posts_per_week=posts, **values))
    captures = []
    for capture in chosen.capture:
        source = scenario.channels[capture.from_]
        penalty = (
            capture.reach_penalty if capture.reach_penalty is not None else source.reach_penalty
        )
        captures.append(
            CaptureSpec(
                source=names.index(capture.from_),
                target=names.index(capture.to),
                rate=_number(capture.rate, "capture.rate"),
                cost_per_capture=_number(capture.cost_per_capture, "capture.cost_per_capture"),
                reach_penalty=_number(penalty, "capture.reach_penalty"),
            )
        )
    fees: dict[int, list[tuple[float, float]]] = {}
    collapses: dict[int, list[tuple[float, float, float]]] = {}
    for index, shock in enumerate(scenario.shocks):
        if shock.at is None or shock.probability != 1.0:
            raise ValueError(f"shocks.{index}: only fixed onsets ('at: DAY') are implemented")
        onset = _number(shock.at, f"shocks.{index}.at")
        channel = names.index(shock.channel)
        if shock.type == "pay_per_post":
            if chosen.responses.pay_per_post != "pay":
                raise ValueError("only the 'pay' response to pay_per_post is implemented")
            fees.setdefault(channel, []).append((onset, _number(shock.fee, "fee")))
        elif shock.type == "reach_collapse":
            collapses.setdefault(channel, []).append(
                (onset, _number(shock.factor, "factor"), _number(shock.ramp_days, "ramp_days"))
            )
        else:
            raise ValueError(f"shocks.{index}: {shock.type} is not implemented")
    return ModelSpec(
        horizon_days=scenario.horizon_days,
        channels=tuple(channels),
        captures=tuple(captures),
        fees=fees,
        collapses=collapses,
    )


class At(Event):
    """An event processed at ``env.now + delay`` with an explicit priority.

    SimPy's Timeout always has the same priority, so events of one instant run
    in the order they were scheduled; the model needs posts in channel order,
    then the daily update. Built like :class:`simpy.Timeout`.
    """

    def __init__(self, env: simpy.Environment, delay: float, priority: int) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, priority, delay)


class World:
    """One replication in one world: the state, and the processes that change it."""

    def __init__(self, spec: ModelSpec, rng: np.random.Generator, *, shocked: bool) -> None:
        self.spec = spec
        self.rng = rng
        self.shocked = shocked
        self.env = simpy.Environment()
        self.audience = [int(round(c.audience)) for c in spec.channels]
        self.targets = [int(round(c.audience * c.target_share)) for c in spec.channels]
        self.revenue = 0.0
        self.cost = 0.0
        self.keep = [1.0] * len(spec.channels)
        for capture in spec.captures:
            if capture.rate > 0:
                self.keep[capture.source] *= 1.0 - capture.reach_penalty

    # Shocks, as functions of time (onset T applies to every event at t >= T).

    def fee(self, channel: int, t: float) -> float:
        if not self.shocked:
            return 0.0
        return sum(fee for onset, fee in self.spec.fees.get(channel, []) if t >= onset)

    def reach_factor(self, channel: int, t: float) -> float:
        factor_now = 1.0
        if not self.shocked:
            return factor_now
        for onset, factor, ramp in self.spec.collapses.get(channel, []):
            if t >= onset:
                progress = min(max((t - onset) / ramp, 0.0), 1.0) if ramp > 0 else 1.0
                factor_now *= 1.0 - (1.0 - factor) * progress
        return factor_now

    # Processes.

    def posting(self, channel: int) -> Iterator[Event]:
        """Posts at ``k * 7 / p``; consecutive times make ``t - now`` exact (Sterbenz)."""
        c = self.spec.channels[channel]
        if c.posts_per_week <= 0:
            return
        k = 0
        while True:
            t = k * DAYS_PER_WEEK / c.posts_per_week
            if t >= self.spec.horizon_days:
                return
            yield At(self.env, t - self.env.now, 1 + channel)
            self.post(channel, t)
            k += 1

    def post(self, channel: int, t: float) -> None:
        c = self.spec.channels[channel]
        rng = self.rng
        audience, targets = self.audience[channel], self.targets[channel]
        reach = min(max(c.organic_reach * self.reach_factor(channel, t), 0.0), 1.0)
        engage = reach * self.keep[channel] * c.engagement_rate
        engaged_prospects = int(rng.binomial(targets, engage))
        engaged_others = int(rng.binomial(audience - targets, engage))
        buyers = int(rng.binomial(engaged_prospects, c.click_rate * c.conversion_rate))
        self.revenue += buyers * c.order_value
        self.cost += c.production_cost + self.fee(channel, t)
        if c.share_rate > 0:
            followers = int(rng.poisson((engaged_prospects + engaged_others) * c.share_rate))
            prospects = int(rng.binomial(followers, c.growth_target_share))
            self.audience[channel] += followers
            self.targets[channel] += prospects
        for capture in self.spec.captures:
            if capture.source != channel:
                continue
            joined_prospects = int(rng.binomial(engaged_prospects, capture.rate))
            joined_others = int(rng.binomial(engaged_others, capture.rate))
            self.audience[capture.target] += joined_prospects + joined_others
            self.targets[capture.target] += joined_prospects
            self.cost += (joined_prospects + joined_others) * capture.cost_per_capture

    def daily(self) -> Iterator[Event]:
        """After the posts of the same instant: churn, inflow, running cost."""
        priority = 1 + len(self.spec.channels)
        rng = self.rng
        for day in range(self.spec.horizon_days):
            yield At(self.env, day - self.env.now, priority)
            for channel, c in enumerate(self.spec.channels):
                audience, targets = self.audience[channel], self.targets[channel]
                if c.daily_churn > 0:
                    lost_prospects = int(rng.binomial(targets, c.daily_churn))
                    lost_others = int(rng.binomial(audience - targets, c.daily_churn))
                    targets -= lost_prospects
                    audience -= lost_prospects + lost_others
                if c.daily_growth > 0:
                    inflow = int(rng.poisson(c.daily_growth))
                    targets += int(rng.binomial(inflow, c.growth_target_share))
                    audience += inflow
                self.audience[channel], self.targets[channel] = audience, targets
                self.cost += audience * c.cost_per_member_per_month / DAYS_PER_MONTH

    def run(self) -> tuple[float, float]:
        """Revenue and profit at the horizon."""
        for channel in range(len(self.spec.channels)):
            self.env.process(self.posting(channel))
        self.env.process(self.daily())
        self.env.run()
        return self.revenue, self.revenue - self.cost


def simulate_replication(spec: ModelSpec, seed: int, index: int) -> ReplicationResult:
    """Replication ``index``: the shocked and the calm world on the same random numbers."""
    sequence = np.random.SeedSequence(seed, spawn_key=(index,))
    shocked = World(spec, np.random.default_rng(sequence), shocked=True).run()
    calm = World(spec, np.random.default_rng(sequence), shocked=False).run()
    return ReplicationResult(shocked[0], shocked[1], calm[0], calm[1])


def run_replications(
    spec: ModelSpec, replications: int, seed: int, start: int = 0
) -> list[ReplicationResult]:
    """Replications ``start .. start + replications - 1`` in this process."""
    return [simulate_replication(spec, seed, index) for index in range(start, start + replications)]


def _one(job: tuple[ModelSpec, int, int]) -> ReplicationResult:
    spec, seed, index = job
    return simulate_replication(spec, seed, index)


def run_pool(
    spec: ModelSpec, replications: int, seed: int, workers: int = 2
) -> list[ReplicationResult]:
    """Every replication on a process pool of ``workers``, in replication order."""
    jobs: Sequence[tuple[ModelSpec, int, int]] = [(spec, seed, i) for i in range(replications)]
    chunk = max(1, math.ceil(replications / (4 * workers)))
    # The start method riskSim's runner uses here (fork on Linux), so neither side's
    # figure carries a start-up cost the other does not pay.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        return pool.map(_one, jobs, chunksize=chunk)


def main(argv: Sequence[str] | None = None) -> int:
    """``python handwritten.py SPEC.pickle --replications N --seed S --workers W``.

    ``make bench`` times this process from start to exit, as it times ``risksim
    run``, so both sides pay their own interpreter start-up and imports; the
    spec comes pickled so this process imports numpy and SimPy only. Prints the
    mean shocked and calm revenue (a check that it ran, not a report).
    """
    import argparse
    import pickle
    import sys

    parser = argparse.ArgumentParser(description="The hand-written SimPy baseline.")
    parser.add_argument("spec", help="a pickled ModelSpec")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with open(args.spec, "rb") as file:
        spec = pickle.load(file)  # noqa: S301 - written by bench.py a moment ago
    results = run_pool(spec, args.replications, args.seed, workers=args.workers)
    shocked = sum(result.shocked_revenue for result in results) / len(results)
    calm = sum(result.calm_revenue for result in results) / len(results)
    sys.stdout.write(f"mean revenue: shocked {shocked:,.0f}, calm {calm:,.0f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
