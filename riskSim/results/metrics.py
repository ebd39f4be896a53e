"""Statistics on per-replication results: summaries, tail risk, recovery, sensitivity.

Pure functions of numpy arrays; they know nothing of scenarios, SimPy, files
or charts, which keeps every figure in summary.json checkable by hand.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "RECOVERY_LEVEL",
    "RECOVERY_WINDOW_DAYS",
    "distribution_summary",
    "expected_shortfall",
    "herfindahl",
    "mean_and_se",
    "ratio",
    "recovery_days",
    "recovery_summary",
    "risk_summary",
    "spearman",
    "value_at_risk",
]

RECOVERY_WINDOW_DAYS = 28
RECOVERY_LEVEL = 0.95


def mean_and_se(values: np.ndarray) -> dict[str, float]:
    """Mean and its Monte Carlo standard error ``std / sqrt(n)`` of ``values (ndarray[n])``."""
    count = values.size
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(count)) if count > 1 else 0.0
    return {"mean": mean, "se": se}


def distribution_summary(values: np.ndarray) -> dict[str, float]:
    """``mean``, ``se``, ``p5``, ``p50``, ``p95`` of ``values (ndarray[n])``."""
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return {**mean_and_se(values), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


TAIL_SHARE_DENOMINATOR = 20
"""The tail of VaR95 and CVaR95 is the worst 1/20 (5%) of replications."""


def value_at_risk(losses: np.ndarray) -> float:
    """VaR95: the 95th percentile of ``losses (ndarray[n])`` (numpy's linear interpolation)."""
    return float(np.percentile(losses, 95))


def expected_shortfall(losses: np.ndarray) -> float:
    """CVaR95: the mean of the worst 5% of ``losses (ndarray[n])``, ties counted exactly.

    With ``k = n / 20`` the tail is the ``floor(k)`` largest losses plus the
    fractional part of the next one (Rockafellar-Uryasev, Acerbi-Tasche): a
    loss tied at the VaR counts only for the share that completes the 5%. The
    mean of every loss at or beyond the VaR would let a crowd of zeros dilute
    a tail that strikes fewer than 5% of replications. Never below the VaR.
    """
    count = losses.size
    whole, remainder = divmod(count, TAIL_SHARE_DENOMINATOR)
    worst_first = np.sort(losses)[::-1]
    # (sum of the floor(k) worst + fraction x next) / k, with k = n / 20, multiplied out
    total = TAIL_SHARE_DENOMINATOR * float(worst_first[:whole].sum())
    if remainder:
        total += remainder * float(worst_first[whole])
    tail = total / count
    # equal losses can come out a rounding below their own value
    return max(tail, value_at_risk(losses))


def risk_summary(losses: np.ndarray) -> dict[str, float]:
    """A loss per replication: ``mean``, ``se``, ``var95`` and ``cvar95``.

    Serves revenue at risk, profit at risk and every study alike, so a tail
    figure means the same wherever it is read.
    """
    return {
        **mean_and_se(losses),
        "var95": value_at_risk(losses),
        "cvar95": expected_shortfall(losses),
    }


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, 0 when there is nothing to divide by."""
    return float(numerator / denominator) if denominator else 0.0


def herfindahl(amounts: np.ndarray) -> float:
    """Herfindahl index of the shares of ``amounts (ndarray[channels])``: 1 = one channel."""
    total = float(amounts.sum())
    if total <= 0:
        return 0.0
    shares = amounts / total
    return float((shares**2).sum())


@njit(cache=True, nogil=True)
def _last_short_days(shocked, calm, start, window, level, last_short):  # type: ignore[no-untyped-def]
    """Per replication, the last day from ``start`` on whose trailing revenue is short.

    ``shocked`` and ``calm`` are daily revenue ``ndarray[days, replications]``;
    trailing revenue is the difference of cumulative revenue over ``window``
    days (summed day by day, as ``np.cumsum`` along the days does), and short
    means below ``level`` of the calm world's (less a relative 1e-9, so equal
    worlds never are). ``-1`` where no day is. One pass in memory order that
    keeps only the last ``window + 1`` days' cumulative sums, instead of two
    full cumulative arrays and a dozen more.
    """
    days, replications = shocked.shape
    last_short[:] = -1
    slots = window + 1
    shocked_sums = np.zeros((slots, replications))
    calm_sums = np.zeros((slots, replications))
    shocked_total = np.zeros(replications)
    calm_total = np.zeros(replications)
    for day in range(days):
        slot, old = day % slots, (day + 1) % slots  # old: the sums of day - window
        for replication in range(replications):
            shocked_total[replication] += shocked[day, replication]
            calm_total[replication] += calm[day, replication]
            shocked_sums[slot, replication] = shocked_total[replication]
            calm_sums[slot, replication] = calm_total[replication]
            shocked_trailing = shocked_total[replication]
            calm_trailing = calm_total[replication]
            if day >= window:
                shocked_trailing -= shocked_sums[old, replication]
                calm_trailing -= calm_sums[old, replication]
            tolerance = 1e-9 * abs(calm_trailing)
            if shocked_trailing < level * calm_trailing - tolerance and day >= start[replication]:
                last_short[replication] = day


def recovery_days(
    shocked_daily: np.ndarray, calm_daily: np.ndarray, first_onset: np.ndarray
) -> np.ndarray:
    """Days from the first shock's onset until trailing revenue is back for good.

    Args:
        shocked_daily, calm_daily: revenue per day, ``ndarray[days, replications]``.
        first_onset: onset of the first shock that happens, ``ndarray[replications]``
            (``inf`` where none happens within the horizon).

    Returns:
        ``ndarray[replications]``: for each replication, ``d - floor(onset)`` where
        ``d`` is the first day from the onset on after which the shocked world's
        trailing 28-day revenue stays at least 95% of the calm world's through the
        end of the horizon; ``inf`` if it is below on the last day (never
        recovers); ``nan`` where no shock happened.
    """
    days = shocked_daily.shape[0]
    happened = first_onset < days
    start = np.where(happened, np.floor(np.where(happened, first_onset, 0)), 0).astype(np.int64)
    last_short = np.empty(start.size, dtype=np.int64)
    _last_short_days(
        np.ascontiguousarray(shocked_daily, dtype=np.float64),
        np.ascontiguousarray(calm_daily, dtype=np.float64),
        start,
        RECOVERY_WINDOW_DAYS,
        RECOVERY_LEVEL,
        last_short,
    )
    recovered_on = np.maximum(last_short + 1, start)
    result = (recovered_on - start).astype(float)
    result[last_short == days - 1] = math.inf
    result[~happened] = math.nan
    return result


def recovery_summary(days: np.ndarray) -> dict[str, float | None]:
    """``median`` (None when most replications never recover) and ``never_share``.

    Replications in which no shock happened are left out; with none left,
    the median is None and ``never_share`` 0.
    """
    shocked = days[~np.isnan(days)]
    if shocked.size == 0:
        return {"median": None, "never_share": 0.0}
    median = float(np.median(shocked))
    return {
        "median": median if math.isfinite(median) else None,
        "never_share": float(np.isinf(shocked).mean()),
    }


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks with ties sharing their average rank (as Spearman's rho needs)."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    boundaries = np.flatnonzero(np.diff(sorted_values) != 0) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [values.size]))
    average = (starts + ends - 1) / 2.0
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def spearman(first: np.ndarray, second: np.ndarray) -> float:
    """Spearman rank correlation of two ``ndarray[n]``; 0 when either is constant."""
    first_ranks, second_ranks = _ranks(first), _ranks(second)
    first_ranks -= first_ranks.mean()
    second_ranks -= second_ranks.mean()
    denominator = math.sqrt(float((first_ranks**2).sum() * (second_ranks**2).sum()))
    return float((first_ranks * second_ranks).sum() / denominator) if denominator else 0.0
