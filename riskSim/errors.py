"""The project's exception types.

The library raises these; only the CLI turns them into exit codes and
messages on standard error. This module imports nothing of ours.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "did_you_mean",
    "InputProblem",
    "InvalidInputError",
    "RiskSimError",
    "OutputError",
    "Terminated",
]


class RiskSimError(Exception):
    """Base of every error riskSim raises on purpose."""


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input: where it is and what is wrong.

    Attributes:
        source: the file (or option, such as ``--set``) the problem is in.
        field: dotted path of the field, e.g. ``channels.linkedin.organic_reach``;
            empty when the problem concerns the whole file.
        message: what is wrong, in words a user understands.
        line: the 1-based line in ``source`` where known.
    """

    source: str
    field: str
    message: str
    line: int | None = None

    def render(self) -> str:
        """One line: ``file:line: field: message``."""
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class InvalidInputError(RiskSimError):
    """Invalid input (a scenario file, a team file, an option): exit code 2."""

    problems: list[InputProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        # ``args`` must rebuild the error: SimPy re-raises a process's exception as
        # ``type(error)(*error.args)`` and pickling (worker processes) does the same.
        super().__init__(self.problems)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """Every problem, one per line."""
        return "\n".join(problem.render() for problem in self.problems)

    @classmethod
    def single(
        cls, source: str, field_path: str, message: str, line: int | None = None
    ) -> InvalidInputError:
        """Shorthand for an error with exactly one problem."""
        return cls([InputProblem(source, field_path, message, line)])


class OutputError(RiskSimError):
    """The outputs could not be written (unwritable folder, full disk): exit code 1."""


def did_you_mean(name: object, choices: Iterable[object], *, otherwise: str = "") -> str:
    """The hint closing a message about an unknown name: ``; did you mean 'email'?``.

    Args:
        name: what the user wrote.
        choices: the names that would have been valid.
        otherwise: the text to give when nothing is close (e.g. the list of choices).
    """
    close = difflib.get_close_matches(str(name), [str(choice) for choice in choices], n=1)
    return f"; did you mean '{close[0]}'?" if close else otherwise


class Terminated(BaseException):
    """SIGTERM arrived: stop as an interrupt does (clean-ups run), exit code 143.

    A BaseException like KeyboardInterrupt, so ``except Exception`` never swallows
    it, but not a KeyboardInterrupt, which Typer would turn into exit code 130.
    """
