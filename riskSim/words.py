"""Numbers and shocks in words: the one place that decides how a figure reads.

Tables, charts, reports and the terminal all format money, shares and shocks
through these functions, so a figure reads the same wherever it appears.
A leaf: imports nothing of ours (a shock is read by its attributes only).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "CHANNEL_NAMES",
    "CHART_CAPTIONS",
    "WORKSHOP_CAPTIONS",
    "CURRENCY_SYMBOLS",
    "SCORE_LABELS",
    "currency_label",
    "describe_shock",
    "money",
    "money_column",
    "money_digits",
    "percent",
    "about_sign",
    "channel_name",
    "quoted_mean",
    "round_money",
    "short_money",
    "sentence_start",
    "shock_happened",
]

SCORE_LABELS = {
    "mean_profit": "mean profit",
    "p5_profit": "5th-percentile profit (a bad year)",
    "mean_revenue": "mean revenue",
}
"""What each objective (``workshop.score``) means, in words for the room."""

CHART_CAPTIONS: dict[str, str] = {
    "revenue_fan": "Weekly revenue of each strategy in the shocked world against its calm "
    "world: median line, 5th-95th percentile band; shock onsets in red.",
    "exposure": "Exposure: the share of weekly revenue earned on rented platforms, and the "
    "audience split between rented (orange) and owned (blue) channels.",
    "loss_distribution": "Revenue at risk across replications, with VaR95 (1 future in 20 "
    "loses more) and CVaR95 (the average loss in those worst futures).",
    "cdf": "Profit over the horizon across the simulated futures, one S-curve per strategy "
    "(shocked world solid, calm world dashed): the share of futures earning that much or less; "
    "VaR95 (1 future in 20 earns less) and CVaR95 (the mean of those worst futures) marked.",
    "tornado": "Which uncertain inputs move profit at risk: mean profit at risk when each "
    "input is in its lowest tenth (open circle) and its highest tenth (filled), per strategy.",
}
"""Every chart a run may draw, in the order they are drawn and shown, with its caption."""

WORKSHOP_CAPTIONS = {
    "leaderboard": "Each team's score (bar) and, below it, the 5th-95th percentile range of "
    "what it is taken from across the simulated futures (line, dot at the mean), best team "
    "at the top.",
    "debrief": "Each team's mean weekly revenue in the shocked world as the shocks hit "
    "(shock onsets in red), beside the score the teams are ranked on, in rank order.",
}
"""The workshop's charts, in the order they are drawn and shown, with their captions."""


CHANNEL_NAMES = {
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
    "google_plus": "Google+",
    "x": "X",
    "twitter": "Twitter",
    "youtube": "YouTube",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "pinterest": "Pinterest",
    "threads": "Threads",
    "email": "email",
    "sms": "SMS",
}
"""Channel ids (lower case, ``_`` for ``-``) whose name is a brand, spelt as the brand spells it."""


def channel_name(channel: str) -> str:
    """A channel id as a name in a sentence: ``google_plus`` is "Google+", ``tiktok`` "TikTok".

    Scenarios name channels by id only; a known platform gets its brand's
    spelling (:data:`CHANNEL_NAMES`), any other id its words, underscores and
    hyphens read as spaces (``shop-newsletter`` is "shop newsletter"). Every
    sentence, label and chart that names a channel goes through here.
    """
    known = CHANNEL_NAMES.get(channel.lower().replace("-", "_"))
    if known is not None:
        return known
    return " ".join(channel.replace("_", " ").replace("-", " ").split())


def sentence_start(text: str) -> str:
    """``text`` with its first letter upper case (the rest as written: "TikTok" stays)."""
    return text[:1].upper() + text[1:]


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
"""Currencies with a symbol every reader knows; any other code is written out."""


def currency_label(currency: str | None) -> str:
    """The currency as a unit on an axis or a heading: ``$``, ``CHF``, or ``currency units``."""
    if currency is None:
        return "currency units"
    return CURRENCY_SYMBOLS.get(currency, currency)


