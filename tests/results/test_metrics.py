"""Recovery days: the compiled one-pass scan against the definition written out in numpy."""

from __future__ import annotations

import math

import numpy as np

from riskSim.results.metrics import RECOVERY_LEVEL, RECOVERY_WINDOW_DAYS, recovery_days


def recovery_by_definition(shocked: np.ndarray, calm: np.ndarray, onset: np.ndarray) -> np.ndarray:
    """Day by day and replication by replication, as the design words it."""
    days, replications = shocked.shape
    result = np.full(replications, math.nan)
    for replication in range(replications):
        if not onset[replication] < days:
            continue
        start = math.floor(onset[replication])
        last_short = -1
        for day in range(start, days):
            first = max(0, day - RECOVERY_WINDOW_DAYS + 1)
            shocked_sum = shocked[first : day + 1, replication].sum()
            calm_sum = calm[first : day + 1, replication].sum()
            if shocked_sum < RECOVERY_LEVEL * calm_sum - 1e-9 * abs(calm_sum):
                last_short = day
        if last_short == days - 1:
            result[replication] = math.inf
        else:
            result[replication] = max(last_short + 1, start) - start
    return result


def test_recovery_days_match_the_definition_on_random_revenue() -> None:
    generator = np.random.default_rng(5)
    days, replications = 120, 200
    calm = generator.integers(0, 4, (days, replications)) * 1200.0
    shocked = calm * (generator.random((days, replications)) < 0.85)
    shocked[:40] = calm[:40]
    onset = np.where(generator.random(replications) < 0.8, generator.uniform(0, 130, replications), np.inf)
    expected = recovery_by_definition(shocked, calm, onset)
    np.testing.assert_array_equal(recovery_days(shocked, calm, onset), expected)
    assert np.isinf(expected).any() and np.isnan(expected).any()
    assert (expected[np.isfinite(expected)] > 0).any()


def test_equal_worlds_recover_at_once_and_a_lasting_loss_never_does() -> None:
    calm = np.full((60, 3), 100.0)
    shocked = calm.copy()
    shocked[30:, 1] = 90.0  # 90% of the calm world from day 30 to the end
    shocked[30:45, 2] = 0.0  # nothing for 15 days, then back
    result = recovery_days(shocked, calm, np.array([30.0, 30.0, 30.5]))
    # column 2: 95% of 28 days allows one zero day in the window, so it would need a
    # window starting on day 44 or later, ending on day 71 or later: past the horizon.
    assert result.tolist() == [0.0, math.inf, math.inf]
