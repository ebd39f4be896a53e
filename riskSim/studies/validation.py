"""`risksim validate`'s work: every problem of every scenario and team file, in one pass.

Owns telling a team file (a ``team:`` key) from a scenario file and checking
each as what it is: scenarios through :mod:`riskSim.scenario.catalogue`
(schema and channel references together), team files through
:mod:`riskSim.studies.workshop` (against ``--scenario`` when given). Returns
data; never prints, never writes files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from riskSim.errors import InputProblem, InvalidInputError
from riskSim.scenario import Scenario
from riskSim.scenario.catalogue import scenario_files, scenario_problems
from riskSim.scenario.loading import load_scenario, read_yaml
from riskSim.studies.workshop import is_team_file, team_file_problems

__all__ = ["validate_files"]


def validate_files(
    paths: Sequence[str | Path], *, scenario: str | Path | None = None
) -> tuple[list[Path], list[InputProblem]]:
    """Check every file ``paths`` name (a folder means its ``*.yaml``).

    Args:
        paths: scenario files, team files, or folders of either.
        scenario: the scenario team files are checked against (their channel
            names); its own problems are reported too.

    Returns:
        The files checked, and every problem found (empty when all are valid).
    """
    problems: list[InputProblem] = []
    against: Scenario | None = None
    if scenario is not None:
        try:
            against = load_scenario(scenario)
        except InvalidInputError as error:
            problems.extend(error.problems)
    files: list[Path] = []
    for raw in paths:
        try:
            files.extend(scenario_files([raw]))
        except InvalidInputError as error:
            problems.extend(error.problems)
    for path in files:
        try:
            data, _origins = read_yaml(path)
        except InvalidInputError:
            data = None
        if is_team_file(data):
            problems.extend(team_file_problems(path, against))
        else:
            problems.extend(scenario_problems(path))
    return files, problems