def _with_currency(digits: str, negative: bool, currency: str | None) -> str:
    sign = "-" if negative else ""
    if currency is None:
        return f"{sign}{digits}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is not None:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{currency} {digits}"


def money(value: float, currency: str | None = None) -> str:
    """Whole currency units with thousands separators: ``70,800``, ``$70,800``, ``CHF 70,800``.

    Without a currency (a scenario that names none) the bare number.
    """
    whole = round(value)
    return _with_currency(f"{abs(whole):,.0f}", whole < 0, currency)


def short_money(value: float, currency: str | None = None, *, digits: int = 3) -> str:
    """Currency in k (thousands) and M (millions), to ``digits`` significant digits: ``12.5k``.

    For axes and narrow table cells, where ``70,800`` would not fit. Halves
    round up (``1,750`` is ``1.75k``, never the half-to-even ``1.8k``; ``2,250``
    at two digits is ``2.3k``), and trailing zeros go (``10k``, not ``10.0k``),
    so a tick at 12,500 reads ``12.5k``. An axis passes the digits its ticks
    need (:func:`money_digits`) so that every tick reads its true value. With a
    currency: ``$12.5k``, ``CHF 12.5k``.
    """
    rounded = _significant(value, digits)
    size = abs(rounded)
    scale, unit = _unit(size)
    text = f"{Decimal(str(size)) / scale:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text or "0"
    return _with_currency(text + unit, rounded < 0 and text != "0", currency)


def _unit(size: float) -> tuple[int, str]:
    """The divisor and suffix for an amount of this size: millions, thousands or units."""
    if size >= 1_000_000:
        return 1_000_000, "M"
    return (1000, "k") if size >= 1000 else (1, "")


def _significant(value: float, digits: int) -> float:
    """``value`` rounded half up (away from zero) to ``digits`` significant digits."""
    if value == 0 or not math.isfinite(value):
        return 0.0 if value == 0 else value
    exact = Decimal(repr(float(value)))
    exponent = exact.adjusted() - digits + 1
    return float(exact.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))


def money_digits(values: Iterable[float], *, most: int = 6) -> int:
    """The fewest significant digits (3 or more) at which :func:`short_money` shows values exactly.

    Ticks are round numbers, so a few digits suffice (12,500 needs 3, 11,250
    needs 4); values that are not round stop at ``most``.
    """
    needed = 3
    for value in values:
        while needed < most and _significant(value, needed) != float(value):
            needed += 1
    return needed


def money_column(values: Sequence[float]) -> list[str]:
    """A table column of money in one format: one unit and one count of decimals for all.

    The unit (none, k, M) comes from the largest value and the decimals give it
    three significant digits, so ``6,505`` and ``10,500`` read ``6.5k`` and
    ``10.5k`` one above the other, never ``6,505`` over ``10.5k``. Halves round up.
    """
    if not values:
        return []
    largest = max(abs(_significant(value, 3)) for value in values)
    scale, unit = _unit(largest)
    decimals = 0 if largest < 1000 else max(0, 2 - int(math.floor(math.log10(largest / scale))))
    step = Decimal(1).scaleb(-decimals)
    cells = []
    for value in values:
        scaled = (Decimal(repr(float(value))) / scale).quantize(step, rounding=ROUND_HALF_UP)
        text = f"{scaled:,f}"
        cells.append((text[1:] if text.startswith("-") and not scaled else text) + unit)
    return cells


