"""debrief.html and leaderboard.md: words left-aligned, numbers right-aligned."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from riskSim.outputs.debrief import TABLE_HEADER, debrief_html, leaderboard_markdown
from riskSim.outputs.report import STYLE
from tests.charts.test_style import _workshop


class _Cells(HTMLParser):
    """Every header and data cell of the page's first table: (tag, class, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []
        self.tables = 0
        self._open: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        if tag in ("th", "td") and self.tables == 1:
            self._open = (tag, dict(attrs).get("class") or "")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.cells.append((*self._open, data))
            self._open = None


def _alignment(css_class: str, first: bool) -> str:
    """The text-align a cell gets from STYLE: the last matching rule of equal weight wins."""
    align = None
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", STYLE):
        found = re.search(r"text-align:\s*(\w+)", body)
        if not found:
            continue
        for selector in (part.strip() for part in selectors.split(",")):
            if selector == "td" and align is None:
                align = found.group(1)
            elif selector == "td:first-child" and first:
                align = found.group(1)
            elif css_class and selector == f"td.{css_class}":
                align = found.group(1)
    assert align is not None
    return align


def test_the_team_column_is_left_aligned_and_numbers_right_aligned() -> None:
    run = _workshop(["Zebras", "Ants", "Moles"])
    parser = _Cells()
    parser.feed(debrief_html(run))
    width = len(TABLE_HEADER)
    header = [cell for cell in parser.cells if cell[0] == "th"]
    assert [text for _, _, text in header] == list(TABLE_HEADER)
    rows = [cell for cell in parser.cells if cell[0] == "td"]
    assert len(rows) == 3 * width
    for start in range(0, len(rows), width):
        aligned = {
            column: (text, _alignment(css, first=index == 0))
            for index, (column, (_, css, text)) in enumerate(
                zip(TABLE_HEADER, rows[start : start + width], strict=True)
            )
        }
        assert aligned["team"][1] == "left" and aligned["team"][0] in {"Zebras", "Ants", "Moles"}
        for column in ("rank", "score", "mean profit", "rented revenue share"):
            assert aligned[column][1] == "right", column


def test_the_markdown_table_aligns_the_same_way() -> None:
    text = leaderboard_markdown(_workshop(["Ants", "Moles"]))
    rule = next(line for line in text.splitlines() if line.startswith("|---"))
    cells = rule.strip("|").split("|")
    assert dict(zip(TABLE_HEADER, cells, strict=True)) == {
        column: "---" if column == "team" else "---:" for column in TABLE_HEADER
    }
