"""riskSim: how much revenue hangs on platforms a brand does not own.

The public API. The CLI (:mod:`riskSim.cli`) is a thin shell over these;
importing this package imports neither the CLI nor plotting.

The flow, one direction (a package imports only what is upstream of it;
``tests/test_layers.py`` enforces it): :mod:`riskSim.scenario` (what is
simulated) → :mod:`riskSim.results` (what comes out) → :mod:`riskSim.simulation`
(how: runners, compile, engine) → :mod:`riskSim.studies` (several runs) →
:mod:`riskSim.charts` (figures) → :mod:`riskSim.outputs` (files) →
:mod:`riskSim.cli`. Leaves shared by all: :mod:`riskSim.errors`,
:mod:`riskSim.units`, :mod:`riskSim.words`.
"""

from __future__ import annotations

from riskSim.errors import InputProblem, InvalidInputError, OutputError, RiskSimError
from riskSim.outputs import write_outputs
from riskSim.results import SimulationResults
from riskSim.scenario import Scenario, load_scenario, scenario_to_yaml
from riskSim.simulation import simulate

__all__ = [
    "InputProblem",
    "InvalidInputError",
    "OutputError",
    "RiskSimError",
    "Scenario",
    "SimulationResults",
    "load_scenario",
    "scenario_to_yaml",
    "simulate",
    "write_outputs",
]

__version__ = "0.1.0"
