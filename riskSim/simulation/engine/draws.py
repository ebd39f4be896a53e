"""Binomial and Poisson variates over a batch of replications, compiled with numba.

Most of the model's draws are ``Bin(n_r, p)`` and ``Poisson(lam_r)`` over the
replications ``r`` of a batch, with one ``p`` for all and counts that differ
little between replications (a few days' deaths among thousands of
followers, a post's engaged people). numpy draws each element on its own:
20-30 ns of broadcasting, a ``log`` and an ``exp`` of set-up, then an
inversion loop as long as the mean. Here most of it comes from tables:

- counts are cut on a fixed grid of width ``w`` (``w * p`` about 1/4):
  ``Bin(n, p) = Bin(n_ref, p) + Bin(n - n_ref, p)`` with ``n_ref = w * (n // w)``
  (independent binomials with one ``p`` add up); likewise ``Poisson(lam) =
  Poisson(lam_ref) + Poisson(lam - lam_ref)`` on a grid of width 1/2;
- ``Bin(n_ref, p)`` is inverted through its cumulative probabilities,
  tabulated once per call for each grid point present and searched through a
  guide table (Chen and Asau): one uniform and a look-up whatever the mean;
- the remainder, of mean below the grid's width, is inverted directly (mostly
  one comparison).

Each element's draw is one function of its own count (or mean), its own
chance and two uniforms of the stream (:func:`_binomial_one`), never of the
other replications of the batch: a row whose grid points are too many to
cache walks each element's table instead of looking it up, a reference count
too large for a table is drawn whole by inversion outward from the mode, a
probability that differs between replications goes through the same
function, and all of these give exactly what the cached path gives where both
apply. That keeps common random numbers intact: a replication in the same
state in the shocked and the calm world draws the same numbers, and one in a
nearby state nearby numbers (inversion is monotone within a grid cell).
Every element takes exactly two uniforms, in element order, so a call knows
its uniforms in advance: they are read as one block of the bit generator's
raw output (turned into doubles exactly as ``Generator.random`` does),
which also spares passing a ``Generator`` into compiled code (several
microseconds a call). Every path draws exactly the model's distributions
(``tests/simulation/test_draws.py`` checks them against exact probabilities); like
numpy's inversion, tables stop ten standard deviations past the mean, where
less than 1e-20 is left.

The fused kernels (:func:`settle`, :func:`engage`, :func:`post`) exist
because every call from Python costs a few microseconds: a post's reading of
its audience, its engagement, buyers, revenue and new followers are one call.
"""

from __future__ import annotations

import functools
import importlib.abc
import math
import sys

import numpy as np
from numba import njit

from riskSim.simulation.rng import ColumnStream

__all__ = ["binomial", "capture", "engage", "poisson", "post", "settle"]


class _RefuseScipyLinalg(importlib.abc.MetaPathFinder):
    """An import hook that makes ``import scipy.linalg...`` fail, while it is installed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "scipy.linalg" or name.startswith("scipy.linalg."):
            raise ImportError(f"{name} is not imported while numba's registries load")
        return None


def _load_array_math_without_blas() -> None:
    """Import numba's array-math registry now, with its BLAS check failing at once.

    On its first compile or cache load in a process numba imports its
    registries, and ``numba.np.arraymath`` checks for a BLAS by importing
    ``scipy.linalg`` (installed for calibrate and optimize): half a second,
    paid by every pool worker and every small run, only so that ``np.dot`` and
    the like can compile. These kernels do no linear algebra, so the check is
    left to fail; scipy itself imports normally afterwards. Nothing changes
    where numba or scipy.linalg was loaded before.
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    refuse = _RefuseScipyLinalg()
    sys.meta_path.insert(0, refuse)
    try:
        import numba.np.arraymath  # noqa: F401
    except ImportError:  # pragma: no cover - a numba without this module: nothing to spare
        pass
    finally:
        sys.meta_path.remove(refuse)


_load_array_math_without_blas()

