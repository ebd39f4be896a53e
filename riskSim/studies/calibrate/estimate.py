"""Pooled estimates of a channel's figures, with their uncertainty, from its posts.

Owns what each model field is estimated from (a ratio of sums over the
channel's posts), the spread written with it (a posterior on the mean from
the counts, widened to the post-to-post variation when posts differ more
than chance alone explains), the audience dynamics (growth and churn, and
when they cannot be told apart), and the warnings implausible data deserve.
It must not know files, the terminal, typer, rich or the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from riskSim.scenario.distributions import Beta, LogNormal
from riskSim.studies.calibrate.readers import Kind, Post

__all__ = [
    "ESTIMATED_FIELDS",
    "FEW_POSTS",
    "ChannelEstimate",
    "FieldEstimate",
    "RatioFit",
    "estimate_channel",
    "fit_amount",
    "fit_rate",
]

ESTIMATED_FIELDS: tuple[str, ...] = (
    "audience",
    "posts_per_week",
    "organic_reach",
    "engagement_rate",
    "click_rate",
    "conversion_rate",
    "order_value",
    "daily_growth",
    "daily_churn",
)
"""The fields an export can tell, in the order the table shows them."""
FEW_POSTS = 10
"""Below this many posts an estimate says more about the posts than about the channel."""
INTERVAL = 0.95
"""The probability of the interval shown beside each estimate."""
SIGNIFICANT = 6
"""Significant digits written for a distribution's parameters (mean kept well within 1%)."""

_Quantity = float | Beta | LogNormal


def _round(value: float, digits: int = SIGNIFICANT) -> float:
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True)
class RatioFit:
    """A pooled ratio ``sum(numerator) / sum(denominator)`` and its standard error.

    ``binomial_se`` is what the counts alone allow (every post the same
    chance); ``spread_se`` is the ratio estimator's standard error from the
    post-to-post residuals (``None`` below two posts). The larger is used.
    """

    ratio: float
    numerator: float
    denominator: float
    posts: int
    binomial_se: float
    spread_se: float | None

    @property
    def se(self) -> float:
        """The standard error written: the counts' or the posts' spread, whichever is larger."""
        return max(self.binomial_se, self.spread_se or 0.0)

    @property
    def widening(self) -> float:
        """How many times wider than the counts alone the spread between posts makes it."""
        if self.binomial_se == 0 or self.spread_se is None:
            return 1.0
        return max(1.0, self.spread_se / self.binomial_se)


def _ratio(numerators: np.ndarray, denominators: np.ndarray, *, bounded: bool) -> RatioFit:
    """Pool ``numerators (ndarray[posts])`` over ``denominators (ndarray[posts])``."""
    total_y = float(numerators.sum())
    total_n = float(denominators.sum())
    ratio = total_y / total_n
    posts = len(numerators)
    if bounded:
        clipped = min(max(ratio, 0.0), 1.0)
        binomial_se = math.sqrt(clipped * (1 - clipped) / (total_n + 1))
    else:
        # Poisson counts: var(sum y) = sum y.
        binomial_se = math.sqrt(max(total_y, 0.0)) / total_n
    spread_se: float | None = None
    if posts >= 2:
        residuals = numerators - ratio * denominators
        spread_se = math.sqrt(posts / (posts - 1) * float(np.sum(residuals**2))) / total_n
    return RatioFit(ratio, total_y, total_n, posts, binomial_se, spread_se)


@dataclass(frozen=True)
class FieldEstimate:
    """One field's estimate: what is written to the scenario and how it was found.

    Attributes:
        value: the number or distribution written.
        point: the pooled figure (the mean of ``value``).
        low, high: the central 95% interval of ``value`` (equal for a number).
        posts: posts the figure pools (for growth and churn: the audience figures).
        basis: what it is estimated from, in words ("engagements / impressions").
        note: anything the reader should know (capped at 1, by definition, ...).
    """

    value: _Quantity
    point: float
    low: float
    high: float
    posts: int
    basis: str
    note: str = ""


