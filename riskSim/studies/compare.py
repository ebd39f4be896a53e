"""Comparisons: several scenarios (files, or variants of one file) run side by side.

Owns the ``--variant NAME:PATH=VALUE[,PATH=VALUE]`` grammar, building the list
of scenarios to compare, running each (every strategy, on a seed of the
caller's choosing), the rows of ``compare.csv`` and writing a comparison's
folder atomically. It must not know the terminal or typer; the chart comes
from :mod:`riskSim.charts.frontier`, imported only when charts are written.

Seeds: each scenario runs on its own file's seed (a variant on its base
file's), so each row equals ``risksim run`` of that file; a ``seed`` given by
the caller runs every scenario on that one seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskSim.errors import InputProblem, InvalidInputError
from riskSim.results import headline_figures
from riskSim.scenario import Scenario, is_slug
from riskSim.scenario.loading import load_scenario, parse_override
from riskSim.simulation import simulate_many

__all__ = [
    "COMPARE_COLUMNS",
    "Comparison",
    "ComparedScenario",
    "Variant",
    "load_compared",
    "parse_variant",
    "run_comparison",
]

COMPARE_COLUMNS = (
    "scenario",
    "strategy",
    "revenue_mean",
    "revenue_at_risk_mean",
    "revenue_at_risk_cvar95",
    "relative_revenue_at_risk",
    "rented_revenue_share",
    "profit_mean",
    "profit_at_risk_mean",
    "profit_at_risk_cvar95",
)
"""The columns of compare.csv, in order."""

ScenarioProgress = Callable[[int, int], None]
"""Called with (replications done, replications in all), over all the scenarios together."""


@dataclass(frozen=True)
class Variant:
    """A named set of overrides applied to the one scenario file compared."""

    name: str
    overrides: tuple[str, ...]


def parse_variant(text: str) -> Variant:
    """Read ``NAME:PATH=VALUE[,PATH=VALUE...]`` into a :class:`Variant`.

    Values cannot contain commas (the separator); a value that needs one is
    better a scenario file of its own.

    Raises:
        InvalidInputError: (source ``--variant``) no ``:``, a name that is not a
            slug, or an override that is not ``PATH=VALUE``.
    """
    example = "e.g. fee-20:shocks.0.fee=20,channels.linkedin.audience=8000"
    name, separator, body = text.partition(":")
    name = name.strip()
    if not separator or not body.strip():
        raise InvalidInputError.single("--variant", text, f"expected NAME:PATH=VALUE, {example}")
    if not is_slug(name):
        raise InvalidInputError.single(
            "--variant", text, f"the name must be a slug (letters, digits, -, _, .), got {name!r}"
        )
    overrides = tuple(part.strip() for part in body.split(","))
    for override in overrides:
        try:
            parse_override(override)
        except InvalidInputError as error:
            problem = error.problems[0]
            raise InvalidInputError.single(
                "--variant", f"{name}: {problem.field}", problem.message
            ) from None
    return Variant(name, overrides)


@dataclass(frozen=True)
class ComparedScenario:
    """One scenario of a comparison: its label, the scenario and its run's summary."""

    label: str
    scenario: Scenario
    summary: dict[str, Any]


@dataclass(frozen=True)
class Comparison:
    """The scenarios of a comparison, in the order given."""

    scenarios: tuple[ComparedScenario, ...]

    def rows(self) -> list[dict[str, Any]]:
        """compare.csv's rows: per scenario, per strategy in the file's order."""
        rows = []
        for compared in self.scenarios:
            for strategy, summary in compared.summary["strategies"].items():
                figures = headline_figures(summary)
                row = {"scenario": compared.label, "strategy": strategy}
                rows.append({**row, **{column: figures[column] for column in COMPARE_COLUMNS[2:]}})
        return rows

    def document(self) -> dict[str, Any]:
        """The comparison as one JSON-ready mapping (what ``--json`` prints)."""
        return {
            "scenarios": [
                {
                    "label": compared.label,
                    "scenario": compared.summary["scenario"],
                    "seed": compared.summary["seed"],
                    "replications": compared.summary["replications"],
                    "horizon_days": compared.summary["horizon_days"],
                    "deterministic": compared.summary["deterministic"],
                }
                for compared in self.scenarios
            ],
            "rows": self.rows(),
        }


def load_compared(
    paths: Sequence[str | Path],
    *,
    variants: Sequence[Variant] = (),
    overrides: Sequence[str] = (),
) -> list[tuple[str, Scenario]]:
    """The scenarios to compare, labelled, all loaded and validated before any runs.

    Several files: one scenario each, labelled by its ``name``. One file with
    variants: the file as written (labelled by its name), then one scenario per
    variant with the variant's overrides after ``overrides`` (labelled by the
    variant's name).

    Raises:
        InvalidInputError: no file; variants with more than one file; two
            scenarios with the same label; any invalid file or override.
    """
    if not paths:
        raise InvalidInputError.single("SCENARIO", "", "give at least one scenario file")
    if variants and len(paths) != 1:
        raise InvalidInputError.single(
            "--variant", "", f"variants apply to one scenario file, got {len(paths)} files"
        )
    if len(paths) == 1 and not variants:
        raise InvalidInputError.single(
            "SCENARIO",
            "",
            "a comparison needs two scenario files or more, or one file with --variant",
        )
    labelled: list[tuple[str, Scenario]] = []
    for path in paths:
        scenario = load_scenario(path, overrides)
        labelled.append((scenario.name, scenario))
    for variant in variants:
        try:
            scenario = load_scenario(paths[0], [*overrides, *variant.overrides])
        except InvalidInputError as error:
            raise InvalidInputError(
                [
                    InputProblem(
                        problem.source
                        if problem.source != "--set"
                        else f"--variant {variant.name}",
                        problem.field,
                        problem.message,
                        problem.line,
                    )
                    for problem in error.problems
                ]
            ) from None
        labelled.append((variant.name, scenario))
    seen: dict[str, int] = {}
    for position, (label, _) in enumerate(labelled):
        if label in seen:
            source = f"--variant {label}" if position > 0 and variants else str(paths[position])
            raise InvalidInputError.single(
                source,
                "name",
                f"two scenarios are named '{label}'; give each a name of its own",
            )
        seen[label] = position
    return labelled


def run_comparison(
    scenarios: Sequence[tuple[str, Scenario]],
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    progress: ScenarioProgress | None = None,
) -> Comparison:
    """Simulate every strategy of every scenario; ``seed`` (if given) for all of them.

    Without ``seed`` each scenario runs on its own ``seed`` field, so a row
    equals ``risksim run`` of that file; variants of one file share its seed
    (unless a variant sets ``seed``), so they meet the same draws.
    """
    every_scenario = simulate_many(
        [scenario for _, scenario in scenarios],
        replications=replications,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
    )
    return Comparison(
        tuple(
            ComparedScenario(label, scenario, results.summary)
            for (label, scenario), results in zip(scenarios, every_scenario, strict=True)
        )
    )