BINOMIAL_GRID_MEAN = 0.25
"""Mean of a binomial remainder at most: the grid's width times ``p``."""
POISSON_GRID_WIDTH = 0.5
"""Width of the grid of Poisson means: the largest mean of a remainder (a power of 2, so
that ``mean * POISSON_GRID_SCALE`` is exact)."""
POISSON_GRID_SCALE = 1.0 / POISSON_GRID_WIDTH
TABLE_MEAN_LIMIT = 600.0
"""Largest mean tabulated: ``exp(-mean)`` stays a normal float, the table short."""
TABLE_START_LIMIT = 700.0
"""Largest ``-n log(1 - p)`` tabulated: ``(1 - p) ** n``, where a binomial table starts,
underflows to 0 past about 745 (so for ``p`` near 1/2 well before the mean limit)."""
UNIT = 1.0 / 9007199254740992.0
"""``2**-53``: a 53-bit integer times this is a double in [0, 1)."""
TABLES_LIMIT = 256
"""Most grid points tabulated in one row; past it, each element's table is walked."""
_NO_CHANCE = np.ones(1)
_NO_MEANS = np.zeros((1, 1))
"""What :func:`settle` passes for a part it does not draw (the kernels' types stay fixed)."""


@njit(cache=True, nogil=True)
def _uniform(raw, index):  # type: ignore[no-untyped-def]
    """The ``index``-th uniform: ``(x >> 11) / 2**53``, as ``Generator.random`` makes it."""
    return (raw[index] >> np.uint64(11)) * UNIT


@njit(cache=True, nogil=True)
def _guide_into(cumulative, guide, offset, length):  # type: ignore[no-untyped-def]
    """``guide[j]``: the smallest ``k`` with ``cumulative[k] >= j / length`` (Chen and Asau).

    Both tables are read and written at ``offset``: one flat block per grid point.
    """
    value = 0
    for bucket in range(length):
        level = bucket / length
        while value < length - 1 and cumulative[offset + value] < level:
            value += 1
        guide[offset + bucket] = value


@njit(cache=True, nogil=True)
def _search(cumulative, guide, offset, length, uniform):  # type: ignore[no-untyped-def]
    """The smallest ``k`` with ``uniform <= cumulative[k]`` (the last one past the table)."""
    value = guide[offset + min(int(uniform * length), length - 1)]
    while value < length - 1 and cumulative[offset + value] < uniform:
        value += 1
    return value


@njit(cache=True, nogil=True)
def _binomial_bound(trials, chance):  # type: ignore[no-untyped-def]
    """Ten standard deviations past the mean, within ``[0, trials]``."""
    mean = trials * chance
    return min(trials, int(mean + 10.0 * math.sqrt(mean * (1.0 - chance) + 1.0)))


@njit(cache=True, nogil=True)
def _poisson_bound(mean):  # type: ignore[no-untyped-def]
    return int(mean + 10.0 * math.sqrt(mean) + 10.0)


@njit(cache=True, nogil=True)
def _binomial_cumulative_into(trials, chance, cumulative, offset):  # type: ignore[no-untyped-def]
    """``P(X <= k)`` of ``Bin(trials, chance)`` up to the bound, at ``offset``; returns a count."""
    bound = _binomial_bound(trials, chance)
    odds = chance / (1.0 - chance)
    probability = math.exp(trials * math.log1p(-chance))
    total = probability
    cumulative[offset] = total
    for value in range(1, bound + 1):
        probability *= (trials - value + 1) * odds / value
        total += probability
        cumulative[offset + value] = total
    return bound + 1


@njit(cache=True, nogil=True)
def _poisson_cumulative_into(mean, cumulative, offset):  # type: ignore[no-untyped-def]
    """``P(X <= k)`` of ``Poisson(mean)`` up to the bound, at ``offset``; returns the length."""
    bound = _poisson_bound(mean)
    probability = math.exp(-mean)
    total = probability
    cumulative[offset] = total
    for value in range(1, bound + 1):
        probability *= mean / value
        total += probability
        cumulative[offset + value] = total
    return bound + 1


