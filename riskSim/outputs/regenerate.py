"""Regenerating the reference charts of scenario files, and checking committed ones.

Owns the library side of ``risksim charts``: which files a list of paths
means (a folder means its ``*.yaml``), running each with the file's own seed
and replications (every scenario's batches on one pool), rendering
``<name>/charts/*.svg`` and ``<name>/summary.json`` to bytes in memory (the
scenarios in parallel), and then either writing them (each scenario's folder
through :func:`riskSim.outputs.folder.output_folder`, manifest included) or
comparing them with what is on disk. Every input is validated before
anything is simulated or written. Knows nothing of the terminal: it returns
what is stale and the CLI reports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from riskSim.errors import InputProblem, InvalidInputError
from riskSim.outputs.folder import (
    MANIFEST_NAME,
    check_output_folder,
    output_folder,
    read_manifest,
)
from riskSim.outputs.run import summary_json
from riskSim.results import SimulationResults
from riskSim.scenario import Scenario
from riskSim.scenario import catalogue as library
from riskSim.scenario.loading import load_scenario
from riskSim.simulation import simulate_split
from riskSim.simulation.runners import ProgressCallback, default_workers, ordered_map

__all__ = [
    "CHART_FORMAT",
    "StaleFile",
    "check_targets",
    "draw_references",
    "load_scenarios",
    "regenerate",
    "scenario_files",
    "simulate_references",
    "stale_files",
    "write_regenerated",
]

CHART_FORMAT = "svg"
"""Reference charts are SVG: text, byte-identical for the same results and matplotlib."""

Files = dict[str, bytes]
"""Path relative to the output folder (POSIX form, ``<name>/charts/exposure.svg``) -> bytes."""


@dataclass(frozen=True)
class StaleFile:
    """A reference file that does not match what the scenarios give now.

    Attributes:
        path: the file on disk.
        reason: ``missing``, ``differs`` or ``not generated`` (left over from an
            earlier version: the scenario no longer draws it).
    """

    path: Path
    reason: str

    def render(self) -> str:
        """One line for a CI log: ``path (reason)``."""
        return f"{self.path} ({self.reason})"


def scenario_files(paths: Sequence[Path]) -> list[Path]:
    """The scenario files ``paths`` mean, each once (see :mod:`riskSim.scenario.catalogue`).

    Raises:
        InvalidInputError: a path does not exist or a folder holds no ``*.yaml``
            (every such path is named).
    """
    unique: list[Path] = []
    for file in library.scenario_files(paths):
        if file.resolve() not in {seen.resolve() for seen in unique}:
            unique.append(file)
    return unique


def load_scenarios(files: Sequence[Path]) -> list[Scenario]:
    """Load and validate every file, reporting the problems of all of them at once.

    Raises:
        InvalidInputError: any file is invalid, or two files share a ``name``
            (they would write the same folder).
    """
    scenarios: list[Scenario] = []
    problems: list[InputProblem] = []
    owners: dict[str, Path] = {}
    for file in files:
        try:
            scenario = load_scenario(file)
        except InvalidInputError as error:
            problems.extend(error.problems)
            continue
        if scenario.name in owners:
            problems.append(
                InputProblem(
                    str(file),
                    "name",
                    f"'{scenario.name}' is also the name of {owners[scenario.name]}; "
                    "each scenario needs its own folder",
                )
            )
            continue
        owners[scenario.name] = file
        scenarios.append(scenario)
    if problems:
        raise InvalidInputError(problems)
    return scenarios


def simulate_references(
    scenarios: Sequence[Scenario],
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[SimulationResults]:
    """Every scenario run with its file's own seed and replications, all on one pool.

    Twelve scenarios of a batch or two each would use one core run one after
    another; :func:`~riskSim.simulation.simulate_split` runs every batch of
    every scenario (and, for fewer batches than cores, groups of strategies)
    as jobs of one pool. Each result is exactly ``simulate(scenario)``'s.

    Args:
        scenarios: loaded and validated (see :func:`load_scenarios`).
        workers: processes; default every core.
        progress: called with (replications done, replications in all), over
            every scenario.

    Raises:
        InvalidInputError: the scenarios' results cannot fit in memory together.
    """
    return simulate_split(scenarios, workers=workers, progress=progress)


def draw_references(
    runs: Sequence[SimulationResults],
    *,
    workers: int | None = None,
    drawn: Callable[[Scenario, int, int], None] | None = None,
) -> Files:
    """Every reference file of every run, as bytes, the runs drawn in parallel.

    Drawing a scenario's five charts takes longer than simulating it, so each
    run's files are rendered in a worker of one pool (:func:`ordered_map`: in
    the runs' order whatever the workers); the bytes depend only on the
    results and the matplotlib version.

    Args:
        runs: results of :func:`simulate_references`.
        workers: processes; default every core.
        drawn: called with (scenario, runs drawn, runs in all) as each run's
            files are ready, in the runs' order.
    """
    import riskSim.charts  # noqa: F401 - loaded once here, so forked workers start with it

    processes = default_workers() if workers is None else workers

    def heard(position: int, _files: Files) -> None:
        if drawn is not None:
            drawn(runs[position].scenario, position + 1, len(runs))

    with ordered_map(max(1, min(processes, len(runs)))) as draw_all:
        drawings: list[Files] = draw_all(_reference_files, runs, on_result=heard)
    return {relative: data for files in drawings for relative, data in files.items()}


def _reference_files(results: SimulationResults) -> Files:
    """One run's ``<name>/summary.json`` and ``<name>/charts/*.svg`` (a pool worker's job)."""
    from riskSim.charts import render_charts

    name = results.scenario.name
    files: Files = {f"{name}/summary.json": summary_json(results.summary).encode("utf-8")}
    for chart, data in render_charts(results, CHART_FORMAT).items():
        files[f"{name}/charts/{chart}.{CHART_FORMAT}"] = data
    return files


def regenerate(
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    drawn: Callable[[Scenario, int, int], None] | None = None,
) -> Files:
    """Every reference file of every scenario in ``paths``, as bytes, in memory.

    Loads (:func:`load_scenarios`), simulates (:func:`simulate_references`)
    and draws (:func:`draw_references`). Each scenario runs with its file's
    own seed and replications, so the bytes depend only on the files (and the
    matplotlib version), never on ``workers``.

    Raises:
        InvalidInputError: see :func:`scenario_files` and :func:`load_scenarios`;
            raised before anything is simulated.
    """
    scenarios = load_scenarios(scenario_files(paths))
    runs = simulate_references(scenarios, workers=workers, progress=progress)
    return draw_references(runs, workers=workers, drawn=drawn)


def _scenario_folders(files: Files) -> list[str]:
    return sorted({relative.split("/", 1)[0] for relative in files})


def stale_files(files: Files, out: Path) -> list[StaleFile]:
    """What in ``out`` differs from ``files``: missing, different or left-over files.

    Only the folders of the scenarios regenerated are looked at; anything else
    in ``out`` is none of this check's business. A folder must be riskSim's (a
    manifest: else writing it would be refused); its left-overs are the files
    its manifest lists that are no longer generated, never a user's file. The
    manifest's own bytes (riskSim's version) are not compared. Reads, never writes.
    """
    stale = []
    for relative, data in sorted(files.items()):
        path = out / relative
        if not path.is_file():
            stale.append(StaleFile(path, "missing"))
        elif path.read_bytes() != data:
            stale.append(StaleFile(path, "differs"))
    for folder in _scenario_folders(files):
        root = out / folder
        if not root.is_dir():
            continue
        listed = read_manifest(root)
        if listed is None:
            stale.append(StaleFile(root / MANIFEST_NAME, "missing"))
            continue
        for name in sorted(listed):
            if f"{folder}/{name}" not in files and (root / name).is_file():
                stale.append(StaleFile(root / name, "not generated"))
    return stale


def check_targets(names: Sequence[str], out: Path, *, force: bool = False) -> None:
    """Refuse, before anything is simulated or written, a ``out/<name>`` riskSim did not make.

    ``out`` itself may hold anything: only its ``<name>`` folders are written.

    Raises:
        InvalidInputError: see :func:`riskSim.outputs.folder.check_output_folder`.
    """
    for name in names:
        check_output_folder(out / name, force=force, suggest=os.path.join(out, "charts"))


def write_regenerated(files: Files, out: Path, *, force: bool = False) -> list[Path]:
    """Write ``files`` under ``out``; each scenario's folder through one output folder.

    riskSim's files there are replaced and those a scenario no longer draws
    (a tornado after its last uncertain input went) removed; files riskSim did
    not write, and other folders in ``out``, are left alone. Every folder is
    checked before the first is written.

    Returns:
        The files written, in sorted order.

    Raises:
        InvalidInputError: a ``<name>`` folder riskSim did not make (without ``force``).
        OutputError: a folder cannot be written.
    """
    folders = _scenario_folders(files)
    check_targets(folders, out, force=force)
    written = []
    for folder in folders:
        target = out / folder
        with output_folder(
            target, command="risksim charts", force=force, suggest=os.path.join(out, "charts")
        ) as staging:
            for relative, data in sorted(files.items()):
                if relative.split("/", 1)[0] != folder:
                    continue
                path = staging / relative.split("/", 1)[1]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written.append(target / relative.split("/", 1)[1])
    return sorted(written)
