"""Sweeps: one strategy run over a grid of values of one or two scenario fields.

Owns the ``--vary PATH=LOW:HIGH:N`` grammar and the grid it spans, the
restriction of a scenario to the one strategy swept, running every point on
the same seed (so the engine's common random numbers make differences between
points the field's effect, not noise), the Pareto marking of the frontier
(expected profit against relative revenue at risk), the rows of ``sweep.csv``
and writing a sweep's folder atomically. It must not know the terminal or
typer; figures come from :mod:`riskSim.charts.frontier`, imported only when
charts are written.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.results import headline_figures
from riskSim.scenario import Scenario
from riskSim.scenario.limits import MAX_SWEEP_POINTS, MAX_SWEEP_REPLICATIONS
from riskSim.scenario.loading import INDEX, load_scenario, parse_override
from riskSim.simulation import simulate_many

__all__ = [
    "MAX_VARIED",
    "METRIC_COLUMNS",
    "SIGNIFICANT_DIGITS",
    "Axis",
    "SweepPoint",
    "SweepResult",
    "check_path",
    "grid_values",
    "load_variant",
    "metrics_of",
    "override_text",
    "pareto",
    "parse_vary",
    "restrict",
    "run_sweep",
]

MAX_VARIED = 2
"""Fields a sweep may vary at once: a line, or a grid that still reads as a heat map."""
SIGNIFICANT_DIGITS = 10
"""Grid values are rounded to this many significant digits, so 0.1 * 3 is written 0.3."""
METRIC_COLUMNS = (
    "revenue_mean",
    "profit_mean",
    "calm_profit_mean",
    "revenue_at_risk_mean",
    "revenue_at_risk_cvar95",
    "relative_revenue_at_risk",
    "rented_revenue_share",
    "profit_at_risk_mean",
    "profit_at_risk_cvar95",
)
"""The figures of each point in sweep.csv, after the varied paths and before ``pareto``.