@njit(cache=True, nogil=True)
def _binomial_rest(uniform, rest, chance, log_miss, odds):  # type: ignore[no-untyped-def]
    """``Bin(rest, chance)`` by inversion from 0 (a small mean)."""
    mean = rest * chance
    if rest <= 0 or uniform <= 1.0 - mean:
        return 0  # (1 - p) ** k >= 1 - k p: below it, inversion stops at 0 (no exp needed)
    bound = min(rest, int(mean + 10.0 * math.sqrt(mean + 1.0)))
    extra = 0
    probability = math.exp(rest * log_miss)
    while uniform > probability and extra < bound:
        uniform -= probability
        extra += 1
        probability *= (rest - extra + 1) * odds / extra
    return extra


@njit(cache=True, nogil=True)
def _poisson_rest(uniform, mean):  # type: ignore[no-untyped-def]
    """``Poisson(mean)`` by inversion from 0 (a small mean)."""
    if mean <= 0.0 or uniform <= 1.0 - mean:
        return 0  # exp(-mean) >= 1 - mean: below it, inversion stops at 0
    bound = _poisson_bound(mean)
    extra = 0
    probability = math.exp(-mean)
    while uniform > probability and extra < bound:
        uniform -= probability
        extra += 1
        probability *= mean / extra
    return extra


@njit(cache=True, nogil=True)
def _binomial_exact(uniform, trials, chance):  # type: ignore[no-untyped-def]
    """``Bin(trials, chance)`` from one uniform, searching outward from the mode.

    The probabilities are taken in a fixed order (the mode, then one above and
    one below, alternately), so this is an exact inversion of that order; its
    cost grows with the standard deviation, not the mean.
    """
    if trials <= 0 or chance <= 0.0:
        return 0
    if chance >= 1.0:
        return trials
    miss = 1.0 - chance
    mode = min(trials, int((trials + 1) * chance))
    log_at_mode = (
        math.lgamma(trials + 1.0)
        - math.lgamma(mode + 1.0)
        - math.lgamma(trials - mode + 1.0)
        + mode * math.log(chance)
        + (trials - mode) * math.log1p(-chance)
    )
    at_mode = math.exp(log_at_mode)
    uniform -= at_mode
    if uniform <= 0.0:
        return mode
    high, at_high = mode, at_mode
    low, at_low = mode, at_mode
    steps = int(40.0 * math.sqrt(trials * chance * miss) + 40.0)
    while (high < trials or low > 0) and steps > 0:
        steps -= 1
        if high < trials:
            high += 1
            at_high *= (trials - high + 1) * chance / (high * miss)
            uniform -= at_high
            if uniform <= 0.0:
                return high
        if low > 0:
            at_low *= low * miss / ((trials - low + 1) * chance)
            low -= 1
            uniform -= at_low
            if uniform <= 0.0:
                return low
    return mode  # rounding left a sliver of probability: give it to the mode


@njit(cache=True, nogil=True)
def _poisson_exact(uniform, mean):  # type: ignore[no-untyped-def]
    """``Poisson(mean)`` from one uniform, searching outward from the mode (see above)."""
    if mean <= 0.0:
        return 0
    mode = int(mean)
    at_mode = math.exp(mode * math.log(mean) - mean - math.lgamma(mode + 1.0))
    uniform -= at_mode
    if uniform <= 0.0:
        return mode
    high, at_high = mode, at_mode
    low, at_low = mode, at_mode
    limit = mode + int(40.0 * math.sqrt(mean) + 40.0)
    while high < limit:
        high += 1
        at_high *= mean / high
        uniform -= at_high
        if uniform <= 0.0:
            return high
        if low > 0:
            at_low *= low / mean
            low -= 1
            uniform -= at_low
            if uniform <= 0.0:
                return low
    return mode


