"""Every limit on what riskSim reads and runs, with the reason for each, in one place.

Owns the largest values a scenario (and the files it comes from) may hold
before a run would overflow a 64-bit count, reach an infinite sum, exhaust
memory or run for hours: file size, YAML nesting, ``extends`` chains, text
lengths, horizon, cadence, audience and growth, money, paid impressions, and
the size of a sweep. Field-by-field limits are declared on the models
(:mod:`riskSim.scenario.model` reads the constants here); the limits that
involve several fields are checked by :func:`limit_problems`, which the
scenario's own validator calls, so every way to a Scenario (a file, ``--set``,
a sweep point, the Python API) meets them before anything is compiled.
Each message names the field, the limit, why it exists and the largest value
that fits. This module must not import the models (they import it), the
engine, files or the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from riskSim.scenario.model import Scenario

__all__ = [
    "MAX_AUDIENCE",
    "MAX_DAILY_IMPRESSIONS",
    "MAX_EXTENDS_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_HORIZON_DAYS",
    "MAX_MONEY",
    "MAX_NAME_CHARS",
    "MAX_POSTS_PER_CHANNEL",
    "MAX_POSTS_PER_WEEK",
    "MAX_SOURCE_CHARS",
    "MAX_SWEEP_POINTS",
    "MAX_SWEEP_REPLICATIONS",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "REASONS",
    "limit_problems",
]

MAX_FILE_BYTES = 1_000_000
"""A scenario is a few kilobytes; a megabyte is two hundred of them (and never /dev/zero)."""
MAX_YAML_NODES = 200_000
"""Values a document may expand to through aliases before it is refused (alias bombs)."""
MAX_YAML_DEPTH = 32
"""Nesting of mappings and lists; a scenario needs 7 (strategies.s.capture.0.rate.dist)."""
MAX_EXTENDS_DEPTH = 16
"""Files in an ``extends`` chain; a family of scenarios needs two or three."""

MAX_NAME_CHARS = 64
"""Scenario, channel, strategy, feature and team names: they name folders and table rows."""
MAX_TITLE_CHARS = 200
"""A title is one line on a chart and a report's heading."""
MAX_TEXT_CHARS = 10_000
"""A description is a paragraph or a few (scenario and strategy descriptions)."""
MAX_SOURCE_CHARS = 1_000
"""One entry of ``sources``: a citation."""

MAX_HORIZON_DAYS = 7_300
"""Twenty years: longer than any platform has kept its rules; each day is a step of the
simulation in every world (twenty years of one replication take about ten seconds)."""
MAX_POSTS_PER_WEEK = 1_000
"""A post every ten minutes, day and night; each post is an event of the simulation."""
MAX_POSTS_PER_CHANNEL = 100_000
"""Posts one channel may make over the horizon (posts_per_week x horizon_days / 7): the
time budget of a run (about a minute in expected-value mode)."""
MAX_AUDIENCE = 1e12
"""People on one channel: more than use the internet, a hundred times over. Audiences are
counted in 64-bit integers (largest 9.2e18); the engine stops a run that grows past this."""
MAX_MONEY = 1e12
"""A trillion per order, post, day or member: sums over posts, people and replications of
values below it stay far from float overflow (1.8e308), so every figure is finite."""
MAX_DAILY_IMPRESSIONS = 1e12
"""Paid impressions a day (ad_budget_per_day / cpm x 1,000), counted in 64-bit integers."""

MAX_SWEEP_POINTS = 2_500
"""Grid points of a sweep (a 50 x 50 grid): each point is a run, kept in memory as a summary."""
MAX_SWEEP_REPLICATIONS = 10_000_000
"""Replications summed over a sweep's points: its budget in evaluations."""

REASONS: dict[str, str] = {
    "horizon_days": f"at most {MAX_HORIZON_DAYS:,} days (twenty years; every day is a step "
    "of the simulation)",
    "posts_per_week": f"at most {MAX_POSTS_PER_WEEK:,} a week (a post every ten minutes, "
    "day and night; every post is an event of the simulation)",
    "reduce_to_posts_per_week": f"at most {MAX_POSTS_PER_WEEK:,} a week (a post every ten "
    "minutes, day and night)",
    "audience": f"at most {MAX_AUDIENCE:,.0f} people (more than use the internet, a hundred "
    "times over; audiences are counted in 64-bit integers)",
    "daily_growth": f"at most {MAX_AUDIENCE:,.0f} people a day (a channel holds at most "
    f"{MAX_AUDIENCE:,.0f} people)",
    "money": f"at most {MAX_MONEY:,.0f} (a trillion; larger amounts could sum to infinity)",
}
"""Why a field-by-field limit exists, appended to the message of a value past it."""

MONEY_FIELDS = (
    "order_value",
    "production_cost",
    "ad_budget_per_day",
    "cost_per_member_per_month",
    "cost_per_capture",
    "fee",
)
"""Fields in currency: each at most :data:`MAX_MONEY`."""


