"""Tables that fit a narrow terminal without cutting a figure, a name or a heading word."""

from __future__ import annotations

from rich.table import Table

__all__ = ["unbroken"]


def unbroken(table: Table) -> Table:
    """Every column at least as wide as its longest cell and heading word.

    Rich shrinks columns to fit a narrow terminal by cutting headings
    ("recove…") and cells; figures and words must never be cut, so a column
    may wrap a heading between words but never narrow below its longest word.
    """
    for column in table.columns:
        words = [word for line in str(column.header).splitlines() for word in line.split()]
        cells = [str(cell) for cell in column._cells]
        column.min_width = max((len(text) for text in words + cells), default=1)
    return table