@njit(cache=True, nogil=True)
def _binomial_walk(trials, chance, uniform):  # type: ignore[no-untyped-def]
    """What :func:`_search` finds in ``Bin(trials, chance)``'s table, without the table.

    The same probabilities, summed in the same order, walked up to ``uniform``:
    for a replication whose ``p`` no other shares (cost: the value drawn).
    """
    bound = _binomial_bound(trials, chance)
    odds = chance / (1.0 - chance)
    probability = math.exp(trials * math.log1p(-chance))
    total = probability
    value = 0
    while value < bound and total < uniform:
        value += 1
        probability *= (trials - value + 1) * odds / value
        total += probability
    return value


@njit(cache=True, nogil=True)
def _poisson_walk(mean, uniform):  # type: ignore[no-untyped-def]
    """What :func:`_search` finds in ``Poisson(mean)``'s table, without the table."""
    bound = _poisson_bound(mean)
    probability = math.exp(-mean)
    total = probability
    value = 0
    while value < bound and total < uniform:
        value += 1
        probability *= mean / value
        total += probability
    return value


@njit(cache=True, nogil=True)
def _grid_point(count, width, inverse):  # type: ignore[no-untyped-def]
    """``count // width`` without an integer division: a float estimate, corrected."""
    point = int(count * inverse)
    if point * width > count:
        point -= 1
    elif (point + 1) * width <= count:
        point += 1
    return point


@njit(cache=True, nogil=True)
def _binomial_grid(chance):  # type: ignore[no-untyped-def]
    """What every element with this ``chance`` shares, ``0 < chance < 1``.

    Returns whether failures are drawn (``p > 1/2``), the smaller of ``p`` and
    ``1 - p``, ``log(1 - small)``, ``small / (1 - small)`` and the grid's width.
    """
    flipped = chance > 0.5
    small = 1.0 - chance if flipped else chance
    width = max(1, int(BINOMIAL_GRID_MEAN / small))
    return flipped, small, math.log1p(-small), small / (1.0 - small), width


@njit(cache=True, nogil=True)
def _binomial_fits(reference, small, log_miss):  # type: ignore[no-untyped-def]
    """Whether ``Bin(reference, small)`` is drawn from a table (else from the mode)."""
    return reference * small <= TABLE_MEAN_LIMIT and -reference * log_miss <= TABLE_START_LIMIT


@njit(cache=True, nogil=True)
def _binomial_one(count, chance, first_uniform, second_uniform):  # type: ignore[no-untyped-def]
    """``Bin(count, chance)`` for one replication: the definition every path follows.

    ``p > 1/2`` draws the failures. The count is cut at its grid point; a
    reference count that fits a table is inverted with the first uniform and the
    rest with the second; one that does not is drawn whole from the mode with the
    first. A count below the first grid point is all rest, inverted with the
    first uniform: whatever the cell, the first uniform drives the bulk of the
    draw, so nearby counts (the same replication in the calm and the shocked
    world) draw nearby values. The cached tables of :func:`_binomial_row` give
    exactly these values.
    """
    if count <= 0 or chance <= 0.0:
        return 0
    if chance >= 1.0:
        return count
    flipped, small, log_miss, odds, width = _binomial_grid(chance)
    reference = _grid_point(count, width, 1.0 / width) * width
    if _binomial_fits(reference, small, log_miss):
        value = _binomial_walk(reference, small, first_uniform) if reference > 0 else 0
        rest_uniform = second_uniform if reference > 0 else first_uniform
        value += _binomial_rest(rest_uniform, count - reference, small, log_miss, odds)
    else:
        value = _binomial_exact(first_uniform, count, small)
    return count - value if flipped else value


