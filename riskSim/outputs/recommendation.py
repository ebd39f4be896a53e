"""The recommendation in one sentence: which strategy, by what, within which budget.

Owns the words every verdict opens with (report.md, report.html, the
terminal's last line), built from summary.json's ``recommendation`` and the
figures it was chosen on, never from revenue alone. Reads a summary document;
never simulates and knows nothing of files or the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from riskSim.results.recommend import BUDGET_MEASURES, objective_value
from riskSim.words import round_money

__all__ = ["OBJECTIVE_WORDS", "recommendation_sentence"]

OBJECTIVE_WORDS = {
    "mean_profit": "expected profit",
    "p5_profit": "profit in a bad year (5th percentile)",
    "mean_revenue": "expected revenue",
}
"""What each objective maximises, as the object of "highest ..."."""

MEASURE_WORDS = {"profit_at_risk": "profit at risk", "revenue_at_risk": "revenue at risk"}


def _limits(summary: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The budget's limits that are set: ``(measure, cap)`` in a fixed order."""
    budget = summary.get("risk_budget") or {}
    return [
        (measure, float(budget[limit]))
        for limit, measure in BUDGET_MEASURES.items()
        if budget.get(limit) is not None
    ]


def recommendation_sentence(summary: Mapping[str, Any], *, bold: str = "") -> str:
    """The recommendation and why, in one sentence (``Recommended: ...``, or that none fits).

    Args:
        summary: a summary.json document (``recommendation``, ``strategies``,
            ``risk_budget``, ``currency``).
        bold: wrapped around strategy names (``**`` in Markdown, nothing in plain text).
    """
    recommendation = summary["recommendation"]
    strategies = summary["strategies"]
    currency = summary.get("currency")
    name = recommendation["strategy"]
    objective = recommendation["objective"]
    chosen = strategies[name]

    def amount(value: float) -> str:
        return round_money(value, currency)

    def named(strategy: str) -> str:
        return f"{bold}{strategy}{bold}"

    what = OBJECTIVE_WORDS[objective]
    value = amount(recommendation["value"])
    limits = _limits(summary)
    tails = [(measure, chosen[measure]["cvar95"]) for measure in ("profit_at_risk",)]
    if any(measure == "revenue_at_risk" for measure, _ in limits):
        tails.append(("revenue_at_risk", chosen["revenue_at_risk"]["cvar95"]))
    tail_words = " and ".join(
        f"{MEASURE_WORDS[measure]} CVaR95 {amount(tail)}" for measure, tail in tails
    )
    if not limits:
        lead = "the only strategy" if len(strategies) == 1 else f"highest {what}"
        return f"Recommended: {named(name)}: {lead}, {value}, with {tail_words}."
    caps = " and ".join(
        f"{MEASURE_WORDS[measure]} CVaR95 at most {amount(cap)}" for measure, cap in limits
    )
    if not recommendation["within_risk_budget"]:
        return (
            f"No strategy meets the risk budget ({caps}); the best by {what} is "
            f"{named(name)}, {value}, with {tail_words}, over the budget."
        )
    budget_words = " and ".join(amount(cap) for _, cap in limits)
    sentence = (
        f"Recommended: {named(name)}: highest {what}, {value}, and {tail_words} within the "
        f"{budget_words} budget"
    )
    best_overall = max(strategies, key=lambda other: objective_value(strategies[other], objective))
    if objective_value(strategies[best_overall], objective) > recommendation["value"]:
        over = next(
            (measure, cap)
            for measure, cap in limits
            if strategies[best_overall][measure]["cvar95"] > cap
        )
        sentence += (
            f"; {named(best_overall)} has more "
            f"({amount(objective_value(strategies[best_overall], objective))}) but its "
            f"{MEASURE_WORDS[over[0]]} CVaR95, "
            f"{amount(strategies[best_overall][over[0]]['cvar95'])}, is over the budget"
        )
    return sentence + "."