def reason_for(field_name: str) -> str:
    """The reason behind the limit of a field, or '' when it has none of its own."""
    if field_name in MONEY_FIELDS:
        return REASONS["money"]
    return REASONS.get(field_name, "")


def _largest(value: Any) -> float:
    """The largest value a field can take: the number, the top of a bounded distribution,
    or the mean of an unbounded one (its draws are clipped to the field's own limit)."""
    if isinstance(value, (int, float)):
        return float(value)
    low, high = value.support()
    return float(high) if math.isfinite(high) else float(value.mean())


def _smallest(value: Any) -> float:
    """The smallest value a field can take (see :func:`_largest`)."""
    if isinstance(value, (int, float)):
        return float(value)
    low, high = value.support()
    return float(low) if math.isfinite(low) else float(value.mean())


def _fits(value: float) -> str:
    """The largest value that fits, rounded down so that it does fit."""
    if value >= 1:
        return f"{math.floor(value * 10) / 10:,.1f}".removesuffix(".0")
    return f"{value:.6g}"


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[:20] + "..."


def _name_problems(scenario: Scenario) -> Iterator[tuple[str, str]]:
    for section in ("channels", "strategies"):
        for name in getattr(scenario, section):
            if len(name) > MAX_NAME_CHARS:
                yield (
                    f"{section}.{_short(name)}",
                    f"the name is {len(name):,} characters; at most {MAX_NAME_CHARS} fit "
                    "(names label table rows, charts and columns)",
                )


def _cadences(scenario: Scenario, channel: str) -> list[float]:
    """Every cadence a channel may be posted at: its own, each strategy's, each 'reduce'."""
    cadences = [scenario.channels[channel].posts_per_week]
    for strategy in scenario.strategies.values():
        cadences.append(strategy.posts_per_week.get(channel, cadences[0]))
    return cadences


def limit_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Limits that involve several fields: ``(dotted path, message)`` for each one passed.

    - posts over the horizon, per channel: the largest cadence any strategy uses
      times ``horizon_days / 7`` is at most :data:`MAX_POSTS_PER_CHANNEL`;
    - the expected audience at the end: ``audience + horizon_days * daily_growth``
      is at most :data:`MAX_AUDIENCE` (a sound bound for inflow alone, since
      churn only removes people; growth through shares compounds and is
      guarded by the engine as it runs);
    - paid impressions a day: ``ad_budget_per_day / (cpm * f) * 1000`` is at most
      :data:`MAX_DAILY_IMPRESSIONS`, ``f`` the smallest cpm factor of an
      ``ad_cost_inflation`` on the channel (1 when none lowers it).
    """
    problems = list(_name_problems(scenario))
    horizon = scenario.horizon_days
    for name, channel in scenario.channels.items():
        where = f"channels.{_short(name)}"
        cadence = max(_cadences(scenario, name))
        posts = cadence * horizon / 7
        if posts > MAX_POSTS_PER_CHANNEL:
            most = MAX_POSTS_PER_CHANNEL * 7 / horizon
            longest = int(MAX_POSTS_PER_CHANNEL * 7 / cadence)
            problems.append(
                (
                    f"{where}.posts_per_week",
                    f"{cadence:g} posts a week for {horizon:,} days make {posts:,.0f} posts, "
                    f"more than the {MAX_POSTS_PER_CHANNEL:,} a channel may make in one run "
                    f"(each post is an event of the simulation); at most {most:,.4g} a week "
                    f"fit in {horizon:,} days, or at most {longest:,} days at {cadence:g}",
                )
            )
        audience = _largest(channel.audience)
        growth = _largest(channel.daily_growth)
        if audience + horizon * growth > MAX_AUDIENCE:
            most = max(0.0, (MAX_AUDIENCE - audience) / horizon)
            problems.append(
                (
                    f"{where}.daily_growth",
                    f"{growth:,.6g} new followers a day for {horizon:,} days would take the "
                    f"audience past {MAX_AUDIENCE:,.0f} people (more than use the internet, "
                    f"a hundred times over); at most {_fits(most)} a day fit",
                )
            )
        budget = _largest(channel.ad_budget_per_day)
        if budget > 0:
            factor = min(
                [1.0]
                + [
                    _smallest(shock.factor)
                    for shock in scenario.shocks
                    if shock.type == "ad_cost_inflation" and shock.channel == name
                ]
            )
            cpm = _smallest(channel.cpm) * factor
            impressions = budget / cpm * 1000.0
            if impressions > MAX_DAILY_IMPRESSIONS:
                most = MAX_DAILY_IMPRESSIONS * cpm / 1000.0
                problems.append(
                    (
                        f"{where}.ad_budget_per_day",
                        f"{budget:,.6g} a day at a cost per thousand of {cpm:.6g} buys "
                        f"{impressions:,.3g} impressions a day, more than the "
                        f"{MAX_DAILY_IMPRESSIONS:,.0f} a run can count; at most {_fits(most)} "
                        "a day fit at this cpm",
                    )
                )
    return problems