The design's columns first, in its order; profit at risk (calm profit - shocked
profit) after them, so a reader of the design's columns finds them where listed.
"""

Value = int | float
PointProgress = Callable[[int, int], None]
"""Called with (replications done, replications in all), over every point of the sweep."""


@dataclass(frozen=True)
class Axis:
    """One varied field: its dotted ``--set`` path and the values it takes, in order."""

    path: str
    values: tuple[Value, ...]


def _vary_problem(text: str, message: str) -> InvalidInputError:
    return InvalidInputError.single("--vary", text, message)


def _round(value: float) -> float:
    """``value`` to :data:`SIGNIFICANT_DIGITS` significant digits: 0.30000000000000004 -> 0.3."""
    if value == 0 or not math.isfinite(value):
        return 0.0 if value == 0 else value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def grid_values(low: float, high: float, count: int) -> tuple[Value, ...]:
    """``count`` evenly spaced values from ``low`` to ``high`` (just ``low`` when ``count`` is 1).

    Whole numbers come back as ``int`` when every value is whole, so an integer
    field such as ``horizon_days`` is written ``60``, never ``60.0``; otherwise
    every value is a float rounded to :data:`SIGNIFICANT_DIGITS` digits, so the
    override and the CSV carry ``0.3``, not ``0.30000000000000004``.

    Raises:
        ValueError: ``count`` below 1.
    """
    if count < 1:
        raise ValueError(f"count(={count}) must be >= 1.")
    if count == 1:
        floats = [_round(low)]
    else:
        step = (high - low) / (count - 1)
        floats = [_round(low + step * index) for index in range(count - 1)] + [_round(high)]
    if all(value.is_integer() for value in floats):
        return tuple(int(value) for value in floats)
    return tuple(floats)


def parse_vary(text: str) -> Axis:
    """Read ``PATH=LOW:HIGH:N`` into an :class:`Axis`.

    Raises:
        InvalidInputError: (source ``--vary``) no ``=``, a bad path, not three
            ``:``-separated parts, LOW or HIGH not finite numbers, N not a whole
            number >= 1.
    """
    example = "e.g. strategies.owned-first.capture.0.rate=0:0.3:7"
    if "=" not in text:
        raise _vary_problem(text, f"expected PATH=LOW:HIGH:N, {example}")
    path, spec = (part.strip() for part in text.split("=", 1))
    if not path or any(not segment for segment in path.split(".")):
        raise _vary_problem(text, f"the path has an empty segment; {example}")
    parts = spec.split(":")
    if len(parts) != 3:
        raise _vary_problem(path, f"expected LOW:HIGH:N after '=', got {spec!r}; {example}")
    bounds: list[float] = []
    for name, raw in zip(("LOW", "HIGH"), parts[:2], strict=True):
        try:
            number = float(raw)
        except ValueError:
            raise _vary_problem(path, f"{name} must be a number, got {raw!r}") from None
        if not math.isfinite(number):
            raise _vary_problem(path, f"{name} must be a finite number, got {raw!r}")
        bounds.append(number)
    try:
        count = int(parts[2])
    except ValueError:
        raise _vary_problem(path, f"N must be a whole number >= 1, got {parts[2]!r}") from None
    if count < 1:
        raise _vary_problem(path, f"N must be >= 1, got {count}")
    if count > MAX_SWEEP_POINTS:
        raise _vary_problem(
            path,
            f"N is {count:,}; a sweep runs at most {MAX_SWEEP_POINTS:,} points (each point "
            "is a run of its own)",
        )
    return Axis(path, grid_values(bounds[0], bounds[1], count))


def override_text(path: str, value: Value | str) -> str:
    """``PATH=VALUE`` with VALUE as a YAML scalar that reads back as the same number.

    YAML 1.1 reads ``1e-05`` as a string; ``1.0e-05`` is the number. A string
    (a choice such as ``reduce``) is written as it is.
    """
    if isinstance(value, str):
        return f"{path}={value}"
    text = repr(value)
    if "e" in text and "." not in text:
        text = text.replace("e", ".0e")
    return f"{path}={text}"


def restrict(scenario: Scenario, strategy: str) -> Scenario:
    """``scenario`` with only ``strategy``, validated again like any scenario.

    The engine gives a strategy the same random numbers whichever strategies run
    beside it, so dropping the others changes nothing but the time taken.

    Raises:
        InvalidInputError: (source ``--strategy``) no such strategy, with a did-you-mean.
    """
    if strategy not in scenario.strategies:
        names = list(scenario.strategies)
        hint = did_you_mean(strategy, names)
        raise InvalidInputError.single(
            "--strategy",
            strategy,
            f"no strategy named '{strategy}' in {scenario.name}{hint} (known: {', '.join(names)})",
        )
    document = scenario.model_dump(by_alias=True, exclude={"extends"})
    document["strategies"] = {strategy: document["strategies"][strategy]}
    return Scenario.model_validate(document).with_overrides(scenario.overrides)


def check_path(
    scenario: Scenario, path: str, strategy: str, *, flag: str = "--vary", study: str = "sweep"
) -> Any:
    """Refuse a varied path that names no field of the scenario, or another strategy's field.

    The resolved scenario (every default filled in) is the reference, so any
    field a ``--set`` can reach is accepted, whether or not the file writes it.
    Sweeps and optimizations share this check (``flag`` names the option in
    messages, ``study`` the command).

    Returns:
        The field's current value in the resolved scenario (a number, a string,
        ``None`` for an unset optional field, or a ``dist`` mapping).
    """
    segments, _ = parse_override(f"{path}=0")
    if segments[0] == "strategies" and len(segments) > 1 and segments[1] != strategy:
        raise InvalidInputError.single(
            flag,
            path,
            f"belongs to strategy '{segments[1]}', but the {study} runs '{strategy}' "
            "(the field would have no effect)",
        )
    node: Any = scenario.model_dump(by_alias=True, exclude={"extends"})
    walked: list[str] = []
    for segment in segments:
        if isinstance(node, list):
            if not INDEX.fullmatch(segment) or not 0 <= int(segment) < len(node):
                raise InvalidInputError.single(
                    flag,
                    path,
                    f"'{'.'.join(walked)}' is a list: use an index 0..{len(node) - 1}",
                )
            node = node[int(segment)]
        elif isinstance(node, dict):
            if segment not in node:
                hint = did_you_mean(segment, node)
                where = f" in '{'.'.join(walked)}'" if walked else ""
                raise InvalidInputError.single(flag, path, f"no field '{segment}'{where}{hint}")
            node = node[segment]
        else:
            raise InvalidInputError.single(
                flag, path, f"'{'.'.join(walked)}' is a single value, it has no '{segment}'"
            )
        walked.append(segment)
    if isinstance(node, list) or (isinstance(node, dict) and "dist" not in node):
        raise InvalidInputError.single(
            flag, path, "names a whole section; vary a single number inside it"
        )
    return node


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: the values of the varied paths and its run's summary figures."""

    values: tuple[Value, ...]
    """One value per varied path, in the order of :attr:`SweepResult.axes`."""
    summary: dict[str, Any]
    """The point's summary.json document (see :attr:`riskSim.results.SimulationResults.summary`)."""


