"""The compiled samplers of ``riskSim.simulation.engine.draws`` against exact probabilities.

``draws`` replaces numpy's per-element ``binomial``/``poisson``. Every element is
drawn by one definition that looks at nothing but its own count (or mean), its own
chance and its own two uniforms ``u[2i]`` and ``u[2i + 1]`` of the block: never at
the rest of its row.

These are contract tests of the kernels themselves, so they call the module's
private kernels (``_binomial_rows``, ``_poisson_rows``, ...) directly: the
contract (which uniforms an element consumes, monotone coupling between
nearby counts, exact tails) cannot be observed through a simulation's totals,
and common random numbers between the calm and shocked worlds rest on it.

- Binomial ``Bin(n, p)``, ``p`` one for the row or one a replication alike: ``n <= 0``
  or ``p <= 0`` gives 0, ``p >= 1`` gives ``n``; otherwise ``small = min(p, 1 - p)``
  is drawn (failures when ``p > 0.5``). The count is cut on a grid of width ``w =
  max(1, int(0.25 / small))`` into ``n_ref = w * (n // w)``. If ``Bin(n_ref, small)``
  fits a table (mean at most ``TABLE_MEAN_LIMIT`` and ``-n_ref log(1 - small)`` at
  most ``TABLE_START_LIMIT``, where ``(1 - small) ** n_ref`` nears underflow), the
  draw is its inverse CDF at ``u[2i]`` plus ``Bin(n - n_ref, small)`` inverted from 0
  with ``u[2i + 1]`` (a squeeze skips the ``exp`` when that is 0); otherwise it is
  ``Bin(n, small)`` inverted outward from the mode with ``u[2i]``, stopping after 40
  standard deviations and 40 steps.
- Poisson ``Poisson(lam)``: ``lam_ref = 0.5 * int(2 lam)``; at most
  ``TABLE_MEAN_LIMIT``, the inverse CDF of ``Poisson(lam_ref)`` at ``u[2i]`` plus
  ``Poisson(lam - lam_ref)`` inverted from 0 with ``u[2i + 1]``; past it, ``Poisson(lam)``
  inverted outward from the mode with ``u[2i]``.
- A row caches the cumulative tables of its fitting grid points when they span fewer
  than ``TABLES_LIMIT`` points, and otherwise walks the same sums element by element:
  a speed-up only, the draws are the same either way.

Each of those pieces is a way to get the distribution or the common random numbers
subtly wrong, so:

- every path is checked against probabilities computed independently of the
  module (scipy's ``binom``/``poisson``): chi-square goodness of fit on 200 000
  draws, cells lumped until each expects at least 5 draws, rejected below a
  p-value of 1e-4 (a test shows the check does reject a 3% error in ``p``); and
  means and variances of independent, non-identical draws as z-scores of their
  exact standard errors (fourth central moments), rejected beyond 5;
- the draws themselves are recomputed element by element from the stream's own
  uniforms, each on the path its own count and chance name: scipy's CDF inverted
  for the table and the remainder, scipy's pmf summed outward from the mode for the
  exact path, and compared exactly. Each limit is checked on both sides, with
  elements on either side of it in one row, so every element takes the path its
  name says whatever its neighbours; per-replication chances (flipping included)
  give what one chance for the row gives; and walked rows (grid points too far
  apart) give exactly what each element gives drawn alone from a cached table;
- common random numbers: changing one element's count (or mean, or chance), even
  across a limit, leaves every other element's draw unchanged; every call advances
  the stream by exactly two uniforms per element per part drawn; and counts
  ``n < n'`` in one grid cell, drawn from the same seed, give ordered draws.

Edge cases (chance 0 or 1, no trials, several rows, a draw far in the tail of a
huge count), the fused kernels ``settle`` and ``engage``, reproducibility and the
sharing of the numpy stream are checked too. Every generator is seeded, so the
suite is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from riskSim.simulation.engine import draws

SEED = 20240611
SIZE = 200_000
P_VALUE = 1e-4
"""Smallest chi-square p-value accepted: one false alarm in ten thousand checks."""
Z_LIMIT = 5.0
"""Largest standardised error of a mean or variance accepted."""


# --- exact distributions -------------------------------------------------------------------


def binomial_window(trials: int, chance: float) -> np.ndarray:
    """The values of ``Bin(trials, chance)`` within 20 deviations of the mean (all the mass)."""
    mean = trials * chance
    reach = 20.0 * math.sqrt(mean * (1.0 - chance)) + 20.0
    return np.arange(max(0, int(mean - reach)), min(trials, int(mean + reach)) + 1)


def poisson_window(mean: float) -> np.ndarray:
    """The values of ``Poisson(mean)`` within 20 deviations of the mean (all the mass)."""
    reach = 20.0 * math.sqrt(mean) + 20.0
    return np.arange(max(0, int(mean - reach)), int(mean + reach) + 1)


def binomial_moments(trials: np.ndarray, chance: np.ndarray | float) -> tuple[np.ndarray, ...]:
    """Mean, variance and fourth central moment of ``Bin(trials, chance)`` element-wise."""
    n = np.asarray(trials, dtype=np.float64)
    p = np.asarray(chance, dtype=np.float64)
    mean = n * p
    variance = n * p * (1.0 - p)
    fourth = variance * (1.0 + 3.0 * (n - 2.0) * p * (1.0 - p))
    return np.broadcast_arrays(mean, variance, fourth)


def poisson_moments(mean: np.ndarray | float) -> tuple[np.ndarray, ...]:
    """Mean, variance and fourth central moment of ``Poisson(mean)`` element-wise."""
    lam = np.asarray(mean, dtype=np.float64)
    return lam, lam, lam * (1.0 + 3.0 * lam)


# --- statistical checks --------------------------------------------------------------------


def chi_square_p_value(sample: np.ndarray, values: np.ndarray, pmf: np.ndarray) -> float:
    """Goodness of fit of ``sample`` to ``pmf`` over consecutive ``values``.

    Draws outside ``values`` count in the end cells; cells are lumped from the left until
    each expects at least 5 draws, the last leftover joining the previous cell.
    """
    sample = np.asarray(sample)
    assert sample.size > 0
    positions = np.clip(sample - values[0], 0, values.size - 1)
    observed = np.bincount(positions, minlength=values.size).astype(np.float64)
    expected = pmf * sample.size
    cells_observed: list[float] = []
    cells_expected: list[float] = []
    held_observed = held_expected = 0.0
    for seen, wanted in zip(observed, expected, strict=True):
        held_observed += seen
        held_expected += wanted
        if held_expected >= 5.0:
            cells_observed.append(held_observed)
            cells_expected.append(held_expected)
            held_observed = held_expected = 0.0
    if cells_expected:
        cells_observed[-1] += held_observed
        cells_expected[-1] += held_expected
    if held_observed > 0.0 and not cells_expected:
        return 0.0
    if len(cells_expected) < 2:
        # Every draw must fall in the single cell (a degenerate distribution).
        return 1.0 if np.all(observed[expected == 0.0] == 0.0) else 0.0
    seen_cells, wanted_cells = np.array(cells_observed), np.array(cells_expected)
    statistic = float(np.sum((seen_cells - wanted_cells) ** 2 / wanted_cells))
    return float(stats.chi2.sf(statistic, len(cells_expected) - 1))


def assert_fits_binomial(sample: np.ndarray, trials: int, chance: float) -> None:
    """Chi-square check of ``sample`` against ``Bin(trials, chance)``."""
    values = binomial_window(trials, chance)
    p_value = chi_square_p_value(sample, values, stats.binom.pmf(values, trials, chance))
    assert p_value > P_VALUE, f"Bin({trials}, {chance}): chi-square p-value {p_value:.3g}"


def assert_fits_poisson(sample: np.ndarray, mean: float) -> None:
    """Chi-square check of ``sample`` against ``Poisson(mean)``."""
    values = poisson_window(mean)
    p_value = chi_square_p_value(sample, values, stats.poisson.pmf(values, mean))
    assert p_value > P_VALUE, f"Poisson({mean}): chi-square p-value {p_value:.3g}"


def assert_moments(
    sample: np.ndarray, mean: np.ndarray, variance: np.ndarray, fourth: np.ndarray
) -> None:
    """Sum and sum of squared deviations of independent draws within 5 exact standard errors."""
    sample = np.asarray(sample, dtype=np.float64)
    mean, variance, fourth = (np.broadcast_to(a, sample.shape) for a in (mean, variance, fourth))
    deviation = sample - mean
    z_mean = deviation.sum() / math.sqrt(variance.sum())
    z_variance = (deviation**2 - variance).sum() / math.sqrt((fourth - variance**2).sum())
    assert abs(z_mean) < Z_LIMIT, f"mean off by {z_mean:.2f} standard errors"
    assert abs(z_variance) < Z_LIMIT, f"variance off by {z_variance:.2f} standard errors"


def assert_counts(result: np.ndarray, trials: np.ndarray) -> None:
    """Whole numbers in ``[0, trials]``, as ``int64`` of the trials' shape."""
    assert result.dtype == np.int64
    assert result.shape == np.shape(trials)
    assert np.all(result >= 0)
    assert np.all(result <= trials)


