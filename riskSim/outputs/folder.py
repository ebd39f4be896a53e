"""The output folder: every file riskSim writes goes through here.

Owns writing a folder atomically (a temporary folder beside the target,
renamed into place only when complete, so an interrupted or failed command
never leaves half a folder and never damages an earlier result), text files
with Unix line ends, and the chart formats a folder may hold. Knows nothing
of what the files say.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from riskSim.errors import OutputError

__all__ = ["CHART_FORMATS", "atomic_folder", "check_chart_format", "csv_text", "write_text"]

CHART_FORMATS = ("png", "svg", "pdf")
"""File formats charts can be written in (the CLI's ``--format`` choices)."""


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    On any exception (an interrupt included) the temporary folder is removed and
    ``target`` is left exactly as it was.

    Raises:
        OutputError: the folder cannot be created or replaced (unwritable, disk full).
    """
    target = target.absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        )
        staging.chmod(0o777 & ~_umask())
    except OSError as error:
        blocking = next((p for p in (target.parent, *target.parent.parents) if p.exists()), None)
        reason = (
            f"{blocking} is a file, not a folder"
            if blocking is not None and not blocking.is_dir()
            else error.strerror or str(error)
        )
        raise OutputError(f"cannot write to {target.parent}: {reason}") from None
    try:
        try:
            yield staging
        except OSError as error:
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
        _swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _swap_into_place(staging: Path, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a folder")
    previous = None
    try:
        if target.exists():
            previous = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.rmdir(previous)
            os.rename(target, previous)
        os.rename(staging, target)
    except OSError as error:
        if previous is not None and previous.exists() and not target.exists():
            os.rename(previous, target)
        raise OutputError(f"cannot replace {target}: {error.strerror or error}") from None
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def check_chart_format(chart_format: str) -> None:
    """Refuse a chart format matplotlib is not asked to write here.

    Raises:
        ValueError: naming the format and the choices.
    """
    if chart_format not in CHART_FORMATS:
        raise ValueError(
            f"chart_format(={chart_format!r}) must be one of {', '.join(CHART_FORMATS)}."
        )


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix line ends, whatever the platform."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _csv_cell(value: Any) -> str:
    """Booleans as ``true``/``false``; floats in shortest round-trip form (``repr``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV file's text: a header of ``columns``, then one line per row, ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in columns])
    return buffer.getvalue()
