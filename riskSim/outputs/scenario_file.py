"""A scenario file written as a file, not a folder: ``calibrate --out``.

Owns the rules for a single scenario file: never overwrite one without
``--force``, never write into a folder that does not exist, and write
atomically (a temporary file beside the target, validated as a scenario from
the target's own folder, then renamed into place), so a refused or failed
write leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from riskSim.errors import InputProblem, InvalidInputError
from riskSim.scenario.loading import load_scenario

__all__ = ["check_destination", "write_scenario"]


def check_destination(out: Path, *, force: bool) -> None:
    """Refuse an ``--out`` that exists (without ``force``), is a folder, or has no folder.

    Raises:
        InvalidInputError: naming ``--out``.
    """
    if out.is_dir():
        raise InvalidInputError.single("--out", "", f"{out} is a folder; give a file name")
    if out.exists() and not force:
        raise InvalidInputError.single(
            "--out", "", f"{out} already exists; use --force to overwrite it"
        )
    if not out.parent.is_dir():
        raise InvalidInputError.single("--out", "", f"no such folder {out.parent}")


def write_scenario(text: str, out: Path, *, force: bool = False) -> None:
    """Write ``text`` to ``out`` atomically once it loads as a valid scenario there.

    Raises:
        InvalidInputError: ``out`` exists (without ``force``), its folder does
            not, or the text is not a valid scenario from ``out``'s folder;
            nothing is written.
    """
    check_destination(out, force=force)
    handle = tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        dir=out.parent,
        prefix=f".{out.stem}.",
        suffix=".yaml",
        delete=False,
    )
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(text)
        try:
            load_scenario(temporary)
        except InvalidInputError as error:
            raise InvalidInputError(
                [
                    InputProblem(
                        str(out) if problem.source == str(temporary) else problem.source,
                        problem.field,
                        problem.message,
                        problem.line,
                    )
                    for problem in error.problems
                ]
            ) from None
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
