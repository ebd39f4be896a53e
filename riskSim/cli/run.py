"""``risksim run``: simulate a scenario, print the summary table, write the outputs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
from riskSim.scenario import load_scenario
from riskSim.simulation import simulate
from riskSim.words import percent, short_money

__all__ = ["run", "summary_table"]






def _recovery(recovery: dict[str, Any]) -> str:
    median = recovery["median"]
    never = recovery["never_share"]
    if median is None and never == 0:
        return "no shock"
    shown = "never" if median is None else f"{median:.0f} d"
    return f"{shown}\n({never:.0%})" if never else shown


def summary_table(summary: dict[str, Any]) -> Table:
    """One row per strategy: revenue, revenue at risk, exposure and recovery."""
    table = Table(
        title=f"{summary['title']}\n{summary['replications']:,} replications, "
        f"{summary['horizon_days']} days, seed {summary['seed']}",
        caption="revenue at risk = calm-world revenue - shocked-world revenue",
    )
    table.add_column("strategy", style="bold", no_wrap=True)
    table.add_column("revenue p50\n(p5–p95)", justify="right", no_wrap=True)
    table.add_column("at risk\nmean", justify="right")
    table.add_column("VaR95", justify="right")
    table.add_column("CVaR95", justify="right")
    table.add_column("rented\nshare", justify="right")
    table.add_column("recovery\n(never)", justify="right")
    for name, strategy in summary["strategies"].items():
        revenue, risk = strategy["revenue"], strategy["revenue_at_risk"]
        table.add_row(
            name,
            f"{short_money(revenue['p50'])}\n({short_money(revenue['p5'])}–{short_money(revenue['p95'])})",
            f"{short_money(risk['mean'])}\n({percent(strategy['relative_revenue_at_risk'])})",
            short_money(risk["var95"]),
            short_money(risk["cvar95"]),
            percent(strategy["rented_revenue_share"]),
            _recovery(strategy["recovery_days"]),
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
            stdout.print(f"Outputs written to {target}")
