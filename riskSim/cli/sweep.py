"""``risksim sweep`` and ``risksim compare``: the frontier of a strategy, scenarios side by side.

Parses options, calls :mod:`riskSim.studies.sweep` and :mod:`riskSim.studies.compare`, and
renders their tables; nothing here simulates or writes files by itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from riskSim.cli.app import (
    ChartFormat,
    Deterministic,
    Force,
    Format,
    JsonOutput,
    NoCharts,
    Overrides,
    Quiet,
    Replications,
    Seed,
    Workers,
    app,
    out_folder,
    stdout,
    user_errors,
)
from riskSim.cli.run import batch_progress
from riskSim.cli.tables import unbroken
from riskSim.outputs.folder import check_output_folder
from riskSim.outputs.studies import sweep_json, write_comparison, write_sweep
from riskSim.scenario import load_scenario
from riskSim.studies.compare import Comparison, load_compared, parse_variant, run_comparison
from riskSim.studies.sweep import SweepResult, parse_vary, run_sweep
from riskSim.words import currency_label, money_column, percent


def sweep_percent(share: float) -> str:
    """Shares in sweep tables keep one decimal, so neighbouring points tell apart."""
    return percent(share, decimals=1)


__all__ = ["compare", "compare_table", "sweep", "sweep_table"]

TABLE_WIDTH = 120
"""Columns of the printed tables when standard output is not a terminal (a log, a pipe)."""






def _table_console() -> Console:
    """Standard output; when it is not a terminal (a log, a pipe), ``$COLUMNS`` or
    :data:`TABLE_WIDTH` wide."""
    if stdout.is_terminal:
        return stdout
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) > 0 else TABLE_WIDTH
    return Console(highlight=False, width=width)


def sweep_table(result: SweepResult) -> Table:
    """One row per point: the varied values, the money figures and the risk shares."""
    mode = (
        "expected-value mode" if result.deterministic else f"{result.replications:,} replications"
    )
    table = Table(
        title=f"{result.scenario.display_title()}\nstrategy {result.strategy}: {mode}, "
        f"{result.scenario.horizon_days} days, seed {result.seed}",
        caption="* Pareto-efficient: no other point has both less relative revenue at risk "
        f"and more expected profit; money in {currency_label(result.scenario.currency)}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 0, 0, 1),
    )
    for path in result.paths:
        table.add_column(_short(path), justify="right", no_wrap=True)
    for heading in (
        "revenue\nmean",
        "profit\nmean",
        "calm\nprofit",
        "at risk\nmean",
        "at risk\nCVaR95",
        "at risk\n% calm",
        "rented\nshare",
        "profit at\nrisk mean",
        "profit at\nrisk CVaR95",
        "",
    ):
        table.add_column(heading, justify="right")
    rows = result.rows()
    money = _money_columns(
        rows,
        ("revenue_mean", "profit_mean", "calm_profit_mean", "revenue_at_risk_mean",
         "revenue_at_risk_cvar95", "profit_at_risk_mean", "profit_at_risk_cvar95"),
    )
    for index, row in enumerate(rows):
        table.add_row(
            *(repr(row[path]) for path in result.paths),
            *(cells[index] for cells in money[:5]),
            sweep_percent(row["relative_revenue_at_risk"]),
            sweep_percent(row["rented_revenue_share"]),
            *(cells[index] for cells in money[5:]),
            "*" if row["pareto"] else "",
            style="bold" if row["pareto"] else None,
        )
    return unbroken(table)


def _money_columns(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[list[str]]:
    """Each money column in one format (:func:`riskSim.words.money_column`), in ``keys`` order."""
    return [money_column([float(row[key]) for row in rows]) for key in keys]


def _short(path: str) -> str:
    """A column heading for a varied path: its last segments, ``capture.0.rate``."""
    parts = path.split(".")
    keep = 3 if len(parts) >= 3 and parts[-2].isdigit() else 2
    return ".".join(parts[-keep:])


def _efficient_sentence(result: SweepResult) -> str:
    """Names the efficient points: ``PATH = 0.05, 0.1`` or ``(A, B) = (1, 2); (1, 3)``."""
    points = result.efficient_points()
    heading = f"Pareto-efficient points ({len(points)} of {len(result.points)}): "
    if len(result.paths) == 1:
        return heading + f"{result.paths[0]} = " + ", ".join(repr(values[0]) for values in points)
    names = ", ".join(result.paths)
    listed = "; ".join("(" + ", ".join(repr(value) for value in values) + ")" for values in points)
    return heading + f"({names}) = {listed}"


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    strategy: Annotated[
        str, typer.Option("--strategy", "-s", help="The strategy run at every point.")
    ],
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            metavar="PATH=LOW:HIGH:N",
            help="N evenly spaced values of a field (any --set path) from LOW to HIGH; "
            "twice for a grid of two fields.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", parser=out_folder, help="Output folder (default runs/<name>-sweep)."
        ),
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    overrides: Overrides = None,
    deterministic: Deterministic = False,
    workers: Workers = None,
    chart_format: Format = ChartFormat.png,
    no_charts: NoCharts = False,
    quiet: Quiet = False,
    json_output: JsonOutput = False,
    force: Force = False,
) -> None:
    """Run one strategy over a range of values of a field and draw its frontier.

    Every point runs on the same seed, so the differences between points are the
    field's effect, not noise. Writes sweep.csv and charts/frontier, charts/sweep
    (and charts/heatmap for two fields).
    """
    with user_errors():
        axes = [parse_vary(text) for text in vary]
        name = load_scenario(scenario, overrides or []).name
        target = out if out is not None else Path("runs") / f"{name}-sweep"
        check_output_folder(target, force=force, suggest=os.path.join(target, f"{name}-sweep"))

        with batch_progress(f"{name} sweep", enabled=not quiet and not json_output) as advance:
            result = run_sweep(
                scenario,
                strategy=strategy,
                axes=axes,
                overrides=overrides or [],
                replications=replications,
                seed=seed,
                workers=workers,
                deterministic=deterministic,
                progress=advance,
            )
        write_sweep(
            result, target, charts=not no_charts, chart_format=chart_format.value, force=force
        )
        if json_output:
            typer.echo(sweep_json(result), nl=False)
        elif not quiet:
            _table_console().print(sweep_table(result))
            stdout.print(_efficient_sentence(result), markup=False, soft_wrap=True)
            stdout.print(f"Outputs written to {target}", markup=False)


def compare_table(comparison: Comparison) -> Table:
    """One row per scenario and strategy: revenue, revenue at risk, exposure, profit."""
    currencies = {compared.scenario.currency for compared in comparison.scenarios}
    unit = currency_label(currencies.pop()) if len(currencies) == 1 else "currency units"
    table = Table(
        caption="at risk = calm world - shocked world (revenue, and profit); "
        f"money in {unit}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 0, 0, 1),
    )
    table.add_column("scenario", style="bold", no_wrap=True)
    table.add_column("strategy", no_wrap=True)
    for heading in (
        "revenue\nmean",
        "at risk\nmean",
        "at risk\nCVaR95",
        "relative\nat risk",
        "rented\nshare",
        "profit\nmean",
        "profit at\nrisk mean",
        "profit at\nrisk CVaR95",
    ):
        table.add_column(heading, justify="right")
    previous = None
    rows = comparison.rows()
    revenue, at_risk, cvar95, profit, profit_at_risk, profit_cvar95 = _money_columns(
        rows,
        ("revenue_mean", "revenue_at_risk_mean", "revenue_at_risk_cvar95", "profit_mean",
         "profit_at_risk_mean", "profit_at_risk_cvar95"),
    )
    for index, row in enumerate(rows):
        table.add_row(
            row["scenario"] if row["scenario"] != previous else "",
            row["strategy"],
            revenue[index],
            at_risk[index],
            cvar95[index],
            sweep_percent(row["relative_revenue_at_risk"]),
            sweep_percent(row["rented_revenue_share"]),
            profit[index],
            profit_at_risk[index],
            profit_cvar95[index],
            end_section=False,
        )
        previous = row["scenario"]
    return unbroken(table)


@app.command()
def compare(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Scenario files (two or more, or one with --variant).")
    ],
    variants: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            metavar="NAME:PATH=VALUE,...",
            help="A variant of the one scenario file, e.g. fee-20:shocks.0.fee=20 (repeatable).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", parser=out_folder, help="Output folder (default runs/compare)."
        ),
    ] = None,
    replications: Replications = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="One seed for every scenario (default: each file's own)."
        ),
    ] = None,
    overrides: Overrides = None,
    deterministic: Deterministic = False,
    workers: Workers = None,
    chart_format: Format = ChartFormat.png,
    no_charts: NoCharts = False,
    quiet: Quiet = False,
    json_output: JsonOutput = False,
    force: Force = False,
) -> None:
    """Run several scenarios (or variants of one) side by side: one table, one chart.

    Each scenario runs on its own file's seed unless --seed gives one for all;
    variants share their file's seed. --set applies to every scenario. Writes
    compare.csv and charts/compare.
    """
    with user_errors():
        parsed = [parse_variant(text) for text in variants or []]
        labelled = load_compared(scenarios, variants=parsed, overrides=overrides or [])
        target = out if out is not None else Path("runs") / "compare"
        check_output_folder(target, force=force, suggest=os.path.join(target, "compare"))

        with batch_progress("comparison", enabled=not quiet and not json_output) as advance:
            comparison = run_comparison(
                labelled,
                replications=replications,
                seed=seed,
                workers=workers,
                deterministic=deterministic,
                progress=advance,
            )
        write_comparison(
            comparison, target, charts=not no_charts, chart_format=chart_format.value, force=force
        )
        if json_output:
            document: dict[str, Any] = comparison.document()
            typer.echo(json.dumps(document, indent=2, allow_nan=False))
        elif not quiet:
            _table_console().print(compare_table(comparison))
            stdout.print(f"Outputs written to {target}", markup=False)