def fit_rate(fit: RatioFit, *, basis: str) -> FieldEstimate:
    """A rate in [0, 1] as a Beta whose mean is the pooled ratio and whose variance its se².

    A Beta(a, b) with mean m has variance m(1-m)/(a+b+1), so matching the
    mean and the squared standard error gives a+b. With no successes (or no
    failures) at all, the Jeffreys posterior Beta(y+1/2, n-y+1/2) is written
    instead: the data say the rate is small, not that it is zero.
    """
    ratio = fit.ratio
    if fit.numerator == fit.denominator and fit.numerator > 0:
        return FieldEstimate(1.0, 1.0, 1.0, 1.0, fit.posts, basis, "equal in every post")
    if ratio <= 0:
        alpha, beta = 0.5, fit.denominator + 0.5
        note = "none observed: the Jeffreys posterior"
    else:
        variance = fit.se**2
        size = ratio * (1 - ratio) / variance - 1 if variance > 0 else fit.denominator
        size = max(size, 2.0)
        alpha, beta = ratio * size, (1 - ratio) * size
        note = f"posts vary: spread x{fit.widening:.1f}" if fit.widening > 1.05 else ""
    value = Beta(dist="beta", alpha=_round(alpha), beta=_round(beta))
    # scipy.special, not scipy.stats: a fifth of the import time, for every risksim command.
    from scipy.special import betaincinv

    low, high = (
        float(betaincinv(value.alpha, value.beta, quantile))
        for quantile in ((1 - INTERVAL) / 2, (1 + INTERVAL) / 2)
    )
    return FieldEstimate(value, value.mean(), float(low), float(high), fit.posts, basis, note)


def fit_amount(fit: RatioFit, *, basis: str) -> FieldEstimate:
    """A positive amount (order value, daily inflow) as a lognormal with the pooled mean.

    The lognormal's mean is median * exp(sigma²/2) and its variance
    mean² (exp(sigma²) - 1): matching both to the pooled figure and its
    squared standard error gives sigma² = ln(1 + (se/mean)²).
    """
    mean = fit.ratio
    if fit.se == 0:
        return FieldEstimate(
            _round(mean), mean, mean, mean, fit.posts, basis, "no spread to tell from"
        )
    sigma = math.sqrt(math.log1p((fit.se / mean) ** 2))
    median = mean * math.exp(-(sigma**2) / 2)
    value = LogNormal(dist="lognormal", median=_round(median), sigma=_round(sigma))
    from scipy.special import ndtri

    z = float(ndtri((1 + INTERVAL) / 2))
    return FieldEstimate(
        value,
        value.mean(),
        value.median * math.exp(-z * value.sigma),
        value.median * math.exp(z * value.sigma),
        fit.posts,
        basis,
    )


def _fixed(value: float, posts: int, basis: str, note: str = "") -> FieldEstimate:
    return FieldEstimate(value, value, value, value, posts, basis, note)


@dataclass
class ChannelEstimate:
    """What one channel's posts say: every estimated field, what could not be, and warnings."""

    name: str
    kind: Kind
    posts: int
    first: datetime
    last: datetime
    sources: list[str]
    fields: dict[str, FieldEstimate] = field(default_factory=dict)
    not_estimated: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


_CHAIN = (
    ("organic_reach", "audience", "impressions"),
    ("engagement_rate", "impressions", "engagements"),
    ("click_rate", "engagements", "clicks"),
    ("conversion_rate", "clicks", "orders"),
)
"""Each rate of the funnel: the field, the stage it divides by and the stage divided."""


def _stage(post: Post, stage: str) -> float | None:
    value = getattr(post, stage)
    return None if value is None else float(value)


def _funnel(channel: ChannelEstimate, posts: Sequence[Post], words: Callable[[str], str]) -> None:
    """The funnel's rates, each pooled over the posts that have both of its figures.

    A pooled rate above 1 (impressions above the audience: non-followers and
    repeat views) cannot be a share: it is written as 1 and the next rate
    divides by the stage before, so reach x engagement x click x conversion,
    the revenue a post brings, stays what the data say.
    """
    carry: str | None = None
    for name, below, above in _CHAIN:
        denominator_stage = carry or below
        pairs = [
            (_stage(post, above), _stage(post, denominator_stage))
            for post in posts
            if _stage(post, above) is not None and _stage(post, denominator_stage)
        ]
        carry = None
        basis = f"{words(above)} / {words(denominator_stage)}"
        if not pairs:
            missing = above if all(_stage(post, above) is None for post in posts) else below
            channel.not_estimated[name] = f"no {words(missing)} in the data"
            continue
        numerators = np.array([pair[0] for pair in pairs])
        denominators = np.array([pair[1] for pair in pairs])
        fit = _ratio(numerators, denominators, bounded=True)
        if fit.ratio > 1:
            channel.fields[name] = _fixed(1.0, fit.posts, basis, f"capped: pooled {fit.ratio:.3g}")
            channel.warnings.append(
                f"{channel.name}: {name} pools to {fit.ratio:.3g} ({words(above)} above "
                f"{words(denominator_stage)}); written as 1, and the next rate divides by "
                f"{words(denominator_stage)}"
            )
            carry = denominator_stage
            continue
        channel.fields[name] = fit_rate(fit, basis=basis)
    above_audience = [
        post for post in posts if post.audience and (post.impressions or 0) > post.audience
    ]
    if above_audience:
        largest = max((post.impressions or 0) / (post.audience or 1) for post in above_audience)
        channel.warnings.append(
            f"{channel.name}: reach above 1 in {len(above_audience)} post(s) (largest "
            f"{largest:.2f}): impressions count non-followers and repeat views"
        )
    over = [
        post
        for post in posts
        if post.clicks is not None
        and post.engagements is not None
        and post.clicks > post.engagements
    ]
    if over:
        channel.warnings.append(
            f"{channel.name}: clicks above engagements in {len(over)} post(s) (first: "
            f"{over[0].source} row {over[0].line}): the model's clicks come from the engaged"
        )


