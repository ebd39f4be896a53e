"""The look of every chart, and turning a figure into reproducible bytes.

Owns the palette (rented channels warm, owned channels cool, strategies in
colours of their own), the type sizes that keep a 1600x900 PNG readable on a
projector, number formats on axes, and :func:`render`, which saves a figure
with every source of run-to-run difference removed (dates, version strings,
random SVG ids). It knows matplotlib and nothing of scenarios or results.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from riskSim.words import money_digits, short_money

__all__ = [
    "CALM",
    "FIGSIZE",
    "DPI",
    "OWNED",
    "RENTED",
    "SHOCK",
    "chart_style",
    "money_axis",
    "new_figure",
    "percent_axis",
    "render",
    "strategy_colour",
    "strategy_colours",
    "strategy_shades",
]

FIGSIZE = (16.0, 9.0)
"""Inches; at :data:`DPI` a PNG is 1600x900 pixels, a 16:9 slide."""
DPI = 100

RENTED = "#D55E00"
"""Rented channels (platforms): vermillion, the colour of risk."""
RENTED_LIGHT = "#F2B48A"
OWNED = "#0072B2"
"""Owned channels (email, website): blue, the colour of safety."""
OWNED_LIGHT = "#8CC4E6"
CALM = "#7F7F7F"
"""The calm world, the baseline every strategy is measured against."""
SHOCK = "#B22222"
"""Shock onsets."""
STRATEGY_COLOURS = ("#4B2991", "#A0265A", "#6B7A00", "#00695C", "#8C5A2B", "#C2185B")
"""Strategies: purple, wine, olive, dark teal, brown, magenta; none of them is read as
rented (orange), owned (blue) or the calm world (grey)."""

HASH_SALT = "riskSim"
"""Fixed salt for the ids matplotlib writes into SVG files, so the bytes repeat."""

RC: dict[str, Any] = {
    "font.size": 15,
    "axes.titlesize": 18,
    "axes.titleweight": "bold",
    "axes.labelsize": 16,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 13,
    "legend.framealpha": 0.92,
    "figure.titlesize": 24,
    "figure.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "lines.linewidth": 2.5,
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
    "text.parse_math": False,
}
"""Our settings over matplotlib's defaults. ``text.parse_math`` is off because titles
come from scenario files, where "$10 per post ... $5" must not be read as mathtext."""

METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
}
"""What each format would otherwise stamp with the date or matplotlib's version."""


@contextmanager
def chart_style() -> Iterator[None]:
    """Matplotlib's defaults plus ours, for the duration of the block only.

    Starting from the defaults (not the user's matplotlibrc) is what makes the
    same results give the same bytes on every machine with the same matplotlib;
    the context restores the caller's settings afterwards.
    """
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        yield


def new_figure() -> Figure:
    """A 16x9-inch figure on the Agg canvas, never registered with pyplot."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def render(figure: Figure, chart_format: str) -> bytes:
    """The figure as ``png``, ``svg`` or ``pdf`` bytes, identical from run to run.

    Raises:
        ValueError: an unknown format.
    """
    if chart_format not in METADATA:
        raise ValueError(f"chart_format(={chart_format!r}) must be one of {', '.join(METADATA)}.")
    buffer = io.BytesIO()
    with chart_style():
        figure.savefig(buffer, format=chart_format, dpi=DPI, metadata=METADATA[chart_format])
    return buffer.getvalue()


def strategy_colour(position: int) -> str:
    """The colour of the strategy at ``position`` in the file's order."""
    return STRATEGY_COLOURS[position % len(STRATEGY_COLOURS)]


def strategy_colours(names: Iterable[str]) -> dict[str, str]:
    """Each strategy's colour, from its position among ``names`` (the scenario's order).

    Every chart asks this one function with the scenario's own list, never the
    order of a ranking or of the files given, so a strategy keeps its colour in
    every chart of an output and between outputs of the same scenario.
    """
    return {name: strategy_colour(position) for position, name in enumerate(names)}


def strategy_shades(colour: str, count: int) -> list[str]:
    """``count`` shades of one strategy's colour, light to dark, for an ordered series.

    A sweep over a grid draws one line per value of its first field; the lines
    are all the swept strategy, so they share its hue and only grow darker as
    the value grows, instead of borrowing other strategies' colours.
    """
    if count == 1:
        return [colour]
    red, green, blue = to_rgb(colour)
    shades = []
    for step in np.linspace(0.55, 0.0, count):
        # Mix with white: step 0.55 is a light tint, 0 the colour itself.
        mixed = tuple(channel + (1.0 - channel) * step for channel in (red, green, blue))
        shades.append(to_hex(mixed))
    return shades


class MoneyFormatter(Formatter):
    """Tick labels in :func:`riskSim.words.short_money` form, with the digits the ticks need.

    Ticks at 10,000, 11,250 and 12,500 need four significant digits to tell
    11.25k from 11.3k; the formatter looks at every tick of the axis before
    labelling one, as matplotlib's own formatters do. With a currency every
    tick carries it: ``$12.5k``, ``CHF 12.5k``.
    """

    def __init__(self, currency: str | None = None) -> None:
        self.digits = 3
        self.currency = currency

    def set_locs(self, locs: Any) -> None:
        """Remember how many digits the axis's ticks need."""
        super().set_locs(locs)
        self.digits = money_digits(float(loc) for loc in locs)

    def __call__(self, value: float, position: int | None = None) -> str:
        """The label of the tick at ``value``."""
        return short_money(float(value), self.currency, digits=self.digits)


class PercentAxisFormatter(Formatter):
    """Shares as percents with the fewest decimals that label every tick of the axis exactly.

    Whole percents alone print a tick at 2.5% as "2%" between "0%" and "5%";
    a fixed decimal prints "5.0%" where "5%" says it. Like
    :class:`MoneyFormatter`, it looks at every tick before labelling one.
    """

    def __init__(self) -> None:
        self.decimals = 0

    def set_locs(self, locs: Any) -> None:
        """Remember how many decimals the axis's ticks need (at most three)."""
        super().set_locs(locs)
        percents = [float(loc) * 100 for loc in locs]
        self.decimals = next(
            (
                decimals
                for decimals in range(3)
                if all(abs(value - round(value, decimals)) < 1e-9 for value in percents)
            ),
            3,
        )

    def __call__(self, value: float, position: int | None = None) -> str:
        """The label of the tick at ``value`` (a share: 0.025 is "2.5%")."""
        return f"{float(value) * 100:.{self.decimals}f}%"


def percent_axis() -> PercentAxisFormatter:
    """Tick labels for shares in percent (an axis owns its formatter)."""
    return PercentAxisFormatter()


def money_axis(currency: str | None = None) -> MoneyFormatter:
    """Tick labels in :func:`riskSim.words.short_money` form (an axis owns its formatter)."""
    return MoneyFormatter(currency)
