"""``risksim charts``: regenerate the reference charts of scenario files, or check them.

Tells what runs on standard error (unless ``--quiet``): one line for the
simulation of every scenario together, a bar over all their replications at
a terminal, then a line as each scenario's charts are drawn, with how many
are left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from riskSim.cli.app import (
    Force,
    Quiet,
    Workers,
    app,
    fail,
    out_folder,
    stderr,
    stdout,
    user_errors,
)
from riskSim.cli.run import batch_progress
from riskSim.outputs.folder import MANIFEST_NAME
from riskSim.outputs.regenerate import (
    check_targets,
    draw_references,
    load_scenarios,
    scenario_files,
    simulate_references,
    stale_files,
    write_regenerated,
)
from riskSim.scenario import Scenario

__all__ = ["charts"]


@app.command()
def charts(
    paths: Annotated[
        list[Path], typer.Argument(help="Scenario files, or folders meaning their *.yaml.")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            parser=out_folder,
            help="Folder of the reference files: OUT/<name>/charts/*.svg.",
        ),
    ],
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 naming every file that is missing or differs.",
        ),
    ] = False,
    workers: Workers = None,
    quiet: Quiet = False,
    force: Force = False,
) -> None:
    """Run each scenario with its own seed and replications; write or check its SVG charts.

    Writes OUT/<name>/charts/*.svg and OUT/<name>/summary.json (and the
    folder's manifest); anything else in OUT is left alone. The bytes depend
    only on the files (and matplotlib's version), so CI can commit them and
    fail with --check when they are stale.
    """
    with user_errors():
        scenarios = load_scenarios(scenario_files(paths))
        if not check:
            check_targets([scenario.name for scenario in scenarios], out, force=force)
        replications = sum(scenario.replications for scenario in scenarios)
        count = f"{len(scenarios)} scenario{'' if len(scenarios) == 1 else 's'}"
        if not quiet:
            stderr.print(
                f"simulating {count} together ({replications:,} replications)", markup=False
            )
        with batch_progress(count, enabled=not quiet) as advance:
            runs = simulate_references(scenarios, workers=workers, progress=advance)

        def announce(scenario: Scenario, done: int, total: int) -> None:
            if not quiet:
                stderr.print(
                    f"[{done}/{total}] charts of {scenario.name} drawn; {total - done} left",
                    markup=False,
                )

        files = draw_references(runs, workers=workers, drawn=announce)
        if check:
            stale = stale_files(files, out)
            if stale:
                # a folder without a manifest (written before riskSim kept one) needs --force once
                unmarked = any(item.path.name == MANIFEST_NAME for item in stale)
                force_hint = " --force" if unmarked else ""
                fail(
                    f"{len(stale)} reference file(s) in {out} are stale; regenerate them with "
                    f"`risksim charts PATH... --out {out}{force_hint}` and commit the result:\n"
                    + "\n".join(item.render() for item in stale),
                    1,
                )
            if not quiet:
                stdout.print(f"{len(files)} files up to date in {out}", markup=False)
            return
        written = write_regenerated(files, out, force=force)
        if not quiet:
            stdout.print(f"{len(written)} files written to {out}", markup=False)
