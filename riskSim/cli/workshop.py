"""``risksim workshop``: every team's strategy against the same hidden shocks, ranked.

Parses options, calls :mod:`riskSim.studies.workshop` and :mod:`riskSim.outputs.debrief`,
and renders the leaderboard (and, with ``--rounds``, the round-by-round
reveal, waiting for Enter between rounds only when standard input is a
terminal and ``--no-pause`` is not given). Errors go through
:func:`~riskSim.cli.app.user_errors`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
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
from riskSim.outputs.debrief import leaderboard_document, standing_cells, write_debrief
from riskSim.outputs.folder import check_output_folder
from riskSim.scenario.loading import load_scenario
from riskSim.studies.workshop import (
    Round,
    Standing,
    load_teams,
    play_rounds,
    run_workshop,
)
from riskSim.words import SCORE_LABELS, currency_label

__all__ = ["leaderboard_table", "workshop"]


def leaderboard_table(
    rows: Sequence[Standing], *, title: str, score: str, currency: str | None = None
) -> Table:
    """The leaderboard as a table for the terminal (or the wall)."""
    table = Table(
        title=title, caption=f"ranked by {SCORE_LABELS[score]}; money in {currency_label(currency)}"
    )
    table.add_column("rank", justify="right")
    table.add_column("team", style="bold", no_wrap=True)
    table.add_column("score", justify="right")
    table.add_column("mean profit", justify="right")
    table.add_column("p5 profit", justify="right")
    table.add_column("mean revenue", justify="right")
    table.add_column("at risk", justify="right")
    table.add_column("profit\nat risk", justify="right")
    table.add_column("profit at\nrisk CVaR95", justify="right")
    table.add_column("rented", justify="right")
    for cells in standing_cells(rows, currency):
        table.add_row(*cells)
    return unbroken(table)


def _show_round(played: Round, score: str, rounds: int, currency: str | None = None) -> None:
    stdout.rule(f"Round {played.number} of {rounds}: days {played.start_day}-{played.end_day}")
    if played.shocks:
        for onset in played.shocks:
            stdout.print(f"[bold red]Shock on day {played.start_day}:[/] {onset.label}")
    else:
        stdout.print("No shock yet: the platforms behave.")
    heading = "Final standings" if played.last else f"Standings at day {played.end_day}"
    stdout.print(leaderboard_table(played.standings, title=heading, score=score, currency=currency))


@app.command()
def workshop(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    team_files: Annotated[
        list[Path],
        typer.Argument(help="Team files (team: NAME, strategy: {...}); one per team."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            parser=out_folder,
            help="Output folder (default runs/<name>-workshop).",
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
    rounds: Annotated[
        bool,
        typer.Option(
            "--rounds",
            help="Reveal round by round: the horizon cut at each shock onset, standings "
            "after each (waits for Enter between rounds at a terminal).",
        ),
    ] = False,
    no_pause: Annotated[
        bool, typer.Option("--no-pause", help="With --rounds: never wait for Enter.")
    ] = False,
    force: Force = False,
) -> None:
    """Run every team's strategy against the scenario's shocks on common random numbers.

    Writes leaderboard.csv, leaderboard.md, charts/leaderboard, charts/debrief
    and debrief.html; teams are ranked by the scenario's workshop.score.
    """
    with user_errors():
        loaded = load_scenario(scenario, overrides or [])
        teams = load_teams(team_files, loaded)
        target = out if out is not None else Path("runs") / f"{loaded.name}-workshop"
        suggest = os.path.join(target, f"{loaded.name}-workshop")
        check_output_folder(target, force=force, suggest=suggest)
        talk = not quiet and not json_output
        with batch_progress(loaded.name, enabled=talk) as advance:
            run = run_workshop(
                loaded,
                teams,
                replications=replications,
                seed=seed,
                workers=workers,
                deterministic=deterministic,
                progress=advance,
            )
        document = leaderboard_document(run)
        if rounds:
            with batch_progress(f"{loaded.name} rounds", enabled=talk) as advance:
                played_rounds = play_rounds(run, workers=workers, progress=advance)
            pause = talk and not no_pause and sys.stdin.isatty()
            for played in played_rounds:
                if talk:
                    _show_round(played, run.score, len(played_rounds), run.scenario.currency)
                    if pause and not played.last:
                        stdout.input("[dim]Press Enter for the next round...[/]")
            document["rounds"] = [
                {
                    "round": played.number,
                    "start_day": played.start_day,
                    "end_day": played.end_day,
                    "shocks": [onset.label for onset in played.shocks],
                    "standings": [row.row() for row in played.standings],
                }
                for played in played_rounds
            ]
        write_debrief(
            run, target, charts=not no_charts, chart_format=chart_format.value, force=force
        )
    if json_output:
        typer.echo(json.dumps(document, indent=2, allow_nan=False))
    elif not quiet:
        title = (
            f"{run.scenario.display_title()}: leaderboard\n"
            f"{run.results.replications:,} replications, seed {run.results.seed}"
        )
        stdout.print(
            leaderboard_table(
                run.leaderboard, title=title, score=run.score, currency=run.scenario.currency
            )
        )
        stdout.print(f"Debrief written to {target} (open debrief.html)")
