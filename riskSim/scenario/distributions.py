"""Uncertain values: the ``{dist: ...}`` forms a scenario may use instead of a number.

Owns the pydantic models of the five distributions, their means (for
``--deterministic``) and their vectorized samplers. Every sampler takes an
explicit ``numpy.random.Generator``; nothing here touches global random state,
SimPy, files or the terminal.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Beta",
    "Distribution",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "Quantity",
    "quantity_mean",
    "sample_quantity",
]

FINITE = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Uniform(BaseModel):
    """Every value between ``low`` and ``high`` equally likely."""

    model_config = FINITE
    dist: Literal["uniform"] = Field(description="Uniform between low and high.")
    low: float = Field(description="Smallest value.")
    high: float = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low (={self.low}) must not be above high (={self.high})")
        return self

    def mean(self) -> float:
        """Expected value."""
        return (self.low + self.high) / 2

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        return self.low, self.high

    def sample(self, generator: np.random.Generator, size: int) -> np.ndarray:
        """Draws ``(ndarray[size])``."""
        return generator.uniform(self.low, self.high, size)


class Triangular(BaseModel):
    """A best guess (``mode``) with a smallest and a largest plausible value."""

    model_config = FINITE
    dist: Literal["triangular"] = Field(description="Triangular: low, most likely (mode), high.")
    low: float = Field(description="Smallest value.")
    mode: float = Field(description="Most likely value.")
    high: float = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"needs low <= mode <= high, got low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self

    def mean(self) -> float:
        """Expected value."""
        return (self.low + self.mode + self.high) / 3

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        return self.low, self.high

    def sample(self, generator: np.random.Generator, size: int) -> np.ndarray:
        """Draws ``(ndarray[size])``; a degenerate triangle gives its single value."""
        if self.low == self.high:
            return np.full(size, self.low)
        return generator.triangular(self.low, self.mode, self.high, size)


class Normal(BaseModel):
    """A bell curve; draws are clipped to the field's valid range."""

    model_config = FINITE
    dist: Literal["normal"] = Field(description="Normal with mean and standard deviation sd.")
    mean_: float = Field(alias="mean", description="Mean.")
    sd: float = Field(ge=0, description="Standard deviation (>= 0).")

    def mean(self) -> float:
        """Expected value (before clipping to the field's range)."""
        return self.mean_

    def support(self) -> tuple[float, float]:
        """A normal draw can take any value; the field's range clips it."""
        return (self.mean_, self.mean_) if self.sd == 0 else (-math.inf, math.inf)

    def sample(self, generator: np.random.Generator, size: int) -> np.ndarray:
        """Draws ``(ndarray[size])``."""
        return generator.normal(self.mean_, self.sd, size)


class LogNormal(BaseModel):
    """A right-skewed positive value given by its median and log-scale spread."""

    model_config = FINITE
    dist: Literal["lognormal"] = Field(
        description="Lognormal: median, and sigma, the standard deviation of its logarithm."
    )
    median: float = Field(gt=0, description="Median (> 0).")
    sigma: float = Field(ge=0, description="Standard deviation of the logarithm (>= 0).")

    def mean(self) -> float:
        """Expected value."""
        return self.median * math.exp(self.sigma**2 / 2)

    def support(self) -> tuple[float, float]:
        """Positive values only."""
        return (self.median, self.median) if self.sigma == 0 else (0.0, math.inf)

    def sample(self, generator: np.random.Generator, size: int) -> np.ndarray:
        """Draws ``(ndarray[size])``."""
        return generator.lognormal(math.log(self.median), self.sigma, size)


class Beta(BaseModel):
    """A share between 0 and 1, the natural form for an uncertain rate."""

    model_config = FINITE
    dist: Literal["beta"] = Field(description="Beta with shape parameters alpha and beta.")
    alpha: float = Field(gt=0, description="First shape parameter (> 0).")
    beta: float = Field(gt=0, description="Second shape parameter (> 0).")

    def mean(self) -> float:
        """Expected value."""
        return self.alpha / (self.alpha + self.beta)

    def support(self) -> tuple[float, float]:
        """Between 0 and 1."""
        return 0.0, 1.0

    def sample(self, generator: np.random.Generator, size: int) -> np.ndarray:
        """Draws ``(ndarray[size])``."""
        return generator.beta(self.alpha, self.beta, size)


Distribution = Annotated[
    Uniform | Triangular | Normal | LogNormal | Beta,
    Field(discriminator="dist"),
]
"""An uncertain value, told apart by its ``dist`` key."""

Quantity = float | Distribution
"""A number, or an uncertain value drawn once per replication."""


def quantity_mean(value: Quantity, low: float = -math.inf, high: float = math.inf) -> float:
    """The value ``--deterministic`` uses: the number itself or the distribution's mean.

    The mean is clipped to ``[low, high]``, the field's valid range, as draws are.
    """
    mean = value if isinstance(value, (int, float)) else value.mean()
    return float(min(max(mean, low), high))


def sample_quantity(
    value: Quantity,
    generator: np.random.Generator,
    size: int,
    low: float = -math.inf,
    high: float = math.inf,
) -> np.ndarray:
    """Per-replication values ``(ndarray[size])`` clipped to the field's range ``[low, high]``."""
    if isinstance(value, (int, float)):
        return np.full(size, float(value))
    return np.clip(value.sample(generator, size), low, high)
