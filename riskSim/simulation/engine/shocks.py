"""What the shocks do to a channel at time ``t``, per replication.

Owns the effect table of the design (fee, reach factor, feature factor, cpm
factor, extra churn, suspension, shutdown) as functions of time over the
onset arrays of a batch. A shock with onset ``T`` applies to every event at
``t >= T``. The calm world is a timeline with no shocks. Each function returns
a plain ``1.0``/``0.0``/``None`` when no shock of its kind touches the channel,
so calm channels cost nothing.
"""

from __future__ import annotations

import numpy as np

from riskSim.simulation.compile import BatchPlan, CompiledShock, CompiledStrategy

__all__ = ["ShockTimeline"]

Mask = np.ndarray | None
"""Replications an event applies to, ``ndarray[replications]`` of bool; None means all."""


def _and(first: Mask, second: Mask) -> Mask:
    if first is None:
        return second
    if second is None:
        return first
    return first & second


class ShockTimeline:
    """The shocks of one world, seen from one strategy (which decides the responses)."""

    def __init__(
        self,
        plan: BatchPlan,
        strategy: CompiledStrategy,
        *,
        shocked: bool,
        skipped: frozenset[int] = frozenset(),
    ) -> None:
        """``skipped``: indices of shocks left out (fees booked without playing the world)."""
        self.strategy = strategy
        self.by_channel: list[dict[str, list[CompiledShock]]] = [{} for _ in plan.channels]
        if shocked:
            for shock in plan.shocks:
                if shock.index not in skipped:
                    self.by_channel[shock.channel].setdefault(shock.type, []).append(shock)

    def _of(self, channel: int, kind: str) -> list[CompiledShock]:
        return self.by_channel[channel].get(kind, [])

    def fee(self, channel: int, t: float) -> np.ndarray | float:
        """Extra cost of a post at ``t``."""
        total: np.ndarray | float = 0.0
        for shock in self._of(channel, "pay_per_post"):
            total = total + np.where(t >= shock.onset, shock.params["fee"], 0.0)
        return total

    def reach_factor(self, channel: int, t: float) -> np.ndarray | float:
        """Multiplier on organic reach: falls linearly to ``factor`` over ``ramp_days``."""
        product: np.ndarray | float = 1.0
        for shock in self._of(channel, "reach_collapse"):
            factor, ramp = shock.params["factor"], shock.params["ramp_days"]
            elapsed = t - shock.onset
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                progress = np.where(ramp > 0, np.clip(elapsed / ramp, 0.0, 1.0), 1.0)
            product = product * np.where(elapsed >= 0, 1.0 - (1.0 - factor) * progress, 1.0)
        return product

    def feature_factor(self, channel: int, t: float) -> np.ndarray | float:
        """Share of the channel's post sales still possible."""
        product: np.ndarray | float = 1.0
        for shock in self._of(channel, "feature_shutdown"):
            product = product * np.where(t >= shock.onset, 1.0 - shock.params["share"], 1.0)
        return product

    def cpm_factor(self, channel: int, t: float) -> np.ndarray | float:
        """Multiplier on the cost per thousand paid impressions."""
        product: np.ndarray | float = 1.0
        for shock in self._of(channel, "ad_cost_inflation"):
            product = product * np.where(t >= shock.onset, shock.params["factor"], 1.0)
        return product

    def extra_churn(self, channel: int, t: float) -> np.ndarray | float:
        """Daily churn added by audience exoduses."""
        total: np.ndarray | float = 0.0
        for shock in self._of(channel, "audience_exodus"):
            total = total + np.where(t >= shock.onset, shock.params["rate"], 0.0)
        return total

    def alive(self, channel: int, t: float) -> Mask:
        """Replications in which the channel has not been shut down by ``t``."""
        mask: Mask = None
        for shock in self._of(channel, "platform_shutdown"):
            mask = _and(mask, t < shock.onset)
        return mask

    def can_post(self, channel: int, t: float) -> Mask:
        """Not shut down and not suspended at ``t``."""
        mask = self.alive(channel, t)
        for shock in self._of(channel, "account_suspension"):
            suspended = (t >= shock.onset) & (t < shock.onset + shock.params["duration_days"])
            mask = _and(mask, ~suspended)
        return mask

    def shutdowns(self, channel: int) -> list[CompiledShock]:
        """The channel's platform shutdowns (their onsets wipe its audience)."""
        return self._of(channel, "platform_shutdown")

    def response_time(self, channel: int) -> np.ndarray | None:
        """When the strategy's pay-per-post response takes effect; None if it keeps paying."""
        shocks = self._of(channel, "pay_per_post")
        if not shocks or self.strategy.pay_per_post == "pay":
            return None
        first = np.minimum.reduce([shock.onset for shock in shocks])
        return first + self.strategy.reaction_days

    def evacuating(self, channel: int, t: float) -> Mask:
        """Replications in a shutdown notice window of ``channel``, if the strategy evacuates.

        The window runs from ``onset - notice_days + reaction_days`` to the onset.
        """
        if not self.strategy.evacuate:
            return np.zeros(1, dtype=bool)
        mask: np.ndarray | None = None
        for shock in self.shutdowns(channel):
            start = shock.onset - shock.params["notice_days"] + self.strategy.reaction_days
            window = (t >= start) & (t < shock.onset)
            mask = window if mask is None else mask | window
        return np.zeros(1, dtype=bool) if mask is None else mask
