"""Draws of the model's random quantities, or their expectations in ``--deterministic``.

The engine asks a :class:`Sampler` for ``Bin(n, p)`` and ``Poisson(lam)`` and
never knows which mode it is in: the random sampler draws from its own
``numpy.random.Generator`` (integer state), the expected-value sampler returns
``n * p`` and ``lam`` (real-valued state), as the design's expected-value mode
requires.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from riskSim.simulation.engine import draws

__all__ = ["Amount", "ExpectedValueSampler", "RandomSampler", "Sampler"]

Amount = np.ndarray | float
"""A probability or an expected count: one for all replications, or one each."""


class Sampler(Protocol):
    """Where the engine gets binomial and Poisson quantities from."""

    dtype: type

    def binomial(self, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
        """``Bin(n, p)`` element-wise, ``(ndarray[replications])``."""
        ...

    def poisson(self, lam: np.ndarray | float, shape: tuple[int, ...]) -> np.ndarray:
        """``Poisson(lam)`` element-wise, ``(ndarray[shape])``."""
        ...

    def count(self, expected: np.ndarray) -> np.ndarray:
        """A whole number of trials (impressions) from a real-valued amount."""
        ...

    def settle(
        self, base: np.ndarray, survival: Amount | None, arrivals: Amount | None
    ) -> np.ndarray:
        """``Bin(base, survival) + Poisson(arrivals)``; None: nobody could leave / nobody came."""
        ...

    def engage(
        self, people: np.ndarray, engaged_chance: Amount, buying_chance: Amount
    ) -> tuple[np.ndarray, np.ndarray]:
        """``E = Bin(people, engaged_chance)`` per group, then ``Bin(E[0], buying_chance)``."""
        ...


class RandomSampler:
    """Draws from one generator; audiences are whole people (int64)."""

    dtype = np.int64

    def __init__(self, generator: np.random.Generator) -> None:
        self._generator = generator

    @property
    def generator(self) -> np.random.Generator:
        """The stream itself, for kernels that draw from several streams in one call."""
        return self._generator

    def binomial(self, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
        """``Bin(n, p)``; callers keep ``p`` in [0, 1] (products and clipped sums of rates)."""
        return draws.binomial(self._generator, n, p)

    def poisson(self, lam: np.ndarray | float, shape: tuple[int, ...]) -> np.ndarray:
        """``Poisson(lam)``."""
        return draws.poisson(self._generator, lam, shape)

    def count(self, expected: np.ndarray) -> np.ndarray:
        """Round to whole trials."""
        return np.rint(expected).astype(np.int64)

    def settle(
        self, base: np.ndarray, survival: Amount | None, arrivals: Amount | None
    ) -> np.ndarray:
        """Survivors and arrivals in one compiled call."""
        return draws.settle(self._generator, base, survival, arrivals)

    def engage(
        self, people: np.ndarray, engaged_chance: Amount, buying_chance: Amount
    ) -> tuple[np.ndarray, np.ndarray]:
        """Engaged people and buyers in one compiled call."""
        return draws.engage(self._generator, people, engaged_chance, buying_chance)


class ExpectedValueSampler:
    """Every draw replaced by its expectation; state is real-valued."""

    dtype = np.float64

    def binomial(self, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
        """``n * p``."""
        return n * p

    def poisson(self, lam: np.ndarray | float, shape: tuple[int, ...]) -> np.ndarray:
        """``lam``."""
        return np.broadcast_to(np.asarray(lam, dtype=np.float64), shape).copy()

    def count(self, expected: np.ndarray) -> np.ndarray:
        """Real-valued trials: no rounding in expected-value mode."""
        return expected

    def settle(
        self, base: np.ndarray, survival: Amount | None, arrivals: Amount | None
    ) -> np.ndarray:
        """``base * survival + arrivals``."""
        people = base if survival is None else base * survival
        return people if arrivals is None else people + arrivals

    def engage(
        self, people: np.ndarray, engaged_chance: Amount, buying_chance: Amount
    ) -> tuple[np.ndarray, np.ndarray]:
        """``people * e`` and ``people[0] * e * b``."""
        engaged = people * engaged_chance
        return engaged, engaged[0] * buying_chance
