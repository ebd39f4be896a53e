"""``risksim run``: simulate a scenario, print the summary table, write the outputs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

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
    Scheduler,
    Seed,
    Workers,
    app,
    out_folder,
    stderr,
    stdout,
    user_errors,
)
from riskSim.outputs import summary_json, write_outputs
from riskSim.outputs.folder import check_output_folder
from riskSim.outputs.recommendation import recommendation_sentence
from riskSim.scenario import load_scenario
from riskSim.simulation import simulate
from riskSim.words import currency_label, percent, short_money

__all__ = ["run", "summary_table"]

TABLE_MIN_WIDTH = 78
"""Columns the summary table takes at least (its title wraps to the table): an 80-column
terminal's, less the margins."""


def _recovery(recovery: dict[str, Any]) -> tuple[str, str]:
    """Median days to recover and the share that never does, one line each."""
    median = recovery["median"]
    never = recovery["never_share"]
    if median is None and never == 0:
        return "no shock", ""
    shown = "never" if median is None else f"{median:.0f} d"
    return shown, f"({never:.0%})" if never else ""


def _range(figures: dict[str, float], *, deterministic: bool) -> str:
    """``p50 (p5–p95)``; one value in expected-value mode, where they are all the same.

    Two significant digits: a spread of futures, and three figures in one cell
    must leave an 80-column terminal room for the strategy's name.
    """
    if deterministic:
        return short_money(figures["mean"])
    low, middle, high = (short_money(figures[key], digits=2) for key in ("p5", "p50", "p95"))
    return f"{middle} ({low}–{high})"


def _replications(summary: dict[str, Any]) -> str:
    count = summary["replications"]
    if summary["deterministic"]:
        return "expected-value mode, 1 replication"
    return f"{count:,} replication{'' if count == 1 else 's'}"


def summary_table(summary: dict[str, Any]) -> Table:
    """Per strategy, its name, then a revenue row and a profit row: range, at risk, exposure.

    Money is in the scenario's currency, named once in the caption, so the
    cells stay narrow enough for an 80-column terminal. In expected-value mode
    every quantile, VaR and CVaR is one number: one column each.
    """
    deterministic = summary["deterministic"]
    unit = currency_label(summary.get("currency"))
    title = summary["title"]
    if summary.get("overrides"):
        title += f" (with overrides: {', '.join(summary['overrides'])})"
    table = Table(
        title=f"{title}\n{_replications(summary)}, {summary['horizon_days']} days, "
        f"seed {summary['seed']}",
        caption=f"money in {unit}; at risk = calm world - shocked world, per replication",
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        min_width=TABLE_MIN_WIDTH,
    )
    table.add_column("strategy", overflow="fold")
    table.add_column("mean" if deterministic else "p50 (p5–p95)", justify="right", no_wrap=True)
    if deterministic:
        table.add_column("at risk", justify="right", no_wrap=True)
    else:
        table.add_column("at risk\nmean", justify="right", no_wrap=True)
        table.add_column("VaR95", justify="right", no_wrap=True)
        table.add_column("CVaR95", justify="right", no_wrap=True)
    table.add_column("rented\nshare", justify="right", no_wrap=True)
    table.add_column("recovery\n(never)", justify="right", no_wrap=True)
    blanks = [""] * (len(table.columns) - 1)
    for name, strategy in summary["strategies"].items():
        recovery, never = _recovery(strategy["recovery_days"])
        table.add_row(Text(name, style="bold"), *blanks)
        for measure in ("revenue", "profit"):
            risk = strategy[f"{measure}_at_risk"]
            at_risk = short_money(risk["mean"])
            tails = [short_money(risk[key]) for key in ("var95", "cvar95") if not deterministic]
            first = measure == "revenue"
            if first:
                at_risk += f" ({percent(strategy['relative_revenue_at_risk'])})"
            table.add_row(
                f"  {measure}",
                _range(strategy[measure], deterministic=deterministic),
                at_risk,
                *tails,
                percent(strategy["rented_revenue_share"]) if first else "",
                recovery if first else never,
                end_section=not first,
            )
    return table


@contextmanager
def batch_progress(name: str, *, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error that appears with the first progress report.

    It counts replications, and moves within a batch as its simulated days go by.

    Starting it lazily keeps an input error (raised before any batch runs) free
    of progress-bar debris.
    """
    progress = Progress(
        TextColumn(f"simulating {name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )
    task = progress.add_task(name, total=None)
    started = False

    def advance(done: int, total: int) -> None:
        nonlocal started
        if enabled and stderr.is_terminal and not started:
            progress.start()
            started = True
        progress.update(task, completed=done, total=total)

    try:
        yield advance
    finally:
        if started:
            progress.stop()


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", parser=out_folder, help="Output folder (default runs/<name>)."
        ),
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    overrides: Overrides = None,
    deterministic: Deterministic = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chart_format: Format = ChartFormat.png,
    no_charts: NoCharts = False,
    quiet: Quiet = False,
    json_output: JsonOutput = False,
    force: Force = False,
) -> None:
    """Simulate every strategy in the shocked and the calm world and write the outputs."""
    with user_errors():
        loaded = load_scenario(scenario, overrides or [])
        target = out if out is not None else Path("runs") / loaded.name
        check_output_folder(target, force=force, suggest=os.path.join(target, loaded.name))
        with batch_progress(loaded.name, enabled=not quiet and not json_output) as advance:
            results = simulate(
                loaded,
                replications=replications,
                seed=seed,
                workers=workers,
                deterministic=deterministic,
                progress=advance,
                scheduler=scheduler,
            )
        write_outputs(
            results, target, charts=not no_charts, chart_format=chart_format.value, force=force
        )
        summary = results.summary
        if json_output:
            typer.echo(summary_json(summary), nl=False)
        elif not quiet:
            stdout.print(summary_table(summary))
            stdout.print(f"Outputs written to {target}", markup=False)
            stdout.print(
                recommendation_sentence(summary), markup=False, soft_wrap=True
            )
