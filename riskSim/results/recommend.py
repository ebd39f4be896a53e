"""The recommendation: the best strategy by the scenario's objective within its risk budget.

Owns the one rule every verdict is given by (report, terminal, HTML): among
the strategies whose tail losses are within ``risk_budget``, the one with the
highest ``objective``; when none is within it, the best by the objective all
the same, flagged ``within_risk_budget: false``. Reads summary figures only,
so the rule is checkable by hand from summary.json; imports no presentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from riskSim.scenario import RiskBudget

__all__ = ["BUDGET_MEASURES", "objective_value", "recommend", "within_budget"]

BUDGET_MEASURES = {
    "profit_at_risk_cvar95": "profit_at_risk",
    "revenue_at_risk_cvar95": "revenue_at_risk",
}
"""Each limit of a risk budget and the summary figure whose ``cvar95`` it caps."""


def objective_value(strategy: Mapping[str, Any], objective: str) -> float:
    """The figure ``objective`` names, from one strategy's summary."""
    if objective == "mean_profit":
        return float(strategy["profit"]["mean"])
    if objective == "p5_profit":
        return float(strategy["profit"]["p5"])
    if objective == "mean_revenue":
        return float(strategy["revenue"]["mean"])
    raise ValueError(f"objective(={objective!r}) must be mean_profit, p5_profit or mean_revenue.")


def within_budget(strategy: Mapping[str, Any], budget: RiskBudget) -> bool:
    """True when every limit the budget sets holds for this strategy's summary."""
    for limit, measure in BUDGET_MEASURES.items():
        cap = getattr(budget, limit)
        if cap is not None and strategy[measure]["cvar95"] > cap:
            return False
    return True


def recommend(
    strategies: Mapping[str, Mapping[str, Any]], *, objective: str, budget: RiskBudget
) -> dict[str, Any]:
    """summary.json's ``recommendation``: strategy, objective, value, within_risk_budget.

    Ties go to the first strategy in the file, as everywhere else.

    Args:
        strategies: per strategy, its summary (``revenue``, ``profit``, ``..._at_risk``).
        objective: mean_profit, p5_profit or mean_revenue.
        budget: the scenario's risk budget (no limits: every strategy is within it).
    """
    names = list(strategies)
    within = [name for name in names if within_budget(strategies[name], budget)]
    candidates = within or names
    best = max(
        candidates,
        key=lambda name: (objective_value(strategies[name], objective), -names.index(name)),
    )
    return {
        "strategy": best,
        "objective": objective,
        "value": objective_value(strategies[best], objective),
        "within_risk_budget": bool(within),
    }
