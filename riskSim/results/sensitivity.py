"""What each uncertain input is worth in money: the swing behind the tornado.

Owns the tornado's figures (per strategy and uncertain input, mean profit at
risk among the replications whose input fell in its lowest tenth, and among
those in its highest tenth) and the inputs' names in words ("Instagram
account suspension: onset day", not ``shocks.2.at``). summary.json keeps its
Spearman correlations (:meth:`SimulationResults.sensitivity`); these figures
are for people reading a chart or a report. Imports no presentation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from riskSim.words import channel_name, sentence_start

if TYPE_CHECKING:
    from riskSim.results.records import SimulationResults
    from riskSim.scenario import Scenario

__all__ = ["DECILE", "MIN_TORNADO_INPUTS", "Swing", "input_label", "profit_swings"]

DECILE = 0.1
"""The share of replications at each end of an input's range that a swing compares."""
MIN_TORNADO_INPUTS = 2
"""A tornado ranks inputs; with one input there is nothing to rank, and a sentence says it."""

_SHOCK_FIELDS = {
    "at": "onset day",
    "happens": "whether it happens",
    "annual_probability": "chance a year",
    "fee": "fee per post",
    "factor": "size (factor)",
    "ramp_days": "days to full effect",
    "share": "share of sales lost",
    "notice_days": "days of notice",
    "duration_days": "days suspended",
    "rate": "share leaving a day",
}
_CHANNEL_FIELDS = {
    "audience": "audience at start",
    "organic_reach": "organic reach",
    "engagement_rate": "engagement rate",
    "click_rate": "click rate",
    "conversion_rate": "conversion rate",
    "order_value": "order value",
    "daily_churn": "daily churn",
    "daily_growth": "new followers a day",
    "share_rate": "followers per engagement",
    "cpm": "cost per 1,000 impressions",
}


@dataclass(frozen=True)
class Swing:
    """One input's effect on one strategy's mean profit at risk.

    Attributes:
        input: the dotted path (``shocks.2.at``).
        label: the input in words (:func:`input_label`).
        low: mean profit at risk where the input is at or below its 10th percentile.
        high: mean profit at risk where it is at or above its 90th percentile.
    """

    input: str
    label: str
    low: float
    high: float

    @property
    def swing(self) -> float:
        """``high - low``: positive when a higher input means more profit at risk."""
        return self.high - self.low


def input_label(scenario: Scenario, path: str) -> str:
    """An uncertain input in words: ``Instagram account suspension: onset day``."""
    parts = path.split(".")
    if parts[0] == "shocks" and len(parts) == 3 and parts[1].isdigit():
        index = int(parts[1])
        if index < len(scenario.shocks):
            shock = scenario.shocks[index]
            what = shock.type.replace("_", " ")
            field = _SHOCK_FIELDS.get(parts[2], parts[2].replace("_", " "))
            return f"{sentence_start(channel_name(shock.channel))} {what}: {field}"
    if parts[0] == "channels" and len(parts) == 3:
        field = _CHANNEL_FIELDS.get(parts[2], parts[2].replace("_", " "))
        return f"{sentence_start(channel_name(parts[1]))}: {field}"
    if parts[0] == "strategies" and len(parts) >= 3:
        rest = " ".join(part.replace("_", " ") for part in parts[2:] if not part.isdigit())
        return f"{parts[1]} strategy: {rest}"
    return path


def profit_swings(results: SimulationResults) -> dict[str, list[Swing]]:
    """Per strategy, every uncertain input's swing of mean profit at risk, largest first.

    Profit at risk is calm profit less shocked profit, per replication. Inputs
    are ordered by their largest swing across strategies (the same order for
    every strategy, so a tornado's rows line up); ties keep the scenario's order.
    An input that is at once its 10th and 90th percentile in most replications
    (a shock that happens with probability 0.95, say) compares the same groups
    and swings 0.
    """
    table: dict[str, dict[str, Swing]] = {name: {} for name in results.strategies}
    for path, values in results.inputs.items():
        low_cut, high_cut = np.quantile(values, [DECILE, 1 - DECILE])
        low_group, high_group = values <= low_cut, values >= high_cut
        label = input_label(results.scenario, path)
        for name, result in results.strategies.items():
            at_risk = result.calm.profit - result.shocked.profit
            table[name][path] = Swing(
                path,
                label,
                float(at_risk[low_group].mean()),
                float(at_risk[high_group].mean()),
            )
    strength = {
        path: max(abs(table[name][path].swing) for name in table) for path in results.inputs
    }
    order = sorted(results.inputs, key=lambda path: -strength[path])
    return {name: [swings[path] for path in order] for name, swings in table.items()}
