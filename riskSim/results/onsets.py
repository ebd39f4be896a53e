"""When each shock starts, as charts mark it and reports tell it.

Read from a run's results (the onsets the engine drew, or the scenario's
fixed days), so charts and reports agree on every window without either
importing the other. Imports no presentation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from riskSim.units import daily_hazard
from riskSim.words import about_sign, describe_shock, percent, quoted_mean

if TYPE_CHECKING:
    from riskSim.results.records import SimulationResults

__all__ = ["ShockOnset", "shock_onsets"]


@dataclass(frozen=True)
class ShockOnset:
    """When a shock starts, as charts mark it and the report tells it.

    Attributes:
        index: position in the scenario's ``shocks``.
        label: what the shock does (:func:`describe_shock`).
        first_day: the onset day, or the start of the window onsets fall in.
        last_day: end of that window for an uncertain onset; None for a fixed one.
        happens_share: share of replications in which the shock starts within the horizon.
        when: the onset in words (``from day 180``).
    """

    index: int
    label: str
    first_day: float
    last_day: float | None
    happens_share: float
    when: str

    @property
    def uncertain(self) -> bool:
        """True when the onset is a window rather than a day."""
        return self.last_day is not None


def shock_onsets(results: SimulationResults) -> list[ShockOnset]:
    """Every shock's onset: a fixed day, or the window its drawn onsets fall in.

    A window is the distribution's support when it is bounded, else the 5th to
    95th percentile of the onsets drawn within the horizon. In expected-value
    mode every onset is a fixed day (the mean), as the engine uses it.
    """
    horizon = float(results.scenario.horizon_days)
    marks = []
    for index, shock in enumerate(results.scenario.shocks):
        label = describe_shock(shock, results.scenario.currency)
        draws = results.inputs.get(f"shocks.{index}.at")
        happens = results.inputs.get(f"shocks.{index}.happens")
        chance = (
            "" if shock.probability >= 1 else f", with probability {percent(shock.probability)}"
        )
        if shock.annual_probability is not None:
            rate = quoted_mean(shock.annual_probability)
            if draws is None:
                hazard = float(daily_hazard(rate))
                draws = np.array([1.0 / hazard if hazard > 0 else math.inf])
            onsets = draws if happens is None else np.where(happens > 0, draws, math.inf)
            inside = onsets[onsets < horizon]
            share = inside.size / onsets.size
            first, last = _window(inside, horizon) if inside.size else (horizon, horizon)
            when = (
                f"with a {about_sign(shock.annual_probability)}{percent(rate)} chance each year"
                f"{chance} (it starts within the horizon in {percent(share)} of runs)"
            )
            marks.append(ShockOnset(index, label, first, last, share, when))
            continue
        at = shock.at if shock.at is not None else 0.0
        happens_share = 1.0 if happens is None else float(happens.mean())
        if isinstance(at, (int, float)) or draws is None:
            day = min(max(quoted_mean(at), 0.0), horizon)
            share = happens_share if day < horizon else 0.0
            marks.append(ShockOnset(index, label, day, None, share, f"from day {day:g}{chance}"))
            continue
        low, high = at.support()
        if math.isfinite(low) and math.isfinite(high):
            first, last = max(low, 0.0), min(high, horizon)
        else:
            inside = draws[draws < horizon]
            first, last = _window(inside, horizon) if inside.size else (horizon, horizon)
        share = float(np.mean(draws < horizon)) * happens_share
        when = f"from a day between {first:,.0f} and {last:,.0f} ({at.dist}){chance}"
        marks.append(ShockOnset(index, label, first, last, share, when))
    return marks


def _window(onsets: np.ndarray, horizon: float) -> tuple[float, float]:
    low, high = np.percentile(onsets, [5, 95])
    return float(max(low, 0.0)), float(min(high, horizon))