@njit(cache=True, nogil=True)
def _binomial_row(raw, start, trials, chance, out):  # type: ignore[no-untyped-def]
    """``out[r] = Bin(trials[r], chance)``, one ``chance`` for all: :func:`_binomial_one`.

    Element ``r`` reads the uniforms ``raw[start + 2r]`` and ``raw[start + 2r + 1]``.
    The reference counts' tables are built once per grid point present, when
    they span fewer than ``TABLES_LIMIT`` points; otherwise each is walked.
    """
    size = trials.size
    if chance <= 0.0 or chance >= 1.0:
        for index in range(size):
            out[index] = trials[index] if chance >= 1.0 and trials[index] > 0 else 0
        return
    flipped, small, log_miss, odds, width = _binomial_grid(chance)
    inverse = 1.0 / width
    grid = np.empty(size, dtype=np.int64)  # the grid point, or -1: drawn from the mode
    first, last = -1, -1
    for index in range(size):
        count = trials[index]
        if count > 0:
            point = _grid_point(count, width, inverse)
            if _binomial_fits(point * width, small, log_miss):
                grid[index] = point
                if point > 0:
                    first = point if first < 0 or point < first else first
                    last = point if point > last else last
            else:
                grid[index] = -1
    cached = first >= 0 and last - first < TABLES_LIMIT
    points = last - first + 1 if cached else 1
    length = _binomial_bound(last * width, small) + 1 if cached else 1
    cumulative = np.empty(points * length)
    guide = np.empty(points * length, dtype=np.int64)
    lengths = np.zeros(points, dtype=np.int64)
    for index in range(size):
        count = trials[index]
        if count <= 0:
            out[index] = 0
            continue
        point = grid[index]
        reference = point * width
        first_uniform = _uniform(raw, start + 2 * index)
        if point >= 0:
            value = 0
            if reference > 0:
                if cached:
                    slot = point - first
                    offset = slot * length
                    if lengths[slot] == 0:
                        lengths[slot] = _binomial_cumulative_into(
                            reference, small, cumulative, offset
                        )
                        _guide_into(cumulative, guide, offset, lengths[slot])
                    value = _search(cumulative, guide, offset, lengths[slot], first_uniform)
                else:
                    value = _binomial_walk(reference, small, first_uniform)
            rest = count - reference
            if rest > 0:
                # The larger part takes the first uniform: with no table part, the rest
                # is the whole draw (see _binomial_one)
                position = start + 2 * index + (1 if reference > 0 else 0)
                value += _binomial_rest(_uniform(raw, position), rest, small, log_miss, odds)
        else:
            value = _binomial_exact(first_uniform, count, small)
        out[index] = count - value if flipped else value


@njit(cache=True, nogil=True)
def _binomial_rows(raw, start, trials, chances, out):  # type: ignore[no-untyped-def]
    """``out[g, r] = Bin(trials[g, r], p_r)``, ``chances`` one for all or one a replication.

    Reads the uniforms ``raw[start : start + 2 * trials.size]``, two an element in order.
    """
    columns = trials.shape[1]
    for row in range(trials.shape[0]):
        first = start + 2 * row * columns
        if chances.size == 1:
            _binomial_row(raw, first, trials[row], chances[0], out[row])
        else:
            for index in range(columns):
                out[row, index] = _binomial_one(
                    trials[row, index],
                    chances[index],
                    _uniform(raw, first + 2 * index),
                    _uniform(raw, first + 2 * index + 1),
                )


