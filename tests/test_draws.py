"""The compiled samplers of ``riskSim.engine.draws`` against exact probabilities.

``draws`` replaces numpy's per-element ``binomial``/``poisson`` with a table of the
row's smallest count (or mean) plus an inverted remainder, a squeeze shortcut, a
"flipped" draw for p > 0.5 and per-element fallbacks. Each of those is a way to
get the distribution subtly wrong, so every path is checked against probabilities
computed independently of the module (scipy's ``binom``/``poisson`` pmfs):

- chi-square goodness of fit on 200 000 draws, cells lumped until each expects at
  least 5 draws, rejected below a p-value of 1e-4 (the chi-square tail from scipy's
  ``chi2.sf``; a test shows the check does reject a 3% error in ``p``);
- means and variances of independent, non-identical draws as z-scores of their
  exact standard errors (fourth central moments), rejected beyond 5;
- for the table and remainder, the draws themselves: they must be the inverse
  CDF of the stream's own uniforms, as the module's docstring promises.

Edge cases (chance 0 or 1, no trials, several rows), the fused kernels ``settle``
and ``engage``, reproducibility and the sharing of the numpy stream are checked
too. Every generator is seeded, so the suite is deterministic.

A case these tests found: a table whose ``P(X = 0) = (1 - p) ** n`` underflows
(p near 1/2, mean in the table's range) drew one constant value; such rows now
go to the per-element draws (``TABLE_START_LIMIT``), and stay tested below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from riskSim.engine import draws

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


def interleaved(first: int, second: int, size: int = SIZE) -> np.ndarray:
    """``first`` at even positions, ``second`` at odd ones: two groups mixed in one row."""
    trials = np.full(size, first, dtype=np.int64)
    trials[1::2] = second
    return trials


# --- the checks themselves -----------------------------------------------------------------


def test_chi_square_check_rejects_a_three_percent_error() -> None:
    generator = np.random.default_rng(SEED)
    values = binomial_window(5000, 0.0035)
    pmf = stats.binom.pmf(values, 5000, 0.0035)
    right = generator.binomial(5000, 0.0035, SIZE)
    wrong = generator.binomial(5000, 0.0035 * 1.03, SIZE)
    assert chi_square_p_value(right, values, pmf) > P_VALUE
    assert chi_square_p_value(wrong, values, pmf) < P_VALUE


# --- binomial: every path ------------------------------------------------------------------


def test_equal_counts_use_the_table_and_match_the_exact_pmf() -> None:
    trials = np.full(SIZE, 5000)
    result = draws.binomial(np.random.default_rng(SEED), trials, 0.0035)
    assert_counts(result, trials)
    assert_fits_binomial(result, 5000, 0.0035)


@pytest.mark.parametrize(
    ("smaller", "larger", "chance"),
    [
        (4000, 4200, 0.0035),  # remainder mean 0.7
        (4000, 4300, 0.05),  # table mean 200, remainder mean 15: long inversions
        (2000, 2040, 0.4),  # p near 1/2
    ],
)
def test_two_counts_each_match_their_own_pmf(smaller: int, larger: int, chance: float) -> None:
    trials = interleaved(smaller, larger)
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    assert_counts(result, trials)
    assert_fits_binomial(result[0::2], smaller, chance)
    assert_fits_binomial(result[1::2], larger, chance)


@pytest.mark.parametrize("chance", [0.0035, 0.05])
def test_spread_counts_match_exact_moments(chance: float) -> None:
    # 4900..5100: spread * p at most 10, inside the remainder limit.
    generator = np.random.default_rng(SEED)
    trials = generator.integers(4900, 5101, SIZE)
    assert (trials.max() - trials.min()) * chance <= draws.REMAINDER_MEAN_LIMIT
    result = draws.binomial(generator, trials, chance)
    assert_counts(result, trials)
    assert_moments(result, *binomial_moments(trials, chance))
    # The largest count is a group of its own: about 1000 draws.
    top = trials == 5100
    assert_fits_binomial(result[top], 5100, chance)


@pytest.mark.parametrize(
    ("smaller", "larger", "chance"),
    [(5000, 5000, 0.9965), (4000, 4200, 0.9965), (2000, 2040, 0.6)],
)
def test_chance_above_one_half_draws_failures(smaller: int, larger: int, chance: float) -> None:
    trials = interleaved(smaller, larger)
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    assert_counts(result, trials)
    assert_fits_binomial(result[0::2], smaller, chance)
    assert_fits_binomial(result[1::2], larger, chance)
    # Equivalently, the failures are Bin(n, 1 - p).
    assert_fits_binomial(larger - result[1::2], larger, 1.0 - chance)


@pytest.mark.parametrize(
    ("trials", "chance"),
    [
        (170_000, 0.0035),  # mean 595: the largest tables
        (171_428, 0.0035),  # mean 599.998
        (1000, 0.45),  # mean 450, p near 1/2
        (1000, 0.5),  # mean 500, p = 1/2 (not flipped)
    ],
)
def test_tables_up_to_their_mean_limit(trials: int, chance: float) -> None:
    assert trials * min(chance, 1.0 - chance) <= draws.TABLE_MEAN_LIMIT
    result = draws.binomial(np.random.default_rng(SEED), np.full(SIZE, trials), chance)
    assert_fits_binomial(result, trials, chance)


@pytest.mark.parametrize(
    ("trials", "chance"),
    [
        (1100, 0.5),  # mean 550, (1/2)^1100 = 0 in doubles: all draws 716
        (1200, 0.5),  # mean 600: all draws 773
        (1300, 0.55),  # flipped, failures Bin(1300, 0.45) mean 585: all draws 536
        (1105, 0.49),  # (0.51)^1105 = 5e-324, one subnormal digit: mean 595 instead of 541
    ],
)
def test_tables_whose_first_probability_underflows(trials: int, chance: float) -> None:
    assert trials * min(chance, 1.0 - chance) <= draws.TABLE_MEAN_LIMIT
    result = draws.binomial(np.random.default_rng(SEED), np.full(SIZE, trials), chance)
    assert_fits_binomial(result, trials, chance)


@pytest.mark.parametrize(("trials", "chance"), [(200_000, 0.0035), (200_000, 0.9965)])
def test_mean_past_the_table_falls_back_per_element(trials: int, chance: float) -> None:
    assert trials * min(chance, 1.0 - chance) > draws.TABLE_MEAN_LIMIT
    counts = np.full(SIZE, trials)
    result = draws.binomial(np.random.default_rng(SEED), counts, chance)
    assert_counts(result, counts)
    assert_moments(result, *binomial_moments(counts, chance))
    assert_fits_binomial(result, trials, chance)


@pytest.mark.parametrize("chance", [0.0035, 0.9965])
def test_wide_spread_of_counts_falls_back_per_element(chance: float) -> None:
    generator = np.random.default_rng(SEED)
    trials = generator.integers(1000, 10_001, SIZE)
    assert (trials.max() - trials.min()) * min(chance, 1 - chance) > draws.REMAINDER_MEAN_LIMIT
    trials[1::2] = 7000  # one group large enough for its own chi-square
    result = draws.binomial(generator, trials, chance)
    assert_counts(result, trials)
    assert_moments(result, *binomial_moments(trials, chance))
    assert_fits_binomial(result[1::2], 7000, chance)


def test_per_replication_chances_match_exact_moments() -> None:
    generator = np.random.default_rng(SEED)
    chances = generator.uniform(0.001, 0.01, SIZE)
    chances[::4] = generator.uniform(0.99, 0.999, SIZE // 4)  # some above 1/2
    trials = generator.integers(3000, 6001, SIZE)
    result = draws.binomial(generator, trials, chances)
    assert_counts(result, trials)
    assert_moments(result, *binomial_moments(trials, chances))


def test_per_replication_chances_each_match_their_own_pmf() -> None:
    chances = np.full(SIZE, 0.003)
    chances[1::2] = 0.004
    trials = np.full(SIZE, 5000)
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    assert_fits_binomial(result[0::2], 5000, 0.003)
    assert_fits_binomial(result[1::2], 5000, 0.004)


def test_per_replication_chances_of_zero_and_one() -> None:
    chances = np.tile([0.0, 1.0, 0.3], 10)
    trials = np.tile([7, 9, 0], 10)
    trials[0::6], trials[1::6] = 12, 14  # counts that differ between replications
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    assert np.all(result[0::3] == 0)
    np.testing.assert_array_equal(result[1::3], trials[1::3])
    assert np.all(result[2::3] == 0)  # no trials


@pytest.mark.parametrize(
    ("smaller", "larger", "chance"),
    [
        (1000, 1086, 0.0035),  # remainder mean 0.301, (1 - p)^k barely above 1 - k p
        (1000, 1003, 0.1),  # remainder mean 0.3: (1 - p)^k = 0.729 vs the squeeze's 0.7
        (200, 201, 0.3),  # one extra trial
        (1000, 1003, 0.9),  # flipped remainder
        # A one- or two-trial table leaves the remainder's own law in plain sight.
        (1, 4, 0.1),
        (2, 88, 0.0035),
        (2, 5, 0.9),
    ],
)
def test_squeeze_does_not_bias_a_small_remainder(smaller: int, larger: int, chance: float) -> None:
    trials = interleaved(smaller, larger)
    result = draws.binomial(np.random.default_rng(SEED), trials, chance)
    assert_fits_binomial(result[1::2], larger, chance)
    assert_moments(result, *binomial_moments(trials, chance))


def test_poisson_squeeze_does_not_bias_a_small_remainder() -> None:
    for smaller, larger in ((3.0, 3.3), (0.01, 0.31)):
        means = np.full(SIZE, smaller)
        means[1::2] = larger
        result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
        assert_fits_poisson(result[0::2], smaller)
        assert_fits_poisson(result[1::2], larger)


# --- poisson: every path -------------------------------------------------------------------


@pytest.mark.parametrize("mean", [0.05, 2.5, 17.5, 600.0])
def test_poisson_equal_means_use_the_table(mean: float) -> None:
    result = draws.poisson(np.random.default_rng(SEED), mean, (SIZE,))
    assert result.dtype == np.int64 and result.shape == (SIZE,)
    assert_fits_poisson(result, mean)


def test_poisson_two_means_each_match_their_own_pmf() -> None:
    means = np.full(SIZE, 17.5)
    means[1::2] = 32.5  # remainder 15
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    assert_fits_poisson(result[0::2], 17.5)
    assert_fits_poisson(result[1::2], 32.5)


def test_poisson_spread_means_match_exact_moments() -> None:
    generator = np.random.default_rng(SEED)
    means = generator.uniform(10.0, 30.0, SIZE)
    result = draws.poisson(generator, means, means.shape)
    assert_moments(result, *poisson_moments(means))


@pytest.mark.parametrize("spread", [False, True])
def test_poisson_falls_back_per_element(spread: bool) -> None:
    # A mean past the table, or means further apart than the remainder limit.
    means = np.full(SIZE, 700.0 if not spread else 5.0)
    if spread:
        means[1::2] = 5.0 + 2 * draws.REMAINDER_MEAN_LIMIT
    result = draws.poisson(np.random.default_rng(SEED), means, means.shape)
    assert_moments(result, *poisson_moments(means))
    assert_fits_poisson(result[0::2], float(means[0]))
    assert_fits_poisson(result[1::2], float(means[1]))


def test_poisson_zero_means_give_zero() -> None:
    generator = np.random.default_rng(SEED)
    assert np.all(draws.poisson(generator, 0.0, (2, 100)) == 0)
    means = np.zeros(SIZE)
    means[1::2] = 5.0
    result = draws.poisson(generator, means, means.shape)
    assert np.all(result[0::2] == 0)
    assert_fits_poisson(result[1::2], 5.0)
    means[1::2] = 700.0  # zeros alongside the per-element fallback
    result = draws.poisson(generator, means, means.shape)
    assert np.all(result[0::2] == 0)
    assert_fits_poisson(result[1::2], 700.0)


def test_poisson_mean_broadcasts_over_rows() -> None:
    means = np.array([[4.0], [9.0]])
    result = draws.poisson(np.random.default_rng(SEED), means, (2, SIZE // 2))
    assert result.shape == (2, SIZE // 2)
    assert_fits_poisson(result[0], 4.0)
    assert_fits_poisson(result[1], 9.0)


# --- draws are the inverse CDF of the stream's uniforms ------------------------------------


def inverse_cdf(cdf: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """The smallest ``k`` with ``u <= cdf[k]`` (``cdf`` starting at 0)."""
    return np.searchsorted(cdf, uniforms, side="left")


def test_table_draws_invert_the_streams_uniforms() -> None:
    # One uniform per element, in order: X_i = F^-1(u_i) for the exact F.
    trials, chance = 5000, 0.0035
    result = draws.binomial(np.random.default_rng(SEED), np.full(SIZE, trials), chance)
    cdf = np.cumsum(stats.binom.pmf(np.arange(trials + 1), trials, chance))
    uniforms = np.random.default_rng(SEED).random(SIZE)
    np.testing.assert_array_equal(result, inverse_cdf(cdf, uniforms))


def test_table_and_remainder_draws_invert_the_streams_uniforms() -> None:
    # Elements above the smallest count take a second uniform for Bin(n - n_min, p).
    chance, smallest = 0.05, 4000
    rests = np.tile([0, 1, 7, 300], SIZE // 4)
    result = draws.binomial(np.random.default_rng(SEED), smallest + rests, chance)
    taken = 1 + (rests > 0)
    first = np.cumsum(taken) - taken
    uniforms = np.random.default_rng(SEED).random(int(taken.sum()))
    table = np.cumsum(stats.binom.pmf(np.arange(smallest + 1), smallest, chance))
    expected = inverse_cdf(table, uniforms[first])
    for rest in (1, 7, 300):
        chosen = rests == rest
        cdf = np.cumsum(stats.binom.pmf(np.arange(rest + 1), rest, chance))
        expected[chosen] += inverse_cdf(cdf, uniforms[first[chosen] + 1])
    np.testing.assert_array_equal(result, expected)


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
    chances = np.full(SIZE, 0.003)
    chances[1::2] = 0.6
    trials = np.empty((2, SIZE), dtype=np.int64)
    trials[0], trials[1] = 3000, 200
    result = draws.binomial(np.random.default_rng(SEED), trials, chances)
    assert_counts(result, trials)
    assert_fits_binomial(result[0, 0::2], 3000, 0.003)
    assert_fits_binomial(result[0, 1::2], 3000, 0.6)
    assert_fits_binomial(result[1, 0::2], 200, 0.003)
    assert_fits_binomial(result[1, 1::2], 200, 0.6)


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
        draws.binomial(generator, trials * 100, 0.0035),  # fallback
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


def test_kernels_draw_from_the_numpy_stream() -> None:
    # The table path takes exactly one uniform per element from the Generator's own bit
    # generator, so numpy then continues just after them.
    generator = np.random.default_rng(SEED)
    draws.binomial(generator, np.full(1000, 5000), 0.0035)
    reference = np.random.default_rng(SEED).random(1010)
    np.testing.assert_array_equal(generator.random(10), reference[1000:])
    # And numpy's draws before a kernel move the kernel's draws along.
    moved = np.random.default_rng(SEED)
    moved.random(1)
    first = draws.binomial(np.random.default_rng(SEED), np.full(1000, 5000), 0.0035)
    assert not np.array_equal(draws.binomial(moved, np.full(1000, 5000), 0.0035), first)
