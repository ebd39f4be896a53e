"""``risksim list | new | validate | schema | brief``: working with scenario files.

Parses options, calls :mod:`riskSim.scenario.catalogue`, :mod:`riskSim.scenario.templates` and
:mod:`riskSim.scenario.schema`, and renders; errors go through :func:`user_errors`.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from riskSim.cli.app import EXIT_INVALID, app, fail, stdout, user_errors
from riskSim.scenario import is_slug
from riskSim.scenario.catalogue import brief_text, list_scenarios
from riskSim.scenario.loading import load_scenario
from riskSim.scenario.schema import scenario_schema
from riskSim.scenario.templates import TEAM_TEMPLATE, render_team_template, render_template
from riskSim.studies.validation import validate_files

__all__ = ["brief", "list_command", "new", "schema", "validate"]



class Template(str, Enum):
    """The kinds of brand `risksim new` has a starting file for."""

    b2b = "b2b"
    retail = "retail"
    creator = "creator"
    team = "team"


@app.command("list")
def list_command(
    folder: Annotated[Path, typer.Argument(help="Folder of scenario files (its *.yaml).")] = Path(
        "scenarios"
    ),
) -> None:
    """Table of the scenarios in a folder: name, title, shocks, strategies."""
    with user_errors():
        entries = list_scenarios(folder)
    # Names are never cut or folded: their columns are as wide as the longest
    # name; titles and shocks wrap between words (shocks are words, not slugs).
    longest = [
        max((len(word) for entry in entries for text in texts(entry) for word in text.split()),
            default=4)
        for texts in (lambda e: [e.name], lambda e: e.shocks, lambda e: e.strategies)
    ]
    table = Table(title=f"Scenarios in {folder}", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("name", style="bold", no_wrap=True, min_width=longest[0])
    table.add_column("title", ratio=1)
    table.add_column("shocks", min_width=longest[1])
    table.add_column("strategies", no_wrap=True, min_width=longest[2])
    for entry in entries:
        if entry.valid:
            table.add_row(
                entry.name,
                entry.title,
                "hidden (workshop)" if entry.shocks_hidden else "\n".join(entry.shocks) or "none",
                "\n".join(entry.strategies),
            )
        else:
            table.add_row(entry.name, f"INVALID: {entry.problems[0].render()}", "", "")
    stdout.print(table)


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Scenario name, or a path ending in .yaml.")],
    template: Annotated[
        Template, typer.Option("--template", "-t", help="Kind of brand to start from.")
    ] = Template.b2b,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario", help="With --template team: the scenario whose channel names to use."
        ),
    ] = None,
) -> None:
    """Write a commented scenario file that validates and runs as written.

    With --template team, write a workshop team file instead (for the
    scenario given with --scenario, else for scenarios/workshop-hidden-shocks.yaml).
    """
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    slug = path.stem
    if not is_slug(slug):
        fail(
            f"error: '{slug}' is not a valid scenario name: use letters, digits, '-', '_' "
            "or '.', starting with a letter or digit.",
            EXIT_INVALID,
        )
    if path.is_dir():
        fail(f"error: {path} is a folder; give the path of a .yaml file to write.", EXIT_INVALID)
    if path.exists() and not path.is_file():
        fail(f"error: {path} is not a regular file (a FIFO or device?); not writing.", EXIT_INVALID)
    if path.exists() and not force:
        fail(f"error: {path} already exists; use --force to overwrite it.", EXIT_INVALID)
    if not path.parent.is_dir():
        fail(f"error: no such folder {path.parent}", EXIT_INVALID)
    if template.value == TEAM_TEMPLATE:
        channels: dict[str, list[str]] = {}
        if scenario is not None:
            with user_errors():
                loaded = load_scenario(scenario)
            for channel_name, channel in loaded.channels.items():
                channels.setdefault(channel.kind, []).append(channel_name)
        text = render_team_template(
            slug,
            rented=channels.get("rented") if scenario else None,
            owned=channels.get("owned") if scenario else None,
            scenario=str(scenario) if scenario else "SCENARIO.yaml",
        )
        _write(path, text)
        shown = scenario if scenario else "SCENARIO.yaml"
        stdout.print(f"Wrote {path} (team file). Next: risksim workshop {shown} {path}")
        return
    if scenario is not None:
        fail("error: --scenario goes with --template team.", EXIT_INVALID)
    _write(path, render_template(template.value, slug))
    stdout.print(f"Wrote {path} ({template.value} template). Next: risksim run {path}")


def _write(path: Path, text: str) -> None:
    """Write a new file, an unwritable folder or a full disk being one line, exit 1."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"error: cannot write {path}: {error.strerror}", 1)


@app.command()
def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="Scenario or team files; a folder means its *.yaml.")
    ],
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="The scenario team files are checked against."),
    ] = None,
) -> None:
    """Check scenario and team files: exit 0 when all are valid, else 2 listing every problem.

    A team file (one with a team: key) is checked against --scenario when
    given, else on its own (its shape and values, not its channel names).
    """
    files, problems = validate_files(paths, scenario=scenario)
    if problems:
        bad = len({problem.source for problem in problems})
        fail(
            f"error: {len(problems)} problem(s) in {bad} file(s):\n"
            + "\n".join(problem.render() for problem in problems),
            EXIT_INVALID,
        )
    stdout.print(f"{len(files)} file(s) valid.")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario file (for editor completion and checks)."""
    typer.echo(json.dumps(scenario_schema(), indent=2))


@app.command()
def brief(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
) -> None:
    """Print what workshop teams may see: channels and figures (shocks unless hidden)."""
    with user_errors():
        loaded = load_scenario(scenario)
    typer.echo(brief_text(loaded), nl=False)