@njit(cache=True, nogil=True)
def _poisson_rows(raw, start, means, out):  # type: ignore[no-untyped-def]
    """``out[g, r] = Poisson(means[g, r])``; reads ``raw[start : start + 2 * means.size]``.

    Per element: the mean is cut at its grid point; a reference mean that fits a
    table is inverted with the first uniform and the rest with the second; a
    larger one is drawn whole from the mode with the first.
    """
    columns = means.shape[1]
    for row in range(means.shape[0]):
        first_uniform_of_row = start + 2 * row * columns
        values = means[row]
        first, last = -1, -1
        for index in range(values.size):
            if values[index] > 0.0:
                point = int(values[index] * POISSON_GRID_SCALE)
                if point > 0 and point * POISSON_GRID_WIDTH <= TABLE_MEAN_LIMIT:
                    first = point if first < 0 or point < first else first
                    last = point if point > last else last
        cached = first >= 0 and last - first < TABLES_LIMIT
        points = last - first + 1 if cached else 1
        length = _poisson_bound(last * POISSON_GRID_WIDTH) + 1 if cached else 1
        cumulative = np.empty(points * length)
        guide = np.empty(points * length, dtype=np.int64)
        lengths = np.zeros(points, dtype=np.int64)
        for index in range(values.size):
            mean = values[index]
            position = first_uniform_of_row + 2 * index
            if mean <= 0.0:
                out[row, index] = 0
                continue
            point = int(mean * POISSON_GRID_SCALE)
            reference = point * POISSON_GRID_WIDTH
            if reference <= TABLE_MEAN_LIMIT:
                value = 0
                if point > 0:
                    uniform = _uniform(raw, position)
                    if cached:
                        slot = point - first
                        offset = slot * length
                        if lengths[slot] == 0:
                            lengths[slot] = _poisson_cumulative_into(reference, cumulative, offset)
                            _guide_into(cumulative, guide, offset, lengths[slot])
                        value = _search(cumulative, guide, offset, lengths[slot], uniform)
                    else:
                        value = _poisson_walk(reference, uniform)
                rest = mean - reference
                if rest > 0.0:
                    # below the first grid point the rest is the whole draw: first uniform
                    value += _poisson_rest(_uniform(raw, position + (1 if point > 0 else 0)), rest)
            else:
                value = _poisson_exact(_uniform(raw, position), mean)
            out[row, index] = value


@njit(cache=True, nogil=True)
def _settle(raw, base, survival, arrivals, thin, arrive, out):  # type: ignore[no-untyped-def]
    """``out = Bin(base, survival) + Poisson(arrivals)``: survivors, then arrivals."""
    if thin:
        _binomial_rows(raw, 0, base, survival, out)
    else:
        out[:] = base
    if arrive:
        came = np.empty_like(out)
        _poisson_rows(raw, 2 * base.size if thin else 0, arrivals, came)
        out += came


@njit(cache=True, nogil=True)
def _engage(raw, people, engaged_chance, buying_chance, engaged, buyers):  # type: ignore[no-untyped-def]
    """``engaged = Bin(people, e)`` for every row, then ``buyers = Bin(engaged[0], b)``."""
    _binomial_rows(raw, 0, people, engaged_chance, engaged)
    _binomial_rows(raw, 2 * people.size, engaged[:1], buying_chance, buyers)


@njit(cache=True, nogil=True)
def _post(  # type: ignore[no-untyped-def]
    raw_daily, raw_post, base, survival, arrivals, thin, arrive, engaged_chance, buying_chance,
    order_value, share_rate, split, shares, settled, engaged, buyers, revenue, earned, daily,
    keeps_daily, followers,
):
    """:func:`_settle`, :func:`_engage`, then revenue and new followers, in one call.

    ``revenue[r] = buyers[r] * order value`` is also added to ``earned`` (and
    ``daily`` if ``keeps_daily``); with ``shares``, ``followers[g, r] = split[g] *
    (sum of engaged[:, r]) * share_rate``. Returns the settled people plus the
    expected new followers, summed over everything (the runaway-growth check).
    The same arithmetic, in the same order, as the steps one by one.
    """
    _settle(raw_daily, base, survival, arrivals, thin, arrive, settled)
    _engage(raw_post, settled, engaged_chance, buying_chance, engaged, buyers)
    groups, columns = settled.shape
    each_value, each_share = order_value.size > 1, share_rate.size > 1
    each_split = split.shape[1] > 1
    for column in range(columns):
        value = buyers[0, column] * order_value[column if each_value else 0]
        revenue[column] = value
        earned[column] += value
        if keeps_daily:
            daily[column] += value
    bound = 0.0
    if shares:
        for column in range(columns):
            people = 0
            for group in range(groups):
                people += engaged[group, column]
                bound += settled[group, column]
            expected = people * share_rate[column if each_share else 0]
            bound += expected
            for group in range(groups):
                followers[group, column] = split[group, column if each_split else 0] * expected
    return bound


