"""The Typer application, options shared by commands, and the one error path.

Every command runs inside :func:`user_errors`, which maps the library's
exceptions to the design's exit codes: 2 for invalid input (a message naming
file and field, no traceback), 130 for an interrupt (SIGINT), 143 for SIGTERM,
1 for anything else. :func:`main` turns SIGTERM into
:class:`~riskSim.errors.Terminated`, so the same clean-ups run as for Ctrl-C.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from typer.core import TyperArgument, TyperOption

from riskSim.errors import InvalidInputError, OutputError, RiskSimError, Terminated
from riskSim.outputs.folder import CHART_FORMATS, EMPTY_OUT_MESSAGE, FORCE_HELP

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_TERMINATED",
    "ChartFormat",
    "Force",
    "Scheduler",
    "app",
    "fail",
    "internal_error",
    "main",
    "out_folder",
    "stderr",
    "stdout",
    "user_errors",
]

EXIT_INVALID = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
INTERRUPTED = "interrupted: nothing was written; earlier outputs are intact."
TERMINATED = "terminated: nothing was written; earlier outputs are intact."

app = typer.Typer(
    name="risksim",
    help="How much of a brand's revenue hangs on platforms it does not own.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
_option_type = TyperOption.display_type_rich
_argument_type = TyperArgument.display_type_rich

PLAIN_TYPES = {
    "Path": "PATH",
    "path": "PATH",
    "file": "FILE",
    "directory": "FOLDER",
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "float range": "NUMBER",
}
"""Typer's type labels (Python names, ``<list[Path]>``) as a reader of ``--help`` says them."""


def plain_type(label: str | None) -> str | None:
    """``<list[Path]>`` -> ``PATH...``, ``<int range>`` -> ``INTEGER``; other labels kept.

    Typer fills the help's type column from the Python annotation, so a list of
    paths reads ``<list[Path]>`` and an output folder ``<Path>``; click's own
    words (``PATH``, ``TEXT``, ``INTEGER``, ``...`` for several) say the same
    without the Python. Choices (``<png|svg|pdf>``) and metavars pass unchanged.
    """
    if label is None or not (label.startswith("<") and label.endswith(">")):
        return label
    inner = label[1:-1]
    several = inner.startswith("list[") and inner.endswith("]")
    if several:
        inner = inner[len("list[") : -1]
    inner = inner.removesuffix("...")
    if inner not in PLAIN_TYPES:
        return label
    return PLAIN_TYPES[inner] + ("..." if several or label.endswith("...>") else "")


def _option_display_type(option: TyperOption, ctx: typer.Context) -> str | None:
    """No type column for a flag: ``--quiet <bool>`` reads as if ``--quiet true`` worked."""
    return None if option.is_flag else plain_type(_option_type(option, ctx))


def _argument_display_type(argument: TyperArgument, ctx: typer.Context) -> str | None:
    return plain_type(_argument_type(argument, ctx))


TyperOption.display_type_rich = _option_display_type  # type: ignore[method-assign]
TyperArgument.display_type_rich = _argument_display_type  # type: ignore[method-assign]
"""Typer's help prints ``<bool>`` after every flag and Python types (``<list[Path]>``)
after paths, and offers no setting to stop either."""

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


ChartFormat = Enum(  # type: ignore[misc]
    "ChartFormat", {name: name for name in CHART_FORMATS}, type=str
)
"""File formats the charts can be written in (:data:`riskSim.outputs.folder.CHART_FORMATS`)."""


