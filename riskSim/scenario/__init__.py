"""What is simulated: the scenario file, as a validated, frozen pydantic model.

Owns the model (:mod:`.model`, where every shock and channel class lives),
the distributions a field may take instead of a number
(:mod:`.distributions`), reading files with ``extends`` and ``--set``
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
    Bounds,
    Channel,
    RiskBudget,
    Scenario,
    Strategy,
    field_bounds,
    is_slug,
)

__all__ = [
    "Bounds",
    "Channel",
    "RiskBudget",
    "Scenario",
    "Strategy",
    "field_bounds",
    "is_slug",
    "load_scenario",
    "parse_override",
    "scenario_to_yaml",
]
