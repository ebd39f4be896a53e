"""What is simulated: the scenario file, as a validated, frozen pydantic model.

Owns the model (:mod:`.model`), the distributions a field may take instead of a
number (:mod:`.distributions`), reading files with ``extends`` and ``--set``
(:mod:`.loading`), the JSON Schema export (:mod:`.schema`), the catalogue of
scenario files behind ``list``, ``validate`` and ``brief`` (:mod:`.catalogue`)
and the ``new`` templates (:mod:`.templates`).

May import: :mod:`riskSim.errors`, :mod:`riskSim.units`, :mod:`riskSim.words`,
pydantic, PyYAML, numpy (for distributions). Must never know how a scenario is
simulated (no simpy, no engine), how results are shown (no charts, no
terminal) or where outputs go.
"""

from __future__ import annotations

from riskSim.scenario.loading import load_scenario, parse_override, scenario_to_yaml
from riskSim.scenario.model import (
    SLUG_PATTERN,
    AccountSuspension,
    AdCostInflation,
    AudienceExodus,
    Bounds,
    Capture,
    Channel,
    FeatureShutdown,
    PayPerPost,
    PlatformShutdown,
    ReachCollapse,
    Responses,
    RiskBudget,
    Scenario,
    Shock,
    Strategy,
    Workshop,
    field_bounds,
    is_slug,
)

__all__ = [
    "SLUG_PATTERN",
    "AccountSuspension",
    "AdCostInflation",
    "AudienceExodus",
    "Bounds",
    "Capture",
    "Channel",
    "FeatureShutdown",
    "PayPerPost",
    "PlatformShutdown",
    "ReachCollapse",
    "Responses",
    "RiskBudget",
    "Scenario",
    "Shock",
    "Strategy",
    "Workshop",
    "field_bounds",
    "is_slug",
    "load_scenario",
    "parse_override",
    "scenario_to_yaml",
]
