"""``risksim optimize``: the best combination of a strategy's levers within the risk budget.

Parses options, calls :mod:`riskSim.studies.optimize`, writes through
:mod:`riskSim.outputs.optimize`, and prints progress (trials done / total and
the best so far, on standard error) and the recommendation with its hold-out
check; nothing here simulates or writes files by itself.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

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
from riskSim.outputs.folder import check_output_folder
from riskSim.outputs.optimize import optimize_json, recommendation_lines, write_optimize
from riskSim.scenario import load_scenario
from riskSim.studies.optimize import Trial, parse_choice, parse_lever, run_optimize
from riskSim.words import round_money

__all__ = ["optimize"]

WIDTH = 80
"""Columns of the closing sentences: they read in any terminal and any log."""


@app.command()
def optimize(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    strategy: Annotated[
        str, typer.Option("--strategy", "-s", help="The strategy whose levers are searched.")
    ],
    lever: Annotated[
        list[str] | None,
        typer.Option(
            "--lever",
            metavar="PATH=LOW:HIGH",
            help="A numeric field of the strategy and its range, e.g. PATH "
            "strategies.S.capture.0.rate and range 0:0.3, or LOW:HIGH:STEP (repeatable; "
            "whole-number fields get whole numbers; without STEP, steps of a thousandth of the "
            "range).",
        ),
    ] = None,
    choice: Annotated[
        list[str] | None,
        typer.Option(
            "--choice",
            metavar="PATH=A,B,C",
            help="A field of the strategy and the values it may take, e.g. "
            "PATH ending in responses.pay_per_post, values pay,reduce,exit (repeatable).",
        ),
    ] = None,
    objective: Annotated[
        str | None,
        typer.Option(
            "--objective",
            metavar="OBJECTIVE",
            help="What to maximise: mean_profit, p5_profit or mean_revenue "
            "(default: the scenario's objective).",
        ),
    ] = None,
    max_cvar95: Annotated[
        float | None,
        typer.Option(
            "--max-cvar95",
            metavar="X",
            help="Largest profit at risk CVaR95 allowed (default: the scenario's risk_budget).",
        ),
    ] = None,
    trials: Annotated[int, typer.Option("--trials", help="Strategies tried (at least 1).")] = 64,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", parser=out_folder, help="Output folder (default runs/<name>-optimize)."
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
    """Search a strategy's levers for the best strategy within the risk budget.

    Every trial runs on the same seed (common random numbers), so differences
    between trials are the levers' effect, not noise. The best and the
    runner-up are re-run on an independent hold-out seed. Writes
    optimize.json, trials.csv, strategy.yaml, report.md, report.html and
    charts/optimize.
    """
    with user_errors():
        levers = [parse_lever(text) for text in lever or []]
        levers += [parse_choice(text) for text in choice or []]
        loaded = load_scenario(scenario, overrides or [])
        name = loaded.name
        target = out if out is not None else Path("runs") / f"{name}-optimize"
        check_output_folder(target, force=force, suggest=os.path.join(target, f"{name}-optimize"))
        chatty = not quiet and not json_output

        def announce(done: int, total: int, best: Trial | None) -> None:
            if not chatty:
                return
            if done == 0:
                stderr.print(f"optimizing {name}: {total} trials", markup=False)
                return
            so_far = "none within the budget yet"
            if best is not None:
                figure = round_money(best.objective, loaded.currency)
                so_far = f"best so far {figure} (trial {best.number})"
            stderr.print(f"trials {done}/{total}: {so_far}", markup=False)

        result = run_optimize(
            scenario,
            strategy=strategy,
            levers=levers,
            objective=objective,
            max_cvar95=max_cvar95,
            trials=trials,
            overrides=overrides or [],
            replications=replications,
            seed=seed,
            deterministic=deterministic,
            workers=workers,
            scheduler=scheduler,
            progress=announce,
        )
        write_optimize(
            result, target, charts=not no_charts, chart_format=chart_format.value, force=force
        )
        if json_output:
            typer.echo(optimize_json(result), nl=False)
        elif not quiet:
            for sentence in recommendation_lines(result):
                stdout.print(escape(textwrap.fill(sentence, WIDTH)), highlight=False)
            stdout.print(textwrap.fill(f"Outputs written to {target}", WIDTH), markup=False)