@dataclass(frozen=True)
class SweepResult:
    """Every point of a sweep, in grid order (the last varied path changing fastest)."""

    scenario: Scenario
    """The swept scenario as loaded (``--set`` applied), restricted to the strategy."""
    strategy: str
    axes: tuple[Axis, ...]
    points: tuple[SweepPoint, ...]
    seed: int
    replications: int
    deterministic: bool
    strategy_names: tuple[str, ...] = ()
    """Every strategy of the scenario as loaded, in its order (the swept one among them):
    charts give the swept strategy the colour its position gives it in every run chart."""

    @property
    def paths(self) -> list[str]:
        """The varied paths, the first columns of sweep.csv."""
        return [axis.path for axis in self.axes]

    def rows(self) -> list[dict[str, Any]]:
        """The rows of sweep.csv: varied values, then :data:`METRIC_COLUMNS`, then ``pareto``."""
        figures = [metrics_of(point.summary, self.strategy) for point in self.points]
        efficient = pareto(
            [(row["relative_revenue_at_risk"], row["profit_mean"]) for row in figures]
        )
        return [
            {
                **dict(zip(self.paths, point.values, strict=True)),
                **row,
                "pareto": flag,
            }
            for point, row, flag in zip(self.points, figures, efficient, strict=True)
        ]

    def efficient_points(self) -> list[tuple[Value, ...]]:
        """The varied values of the Pareto-efficient points, in grid order."""
        return [tuple(row[path] for path in self.paths) for row in self.rows() if row["pareto"]]

    def document(self) -> dict[str, Any]:
        """The sweep as one JSON-ready mapping (what ``--json`` prints)."""
        return {
            "scenario": self.scenario.name,
            "title": self.scenario.display_title(),
            "strategy": self.strategy,
            "seed": self.seed,
            "replications": self.replications,
            "horizon_days": self.scenario.horizon_days,
            "deterministic": self.deterministic,
            "varied": {axis.path: list(axis.values) for axis in self.axes},
            "points": self.rows(),
        }


def metrics_of(summary: dict[str, Any], strategy: str) -> dict[str, float]:
    """The :data:`METRIC_COLUMNS` of ``strategy`` in a summary.json document."""
    figures = headline_figures(summary["strategies"][strategy])
    return {column: figures[column] for column in METRIC_COLUMNS}


def pareto(points: Sequence[tuple[float, float]]) -> list[bool]:
    """Which ``(relative_revenue_at_risk, profit_mean)`` points are on the frontier.

    A point is efficient unless some other point has *both* a strictly lower
    relative revenue at risk and a strictly higher expected profit (the design's
    rule, to the letter). So equal points are all efficient, and a point that
    ties another on one measure is never dominated by it.

    Args:
        points: ``(risk, profit)`` per point, in any order.

    Returns:
        One flag per point, in the same order.
    """
    return [
        not any(other_risk < risk and other_profit > profit for other_risk, other_profit in points)
        for risk, profit in points
    ]


