"""Units of time and the one conversion of a yearly chance into a daily hazard.

A leaf: imports nothing of ours, so every layer can share these constants
instead of keeping its own copy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DAYS_PER_WEEK", "DAYS_PER_YEAR", "daily_hazard"]

DAYS_PER_WEEK = 7
DAYS_PER_YEAR = 365.0


def daily_hazard(annual_probability: np.ndarray | float) -> np.ndarray:
    """The constant daily hazard under which a shock strikes within a year with this chance.

    An exponential waiting time with this hazard has
    ``P(onset < 365) = annual_probability``; a chance of 1 gives an infinite
    hazard (onset 0) and a chance of 0 a hazard of 0 (never).

    Args:
        annual_probability: chance per year, a number or ``ndarray[replications]``.

    Returns:
        Hazard per day, same shape as the input.
    """
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.minimum(annual_probability, 1.0)) / DAYS_PER_YEAR
