"""Binomial and Poisson variates over a batch of replications, compiled with numba.

Most of the model's draws are ``Bin(n_r, p)`` and ``Poisson(lam_r)`` over the
replications ``r`` of a batch, with one ``p`` for all and counts that differ
little between replications (a few days' deaths among thousands of
followers, a post's engaged people). numpy draws each element on its own:
20-30 ns of broadcasting, a ``log`` and an ``exp`` of set-up, then an
inversion loop as long as the mean. Here the common part is drawn from one
table instead:

- ``Bin(n_r, p) = Bin(n_min, p) + Bin(n_r - n_min, p)`` (independent
  binomials with one ``p`` add up), and ``Poisson(lam_r) = Poisson(lam_min) +
  Poisson(lam_r - lam_min)``;
- the common part is inverted through its cumulative probabilities,
  tabulated once per row and searched through a guide table (Chen and Asau),
  so each element costs one uniform and a look-up whatever the mean;
- the remainder, small by construction, is inverted directly.

Rows that do not fit (counts far apart, means past the table's range) and
probabilities that differ between replications are drawn element by element
with numba's port of numpy's own algorithms. Every way draws exactly the
model's distributions (``tests/test_draws.py`` checks them against the exact
probabilities); like numpy's inversion, a table stops ten standard deviations
past the mean, where less than 1e-20 of probability is left. Uniforms come
from the stream's own ``Generator`` (numba shares its bit generator), one per
part drawn, in element order, so results depend only on the stream.

The fused kernels (:func:`settle`, :func:`engage`) exist because each call
into compiled code that takes a ``Generator`` costs a few microseconds: a
post makes two calls, not five.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["binomial", "engage", "poisson", "settle"]

TABLE_MEAN_LIMIT = 600.0
"""Largest common mean tabulated: ``exp(-mean)`` stays a normal float, the table short."""
TABLE_START_LIMIT = 700.0
"""Largest ``-n log(1 - p)`` tabulated: ``(1 - p) ** n``, where a binomial table starts,
underflows to 0 past about 745 (so for ``p`` near 1/2 well before the mean limit)."""
REMAINDER_MEAN_LIMIT = 20.0
"""Largest remainder mean inverted element by element before the per-element algorithms win."""


@njit(cache=True, nogil=True)
def _guide(cumulative):  # type: ignore[no-untyped-def]
    """``guide[j]``: the smallest ``k`` with ``cumulative[k] >= j / size`` (Chen and Asau)."""
    size = cumulative.size
    guide = np.empty(size, dtype=np.int64)
    value = 0
    for bucket in range(size):
        level = bucket / size
        while value < size - 1 and cumulative[value] < level:
            value += 1
        guide[bucket] = value
    return guide


@njit(cache=True, nogil=True)
def _search(cumulative, guide, uniform):  # type: ignore[no-untyped-def]
    """The smallest ``k`` with ``uniform <= cumulative[k]`` (the last one past the table)."""
    last = cumulative.size - 1
    value = guide[min(int(uniform * guide.size), guide.size - 1)]
    while value < last and cumulative[value] < uniform:
        value += 1
    return value


@njit(cache=True, nogil=True)
def _span(values):  # type: ignore[no-untyped-def]
    """Smallest and largest positive value (0, 0 when there is none)."""
    smallest, largest = 0.0, 0.0
    for value in values:
        if value > 0:
            if smallest == 0.0 or value < smallest:
                smallest = value
            if value > largest:
                largest = value
    return smallest, largest


@njit(cache=True, nogil=True)
def _binomial_cumulative(trials, chance):  # type: ignore[no-untyped-def]
    """``P(X <= k)`` of ``Bin(trials, chance)`` up to ten deviations past the mean."""
    mean = trials * chance
    bound = min(trials, int(mean + 10.0 * math.sqrt(mean * (1.0 - chance) + 1.0)))
    odds = chance / (1.0 - chance)
    cumulative = np.empty(bound + 1)
    probability = math.exp(trials * math.log1p(-chance))
    total = probability
    cumulative[0] = total
    for value in range(1, bound + 1):
        probability *= (trials - value + 1) * odds / value
        total += probability
        cumulative[value] = total
    return cumulative


@njit(cache=True, nogil=True)
def _poisson_cumulative(mean):  # type: ignore[no-untyped-def]
    """``P(X <= k)`` of ``Poisson(mean)`` up to ten deviations past the mean."""
    bound = int(mean + 10.0 * math.sqrt(mean) + 10.0)
    cumulative = np.empty(bound + 1)
    probability = math.exp(-mean)
    total = probability
    cumulative[0] = total
    for value in range(1, bound + 1):
        probability *= mean / value
        total += probability
        cumulative[value] = total
    return cumulative


@njit(cache=True, nogil=True)
def _binomial_row(generator, trials, chance, out):  # type: ignore[no-untyped-def]
    """``out[r] = Bin(trials[r], chance)`` for one row (one ``chance`` for all)."""
    if chance <= 0.0 or chance >= 1.0:
        for index in range(trials.size):
            out[index] = trials[index] if chance >= 1.0 and trials[index] > 0 else 0
        return
    flipped = chance > 0.5
    small = 1.0 - chance if flipped else chance
    low, high = _span(trials)
    smallest = int(low)
    log_miss = math.log1p(-small)
    if (
        smallest * small > TABLE_MEAN_LIMIT
        or -smallest * log_miss > TABLE_START_LIMIT
        or (high - low) * small > REMAINDER_MEAN_LIMIT
    ):
        for index in range(trials.size):
            count = trials[index]
            out[index] = generator.binomial(count, chance) if count > 0 else 0
        return
    if smallest == 0:
        out[:] = 0
        return
    cumulative = _binomial_cumulative(smallest, small)
    guide = _guide(cumulative)
    odds = small / (1.0 - small)
    for index in range(trials.size):
        count = trials[index]
        if count <= 0:
            out[index] = 0
            continue
        value = _search(cumulative, guide, generator.random())
        rest = count - smallest
        if rest > 0:
            uniform = generator.random()
            mean = rest * small
            if uniform <= 1.0 - mean:
                # (1 - p) ** k >= 1 - k p: below it, inversion stops at 0 (no exp needed).
                extra = 0
            else:
                bound = min(rest, int(mean + 10.0 * math.sqrt(mean + 1.0)))
                extra = 0
                probability = math.exp(rest * log_miss)
                while uniform > probability and extra < bound:
                    uniform -= probability
                    extra += 1
                    probability *= (rest - extra + 1) * odds / extra
            value += extra
        out[index] = count - value if flipped else value


@njit(cache=True, nogil=True)
def _binomial_rows(generator, trials, chances, out):  # type: ignore[no-untyped-def]
    """``out[g, r] = Bin(trials[g, r], p_r)``, ``chances`` one for all or one a replication."""
    for row in range(trials.shape[0]):
        if chances.size == 1:
            _binomial_row(generator, trials[row], chances[0], out[row])
        else:
            for index in range(trials.shape[1]):
                count = trials[row, index]
                out[row, index] = generator.binomial(count, chances[index]) if count > 0 else 0


@njit(cache=True, nogil=True)
def _poisson_rows(generator, means, out):  # type: ignore[no-untyped-def]
    """``out[g, r] = Poisson(means[g, r])``, per row a table for its smallest mean."""
    for row in range(means.shape[0]):
        smallest, largest = _span(means[row])
        if smallest > TABLE_MEAN_LIMIT or largest - smallest > REMAINDER_MEAN_LIMIT:
            for index in range(means.shape[1]):
                mean = means[row, index]
                out[row, index] = generator.poisson(mean) if mean > 0.0 else 0
            continue
        if smallest == 0.0:
            out[row, :] = 0
            continue
        cumulative = _poisson_cumulative(smallest)
        guide = _guide(cumulative)
        for index in range(means.shape[1]):
            mean = means[row, index]
            if mean <= 0.0:
                out[row, index] = 0
                continue
            value = _search(cumulative, guide, generator.random())
            rest = mean - smallest
            if rest > 0.0:
                uniform = generator.random()
                extra = 0
                if uniform > 1.0 - rest:  # exp(-rest) >= 1 - rest: below it, 0 arrive
                    bound = int(rest + 10.0 * math.sqrt(rest) + 10.0)
                    probability = math.exp(-rest)
                    while uniform > probability and extra < bound:
                        uniform -= probability
                        extra += 1
                        probability *= rest / extra
                value += extra
            out[row, index] = value


@njit(cache=True, nogil=True)
def _settle(generator, base, survival, arrivals, thin, arrive, out):  # type: ignore[no-untyped-def]
    """``out = Bin(base, survival) + Poisson(arrivals)``: survivors, then arrivals."""
    if thin:
        _binomial_rows(generator, base, survival, out)
    else:
        out[:] = base
    if arrive:
        came = np.empty_like(out)
        _poisson_rows(generator, arrivals, came)
        out += came


@njit(cache=True, nogil=True)
def _engage(generator, people, engaged_chance, buying_chance, engaged, buyers):  # type: ignore[no-untyped-def]
    """``engaged = Bin(people, e)`` for every row, then ``buyers = Bin(engaged[0], b)``."""
    _binomial_rows(generator, people, engaged_chance, engaged)
    _binomial_rows(generator, engaged[:1], buying_chance, buyers)


def _chances(chance: np.ndarray | float) -> np.ndarray:
    """A probability as the kernels take it: one value if all are equal, else one a replication."""
    if isinstance(chance, float):
        return np.array([chance])
    values = np.asarray(chance, dtype=np.float64)
    if values.ndim == 0:
        return values.reshape(1)
    first = values.flat[0]
    if bool(np.all(values == first)):
        return np.array([first])
    if values.ndim != 1:
        raise ValueError(f"chance(={values.shape}) must be one value or one per replication.")
    return np.ascontiguousarray(values)


def _grid(values: np.ndarray, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """``values`` broadcast to ``shape`` as contiguous ``ndarray[groups, replications]``."""
    if (
        isinstance(values, np.ndarray)
        and values.ndim == 2
        and values.shape == shape
        and values.dtype == dtype
        and values.flags.c_contiguous
    ):
        return values  # the common case, already in shape: no copy
    columns = shape[-1] if shape else 1
    return np.ascontiguousarray(np.broadcast_to(values, shape), dtype=dtype).reshape(-1, columns)


def binomial(
    generator: np.random.Generator, trials: np.ndarray, chance: np.ndarray | float
) -> np.ndarray:
    """``Bin(trials, chance)`` element-wise ``(ndarray[...], int64)``.

    Args:
        generator: the stream to draw from (its state advances).
        trials: whole numbers of people ``(ndarray[replications])`` or
            ``(ndarray[groups, replications])``.
        chance: a probability in [0, 1], one for all or one a replication.
    """
    trials = np.asarray(trials)
    rows = _grid(trials, trials.shape, np.int64)
    out = np.empty_like(rows)
    _binomial_rows(generator, rows, _chances(chance), out)
    return out.reshape(trials.shape)


def poisson(
    generator: np.random.Generator, mean: np.ndarray | float, shape: tuple[int, ...]
) -> np.ndarray:
    """``Poisson(mean)`` element-wise, ``mean`` broadcast to ``shape`` ``(ndarray[shape])``."""
    rows = _grid(np.asarray(mean), shape, np.float64)
    out = np.empty(rows.shape, dtype=np.int64)
    _poisson_rows(generator, rows, out)
    return out.reshape(shape)


def settle(
    generator: np.random.Generator,
    base: np.ndarray,
    survival: np.ndarray | float | None,
    arrivals: np.ndarray | float | None,
) -> np.ndarray:
    """Survivors ``Bin(base, survival)`` plus arrivals ``Poisson(arrivals)`` in one call.

    Args:
        generator: the stream to draw from.
        base: people counted so far ``(ndarray[groups, replications])``.
        survival: the chance each stayed, one for all or one a replication;
            None when nobody could have left.
        arrivals: expected newcomers, broadcast to ``base``; None when none came.
    """
    rows = _grid(base, base.shape, np.int64)
    out = np.empty_like(rows)
    thin, arrive = survival is not None, arrivals is not None
    chances = _chances(survival) if thin else _NO_CHANCE
    means = _grid(np.asarray(arrivals), base.shape, np.float64) if arrive else _NO_MEANS
    _settle(generator, rows, chances, means, thin, arrive, out)
    return out.reshape(base.shape)


def engage(
    generator: np.random.Generator,
    people: np.ndarray,
    engaged_chance: np.ndarray | float,
    buying_chance: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """A post's engaged people of every group, and buyers among the first group's.

    Args:
        generator: the stream to draw from.
        people: prospects and others ``(ndarray[2, replications])``.
        engaged_chance: ``reach * engagement_rate``, one for all or one a replication.
        buying_chance: ``click_rate * conversion_rate * feature_factor``, likewise.

    Returns:
        engaged ``(ndarray[2, replications])`` and buyers ``(ndarray[replications])``.
    """
    rows = _grid(people, people.shape, np.int64)
    engaged = np.empty_like(rows)
    buyers = np.empty((1, rows.shape[1]), dtype=np.int64)
    _engage(generator, rows, _chances(engaged_chance), _chances(buying_chance), engaged, buyers)
    return engaged.reshape(people.shape), buyers[0]


_NO_CHANCE = np.ones(1)
_NO_MEANS = np.zeros((1, 1))