def run_sweep(
    path: str | Path,
    *,
    strategy: str,
    axes: Sequence[Axis],
    overrides: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    progress: PointProgress | None = None,
) -> SweepResult:
    """Run ``strategy`` of the scenario at ``path`` at every point of the grid ``axes`` span.

    Every point is ``load_scenario(path, [*overrides, "PATH=value", ...])``
    restricted to ``strategy`` and simulated with the same seed (``seed``, else
    the file's), so every point meets the same shock onsets and the same draws.
    Every point is loaded and validated before the first is simulated: a bad
    value at the far end of the grid fails at once, not after an hour.

    Raises:
        InvalidInputError: more than :data:`MAX_VARIED` axes, a path varied twice,
            a path that is not a field, an unknown strategy, or a grid value the
            field refuses (e.g. a rate of 1.5): exit 2 in the CLI.
    """
    if not axes:
        raise InvalidInputError.single("--vary", "", "give at least one PATH=LOW:HIGH:N")
    if len(axes) > MAX_VARIED:
        raise InvalidInputError.single(
            "--vary",
            "",
            f"at most {MAX_VARIED} fields can be varied at once (a line or a grid), "
            f"got {len(axes)}: {', '.join(axis.path for axis in axes)}",
        )
    paths = [axis.path for axis in axes]
    if len(set(paths)) != len(paths):
        raise InvalidInputError.single("--vary", paths[0], "the same path is varied twice")
    points_in_grid = math.prod(len(axis.values) for axis in axes)
    if points_in_grid > MAX_SWEEP_POINTS:
        sizes = " x ".join(f"{len(axis.values):,}" for axis in axes)
        raise InvalidInputError.single(
            "--vary",
            "",
            f"the grid has {sizes} = {points_in_grid:,} points; a sweep runs at most "
            f"{MAX_SWEEP_POINTS:,} (each point is a run of its own): use fewer values per field",
        )
    loaded = load_scenario(path, overrides)
    base = restrict(loaded, strategy)
    for axis in axes:
        check_path(base, axis.path, strategy)
    each = 1 if deterministic else (base.replications if replications is None else replications)
    if points_in_grid * each > MAX_SWEEP_REPLICATIONS:
        raise InvalidInputError.single(
            "--replications",
            "",
            f"{points_in_grid:,} points x {each:,} replications = {points_in_grid * each:,} "
            f"replications, more than the {MAX_SWEEP_REPLICATIONS:,} a sweep may run; at most "
            f"{MAX_SWEEP_REPLICATIONS // points_in_grid:,} replications a point fit",
        )
    grid = list(itertools.product(*(axis.values for axis in axes)))
    scenarios = [_load_point(path, overrides, axes, values, strategy) for values in grid]
    every_point = simulate_many(
        scenarios,
        replications=replications,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
    )
    points = [
        SweepPoint(tuple(values), results.summary)
        for values, results in zip(grid, every_point, strict=True)
    ]
    first = points[0].summary
    return SweepResult(
        scenario=base,
        strategy=strategy,
        axes=tuple(axes),
        points=tuple(points),
        seed=first["seed"],
        replications=first["replications"],
        deterministic=deterministic,
        strategy_names=tuple(loaded.strategies),
    )


def _load_point(
    path: str | Path,
    overrides: Sequence[str],
    axes: Sequence[Axis],
    values: Sequence[Value],
    strategy: str,
) -> Scenario:
    """The scenario of one grid point; a value the field refuses is a ``--vary`` problem."""
    varied = [override_text(axis.path, value) for axis, value in zip(axes, values, strict=True)]
    return load_variant(path, overrides, varied, strategy)


def load_variant(
    path: str | Path,
    overrides: Sequence[str],
    varied: Sequence[str],
    strategy: str,
    *,
    flag: str = "--vary",
) -> Scenario:
    """The scenario with the ``varied`` ``PATH=VALUE`` settings, restricted to ``strategy``.

    Loaded exactly as ``risksim run --set ...`` would load it, so a point (or an
    optimizer's trial) can be reproduced by hand; a value the field refuses is
    a ``flag`` problem that names the settings.
    """
    try:
        return restrict(load_scenario(path, [*overrides, *varied]), strategy)
    except InvalidInputError as error:
        where = ", ".join(varied)
        raise InvalidInputError(
            [
                InputProblem(
                    flag if problem.source == "--set" else problem.source,
                    problem.field,
                    f"{problem.message} (at {where})",
                    problem.line,
                )
                for problem in error.problems
            ]
        ) from None