@njit(cache=True, nogil=True)
def _capture(raw, engaged, rate, base, cost, cost_per_capture, joined, joined_base):  # type: ignore[no-untyped-def]
    """``joined = Bin(engaged, rate)``; the target's people plus them; their cost added.

    A source with fewer rows than the target (prospects only) adds to its first rows.
    """
    _binomial_rows(raw, 0, engaged, rate, joined)
    sources, columns = engaged.shape
    each = cost_per_capture.size > 1
    for column in range(columns):
        people = 0
        for group in range(base.shape[0]):
            extra = joined[group, column] if group < sources else 0
            joined_base[group, column] = base[group, column] + extra
            people += extra
        cost[column] += people * cost_per_capture[column if each else 0]


def _stream(generator: np.random.Generator | ColumnStream, elements: int) -> np.ndarray:
    """The next ``2 * elements`` raw 64-bit outputs of the generator's stream.

    Every element drawn takes exactly two uniforms, so a call knows how many it
    needs before it starts: taking them in one block of raw integers (turned
    into uniforms exactly as ``Generator.random`` does) is a fast C loop, and
    the kernels then need no ``Generator`` (passing one into compiled code costs
    several microseconds a call). A part of a batch reads its own columns of
    the whole batch's block (:class:`~riskSim.simulation.rng.ColumnStream`).
    """
    if isinstance(generator, ColumnStream):
        return generator.raw(elements)
    return generator.bit_generator.random_raw(2 * elements)


@functools.lru_cache(maxsize=4096)
def _one_chance(chance: float) -> np.ndarray:
    """``[chance]`` as the kernels take it, made once: a channel posts with the same few
    chances thousands of times a run, and the kernels only read it. (Not marked
    read-only: numba types a read-only array apart, which costs a compile and
    slows every call's dispatch.)"""
    return np.array([chance])


def _chances(chance: np.ndarray | float, replications: int) -> np.ndarray:
    """A probability as the kernels take it: one value if all are equal, else one a replication.

    Raises:
        ValueError: an array that is not one value per replication (the kernels
            index it by replication and do not check bounds).
    """
    if isinstance(chance, float):
        return _one_chance(chance)
    values = np.asarray(chance, dtype=np.float64)
    if values.ndim == 0:
        return values.reshape(1)
    if values.ndim != 1 or values.size != replications:
        raise ValueError(
            f"chance(shape={values.shape}) must be one value or one per replication "
            f"({replications})."
        )
    first = values[0]
    if bool(np.all(values == first)):
        return np.array([first])
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
    _binomial_rows(_stream(generator, rows.size), 0, rows, _chances(chance, rows.shape[1]), out)
    return out.reshape(trials.shape)


def poisson(
    generator: np.random.Generator, mean: np.ndarray | float, shape: tuple[int, ...]
) -> np.ndarray:
    """``Poisson(mean)`` element-wise, ``mean`` broadcast to ``shape`` ``(ndarray[shape])``."""
    rows = _grid(np.asarray(mean), shape, np.float64)
    out = np.empty(rows.shape, dtype=np.int64)
    _poisson_rows(_stream(generator, rows.size), 0, rows, out)
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
    chances = _chances(survival, rows.shape[1]) if thin else _NO_CHANCE
    means = _grid(np.asarray(arrivals), base.shape, np.float64) if arrive else _NO_MEANS
    raw = _stream(generator, rows.size * (int(thin) + int(arrive)))
    _settle(raw, rows, chances, means, thin, arrive, out)
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
    columns = rows.shape[1]
    raw = _stream(generator, rows.size + columns)
    engaged_chances = _chances(engaged_chance, columns)
    _engage(raw, rows, engaged_chances, _chances(buying_chance, columns), engaged, buyers)
    return engaged.reshape(people.shape), buyers[0]