Replications = Annotated[
    int | None,
    typer.Option(
        "--replications", "-n", min=1, help="Monte Carlo replications (default: the file's)."
    ),
]
Seed = Annotated[
    int | None, typer.Option("--seed", min=0, help="Random seed (default: the file's).")
]
Overrides = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a field, e.g. shocks.0.fee=20 or horizon_days=365 (repeatable).",
    ),
]
Deterministic = Annotated[
    bool,
    typer.Option("--deterministic", help="Expected-value mode: every draw replaced by its mean."),
]
Workers = Annotated[
    int | None, typer.Option("--workers", min=1, help="Processes to use (default: every core).")
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run the batches on a Dask cluster (tcp://host:8786), or 'local' for a "
        "LocalCluster; needs pip install 'riskSim\\[dask]'.",
    ),
]
Format = Annotated[
    ChartFormat, typer.Option("--format", help="Chart file format.", case_sensitive=False)
]
NoCharts = Annotated[bool, typer.Option("--no-charts", help="Skip the charts.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print summary.json to standard output.")]
Force = Annotated[bool, typer.Option("--force", help=FORCE_HELP)]


def out_folder(text: str) -> Path:
    """``--out``'s parser: an empty value (an unset shell variable) is not the current folder.

    Raises:
        typer.BadParameter: the value is empty (exit 2, naming the option).
    """
    if text == "":
        raise typer.BadParameter(EMPTY_OUT_MESSAGE)
    return Path(text)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` on standard error and exit with ``code``."""
    stderr.print(message, markup=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's exceptions into a message and the design's exit code."""
    try:
        yield
    except InvalidInputError as error:
        count = len(error.problems)
        heading = "invalid input" if count == 1 else f"invalid input ({count} problems)"
        fail(f"error: {heading}; nothing was written.\n{error.render()}", EXIT_INVALID)
    except (OutputError, RiskSimError) as error:
        fail(f"error: {error}", 1)
    except Terminated:
        fail(TERMINATED, EXIT_TERMINATED)
    except KeyboardInterrupt:
        fail(INTERRUPTED, EXIT_INTERRUPTED)
    except (typer.Exit, typer.Abort, typer.TyperException):  # typer's own exits and usage errors
        raise
    except Exception as error:  # the last resort: a bug, never a traceback (issue 15)
        fail(internal_error(error), 1)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def internal_error(error: BaseException) -> str:
    """One line for an exception riskSim did not expect; the traceback with RISKSIM_DEBUG=1."""
    if os.environ.get("RISKSIM_DEBUG") == "1":
        stderr.print("".join(traceback.format_exception(error)), markup=False, end="")
    text = " ".join(str(error).split())
    text = text if len(text) <= 300 else text[:297] + "..."
    return (
        f"error: internal error: {type(error).__name__}: {text} "
        "(please report it; RISKSIM_DEBUG=1 shows the traceback)"
    )


def main() -> None:
    """Console entry point (``risksim``): SIGTERM stops a command as Ctrl-C does.

    Whatever way the command ends, :func:`gc.freeze` then hands every live
    object to the permanent generation. The interpreter's shutdown collects
    garbage several times over the ~100,000 objects numpy and numba leave
    behind, which took 0.2-0.3 s of every run (a third of a small what-if's
    fixed cost); frozen objects are not traversed, and the operating system
    takes the memory back anyway. Files are closed, atexit handlers and
    finalizers run as before: only the collector's walks are skipped.
    """
    signal.signal(signal.SIGTERM, _terminate)
    try:
        _run_app()
    finally:
        gc.freeze()


def _run_app() -> None:
    try:
        app()
    except Terminated:
        stderr.print(TERMINATED, markup=False)
        sys.exit(EXIT_TERMINATED)
    except KeyboardInterrupt:
        stderr.print(INTERRUPTED, markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # raised outside user_errors (option parsing, say)
        stderr.print(internal_error(error), markup=False, soft_wrap=True)
        sys.exit(1)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        stdout.print(f"risksim {version('riskSim')}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print riskSim's version and exit.",
        ),
    ] = False,
) -> None:
    """How much of a brand's revenue hangs on platforms it does not own.

    Simulates a brand's channels under platform shocks (pay per post, reach
    collapse, shutdowns) and compares strategies: see `risksim run --help`.
    """