def round_money(value: float, currency: str | None = None) -> str:
    """Three significant figures, thousands as k and millions as M: ``18.2k``, ``$9.1k``.

    For figures quoted in a sentence, where ``18,214`` is more precision than
    a decision needs and ``18k`` too little to tell two strategies apart.
    """
    size = abs(value)
    if size < 999.5:
        whole = round(size)
        return _with_currency(f"{whole:,.0f}", value < 0 and whole != 0, currency)
    for unit, scale in (("k", 1e3), ("M", 1e6)):
        figure = float(f"{size / scale:.3g}")  # 999.9k rounds to 1000k: then it is 1M
        if figure < 1000 or unit == "M":
            break
    digits = f"{figure:,.3g}{unit}" if figure < 1000 else f"{figure:,.0f}{unit}"
    return _with_currency(digits, value < 0, currency)


def percent(share: float, *, decimals: int | None = None) -> str:
    """A share as a percentage.

    By default one decimal below 10% (so small risks do not read as 0%) and
    none above; ``decimals`` fixes the count, for a column of figures that
    must line up and tell neighbours apart (a sweep's points).
    """
    if decimals is not None:
        return f"{share:.{decimals}%}"
    if share != 0 and abs(share) < 0.1:
        return f"{share:.1%}"
    return f"{share:.0%}"


def quoted_mean(value: Any) -> float:
    """A field that may be a number or a distribution, as the number to quote (its mean)."""
    return float(value) if isinstance(value, (int, float)) else float(value.mean())


def about_sign(value: Any) -> str:
    """``~`` before a quoted figure that is really a distribution's mean."""
    return "" if isinstance(value, (int, float)) else "~"


def describe_shock(shock: Any, currency: str | None = None) -> str:
    """What a shock does, in a few words: ``LinkedIn charges $10 per post``."""
    channel = channel_name(shock.channel)
    about, number = about_sign, quoted_mean
    if shock.type == "pay_per_post":
        return f"{channel} charges {about(shock.fee)}{money(number(shock.fee), currency)} per post"
    if shock.type == "reach_collapse":
        ramp = number(shock.ramp_days)
        over = f" over {about(shock.ramp_days)}{ramp:,.0f} days" if ramp else ""
        return (
            f"{channel} reach falls to {about(shock.factor)}{percent(number(shock.factor))}{over}"
        )
    if shock.type == "feature_shutdown":
        return (
            f"{channel} shuts {shock.feature} ({about(shock.share)}"
            f"{percent(number(shock.share))} of its sales)"
        )
    if shock.type == "platform_shutdown":
        notice = number(shock.notice_days)
        warned = f" after {about(shock.notice_days)}{notice:,.0f} days' notice" if notice else ""
        return f"{channel} shuts down{warned}"
    if shock.type == "account_suspension":
        return (
            f"{channel} account suspended for {about(shock.duration_days)}"
            f"{number(shock.duration_days):,.0f} days"
        )
    if shock.type == "ad_cost_inflation":
        return f"{channel} ad prices x{about(shock.factor)}{number(shock.factor):.3g}"
    if shock.type == "audience_exodus":
        return f"{channel} audience leaves at {about(shock.rate)}{number(shock.rate):.1%} a day"
    return f"{shock.type} on {channel}"


def shock_happened(shock: Any, currency: str | None = None) -> str:
    """The shock as a clause in the past tense: ``Instagram started charging $5 a post``."""
    channel, number = channel_name(shock.channel), quoted_mean
    if shock.type == "pay_per_post":
        return f"{channel} started charging {money(number(shock.fee), currency)} a post"
    if shock.type == "reach_collapse":
        ramp = number(shock.ramp_days)
        over = f" over {ramp:,.0f} days" if ramp else ""
        return f"{channel}'s reach started falling to {percent(number(shock.factor))}{over}"
    if shock.type == "feature_shutdown":
        return f"{channel} shut {shock.feature}"
    if shock.type == "platform_shutdown":
        return f"{channel} shut down"
    if shock.type == "account_suspension":
        return f"{channel} suspended the account for {number(shock.duration_days):,.0f} days"
    if shock.type == "ad_cost_inflation":
        return f"{channel}'s ad prices rose {number(shock.factor):.3g}-fold"
    return f"people started leaving {channel} ({number(shock.rate):.1%} a day)"
