"""Numbers and shocks in words: the one place that decides how a figure reads.

Tables, charts, reports and the terminal all format money, shares and shocks
through these functions, so a figure reads the same wherever it appears.
A leaf: imports nothing of ours (a shock is read by its attributes only).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CHART_CAPTIONS",
    "WORKSHOP_CAPTIONS",
    "CURRENCY_SYMBOLS",
    "SCORE_LABELS",
    "currency_label",
    "describe_shock",
    "money",
    "percent",
    "about_sign",
    "quoted_mean",
    "round_money",
    "short_money",
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
    "tornado": "Which uncertain inputs drive revenue at risk: Spearman rank correlation of "
    "each input with revenue at risk, per strategy.",
}
"""Every chart a run may draw, in the order they are drawn and shown, with its caption."""

WORKSHOP_CAPTIONS = {
    "leaderboard": "Each team's score (bar) and the 5th-95th percentile range of what it is "
    "taken from across the simulated futures (line), best team at the top.",
    "debrief": "Mean cumulative revenue of each team over the horizon in the shocked world; "
    "shock onsets in red.",
}
"""The workshop's charts, in the order they are drawn and shown, with their captions."""


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


def short_money(value: float, currency: str | None = None) -> str:
    """Currency without decimals, thousands as k and millions as M: ``12.5k``, ``€12.5k``.

    For axes and narrow table cells, where ``70,800`` would not fit.
    """
    size = abs(value)
    if size >= 1_000_000:
        digits = f"{size / 1_000_000:,.1f}M".replace(".0M", "M")
    elif size >= 10_000:
        digits = f"{size / 1000:,.0f}k"
    elif size >= 1000:
        digits = f"{size / 1000:,.1f}k".replace(".0k", "k")
    else:
        digits = f"{size:,.0f}"
    negative = value < 0 and digits.strip("0.,kM") != ""
    return _with_currency(digits, negative, currency)


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
    """What a shock does, in a few words: ``linkedin charges $10 per post``."""
    channel = shock.channel
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
        return f"{channel} ad prices x{about(shock.factor)}{number(shock.factor):g}"
    if shock.type == "audience_exodus":
        return f"{channel} audience leaves at {about(shock.rate)}{number(shock.rate):.1%} a day"
    return f"{shock.type} on {channel}"


def shock_happened(shock: Any, currency: str | None = None) -> str:
    """The shock as a clause in the past tense: ``instagram started charging $5 a post``."""
    channel, number = shock.channel, quoted_mean
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
        return f"{channel}'s ad prices rose {number(shock.factor):g}-fold"
    return f"people started leaving {channel} ({number(shock.rate):.1%} a day)"