def _order_value(channel: ChannelEstimate, posts: Sequence[Post]) -> None:
    pairs = [
        (post.revenue, post.orders)
        for post in posts
        if post.revenue is not None and post.orders is not None
    ]
    if not pairs or sum(orders for _, orders in pairs) == 0:
        if pairs:
            reason = "no post brought an order"
        elif any(post.orders is not None for post in posts):
            reason = "no revenue in the data"
        else:
            reason = "no orders in the data"
        channel.not_estimated["order_value"] = reason
        return
    revenue = np.array([float(value) for value, _ in pairs])
    orders = np.array([float(count) for _, count in pairs])
    fit = _ratio(revenue, orders, bounded=False)
    # Revenue is orders x value: its counting error is the orders', scaled.
    fit = RatioFit(
        fit.ratio,
        fit.numerator,
        fit.denominator,
        fit.posts,
        fit.ratio / math.sqrt(fit.denominator),
        fit.spread_se,
    )
    channel.fields["order_value"] = fit_amount(fit, basis="revenue / orders")


def _cadence(channel: ChannelEstimate, posts: Sequence[Post]) -> None:
    span_days = (channel.last - channel.first).total_seconds() / 86_400
    if len(posts) < 2 or span_days <= 0:
        channel.not_estimated["posts_per_week"] = "needs two posts on different days"
        return
    # n posts k * 7 / p days apart span (n - 1) gaps.
    per_week = (len(posts) - 1) * 7 / span_days
    channel.fields["posts_per_week"] = _fixed(
        _round(per_week, 4), len(posts), "(posts - 1) / weeks spanned"
    )


def _audience_series(posts: Sequence[Post]) -> list[tuple[datetime, float, int | None]]:
    """One audience figure a day (the day's last), with the losses reported after it."""
    by_day: dict[object, tuple[datetime, float, int | None]] = {}
    for post in sorted(posts, key=lambda post: post.when):
        if post.audience is None:
            continue
        day = post.when.date()
        previous = by_day.get(day)
        losses = post.losses
        if previous is not None and previous[2] is not None and losses is not None:
            losses += previous[2]
        by_day[day] = (post.when, post.audience, losses)
    return list(by_day.values())


def _dynamics(channel: ChannelEstimate, posts: Sequence[Post], *, given: bool) -> None:
    _dynamics_fields(channel, posts, given=given)
    points = len(_audience_series(posts))
    for name in ("daily_growth", "daily_churn"):
        if name in channel.fields:
            channel.fields[name] = replace(channel.fields[name], posts=points)


