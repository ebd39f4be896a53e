"""A count of people that becomes a number only when something reads it.

Between two moments that read a channel's audience (a post, a capture into
the channel, a week's end, a daily running cost), days only thin it (churn)
and add to it (inflow, new followers). The survivors of ``n`` people after
days with churn ``c_1 .. c_k`` are ``Bin(n, (1 - c_1) ... (1 - c_k))``, and
Poisson arrivals that survive are Poisson with the sum of their surviving
rates. So one binomial and one Poisson draw per reading replace two draws a
day, with exactly the distribution of the day-by-day model: the design's
``Bin(A, daily_churn)`` then ``Poisson(daily_growth)`` each day, and a post's
``Poisson(E * share_rate)`` new followers. This is what makes the engine fast
(issue 9); in expected-value mode the same formulas give the expectations.
"""

from __future__ import annotations

import functools

import numpy as np

from riskSim.simulation.engine.sampling import Sampler

__all__ = ["LazyCount", "Rate"]

Rate = np.ndarray | float
"""A probability or an expected count: per replication, or one float for all."""


def _is(value: Rate, constant: float) -> bool:
    return isinstance(value, float) and value == constant


@functools.lru_cache(maxsize=4096)
def _aged(days: int, keep: float) -> tuple[float, float]:
    """``keep ** days`` and ``1 + keep + ... + keep ** (days - 1)``, multiplied out day by day.

    Day by day, so that ``days`` days at once give exactly the products and sums
    of ``days`` single days; cached, because a channel reads the same few gaps
    (its posting cadence) with the same ``keep`` thousands of times a run.
    """
    factor, growth = 1.0, 0.0
    for _ in range(days):
        factor *= keep
        growth = growth * keep + 1.0
    return factor, growth


class LazyCount:
    """People per replication: a drawn ``base``, then survival and arrivals not yet drawn.

    The true count is ``Bin(base, survival) + Poisson(arrivals)``; :meth:`settle`
    draws it, from the sampler of the channel the count belongs to. ``base``
    may hold several groups that churn alike (a channel keeps prospects and
    others as the rows of one ``ndarray[2, replications]``, so each reading is
    one call to the generator, not two); ``survival`` broadcasts over them.
    """

    __slots__ = ("arrivals", "base", "survival")

    def __init__(self, base: np.ndarray) -> None:
        self.base = base
        self.survival: Rate = 1.0
        self.arrivals: Rate = 0.0

    def age(self, keep: Rate, inflow: Rate) -> None:
        """One day: everyone stays with probability ``keep``, then ``inflow`` people arrive."""
        owned = isinstance(self.arrivals, np.ndarray) and self.arrivals.flags.owndata
        if not _is(keep, 1.0):
            self.survival = self.survival * keep
            if owned and np.ndim(keep) == 0:
                self.arrivals *= keep  # in place: the array is this count's own
            else:
                self.arrivals = self.arrivals * keep
        if not _is(inflow, 0.0):
            if owned and np.shape(inflow) == np.shape(self.arrivals):
                self.arrivals += inflow
            else:
                self.arrivals = self.arrivals + inflow

    def age_days(self, days: int, keep: float, inflow: Rate) -> None:
        """``days`` days of :meth:`age` with the same ``keep`` and ``inflow``, in two operations.

        After ``k`` days the survival is multiplied by ``keep ** k`` and the arrivals
        become ``arrivals * keep ** k + inflow * (1 + keep + ... + keep ** (k - 1))``.
        """
        factor, growth = _aged(days, keep)
        if factor != 1.0:
            self.survival = self.survival * factor
        if not _is(inflow, 0.0) or factor != 1.0:
            owned = isinstance(self.arrivals, np.ndarray) and self.arrivals.flags.owndata
            if owned and np.shape(inflow) in ((), self.arrivals.shape):
                self.arrivals *= factor  # in place, as in age: the same products and sums
                self.arrivals += inflow * growth
            else:
                self.arrivals = self.arrivals * factor + inflow * growth

    def arrive(self, expected: Rate) -> None:
        """Poisson(``expected``) more people, counted from now."""
        self.arrivals = self.arrivals + expected

    def pending(self) -> tuple[Rate | None, Rate | None]:
        """Survival and arrivals not yet drawn; None where nothing happened."""
        survival = None if _is(self.survival, 1.0) else self.survival
        arrivals = None if _is(self.arrivals, 0.0) else self.arrivals
        return survival, arrivals

    def drawn(self, base: np.ndarray, arrivals: Rate = 0.0) -> None:
        """The count was drawn elsewhere (a fused post): ``base`` now, then ``arrivals`` pending."""
        self.base = base
        self.survival, self.arrivals = 1.0, arrivals

    def settle(self, sampler: Sampler) -> np.ndarray:
        """Draw the count now (nothing is drawn if nothing happened since the last reading)."""
        survival, arrivals = self.pending()
        if survival is not None or arrivals is not None:
            self.base = sampler.settle(self.base, survival, arrivals)
            self.survival, self.arrivals = 1.0, 0.0
        return self.base

    def add(self, people: np.ndarray, sampler: Sampler) -> None:
        """``people`` join now (after the count so far is drawn: they have not churned yet)."""
        self.base = self.settle(sampler) + people

    def wipe(self, hit: np.ndarray) -> None:
        """Nobody is left in the replications ``hit`` (a platform shut down)."""
        self.base = np.where(hit, 0, self.base).astype(self.base.dtype)
        self.arrivals = np.where(hit, 0.0, self.arrivals)

    def total_bound(self) -> float:
        """At least the sum over everything of :meth:`expected` (survival never exceeds 1)."""
        return float(np.sum(self.base)) + float(np.sum(self.arrivals))

    def expected(self) -> np.ndarray:
        """The count's expectation given what is drawn (for the runaway guard)."""
        return self.base * self.survival + self.arrivals
