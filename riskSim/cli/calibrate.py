"""``risksim calibrate``: a scenario from the brand's own exports.

Parses options, calls :mod:`riskSim.studies.calibrate` and renders one table per
channel (every estimated field with its interval, posts, dates and files),
the fields not estimated and the warnings; errors go through
:func:`~riskSim.cli.app.user_errors`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from riskSim.cli.app import Quiet, app, stderr, stdout, user_errors
from riskSim.outputs.scenario_file import check_destination, write_scenario

if TYPE_CHECKING:
    from riskSim.studies.calibrate import Calibration, ChannelEstimate

__all__ = ["calibrate_command", "channel_table"]


def _figure(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def channel_table(channel: ChannelEstimate) -> Table:
    """Every estimated field of one channel: estimate, 95% interval, posts, what it is from."""
    files = ", ".join(Path(source).name for source in channel.sources)
    table = Table(
        title=f"{channel.name} ({channel.kind}): {channel.posts} posts, "
        f"{channel.first:%Y-%m-%d} to {channel.last:%Y-%m-%d}\n{files}",
        caption=(
            "not estimated: "
            + "; ".join(f"{name} ({why})" for name, why in channel.not_estimated.items())
            if channel.not_estimated
            else None
        ),
        caption_justify="left",
    )
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("estimate", justify="right", no_wrap=True)
    table.add_column("95% interval", justify="right", no_wrap=True)
    table.add_column("posts", justify="right", no_wrap=True)
    table.add_column("from", overflow="fold")
    for name, estimate in channel.fields.items():
        interval = (
            f"{_figure(estimate.low)}–{_figure(estimate.high)}"
            if estimate.low != estimate.high
            else "—"
        )
        basis = f"{estimate.basis}; {estimate.note}" if estimate.note else estimate.basis
        table.add_row(name, _figure(estimate.point), interval, str(estimate.posts), basis)
    return table


def _show(calibration: Calibration) -> None:
    for channel in calibration.channels.values():
        stdout.print(channel_table(channel))
    for warning in calibration.warnings:
        stderr.print(f"warning: {warning}", markup=False, soft_wrap=False)


@app.command("calibrate")
def calibrate_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Per-post exports: a generic CSV (date, channel, kind, audience, impressions, "
            "engagements, clicks[, orders, revenue]), LinkedIn page posts, Meta Business "
            "Suite posts or Mailchimp campaigns."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scenario file to write.")],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Scenario name (default: the --out file's name)."),
    ] = None,
    audience: Annotated[
        list[str] | None,
        typer.Option(
            "--audience",
            metavar="CHANNEL=N",
            help="Followers today of a channel whose export has none (LinkedIn, Meta), "
            "e.g. linkedin=5000; overrides the data's latest audience otherwise (repeatable).",
        ),
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel",
            metavar="FILE=NAME",
            help="The channel a file's posts go to, e.g. fb-page.csv=facebook (repeatable).",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="First day kept (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Last day kept (YYYY-MM-DD).")
    ] = None,
    merge: Annotated[
        Path | None,
        typer.Option(
            "--merge",
            metavar="INTO.yaml",
            help="Replace only the calibrated channels' fields of this scenario, keeping its "
            "strategies, shocks and comments, and write the result to --out.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")] = False,
    quiet: Quiet = False,
) -> None:
    """Estimate channel figures, with their uncertainty, from exports and write a scenario."""
    # Imported here: the export readers and the round-trip YAML writer (dateutil,
    # ruamel.yaml) are for this command only, and every other command starts faster.
    from riskSim.studies.calibrate import (
        calibrate,
        merged_scenario_text,
        new_scenario_text,
        parse_assignments,
        parse_audiences,
        parse_day,
    )

    with user_errors():
        audiences = parse_audiences(audience or [])
        names = parse_assignments(
            channel or [], "--channel", form="FILE=NAME, e.g. page.csv=facebook"
        )
        first_day = parse_day(since, "--since")
        last_day = parse_day(until, "--until")
        check_destination(out, force=force)
        calibration = calibrate(
            files,
            audiences=audiences,
            channel_names=names,
            since=first_day,
            until=last_day,
        )
        if merge is not None:
            text = merged_scenario_text(calibration, merge, out=out, name=name)
        else:
            text = new_scenario_text(calibration, name=name or out.stem)
        write_scenario(text, out, force=force)
    if quiet:
        return
    _show(calibration)
    stdout.print(f"Wrote {out}", markup=False, soft_wrap=True)
    stdout.print(f"Next: risksim run {out}", markup=False, soft_wrap=True)