_NO_RAW = np.empty(0, dtype=np.uint64)
_NO_ROW = np.empty(0)


def post(
    daily_generator: np.random.Generator,
    post_generator: np.random.Generator,
    base: np.ndarray,
    survival: np.ndarray | float | None,
    arrivals: np.ndarray | float | None,
    engaged_chance: np.ndarray | float,
    buying_chance: np.ndarray | float,
    order_value: np.ndarray | float,
    share_rate: np.ndarray | float | None,
    split: np.ndarray,
    earned: np.ndarray,
    daily: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, float]:
    """A post's draws and sums in one call: exactly :func:`settle` then :func:`engage`.

    The channel's people are read from its daily stream (as :func:`settle`
    reads them, nothing drawn when ``survival`` and ``arrivals`` are None), then
    engaged people and buyers are drawn from its posts' stream (as
    :func:`engage`); the revenue is added to ``earned`` and ``daily`` in place.

    Args:
        share_rate: None when the channel's posts bring no followers.
        split: shares of prospects and others among new followers, ``ndarray[groups, 1 | r]``.

    Returns:
        settled people, engaged people, revenue ``ndarray[replications]``,
        expected new followers per group (None without shares), and the sum of
        the settled people and the new followers (for the runaway-growth check).
    """
    rows = _grid(base, base.shape, np.int64)
    groups, columns = rows.shape
    thin, arrive = survival is not None, arrivals is not None
    chances = _chances(survival, columns) if thin else _NO_CHANCE
    means = _grid(np.asarray(arrivals), base.shape, np.float64) if arrive else _NO_MEANS
    reads = int(thin) + int(arrive)
    raw_daily = _stream(daily_generator, rows.size * reads) if reads else _NO_RAW
    raw_post = _stream(post_generator, rows.size + columns)
    settled = np.empty_like(rows)
    engaged = np.empty_like(rows)
    buyers = np.empty((1, columns), dtype=np.int64)
    revenue = np.empty(columns)
    shares = share_rate is not None
    followers = np.empty((groups, columns)) if shares else _NO_MEANS
    bound = _post(
        raw_daily,
        raw_post,
        rows,
        chances,
        means,
        thin,
        arrive,
        _chances(engaged_chance, columns),
        _chances(buying_chance, columns),
        _chances(order_value, columns),
        _chances(share_rate if shares else 0.0, columns),
        np.ascontiguousarray(split, dtype=np.float64),
        shares,
        settled,
        engaged,
        buyers,
        revenue,
        earned,
        _NO_ROW if daily is None else daily,
        daily is not None,
        followers,
    )
    return settled, engaged, revenue, followers if shares else None, float(bound)


def capture(
    generator: np.random.Generator,
    engaged: np.ndarray,
    rate: np.ndarray | float,
    base: np.ndarray,
    cost: np.ndarray,
    cost_per_capture: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A capture in one call: exactly :func:`binomial` of ``engaged``, then the join.

    Args:
        generator: the capture's stream.
        engaged: a post's engaged people ``(ndarray[groups, replications])``.
        rate: the capture rate, one for all or one a replication.
        base: the target's people, just drawn ``(ndarray[groups, replications])``.
        cost: the target's cost row, to which each captured person's cost is added.
        cost_per_capture: ``ndarray[replications]``.

    Returns:
        the people captured (``engaged``'s shape) and the target's people with them.
    """
    rows = _grid(engaged, engaged.shape, np.int64)
    joined = np.empty_like(rows)
    joined_base = np.empty_like(base)
    _capture(
        _stream(generator, rows.size),
        rows,
        _chances(rate, rows.shape[1]),
        base,
        cost,
        _chances(cost_per_capture, rows.shape[1]),
        joined,
        joined_base,
    )
    return joined, joined_base