def interleaved(first: float, second: float, size: int = SIZE) -> np.ndarray:
    """``first`` at even positions, ``second`` at odd ones: two groups mixed in one row."""
    values = np.full(size, first)
    values[1::2] = second
    return values


# --- the module's paths, recomputed independently --------------------------------------------


def binomial_grid(chance: float) -> tuple[bool, float, int]:
    """Whether failures are drawn, the chance drawn (``min(p, 1 - p)``) and the grid's width."""
    flipped = chance > 0.5
    small = 1.0 - chance if flipped else chance
    return flipped, small, max(1, int(draws.BINOMIAL_GRID_MEAN / small))


def binomial_table_fits(reference: np.ndarray | int, small: float) -> np.ndarray:
    """Whether ``Bin(reference, small)`` is drawn from a table (else exactly), element-wise."""
    reference = np.asarray(reference, dtype=np.float64)
    return (reference * small <= draws.TABLE_MEAN_LIMIT) & (
        -reference * math.log1p(-small) <= draws.TABLE_START_LIMIT
    )


def groups(*arrays: np.ndarray) -> list[tuple[tuple[float, ...], np.ndarray]]:
    """The distinct tuples of the (broadcast, flattened) ``arrays``, each with its indices."""
    columns = [np.ravel(a).astype(np.float64) for a in np.broadcast_arrays(*arrays)]
    keys, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    ends = np.cumsum(np.bincount(inverse, minlength=len(keys)))[:-1]
    return list(zip((tuple(k) for k in keys), np.split(order, ends), strict=True))


