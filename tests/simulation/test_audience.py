"""Lazy audiences: churn and inflow drawn only when read, with the day-by-day distribution.

Worked case: 500 people, churn 10% a day, 3 arrivals a day, read after 5 days.
Survivors ~ Bin(500, 0.9^5): mean 295.245, variance 500 x 0.59049 x 0.40951 = 120.905.
Arrivals that stay ~ Poisson(3 x (1 + 0.9 + 0.81 + 0.729 + 0.6561) = 12.2853).
So the count has mean 307.5303 and variance 133.1903.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

from riskSim.simulation.engine.audience import LazyCount
from riskSim.simulation.engine.sampling import ExpectedValueSampler, RandomSampler

MEAN = 500 * 0.9**5 + 3 * sum(0.9**j for j in range(5))
VARIANCE = 500 * 0.9**5 * (1 - 0.9**5) + 3 * sum(0.9**j for j in range(5))


class CountingSampler(RandomSampler):
    """Counts the generator calls, to show that an untouched count draws nothing."""

    def __init__(self, generator: np.random.Generator) -> None:
        super().__init__(generator)
        self.calls = 0

    def settle(self, base, survival, arrivals):
        self.calls += 1
        return super().settle(base, survival, arrivals)


def five_days(base: np.ndarray) -> LazyCount:
    count = LazyCount(base)
    for _ in range(5):
        count.age(0.9, 3.0)
    return count


def test_expected_value_mode_gives_the_day_by_day_recursion() -> None:
    count = five_days(np.full(4, 500.0))
    assert count.settle(ExpectedValueSampler()) == pytest.approx(np.full(4, MEAN))
    assert MEAN == pytest.approx(307.5303, abs=1e-4)


def test_one_reading_has_the_distribution_of_five_daily_draws() -> None:
    generator = np.random.default_rng(11)
    replications = 200_000
    aggregated = five_days(np.full(replications, 500)).settle(RandomSampler(generator))
    daily = np.full(replications, 500)
    for _ in range(5):
        daily = generator.binomial(daily, 0.9) + generator.poisson(3.0, replications)
    error = np.sqrt(VARIANCE / replications)
    assert abs(aggregated.mean() - MEAN) < 4 * error
    assert abs(daily.mean() - MEAN) < 4 * error
    assert aggregated.var() == pytest.approx(VARIANCE, rel=0.02)
    assert daily.var() == pytest.approx(VARIANCE, rel=0.02)
    # the whole distribution, not just two moments: the exact law of the day-by-day
    # model is Bin(500, 0.9^5) + Poisson(12.2853), a convolution; chi-square against it
    values = np.arange(0, 700)
    exact = np.convolve(
        stats.binom.pmf(values, 500, 0.9**5), stats.poisson.pmf(values, MEAN - 500 * 0.9**5)
    )[: values.size]
    assert chi_square_p_value(aggregated, exact) > 1e-4
    assert chi_square_p_value(daily, exact) > 1e-4


def chi_square_p_value(draws: np.ndarray, exact: np.ndarray) -> float:
    """Goodness of fit of integer ``draws`` to the pmf ``exact`` (cells lumped to expect >= 5)."""
    observed = np.bincount(draws, minlength=exact.size)[: exact.size].astype(float)
    expected = exact * draws.size
    cells_observed, cells_expected, run_observed, run_expected = [], [], 0.0, 0.0
    for seen, wanted in zip(observed, expected, strict=True):
        run_observed, run_expected = run_observed + seen, run_expected + wanted
        if run_expected >= 5:
            cells_observed.append(run_observed)
            cells_expected.append(run_expected)
            run_observed, run_expected = 0.0, 0.0
    cells_observed[-1] += run_observed + (draws.size - observed.sum())
    cells_expected[-1] += run_expected + (draws.size - expected.sum())
    return float(stats.chisquare(cells_observed, cells_expected).pvalue)


def test_nothing_is_drawn_when_nothing_happened_since_the_last_reading() -> None:
    sampler = CountingSampler(np.random.default_rng(1))
    count = five_days(np.full(10, 500))
    first = count.settle(sampler)
    assert sampler.calls == 1  # survivors and arrivals in one compiled call
    assert count.settle(sampler) is first
    assert sampler.calls == 1
    count.age(1.0, 0.0)  # a day without churn or inflow
    count.settle(sampler)
    assert sampler.calls == 1


def test_people_who_join_have_not_churned_yet() -> None:
    count = five_days(np.full(3, 500.0))
    count.add(np.array([10.0, 20.0, 30.0]), ExpectedValueSampler())
    count.age(0.5, 0.0)
    assert count.settle(ExpectedValueSampler()) == pytest.approx((MEAN + np.array([10, 20, 30])) * 0.5)


def test_rows_churn_alike_and_arrive_apart() -> None:
    """A channel's prospects and others are two rows of one count."""
    count = LazyCount(np.array([[100.0, 100.0], [300.0, 300.0]]))
    count.age(np.array([0.5, 1.0]), np.array([[1.0], [3.0]]))
    settled = count.settle(ExpectedValueSampler())
    np.testing.assert_allclose(settled, [[51.0, 101.0], [153.0, 303.0]])


def test_a_shutdown_wipes_drawn_and_pending_people() -> None:
    count = five_days(np.full(3, 500.0))
    count.wipe(np.array([True, False, True]))
    np.testing.assert_allclose(count.settle(ExpectedValueSampler()), [0.0, MEAN, 0.0])


def test_days_aged_at_once_equal_days_aged_one_by_one() -> None:
    """age_days(k): the survival times keep**k, arrivals thinned and fed as over k days."""
    inflow = np.array([[2.0, 4.0], [6.0, 8.0]])
    one_by_one = LazyCount(np.array([[100.0, 100.0], [300.0, 300.0]]))
    one_by_one.arrive(np.array([[1.0, 1.0], [3.0, 3.0]]))
    at_once = copy.deepcopy(one_by_one)
    for _ in range(9):
        one_by_one.age(0.95, inflow)
    at_once.age_days(9, 0.95, inflow)
    assert at_once.survival == pytest.approx(0.95**9, rel=1e-14)
    np.testing.assert_allclose(at_once.arrivals, one_by_one.arrivals, rtol=1e-13)
    # hand-worked: 1 x 0.95^9 + 2 x (1 - 0.95^9) / 0.05 for the first prospects' cell
    assert at_once.arrivals[0, 0] == pytest.approx(0.95**9 + 2 * (1 - 0.95**9) / 0.05)
    sampler = ExpectedValueSampler()
    np.testing.assert_allclose(at_once.settle(sampler), one_by_one.settle(sampler), rtol=1e-13)


def test_aging_nothing_keeps_a_count_with_nothing_to_draw() -> None:
    count = LazyCount(np.full((2, 3), 10))
    count.age_days(5, 1.0, 0.0)  # no churn, no inflow
    assert count.survival == 1.0 and count.arrivals == 0.0
