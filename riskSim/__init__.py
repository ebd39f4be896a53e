"""riskSim: how much revenue hangs on platforms a brand does not own.

The public API. The CLI (:mod:`riskSim.cli`) is a thin shell over these;
importing this package imports neither the CLI nor plotting.
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