def binomial_path(count: int, chance: float) -> str:
    """The path of one element ``Bin(count, chance)``: ``table``, ``exact`` or ``none``."""
    if count <= 0 or chance <= 0.0 or chance >= 1.0:
        return "none"
    _, small, width = binomial_grid(chance)
    return "table" if binomial_table_fits(width * (count // width), small) else "exact"


def binomial_paths(trials: np.ndarray, chance: np.ndarray | float) -> np.ndarray:
    """:func:`binomial_path` of each element, ``chance`` one for all or one a replication."""
    trials = np.asarray(trials)
    paths = np.empty(np.broadcast_shapes(trials.shape, np.shape(chance)), dtype="<U5")
    flat = paths.reshape(-1)
    for (count, value), indices in groups(trials, np.asarray(chance, dtype=np.float64)):
        flat[indices] = binomial_path(int(count), value)
    return paths


def binomial_cached(trials: np.ndarray, chance: float) -> bool:
    """Whether a row of ``trials`` caches its tables: fitting grid points span < TABLES_LIMIT."""
    _, small, width = binomial_grid(chance)
    counts = np.asarray(trials).ravel()
    points = counts[counts > 0] // width
    points = points[(points > 0) & binomial_table_fits(points * width, small)]
    return points.size > 0 and int(points.max() - points.min()) < draws.TABLES_LIMIT


def poisson_point(mean: np.ndarray | float) -> np.ndarray:
    """The grid point of each Poisson mean: ``int(mean / 0.5)``."""
    return (np.asarray(mean, dtype=np.float64) / draws.POISSON_GRID_WIDTH).astype(np.int64)


def poisson_paths(means: np.ndarray) -> np.ndarray:
    """The path of each Poisson mean: ``table``, ``exact`` or ``none``."""
    means = np.asarray(means, dtype=np.float64)
    fits = poisson_point(means) * draws.POISSON_GRID_WIDTH <= draws.TABLE_MEAN_LIMIT
    return np.where(means <= 0.0, "none", np.where(fits, "table", "exact"))


def poisson_cached(means: np.ndarray) -> bool:
    """Whether a row of Poisson ``means`` caches its tables (else walks them)."""
    points = poisson_point(np.asarray(means)[np.asarray(means) > 0.0])
    points = points[(points > 0) & (points * draws.POISSON_GRID_WIDTH <= draws.TABLE_MEAN_LIMIT)]
    return points.size > 0 and int(points.max() - points.min()) < draws.TABLES_LIMIT


def stream(size: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The uniforms of ``size`` elements from a fresh ``seed``: ``u[2i]`` and ``u[2i + 1]``."""
    uniforms = np.random.default_rng(seed).random(2 * size)
    return uniforms[0::2], uniforms[1::2]


def inverse_cdf(cdf: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """The smallest ``k`` with ``u <= cdf[k]`` (``cdf`` starting at 0)."""
    return np.searchsorted(cdf, uniforms, side="left")


def binomial_inverse(trials: int, chance: float, uniforms: np.ndarray) -> np.ndarray:
    """``Bin(trials, chance)`` by inversion of scipy's CDF from 0."""
    if trials <= 0:
        return np.zeros(uniforms.shape, dtype=np.int64)
    mean = trials * chance
    top = min(trials, int(mean + 20.0 * math.sqrt(mean * (1.0 - chance)) + 20.0))
    return inverse_cdf(stats.binom.cdf(np.arange(top + 1), trials, chance), uniforms)


def poisson_inverse(mean: float, uniforms: np.ndarray) -> np.ndarray:
    """``Poisson(mean)`` by inversion of scipy's CDF from 0."""
    if mean <= 0.0:
        return np.zeros(uniforms.shape, dtype=np.int64)
    top = int(mean + 20.0 * math.sqrt(mean) + 20.0)
    return inverse_cdf(stats.poisson.cdf(np.arange(top + 1), mean), uniforms)


def outward(mode: int, low: int, high: int) -> np.ndarray:
    """``mode, mode + 1, mode - 1, mode + 2, ...`` within ``[low, high]``."""
    steps = np.arange(1, max(high - mode, mode - low) + 1)
    order = np.empty(2 * steps.size + 1, dtype=np.int64)
    order[0], order[1::2], order[2::2] = mode, mode + steps, mode - steps
    return order[(order >= low) & (order <= high)]


def outward_inverse(
    order: np.ndarray, pmf: np.ndarray, mode: int, uniforms: np.ndarray
) -> np.ndarray:
    """The first value of ``order`` whose running sum of ``pmf`` reaches ``u`` (else the mode)."""
    index = inverse_cdf(np.cumsum(pmf), uniforms)
    return np.where(index < order.size, order[np.minimum(index, order.size - 1)], mode)


def binomial_outward(trials: int, chance: float, uniforms: np.ndarray) -> np.ndarray:
    """``Bin(trials, chance)`` inverted in the order outward from the mode (scipy's pmf)."""
    if trials <= 0 or chance <= 0.0:
        return np.zeros(uniforms.shape, dtype=np.int64)
    if chance >= 1.0:
        return np.full(uniforms.shape, trials, dtype=np.int64)
    mode = min(trials, int((trials + 1) * chance))
    reach = int(20.0 * math.sqrt(trials * chance * (1.0 - chance)) + 20.0)
    order = outward(mode, max(0, mode - reach), min(trials, mode + reach))
    return outward_inverse(order, stats.binom.pmf(order, trials, chance), mode, uniforms)


def poisson_outward(mean: float, uniforms: np.ndarray) -> np.ndarray:
    """``Poisson(mean)`` inverted in the order outward from the mode (scipy's pmf)."""
    if mean <= 0.0:
        return np.zeros(uniforms.shape, dtype=np.int64)
    mode = int(mean)
    order = outward(mode, 0, mode + int(20.0 * math.sqrt(mean) + 20.0))
    return outward_inverse(order, stats.poisson.pmf(order, mean), mode, uniforms)


def expected_binomial(
    trials: np.ndarray, chance: np.ndarray | float, path: str | None = None
) -> np.ndarray:
    """The draws of ``binomial(default_rng(SEED), trials, chance)``, element by element.

    Each element on its own path (:func:`binomial_path`), or all on ``path`` if named
    (``table`` or ``exact``); ``chance`` one for all or one a replication: the same rule.
    """
    trials = np.asarray(trials, dtype=np.int64)
    first, second = stream(trials.size)
    expected = np.zeros(trials.size, dtype=np.int64)
    for (value, probability), chosen in groups(trials, np.asarray(chance, dtype=np.float64)):
        count = int(value)
        own = binomial_path(count, probability)
        if own == "none":
            expected[chosen] = count if count > 0 and probability >= 1.0 else 0
            continue
        flipped, small, width = binomial_grid(probability)
        if (path or own) == "table":
            reference = width * (count // width)
            drawn = binomial_inverse(reference, small, first[chosen])
            # below the first grid point the rest is the whole draw, on the first uniform
            rest_uniforms = second[chosen] if reference > 0 else first[chosen]
            drawn += binomial_inverse(count - reference, small, rest_uniforms)
        else:
            drawn = binomial_outward(count, small, first[chosen])
        expected[chosen] = count - drawn if flipped else drawn
    return expected.reshape(trials.shape)


def expected_poisson(means: np.ndarray, path: str | None = None) -> np.ndarray:
    """The draws of ``poisson(default_rng(SEED), means, means.shape)``, element by element.

    Each element on its own path (:func:`poisson_paths`), or all on ``path`` if named.
    """
    means = np.asarray(means, dtype=np.float64)
    first, second = stream(means.size)
    expected = np.zeros(means.size, dtype=np.int64)
    for (mean,), chosen in groups(means):
        own = str(poisson_paths(np.array([mean]))[0])
        if own == "none":
            continue
        if (path or own) == "table":
            reference = float(poisson_point(mean)) * draws.POISSON_GRID_WIDTH
            drawn = poisson_inverse(reference, first[chosen])
            rest_uniforms = second[chosen] if reference > 0 else first[chosen]
            drawn += poisson_inverse(mean - reference, rest_uniforms)
        else:
            drawn = poisson_outward(mean, first[chosen])
        expected[chosen] = drawn
    return expected.reshape(means.shape)


def kernel_chances(chance: float, size: int = 1) -> np.ndarray:
    """``chance`` as the compiled kernels take it: one value, or ``size`` equal ones."""
    return np.full(size, chance, dtype=np.float64)


def raw_stream(elements: int, seed: int = SEED) -> np.ndarray:
    """The raw 64-bit outputs a call on ``elements`` elements takes from a fresh ``seed``."""
    return np.random.default_rng(seed).bit_generator.random_raw(2 * elements)


def binomial_alone(trials: np.ndarray, chance: float, raw: np.ndarray) -> np.ndarray:
    """Each element of ``trials`` drawn in a row of its own, with its own two uniforms."""
    out = np.empty((1, 1), dtype=np.int64)
    alone = np.empty(trials.size, dtype=np.int64)
    for index, count in enumerate(np.ravel(trials)):
        one = np.full((1, 1), count, dtype=np.int64)
        draws._binomial_rows(raw, 2 * index, one, kernel_chances(chance), out)
        alone[index] = out[0, 0]
    return alone.reshape(np.shape(trials))


def poisson_alone(means: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Each Poisson mean drawn in a row of its own, with its own two uniforms."""
    out = np.empty((1, 1), dtype=np.int64)
    alone = np.empty(means.size, dtype=np.int64)
    for index, mean in enumerate(np.ravel(means)):
        draws._poisson_rows(raw, 2 * index, np.full((1, 1), mean, dtype=np.float64), out)
        alone[index] = out[0, 0]
    return alone.reshape(np.shape(means))


# --- the checks themselves -----------------------------------------------------------------


def test_chi_square_check_rejects_a_three_percent_error() -> None:
    generator = np.random.default_rng(SEED)
    values = binomial_window(5000, 0.0035)
    pmf = stats.binom.pmf(values, 5000, 0.0035)
    right = generator.binomial(5000, 0.0035, SIZE)
    wrong = generator.binomial(5000, 0.0035 * 1.03, SIZE)
    assert chi_square_p_value(right, values, pmf) > P_VALUE
    assert chi_square_p_value(wrong, values, pmf) < P_VALUE


def test_path_predictions_tell_the_paths_apart() -> None:
    # The exact comparisons below would prove nothing if both paths gave the same draws.
    trials = np.full(1000, 5000)
    table = expected_binomial(trials, 0.0035, "table")
    exact = expected_binomial(trials, 0.0035, "exact")
    assert np.mean(table != exact) > 0.5
    np.testing.assert_array_equal(expected_binomial(trials, 0.0035), table)  # its own path
    means = np.full(1000, 17.5)
    assert np.mean(expected_poisson(means, "table") != expected_poisson(means, "exact")) > 0.5
    np.testing.assert_array_equal(expected_poisson(means), expected_poisson(means, "table"))


# --- binomial: the tables ------------------------------------------------------------------


def test_equal_counts_use_the_table_and_match_the_exact_pmf() -> None:
    trials = np.full(SIZE, 5000)
    assert np.all(binomial_paths(trials, 0.0035) == "table") and binomial_cached(trials, 0.0035)
    result = draws.binomial(np.random.default_rng(SEED), trials, 0.0035)
    assert_counts(result, trials)
    assert_fits_binomial(result, 5000, 0.0035)


@pytest.mark.parametrize(
    ("smaller", "larger", "chance"),
    [
        (4000, 4200, 0.0035),  # grid width 71: 3 grid points apart, remainders 24 and 11
        (4000, 4300, 0.05),  # width 5: table means 200 and 215
        (1000, 1040, 0.4),  # width 1, p near 1/2: no remainders
        # p > 1/2 draws the failures, Bin(n, 1 - p)
        (5000, 5000, 0.9965),
        (4000, 4200, 0.9965),
        (1000, 1040, 0.6),
    ],
)
def test_two_counts_each_match_their_own_pmf(smaller: int, larger: int, chance: float) -> None:
    trials = interleaved(smaller, larger).astype(np.int64)
    assert np.all(binomial_paths(trials, chance) == "table") and binomial_cached(trials, chance)
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    assert_counts(result, trials)
    assert_fits_binomial(result[0::2], smaller, chance)
    assert_fits_binomial(result[1::2], larger, chance)
    if chance > 0.5:
        assert_fits_binomial(larger - result[1::2], larger, 1.0 - chance)


@pytest.mark.parametrize("chance", [0.0035, 0.05])
def test_spread_counts_match_exact_moments(chance: float) -> None:
    # 4900..5100: 3 grid points at p = 0.0035, 41 at p = 0.05, one table each.
    generator = np.random.default_rng(SEED)
    trials = generator.integers(4900, 5101, SIZE)
    assert np.all(binomial_paths(trials, chance) == "table") and binomial_cached(trials, chance)
    result = draws.binomial(generator, trials, chance)
    assert_counts(result, trials)
    assert_moments(result, *binomial_moments(trials, chance))
    # The largest count is a group of its own: about 1000 draws.
    top = trials == 5100
    assert_fits_binomial(result[top], 5100, chance)


@pytest.mark.parametrize(
    ("trials", "chance"),
    [
        (170_000, 0.0035),  # table mean 594.9
        (171_428, 0.0035),  # reference 171 394: table mean 599.88, the largest
        (1000, 0.45),  # mean 450, p near 1/2: -n log(1 - p) = 598
        (1000, 0.5),  # mean 500, p = 1/2 (not flipped): -n log(1 - p) = 693
    ],
)
def test_tables_up_to_their_limits(trials: int, chance: float) -> None:
    counts = np.full(SIZE, trials)
    assert binomial_path(trials, chance) == "table"
    result = draws.binomial(np.random.default_rng(SEED), counts, chance)
    assert_fits_binomial(result, trials, chance)


@pytest.mark.parametrize(
    ("smaller", "larger", "chance"),
    [
        # The squeeze u <= 1 - k p is loosest for the longest remainder, w - 1 trials:
        (1000, 1064, 0.0035),  # remainder 70 of 71, (1 - p)^70 = 0.7826 vs 0.755
        (1000, 1049, 0.01),  # remainder 24 of 25: 0.7857 vs 0.76
        (1000, 1004, 0.05),  # remainder 4 of 5: 0.8145 vs 0.8
        (1000, 1003, 0.95),  # flipped: 0.25 / (1 - 0.95) = 4.99999..., width 4, remainder 3
        # Counts below the grid's width have no table: the remainder's own law in plain sight.
        (1, 70, 0.0035),
        (2, 24, 0.01),
        (2, 3, 0.95),
    ],
)
def test_squeeze_does_not_bias_a_small_remainder(smaller: int, larger: int, chance: float) -> None:
    trials = interleaved(smaller, larger).astype(np.int64)
    _, _, width = binomial_grid(chance)
    assert larger % width == width - 1
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    assert_fits_binomial(result[0::2], smaller, chance)
    assert_fits_binomial(result[1::2], larger, chance)
    assert_moments(result, *binomial_moments(trials, chance))


# --- binomial: the exact draws ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("trials", "chance"),
    [
        (180_000, 0.0035),  # table mean 629.9 > 600, -n log(1 - p) = 631: the mean limit only
        (180_000, 0.9965),  # the same, flipped
        (1100, 0.5),  # mean 550, -n log(1 - p) = 762 > 700: the start limit only
        (1300, 0.55),  # flipped, failures Bin(1300, 0.45) mean 585, start 777
        (1105, 0.49),  # (0.51)^1105 = 5e-324, one subnormal digit
        (1_000_000, 0.45),  # a large mean near 1/2: both limits
    ],
)
def test_past_the_table_limits_counts_are_drawn_exactly(trials: int, chance: float) -> None:
    counts = np.full(SIZE, trials)
    assert binomial_path(trials, chance) == "exact"
    result = draws.binomial(np.random.default_rng(SEED), counts, chance)
    assert_counts(result, counts)
    assert_fits_binomial(result, trials, chance)
    assert_moments(result, *binomial_moments(counts, chance))
    # The path is the exact one: the stream's uniforms inverted outward from the mode.
    head = counts[:2000]
    np.testing.assert_array_equal(result[:2000], expected_binomial(head, chance, "exact"))


@pytest.mark.parametrize("chance", [0.0035, 0.9965])
def test_wide_spread_of_counts_walks_the_tables(chance: float) -> None:
    # Width 71: 1000..19 176 spans 256 grid points, the largest table mean only 67: every
    # element on the table path, walked rather than cached.
    generator = np.random.default_rng(SEED)
    trials = generator.integers(1000, 1000 + 71 * 256 + 1, SIZE)
    trials[:2] = 1000, 1000 + 71 * 256  # both ends present
    trials[3::2] = 7000  # one group large enough for its own chi-square
    _, small, width = binomial_grid(chance)
    assert width == 71
    assert (trials.max() // width - trials.min() // width) >= draws.TABLES_LIMIT
    assert (trials.max() // width) * width * small <= draws.TABLE_MEAN_LIMIT
    assert np.all(binomial_paths(trials, chance) == "table")
    assert not binomial_cached(trials, chance)
    result = draws.binomial(generator, trials, chance)
    assert_counts(result, trials)
    assert_moments(result, *binomial_moments(trials, chance))
    assert_fits_binomial(result[3::2], 7000, chance)


def two_points(first: int, apart: int, chance: float, size: int = 4000) -> np.ndarray:
    """Counts at grid points ``first`` and ``first + apart`` (plus remainders), interleaved."""
    _, _, width = binomial_grid(chance)
    return interleaved(first * width + width // 2, (first + apart) * width, size).astype(np.int64)


@pytest.mark.parametrize(
    ("trials", "chance", "paths", "cached"),
    [
        # The spread of grid points: tables cached below the limit, walked from it on.
        (two_points(14, draws.TABLES_LIMIT - 1, 0.0035), 0.0035, ("table", "table"), True),
        (two_points(14, draws.TABLES_LIMIT, 0.0035), 0.0035, ("table", "table"), False),
        (two_points(14, draws.TABLES_LIMIT, 0.9965), 0.9965, ("table", "table"), False),
        (two_points(200, draws.TABLES_LIMIT, 0.4), 0.4, ("table", "table"), False),
        # The table's mean: reference 2414 * 71 (599.88) against 2415 * 71 (600.13), each
        # beside 160 000 (559.87), which keeps its table either way.
        (interleaved(160_000, 171_428, 4000).astype(np.int64), 0.0035, ("table", "table"), True),
        (interleaved(160_000, 171_465, 4000).astype(np.int64), 0.0035, ("table", "exact"), True),
        (interleaved(160_000, 171_465, 4000).astype(np.int64), 0.9965, ("table", "exact"), True),
        # Where the table starts, (1 - p) ** n_ref: 1000 (693) against 1010 (700.08) at p = 1/2,
        # each beside 900 (624).
        (interleaved(900, 1000, 4000).astype(np.int64), 0.5, ("table", "table"), True),
        (interleaved(900, 1010, 4000).astype(np.int64), 0.5, ("table", "exact"), True),
        (interleaved(900, 1010, 4000).astype(np.int64), 0.4999999, ("table", "exact"), True),
        (interleaved(900, 1010, 4000).astype(np.int64), 0.5000001, ("table", "exact"), True),
    ],
)
def test_each_limit_sends_each_element_down_its_own_path(
    trials: np.ndarray, chance: float, paths: tuple[str, str], cached: bool
) -> None:
    assert tuple(binomial_paths(trials[:2], chance)) == paths
    assert binomial_cached(trials, chance) == cached
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    np.testing.assert_array_equal(result, expected_binomial(trials, chance))
    # Its neighbours do not matter: each count draws what it draws in a row of its own kind.
    for count in np.unique(trials):
        chosen = trials == count
        alone = draws.binomial(np.random.default_rng(SEED), np.full(trials.size, count), chance)
        np.testing.assert_array_equal(result[chosen], alone[chosen])


@pytest.mark.parametrize("chance", [0.0035, 0.9965, 0.4])
def test_walked_rows_draw_what_each_element_draws_alone(chance: float) -> None:
    # Counts whose fitting grid points span far more than TABLES_LIMIT (and some past the
    # tables): the row walks each element's table; drawn alone, in a row of one with the
    # same two uniforms, the element's table is cached. The draws are the same.
    _, small, _ = binomial_grid(chance)
    trials = np.random.default_rng(SEED + 4).integers(0, int(900 / small), (1, 3000))
    paths = binomial_paths(trials, chance)
    assert {"table", "exact"} <= set(paths.ravel())
    assert not binomial_cached(trials, chance)
    raw = raw_stream(trials.size)
    row = np.empty_like(trials)
    draws._binomial_rows(raw, 0, trials, kernel_chances(chance), row)
    np.testing.assert_array_equal(row, draws.binomial(np.random.default_rng(SEED), trials, chance))
    np.testing.assert_array_equal(row, binomial_alone(trials, chance, raw))
    head = trials[0, :300]
    np.testing.assert_array_equal(row[0, :300], expected_binomial(head, chance))


def test_exact_draw_far_in_the_tail_of_a_huge_count_returns() -> None:
    # 10**8 trials at p = 1/2, a uniform a billionth from 1: the outward search stops after
    # 40 standard deviations and 40 steps (rounding may leave the sum short of u).
    trials = 10**8
    value = draws._binomial_exact(1.0 - 1e-9, trials, 0.5)
    assert 0 <= value <= trials
    assert abs(value - trials // 2) <= 40.0 * math.sqrt(trials * 0.25) + 41.0
    value = draws._poisson_exact(1.0 - 1e-9, 1e8)
    assert 0 <= value <= 1e8 + 40.0 * math.sqrt(1e8) + 41.0


# --- binomial: one chance per replication ----------------------------------------------------


def test_per_replication_chances_match_exact_moments() -> None:
    generator = np.random.default_rng(SEED)
    chances = generator.uniform(0.001, 0.01, SIZE)
    chances[::4] = generator.uniform(0.99, 0.999, SIZE // 4)  # some above 1/2
    trials = generator.integers(3000, 6001, SIZE)
    result = draws.binomial(generator, trials, chances)
    assert_counts(result, trials)
    assert_moments(result, *binomial_moments(trials, chances))


@pytest.mark.parametrize(("chance", "other"), [(0.003, 0.004), (0.5, 0.45), (0.7, 0.996)])
def test_per_replication_chances_each_match_their_own_pmf(chance: float, other: float) -> None:
    chances = interleaved(chance, other)
    trials = np.full(SIZE, 5000)
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    assert_fits_binomial(result[0::2], 5000, chance)
    assert_fits_binomial(result[1::2], 5000, other)


def test_per_replication_chances_of_zero_and_one() -> None:
    chances = np.tile([0.0, 1.0, 0.3], 10)
    trials = np.tile([7, 9, 0], 10)
    trials[0::6], trials[1::6] = 12, 14  # counts that differ between replications
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    assert np.all(result[0::3] == 0)
    np.testing.assert_array_equal(result[1::3], trials[1::3])
    assert np.all(result[2::3] == 0)  # no trials


def mixed_rows(chance: float, size: int = 4000) -> np.ndarray:
    """Two rows at ``chance``: cached tables and exact draws, then walked tables and exact draws.

    The first row holds references 0, ``w``, ``70 w`` and ``200 w`` with remainders, and a
    count of mean 6000; the second, counts up to a mean of 2000 drawn at random.
    """
    _, small, width = binomial_grid(chance)
    cells = [0, 1, width - 1, width, 70 * width, 70 * width + width // 2, 201 * width - 1]
    first = np.resize(np.array([*cells, int(6000 / small)], dtype=np.int64), size)
    second = np.random.default_rng(SEED + 5).integers(0, int(2000 / small), size)
    return np.stack([first, second])


@pytest.mark.parametrize("chance", [0.0035, 0.9965, 0.5, 0.6])
def test_equal_per_replication_chances_draw_as_one_chance(chance: float) -> None:
    # The kernels take a chance a replication element by element, one for the row through
    # its tables (cached or walked): an array of equal chances must draw what the float does.
    trials = mixed_rows(chance)
    assert {"table", "exact"} <= set(binomial_paths(trials, chance).ravel())
    assert binomial_cached(trials[0], chance) and not binomial_cached(trials[1], chance)
    raw = raw_stream(trials.size)
    one, each = np.empty_like(trials), np.empty_like(trials)
    draws._binomial_rows(raw, 0, trials, kernel_chances(chance), one)
    draws._binomial_rows(raw, 0, trials, kernel_chances(chance, trials.shape[1]), each)
    np.testing.assert_array_equal(each, one)
    generator = np.random.default_rng(SEED)
    np.testing.assert_array_equal(draws.binomial(generator, trials, chance), one)
    equal = np.full(trials.shape[1], chance)
    np.testing.assert_array_equal(draws.binomial(np.random.default_rng(SEED), trials, equal), one)


@pytest.mark.parametrize(("chance", "other"), [(0.0035, 0.9965), (0.003, 0.7), (0.5, 0.45)])
def test_per_replication_chances_draw_as_one_chance_each(chance: float, other: float) -> None:
    # Element by element, chances that differ give what each chance gives for the whole row
    # (failures drawn when p > 1/2, tables or exact draws by each element's own count).
    trials = mixed_rows(chance)
    assert {"table", "exact"} <= set(binomial_paths(trials, other).ravel())
    chances = interleaved(chance, other, trials.shape[1])
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    first = draws.binomial(np.random.default_rng(SEED), trials, chance)
    second = draws.binomial(np.random.default_rng(SEED), trials, other)
    np.testing.assert_array_equal(result[:, 0::2], first[:, 0::2])
    np.testing.assert_array_equal(result[:, 1::2], second[:, 1::2])


# --- poisson ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mean", [0.05, 0.49, 2.5, 17.5, 600.0, 600.49])
def test_poisson_equal_means_use_the_table(mean: float) -> None:
    assert poisson_paths(np.array([mean]))[0] == "table"
    result = draws.poisson(np.random.default_rng(SEED), mean, (SIZE,))
    assert result.dtype == np.int64 and result.shape == (SIZE,)
    assert_fits_poisson(result, mean)


def test_poisson_two_means_each_match_their_own_pmf() -> None:
    means = interleaved(17.5, 32.5)
    assert np.all(poisson_paths(means) == "table") and poisson_cached(means)
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    assert_fits_poisson(result[0::2], 17.5)
    assert_fits_poisson(result[1::2], 32.5)


def test_poisson_spread_means_match_exact_moments() -> None:
    generator = np.random.default_rng(SEED)
    means = generator.uniform(10.0, 30.0, SIZE)
    assert np.all(poisson_paths(means) == "table") and poisson_cached(means)
    result = draws.poisson(generator, means, means.shape)
    assert_moments(result, *poisson_moments(means))


@pytest.mark.parametrize(("smaller", "larger"), [(3.0, 3.49), (0.01, 0.49), (17.5, 17.99)])
def test_poisson_squeeze_does_not_bias_a_small_remainder(smaller: float, larger: float) -> None:
    # Remainders up to 0.49: exp(-0.49) = 0.61 against the squeeze's 0.51.
    means = interleaved(smaller, larger)
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    assert_fits_poisson(result[0::2], smaller)
    assert_fits_poisson(result[1::2], larger)


@pytest.mark.parametrize(
    ("smaller", "larger", "paths"),
    [
        (700.0, 700.0, ("exact", "exact")),  # past the table's mean limit
        (600.5, 600.5, ("exact", "exact")),  # the first grid point past it
        (5.0, 5.0 + draws.TABLES_LIMIT * draws.POISSON_GRID_WIDTH, ("table", "table")),  # walked
        (0.3, 700.0, ("table", "exact")),  # a mean below the grid's width beside exact draws
        (10_000.0, 100_000.0, ("exact", "exact")),  # large means
    ],
)
def test_poisson_walked_and_exact_draws_match_the_pmf(
    smaller: float, larger: float, paths: tuple[str, str]
) -> None:
    means = interleaved(smaller, larger)
    assert tuple(poisson_paths(means[:2])) == paths
    assert not poisson_cached(means)
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    assert_moments(result, *poisson_moments(means))
    assert_fits_poisson(result[0::2], smaller)
    assert_fits_poisson(result[1::2], larger)
    np.testing.assert_array_equal(result[:2000], expected_poisson(means[:2000]))


@pytest.mark.parametrize(
    ("means", "paths", "cached"),
    [
        (interleaved(5.0, 5.0 + 255 * draws.POISSON_GRID_WIDTH, 4000), ("table", "table"), True),
        (interleaved(5.0, 5.0 + 256 * draws.POISSON_GRID_WIDTH, 4000), ("table", "table"), False),
        (interleaved(3.2, 600.4, 4000), ("table", "table"), False),  # 1194 grid points apart
        (interleaved(550.2, 600.49, 4000), ("table", "table"), True),  # reference 600
        (interleaved(550.2, 600.5, 4000), ("table", "exact"), True),  # reference 600.5
        (interleaved(0.4, 600.5, 4000), ("table", "exact"), False),  # no table to cache
    ],
)
def test_each_poisson_limit_sends_each_element_down_its_own_path(
    means: np.ndarray, paths: tuple[str, str], cached: bool
) -> None:
    assert tuple(poisson_paths(means[:2])) == paths
    assert poisson_cached(means) == cached
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    np.testing.assert_array_equal(result, expected_poisson(means))
    for mean in np.unique(means):  # each mean draws what it draws among its own kind
        chosen = means == mean
        alone = draws.poisson(np.random.default_rng(SEED), mean, means.shape)
        np.testing.assert_array_equal(result[chosen], alone[chosen])


def test_walked_poisson_rows_draw_what_each_mean_draws_alone() -> None:
    # Means whose grid points span far more than TABLES_LIMIT, some past the tables: the row
    # walks each table, a row of one caches it; the same two uniforms give the same draw.
    means = np.random.default_rng(SEED + 4).uniform(0.0, 900.0, (1, 3000))
    assert {"table", "exact"} <= set(poisson_paths(means).ravel())
    assert not poisson_cached(means)
    raw = raw_stream(means.size)
    row = np.empty(means.shape, dtype=np.int64)
    draws._poisson_rows(raw, 0, means, row)
    np.testing.assert_array_equal(row, draws.poisson(np.random.default_rng(SEED), means, (1, 3000)))
    np.testing.assert_array_equal(row, poisson_alone(means, raw))
    np.testing.assert_array_equal(row[0, :300], expected_poisson(means[0, :300]))


def test_poisson_zero_means_give_zero() -> None:
    generator = np.random.default_rng(SEED)
    assert np.all(draws.poisson(generator, 0.0, (2, 100)) == 0)
    means = interleaved(0.0, 5.0)
    result = draws.poisson(generator, means, means.shape)
    assert np.all(result[0::2] == 0)
    assert_fits_poisson(result[1::2], 5.0)
    means[1::2] = 700.0  # zeros alongside the exact draws
    result = draws.poisson(generator, means, means.shape)
    assert np.all(result[0::2] == 0)
    assert_fits_poisson(result[1::2], 700.0)


def test_poisson_mean_broadcasts_over_rows() -> None:
    means = np.array([[4.0], [9.0]])
    result = draws.poisson(np.random.default_rng(SEED), means, (2, SIZE // 2))
    assert result.shape == (2, SIZE // 2)
    assert_fits_poisson(result[0], 4.0)
    assert_fits_poisson(result[1], 9.0)


# --- draws are the inverse CDF of the stream's own uniforms ----------------------------------


@pytest.mark.parametrize(
    ("counts", "chance"),
    [
        # References 0 (no table), 71, 4970, 4970 + remainders 0..70.
        ((0, 1, 70, 71, 4970, 5000, 5040, 5033), 0.0035),
        ((0, 1, 70, 71, 4970, 5000, 5040, 5033), 0.9965),
        ((1, 4, 5, 600, 601, 604, 1000), 0.05),
        ((800, 999, 1000, 1040), 0.4),  # width 1: the table alone
        ((170_000, 171_428, 171_400), 0.0035),  # the largest tables
    ],
)
def test_table_and_remainder_draws_invert_the_streams_uniforms(
    counts: tuple[int, ...], chance: float
) -> None:
    # Element i: F_ref^-1(u[2i]) + F_rest^-1(u[2i + 1]), failures when p > 1/2.
    trials = np.tile(np.array(counts, dtype=np.int64), SIZE // len(counts))
    assert set(binomial_paths(trials, chance)) <= {"table", "none"}
    assert binomial_cached(trials, chance)
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    np.testing.assert_array_equal(result, expected_binomial(trials, chance, "table"))


@pytest.mark.parametrize(
    ("counts", "chance"),
    [
        ((0, 5, 5000, 180_000), 0.0035),  # the mean limit: 180 000 exact, 5 and 5000 tables
        ((0, 5, 5000, 180_000), 0.9965),
        ((0, 1000, 1050, 1100), 0.5),  # the start limit only: 1000 tables, 1050 and 1100 exact
        ((1100, 1200, 1300), 0.55),  # all exact
    ],
)
def test_exact_draws_invert_the_streams_uniforms(counts: tuple[int, ...], chance: float) -> None:
    # Exact elements: u[2i] inverted outward from the mode, u[2i + 1] unused; the others
    # beside them in the same row on the table path, as if alone.
    trials = np.tile(np.array(counts, dtype=np.int64), SIZE // (2 * len(counts)))
    paths = binomial_paths(trials, chance)
    assert "exact" in paths
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    expected = expected_binomial(trials, chance)
    np.testing.assert_array_equal(result, expected)
    exact = paths == "exact"
    np.testing.assert_array_equal(
        expected[exact], expected_binomial(trials, chance, "exact")[exact]
    )


def test_per_replication_draws_invert_the_streams_uniforms() -> None:
    # Element by element, Bin(n, p_r) by the one definition: failures when p_r > 1/2, tables
    # or exact draws by the element's own count and chance.
    chances = np.tile([0.003, 0.5, 0.7, 0.9965, 0.0, 1.0], 16_000)
    trials = np.tile([5000, 1100, 40, 5000, 7, 0, 9, 2000], 12_000)
    assert set(binomial_paths(trials, chances)) == {"table", "exact", "none"}
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    np.testing.assert_array_equal(result, expected_binomial(trials, chances))


@pytest.mark.parametrize(
    ("values", "paths"),
    [
        ((0.0, 0.3, 0.5, 3.0, 3.49, 17.5, 100.2), {"none", "table"}),
        ((550.0, 550.2, 600.2, 600.49), {"table"}),  # the largest tables
        ((0.0, 0.3, 2.5, 700.0), {"none", "table", "exact"}),
        ((600.4, 600.5, 10_000.0), {"table", "exact"}),
    ],
)
def test_poisson_draws_invert_the_streams_uniforms(
    values: tuple[float, ...], paths: set[str]
) -> None:
    means = np.tile(values, SIZE // (2 * len(values)))
    assert set(poisson_paths(means)) == paths
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    np.testing.assert_array_equal(result, expected_poisson(means))


# --- common random numbers: one element's change stays its own --------------------------------


def assert_only_changed(before: np.ndarray, after: np.ndarray, index: tuple[int, ...]) -> None:
    """Every element but ``before[index]`` drawn the same."""
    others = np.ones(before.shape, dtype=bool)
    others[index] = False
    np.testing.assert_array_equal(after[others], before[others])


@pytest.mark.parametrize(
    ("chance", "low", "high", "changes"),
    [
        # Cached tables: to a new grid point, within one, to and from no trials, past the
        # others, far enough that the row walks its tables, past the tables (exact).
        (0.0035, 4000, 6000, (9000, 4001, 0, 20_000, 100_000, 200_000)),
        (0.9965, 4000, 6000, (9000, 4001, 0, 20_000, 100_000, 200_000)),
        (0.05, 100, 900, (1200, 101, 0, 1, 20_000)),
        # Walked tables: the counts span more than 256 grid points; and past the tables.
        (0.0035, 1000, 40_000, (100_000, 1001, 0, 1, 200_000)),
        # p = 1/2: counts past the start limit (exact) beside 1000..1009 (tables).
        (0.5, 1000, 2000, (5000, 1001, 0, 1, 1009, 1010)),
    ],
)
def test_changing_one_count_leaves_the_other_draws_alone(
    chance: float, low: int, high: int, changes: tuple[int, ...]
) -> None:
    trials = np.random.default_rng(SEED + 1).integers(low, high, (2, 5000))
    trials[1, 7] = 0
    before = draws.binomial(np.random.default_rng(SEED), trials, chance)
    for index in ((0, 3), (1, 4999), (1, 7)):
        for count in changes:
            changed = trials.copy()
            changed[index] = count
            after = draws.binomial(np.random.default_rng(SEED), changed, chance)
            assert_only_changed(before, after, index)


def test_changing_one_count_or_chance_leaves_other_per_replication_draws_alone() -> None:
    generator = np.random.default_rng(SEED + 1)
    chances = generator.uniform(0.001, 0.9, 5000)
    trials = generator.integers(0, 20_000, (2, 5000))
    before = draws.binomial(np.random.default_rng(SEED), trials, chances)
    for count in (0, 1, 50_000):
        changed = trials.copy()
        changed[1, 11] = count
        after = draws.binomial(np.random.default_rng(SEED), changed, chances)
        assert_only_changed(before, after, (1, 11))
    for chance in (0.0, 0.5, 1.0):
        other = chances.copy()
        other[11] = chance
        after = draws.binomial(np.random.default_rng(SEED), trials, other)
        assert_only_changed(before, after, (slice(None), 11))  # the chance applies to every row


@pytest.mark.parametrize(
    ("low", "high", "changes"),
    [
        # Cached tables: to and from nothing, new grid points, far enough to walk, past the tables.
        (2.0, 60.0, (0.0, 2.01, 90.0, 0.2, 200.0, 600.5, 700.0)),
        # Walked tables: and past them.
        (0.0, 400.0, (0.0, 3.0, 600.49, 600.5, 1000.0, 100_000.0)),
    ],
)
def test_changing_one_mean_leaves_the_other_poisson_draws_alone(
    low: float, high: float, changes: tuple[float, ...]
) -> None:
    means = np.random.default_rng(SEED + 1).uniform(low, high, (2, 5000))
    before = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    for index in ((0, 0), (1, 2500)):
        for mean in changes:
            changed = means.copy()
            changed[index] = mean
            after = draws.poisson(np.random.default_rng(SEED), changed, changed.shape)
            assert_only_changed(before, after, index)


@pytest.mark.parametrize("survival", [0.99, "per replication"])
def test_settle_draws_are_per_element(survival: float | str) -> None:
    generator = np.random.default_rng(SEED + 1)
    base = generator.integers(1000, 5000, (2, 4000))
    arrivals = generator.uniform(1.0, 20.0, 4000)
    chance = generator.uniform(0.9, 0.999, 4000) if survival == "per replication" else survival
    before = draws.settle(np.random.default_rng(SEED), base, chance, arrivals)
    for count in (0, 1001, 6000):
        changed = base.copy()
        changed[1, 9] = count
        after = draws.settle(np.random.default_rng(SEED), changed, chance, arrivals)
        assert_only_changed(before, after, (1, 9))
    for mean in (0.0, 1.5, 30.0):
        other = arrivals.copy()
        other[9] = mean
        after = draws.settle(np.random.default_rng(SEED), base, chance, other)
        assert_only_changed(before, after, (slice(None), 9))  # the mean broadcasts over rows


@pytest.mark.parametrize("per_replication", [False, True])
def test_engage_draws_are_per_element(per_replication: bool) -> None:
    generator = np.random.default_rng(SEED + 1)
    people = generator.integers(2000, 4000, (2, 4000))  # 167 grid points at p = 0.02
    engaged_chance = generator.uniform(0.01, 0.03, 4000) if per_replication else 0.02
    buying_chance = generator.uniform(0.05, 0.15, 4000) if per_replication else 0.1
    engaged, buyers = draws.engage(
        np.random.default_rng(SEED), people, engaged_chance, buying_chance
    )
    for row, count in ((0, 0), (0, 4500), (1, 2001), (1, 0)):
        changed = people.copy()
        changed[row, 5] = count
        if not per_replication:
            assert binomial_cached(people[row], 0.02) and binomial_cached(changed[row], 0.02)
        now_engaged, now_buyers = draws.engage(
            np.random.default_rng(SEED), changed, engaged_chance, buying_chance
        )
        assert_only_changed(engaged, now_engaged, (row, 5))
        assert_only_changed(buyers, now_buyers, (5,))


SWITCHES: dict[str, tuple[np.ndarray, np.ndarray | float, int, np.ndarray | float]] = {
    # Values of a row, its chance, and the last element's new value and chance.
    "binomial mean": (np.full(1000, 170_000), 0.0035, 180_000, 0.0035),  # table mean 630
    "binomial spread": (np.full(1000, 5000), 0.0035, 5000 + 256 * 71, 0.0035),  # mean 81
    "binomial start": (np.full(1000, 1000), 0.5, 1010, 0.5),  # -n log(1 - p) = 700.08
    # Chances per replication (one differs), then all equal: one chance for the row.
    "per-replication": (np.full(1000, 5000), np.append(np.full(999, 0.0035), 0.004), 5000, 0.0035),
    "poisson mean": (np.full(1000, 3.0), 0.0, 700, 0.0),  # no chance: means 3 and 700
}
"""A one-element change across a limit: the element's own path, or how the row gets its
tables (cached or walked, one chance or one a replication), changes."""


@pytest.mark.parametrize("case", list(SWITCHES))
def test_a_change_across_a_limit_leaves_the_other_draws_alone(case: str) -> None:
    values, chance, value, other = SWITCHES[case]
    changed = values.copy()
    changed[-1] = value
    if case == "poisson mean":
        assert set(poisson_paths(values)) == {"table"} and poisson_paths(changed)[-1] == "exact"
        before = draws.poisson(np.random.default_rng(SEED), values, values.shape)
        after = draws.poisson(np.random.default_rng(SEED), changed, changed.shape)
        np.testing.assert_array_equal(before, expected_poisson(values))
        np.testing.assert_array_equal(after, expected_poisson(changed))
    else:
        assert set(binomial_paths(values, chance)) == {"table"}
        if case == "binomial spread":
            assert binomial_paths(changed, other)[-1] == "table"
            assert binomial_cached(values, chance) and not binomial_cached(changed, other)
        elif case != "per-replication":
            assert binomial_paths(changed, other)[-1] == "exact"
        before = draws.binomial(np.random.default_rng(SEED), values.astype(np.int64), chance)
        after = draws.binomial(np.random.default_rng(SEED), changed.astype(np.int64), other)
        np.testing.assert_array_equal(before, expected_binomial(values, chance))
        np.testing.assert_array_equal(after, expected_binomial(changed, other))
    np.testing.assert_array_equal(after[:-1], before[:-1])


# --- common random numbers: two uniforms an element, whatever the path ------------------------


def advanced(generator: np.random.Generator, uniforms: int) -> None:
    """``generator`` is where a fresh ``SEED`` stream is after ``uniforms`` uniforms."""
    assert generator.random() == np.random.default_rng(SEED).random(uniforms + 1)[-1]


COUNTS = np.random.default_rng(SEED + 2).integers(0, 6000, (2, 700))
"""Two rows of 700 replications, some with no trials."""
PEOPLE = COUNTS.size
REPLICATIONS = COUNTS.shape[1]
SPREAD = COUNTS * 40  # up to 240 000: past the table limits at p = 0.0035
VARYING = np.linspace(0.001, 0.999, REPLICATIONS)
MEANS = np.random.default_rng(SEED + 3).uniform(0.0, 50.0, (2, REPLICATIONS))
Call = Callable[[np.random.Generator], object]


@pytest.mark.parametrize(
    ("call", "uniforms"),
    [
        (lambda g: draws.binomial(g, COUNTS, 0.0035), 2 * PEOPLE),
        (lambda g: draws.binomial(g, COUNTS, 0.9965), 2 * PEOPLE),
        (lambda g: draws.binomial(g, SPREAD, 0.0035), 2 * PEOPLE),  # walked and exact
        (lambda g: draws.binomial(g, COUNTS, 0.0), 2 * PEOPLE),
        (lambda g: draws.binomial(g, COUNTS, 1.0), 2 * PEOPLE),
        (lambda g: draws.binomial(g, np.zeros_like(COUNTS), 0.3), 2 * PEOPLE),
        (lambda g: draws.binomial(g, COUNTS, VARYING), 2 * PEOPLE),
        (lambda g: draws.binomial(g, COUNTS[0, 0], 0.3), 2),
        (lambda g: draws.poisson(g, MEANS, MEANS.shape), 2 * PEOPLE),
        (lambda g: draws.poisson(g, MEANS * 100, MEANS.shape), 2 * PEOPLE),  # walked, exact
        (lambda g: draws.poisson(g, 0.0, MEANS.shape), 2 * PEOPLE),
        (lambda g: draws.settle(g, COUNTS, None, None), 0),
        (lambda g: draws.settle(g, COUNTS, 0.99, None), 2 * PEOPLE),
        (lambda g: draws.settle(g, COUNTS, None, MEANS), 2 * PEOPLE),
        (lambda g: draws.settle(g, COUNTS, 0.99, MEANS[0]), 4 * PEOPLE),
        (lambda g: draws.settle(g, COUNTS, VARYING, 700.0), 4 * PEOPLE),
        (lambda g: draws.engage(g, COUNTS, 0.02, 0.1), 2 * PEOPLE + 2 * REPLICATIONS),
        (lambda g: draws.engage(g, COUNTS, VARYING, 0.0), 2 * PEOPLE + 2 * REPLICATIONS),
    ],
)
def test_each_element_takes_two_uniforms_per_part(call: Call, uniforms: int) -> None:
    generator = np.random.default_rng(SEED)
    call(generator)
    advanced(generator, uniforms)


def test_kernels_draw_from_the_numpy_stream() -> None:
    # Two uniforms an element from the Generator's own bit generator: numpy then
    # continues just after them.
    generator = np.random.default_rng(SEED)
    draws.binomial(generator, np.full(1000, 5000), 0.0035)
    reference = np.random.default_rng(SEED).random(2010)
    np.testing.assert_array_equal(generator.random(10), reference[2000:])
    # And numpy's draws before a kernel move the kernel's draws along.
    moved = np.random.default_rng(SEED)
    moved.random(1)
    first = draws.binomial(np.random.default_rng(SEED), np.full(1000, 5000), 0.0035)
    assert not np.array_equal(draws.binomial(moved, np.full(1000, 5000), 0.0035), first)


# --- common random numbers: nearby counts, nearby draws ---------------------------------------


@pytest.mark.parametrize(("chance", "reference"), [(0.0035, 4970), (0.9965, 4970), (0.05, 4000)])
def test_counts_in_one_grid_cell_give_ordered_draws(chance: float, reference: int) -> None:
    # Every count of the cell, each for all 50 000 replications of the same seed: one more
    # trial adds 0 or 1 to every draw (the same table, a remainder one trial longer).
    _, _, width = binomial_grid(chance)
    assert reference % width == 0
    results = np.array(
        [
            draws.binomial(np.random.default_rng(SEED), np.full(50_000, count), chance)
            for count in range(reference, reference + width)
        ]
    )
    steps = np.diff(results, axis=0)
    assert np.all((steps == 0) | (steps == 1))
    assert steps.mean() == pytest.approx(chance, rel=0.05)  # E[X(n + 1) - X(n)] = p


def test_poisson_means_in_one_grid_cell_give_ordered_draws() -> None:
    results = np.array(
        [
            draws.poisson(np.random.default_rng(SEED), mean, (50_000,))
            for mean in np.linspace(17.0, 17.49, 50)
        ]
    )
    steps = np.diff(results, axis=0)
    assert np.all(steps >= 0)
    assert (results[-1] - results[0]).mean() == pytest.approx(0.49, rel=0.05)


# --- edge cases ----------------------------------------------------------------------------


def test_chance_zero_gives_zero_and_chance_one_gives_the_trials() -> None:
    generator = np.random.default_rng(SEED)
    trials = np.array([[0, 1, 50, 5000], [3, 0, 7, 2]])
    for chance in (0.0, np.zeros(4)):
        result = draws.binomial(generator, trials, chance)
        np.testing.assert_array_equal(result, np.zeros_like(trials))
        assert result.dtype == np.int64
    for chance in (1.0, np.ones(4)):
        np.testing.assert_array_equal(draws.binomial(generator, trials, chance), trials)


def test_no_trials_give_zero() -> None:
    generator = np.random.default_rng(SEED)
    np.testing.assert_array_equal(draws.binomial(generator, np.zeros(10, int), 0.3), 0)
    np.testing.assert_array_equal(draws.binomial(generator, np.zeros(10, int), 0.7), 0)
    trials = np.tile([0, 5000], SIZE // 2)
    for chance in (0.0035, 0.9965):
        result = draws.binomial(generator, trials, chance)
        assert np.all(result[0::2] == 0)
        assert_fits_binomial(result[1::2], 5000, chance)


def test_rows_are_independent_groups_of_their_own_sizes() -> None:
    trials = np.empty((2, SIZE), dtype=np.int64)
    trials[0], trials[1] = 3000, 2000
    result = draws.binomial(np.random.default_rng(SEED), trials, 0.0035)
    assert_counts(result, trials)
    assert_fits_binomial(result[0], 3000, 0.0035)
    assert_fits_binomial(result[1], 2000, 0.0035)
    correlation = np.corrcoef(result[0], result[1])[0, 1]
    assert abs(correlation) < Z_LIMIT / math.sqrt(SIZE)


def test_per_replication_chances_apply_to_every_row() -> None:
    chances = interleaved(0.003, 0.6)
    trials = np.empty((2, SIZE), dtype=np.int64)
    trials[0], trials[1] = 3000, 200
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    assert_counts(result, trials)
    assert_fits_binomial(result[0, 0::2], 3000, 0.003)
    assert_fits_binomial(result[0, 1::2], 3000, 0.6)
    assert_fits_binomial(result[1, 0::2], 200, 0.003)
    assert_fits_binomial(result[1, 1::2], 200, 0.6)


def test_per_replication_chances_of_the_wrong_length_are_refused() -> None:
    # The kernels index chances by replication without bounds checks: too long would be
    # truncated silently and too short read past its end, so both are refused up front.
    trials = np.full((2, 5), 100)
    for chances in (np.linspace(0.1, 0.9, 7), np.linspace(0.1, 0.9, 3)):
        with pytest.raises(ValueError, match=r"one per replication \(5\)"):
            draws.binomial(np.random.default_rng(SEED), trials, chances)


def test_scalar_trials_keep_their_shape() -> None:
    result = draws.binomial(np.random.default_rng(SEED), np.array(5000), 0.0035)
    assert result.shape == ()
    assert 0 <= int(result) <= 5000


# --- settle ----------------------------------------------------------------------------------


def two_groups(first: int = 3000, second: int = 2000) -> np.ndarray:
    """``ndarray[2, SIZE]`` of ``first`` then ``second`` people."""
    base = np.empty((2, SIZE), dtype=np.int64)
    base[0], base[1] = first, second
    return base


def test_settle_without_survival_or_arrivals_returns_the_base() -> None:
    generator = np.random.default_rng(SEED)
    base = np.random.default_rng(SEED + 1).integers(0, 10_000, (2, 1000))
    before = generator.bit_generator.state
    result = draws.settle(generator, base, None, None)
    np.testing.assert_array_equal(result, base)
    assert result.dtype == np.int64 and result.shape == base.shape
    assert generator.bit_generator.state == before  # nothing drawn


def test_settle_with_survival_thins_binomially() -> None:
    base = two_groups()
    result = draws.settle(np.random.default_rng(SEED), base, 0.99, None)
    assert_counts(result, base)
    assert_moments(result, *binomial_moments(base, 0.99))
    assert_fits_binomial(result[0], 3000, 0.99)
    assert_fits_binomial(result[1], 2000, 0.99)


def test_settle_with_arrivals_adds_poisson() -> None:
    base = two_groups(100, 40)
    result = draws.settle(np.random.default_rng(SEED), base, None, 17.5)
    assert_fits_poisson(result[0] - 100, 17.5)
    assert_fits_poisson(result[1] - 40, 17.5)


def test_settle_with_both_adds_independent_parts() -> None:
    generator = np.random.default_rng(SEED)
    base = two_groups(3000, 2000)
    arrivals = generator.uniform(5.0, 15.0, SIZE)  # one per replication, broadcast over rows
    result = draws.settle(generator, base, 0.98, arrivals)
    thin_mean, thin_var, thin_fourth = binomial_moments(base, 0.98)
    come_mean, come_var, come_fourth = poisson_moments(np.broadcast_to(arrivals, base.shape))
    assert_moments(
        result,
        thin_mean + come_mean,
        thin_var + come_var,
        thin_fourth + come_fourth + 6.0 * thin_var * come_var,
    )


def test_settle_is_binomial_then_poisson_from_the_stream() -> None:
    # Survivors take the first 2 * size uniforms, arrivals the next 2 * size.
    base = np.tile(np.array([[3000], [2000]]), (1, 5000))
    result = draws.settle(np.random.default_rng(SEED), base, 0.99, 3.25)
    survivors = expected_binomial(base.ravel(), 0.99).reshape(base.shape)
    assert set(binomial_paths(base, 0.99).ravel()) == {"table"}
    first, second = stream(2 * base.size)
    arrived = poisson_inverse(3.0, first[base.size :]) + poisson_inverse(0.25, second[base.size :])
    np.testing.assert_array_equal(result, survivors + arrived.reshape(base.shape))


# --- engage ----------------------------------------------------------------------------------


def test_engage_buyers_are_drawn_among_the_engaged() -> None:
    people = two_groups(3000, 2000)
    engaged_chance, buying_chance = 0.02, 0.1
    engaged, buyers = draws.engage(
        np.random.default_rng(SEED), people, engaged_chance, buying_chance
    )
    assert engaged.shape == people.shape and buyers.shape == (SIZE,)
    assert engaged.dtype == np.int64 and buyers.dtype == np.int64
    assert_counts(engaged, people)
    assert np.all(buyers >= 0) and np.all(buyers <= engaged[0])
    assert_fits_binomial(engaged[0], 3000, engaged_chance)
    assert_fits_binomial(engaged[1], 2000, engaged_chance)
    # A binomial thinning of a binomial: buyers ~ Bin(3000, e b), and Bin(engaged, b) given it.
    assert_fits_binomial(buyers, 3000, engaged_chance * buying_chance)
    assert_moments(buyers, *binomial_moments(engaged[0], buying_chance))


def test_engage_with_per_replication_chances() -> None:
    generator = np.random.default_rng(SEED)
    people = two_groups(3000, 2000)
    engaged_chance = generator.uniform(0.01, 0.03, SIZE)
    buying_chance = generator.uniform(0.05, 0.15, SIZE)
    engaged, buyers = draws.engage(generator, people, engaged_chance, buying_chance)
    assert np.all(buyers <= engaged[0])
    assert_moments(engaged, *binomial_moments(people, engaged_chance))
    assert_moments(buyers, *binomial_moments(people[0], engaged_chance * buying_chance))
    assert_moments(buyers, *binomial_moments(engaged[0], buying_chance))


# --- reproducibility and the shared stream ---------------------------------------------------


def a_day(generator: np.random.Generator) -> list[np.ndarray]:
    """Every kernel once on every path, then numpy's own draws from the same stream."""
    trials = np.tile([4000, 4100, 6000], 1000)
    base = two_groups(3000, 2000)[:, :3000]
    return [
        draws.binomial(generator, trials, 0.0035),
        draws.binomial(generator, trials, 0.9965),
        draws.binomial(generator, trials * 100, 0.0035),  # exact draws
        draws.binomial(generator, trials, np.linspace(0.001, 0.01, trials.size)),
        draws.poisson(generator, np.tile([3.0, 3.5], 1500), (3000,)),
        draws.poisson(generator, 700.0, (3000,)),
        draws.settle(generator, base, 0.99, 2.5),
        *draws.engage(generator, base, 0.02, 0.1),
        generator.random(10),
        generator.binomial(100, 0.3, 10),
    ]


def test_same_seed_same_draws() -> None:
    first, second = a_day(np.random.default_rng(SEED)), a_day(np.random.default_rng(SEED))
    for one, other in zip(first, second, strict=True):
        np.testing.assert_array_equal(one, other)


def test_drawing_again_advances_the_stream() -> None:
    generator = np.random.default_rng(SEED)
    first, second = a_day(generator), a_day(generator)
    for one, other in zip(first, second, strict=True):
        assert not np.array_equal(one, other)


@pytest.mark.parametrize(
    ("low", "high", "chance"),
    [
        (44, 75, 0.0043),  # below the first grid point (58) and above it
        (40, 200, 0.0043),  # several cells apart
        (3000, 3150, 0.9965),  # flipped
    ],
)
def test_nearby_counts_draw_nearby_values_whatever_their_cells(
    low: int, high: int, chance: float
) -> None:
    """Common random numbers: the same uniforms on two nearby counts give close draws.

    A replication whose count differs a little between the calm and the shocked world
    must draw almost the same value in both, or revenue at risk picks up sampler noise
    (its tails, recovery days). The bulk of every draw comes from the first uniform.
    """
    size = 20_000
    first = draws.binomial(np.random.default_rng(SEED), np.full(size, low), chance)
    second = draws.binomial(np.random.default_rng(SEED), np.full(size, high), chance)
    assert np.corrcoef(first, second)[0, 1] > 0.75
    assert (second >= first).mean() > 0.9 if chance < 0.5 else (second >= first).mean() > 0.5


def test_nearby_poisson_means_draw_nearby_values_whatever_their_cells() -> None:
    size = 20_000
    first = draws.poisson(np.random.default_rng(SEED), np.full(size, 0.3), (size,))
    second = draws.poisson(np.random.default_rng(SEED), np.full(size, 0.7), (size,))
    assert np.corrcoef(first, second)[0, 1] > 0.6
    assert (second >= first).mean() > 0.95