def _dynamics_fields(channel: ChannelEstimate, posts: Sequence[Post], *, given: bool) -> None:
    """``daily_growth`` and ``daily_churn`` from the audience series.

    Between two figures ``dt`` days apart the audience moves by
    ``growth * dt - churn * A * dt``. With the losses reported (a Mailchimp
    export's unsubscribes, complaints and hard bounces) churn is losses per
    member-day and growth the inflow (change + losses) per day. Without them
    the series tells only the net change, growth - churn x A: a rising
    audience is written as growth (churn left at 0), a falling one as churn
    (growth left at 0), and the other is listed as not estimated.
    """
    series = _audience_series(posts)
    if given:
        reason = "only --audience: no audience series"
        channel.not_estimated["daily_growth"] = reason
        channel.not_estimated["daily_churn"] = reason
        return
    if len(series) < 2 or len({audience for _, audience, _ in series}) < 2:
        reason = "the audience does not move in the data"
        channel.not_estimated["daily_growth"] = reason
        channel.not_estimated["daily_churn"] = reason
        return
    days = np.array(
        [
            (later[0] - earlier[0]).total_seconds() / 86_400
            for earlier, later in zip(series, series[1:], strict=False)
        ]
    )
    sizes = np.array([audience for _, audience, _ in series[:-1]])
    change = np.array(
        [later[1] - earlier[1] for earlier, later in zip(series, series[1:], strict=False)]
    )
    losses_known = all(losses is not None for _, _, losses in series[:-1])
    intervals = len(days)
    if losses_known:
        losses = np.array([float(losses or 0) for _, _, losses in series[:-1]])
        churn = _ratio(losses, sizes * days, bounded=True)
        if churn.numerator > 0:
            channel.fields["daily_churn"] = fit_rate(churn, basis="losses / member-days")
        else:
            channel.fields["daily_churn"] = _fixed(
                0.0, intervals, "losses / member-days", "none lost"
            )
        inflow = _ratio(change + losses, days, bounded=False)
        if inflow.ratio > 0:
            channel.fields["daily_growth"] = fit_amount(inflow, basis="(change + losses) / day")
        else:
            channel.not_estimated["daily_growth"] = "the audience fell more than the losses explain"
            channel.warnings.append(
                f"{channel.name}: the audience fell by more than the reported losses; "
                "daily_growth left at its default"
            )
        return
    net = _ratio(change, days, bounded=False)
    cannot = "cannot be told apart from growth: the series gives growth - churn x audience only"
    if net.ratio >= 0:
        channel.fields["daily_growth"] = (
            fit_amount(net, basis="net change / day")
            if net.ratio > 0
            else _fixed(0.0, intervals, "net change / day")
        )
        channel.not_estimated["daily_churn"] = cannot
        return
    churn = _ratio(-change, sizes * days, bounded=True)
    channel.fields["daily_churn"] = fit_rate(churn, basis="net loss / member-days")
    channel.not_estimated["daily_growth"] = cannot.replace("from growth", "from churn")


def posts_by_date(posts: Sequence[Post]) -> list[Post]:
    """Posts in the order they went out (file order within the same instant)."""
    return sorted(posts, key=lambda post: post.when)


def estimate_channel(
    name: str,
    posts: Sequence[Post],
    *,
    audience: float | None = None,
    words: Callable[[str], str] = str,
) -> ChannelEstimate:
    """Every field the posts of one channel can tell, pooled over its posts.

    Args:
        name: the channel.
        posts: its posts (one row each, lifetime totals), any order.
        audience: ``--audience`` for this channel: the followers today, used
            as every post's audience where the export has none, and as the
            scenario's audience in any case.
        words: the export's word for each funnel stage, for the ``basis`` shown.
    """
    ordered = sorted(posts, key=lambda post: post.when)
    given = audience is not None and all(post.audience is None for post in ordered)
    if audience is not None:
        ordered = [
            post if post.audience is not None else replace(post, audience=audience)
            for post in ordered
        ]
    channel = ChannelEstimate(
        name=name,
        kind=ordered[0].kind,
        posts=len(ordered),
        first=ordered[0].when,
        last=ordered[-1].when,
        sources=list(dict.fromkeys(post.source for post in ordered)),
    )
    latest = next((post for post in reversed(posts_by_date(posts)) if post.audience), None)
    if audience is not None:
        basis = "--audience"
        if latest is not None:
            basis += f" (the data's latest: {latest.audience:,.0f})"
        channel.fields["audience"] = _fixed(float(audience), len(ordered), basis)
    elif latest is not None:
        channel.fields["audience"] = _fixed(
            float(latest.audience or 0), 1, f"latest post ({latest.when:%Y-%m-%d})"
        )
    _cadence(channel, ordered)
    _funnel(channel, ordered, words)
    _order_value(channel, ordered)
    _dynamics(channel, ordered, given=given)
    if len(ordered) < FEW_POSTS:
        channel.warnings.append(
            f"{name}: only {len(ordered)} post(s); fewer than {FEW_POSTS} say more about "
            "those posts than about the channel"
        )
    channel.fields = {key: channel.fields[key] for key in ESTIMATED_FIELDS if key in channel.fields}
    for key in ESTIMATED_FIELDS:
        if key not in channel.fields:
            channel.not_estimated.setdefault(key, "no data")
    channel.not_estimated = {
        key: channel.not_estimated[key] for key in ESTIMATED_FIELDS if key in channel.not_estimated
    }
    return channel
