"""The scenario file as frozen pydantic models: channels, strategies, shocks, workshop.

Owns what a valid scenario is: every field, its default, its range and its
description (which `risksim schema` publishes), plus the cross-references
between sections. It must not know SimPy, files, the terminal or charts;
reading YAML, ``extends`` and ``--set`` live in :mod:`riskSim.scenario.loading`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.scenario.distributions import Quantity

__all__ = [
    "AccountSuspension",
    "AdCostInflation",
    "AudienceExodus",
    "Bounds",
    "Capture",
    "Channel",
    "FeatureShutdown",
    "PayPerPost",
    "PlatformShutdown",
    "ReachCollapse",
    "Responses",
    "RiskBudget",
    "Scenario",
    "Shock",
    "Strategy",
    "Workshop",
    "OBJECTIVES",
    "SLUG_PATTERN",
    "field_bounds",
    "is_slug",
]

MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True)
SMALLEST_POSITIVE = 1e-12


@dataclass(frozen=True)
class Bounds:
    """The valid range of a numeric field; draws of an uncertain value are clipped to it."""

    low: float
    high: float

    def describe(self) -> str:
        """The range in words, for error messages."""
        if self.high == math.inf:
            return "must be > 0" if self.low > 0 else "must be >= 0"
        return f"must be between {self.low:g} and {self.high:g}"

    def check(self, value: Any) -> Any:
        """Reject a number outside the range, or a distribution that cannot stay in it."""
        if isinstance(value, (int, float)):
            if not self.low <= value <= self.high:
                raise ValueError(f"{self.describe()}, got {value:g}")
            return value
        support_low, support_high = value.support()
        if math.isfinite(support_low) and math.isfinite(support_high):
            if support_low < self.low or support_high > self.high:
                raise ValueError(
                    f"{self.describe()}, but this {value.dist} distribution reaches "
                    f"[{support_low:g}, {support_high:g}]"
                )
        elif not self.low <= value.mean() <= self.high:
            raise ValueError(f"{self.describe()}, but this {value.dist} has mean {value.mean():g}")
        return value


RATE = Bounds(0.0, 1.0)
NON_NEGATIVE = Bounds(0.0, math.inf)
POSITIVE = Bounds(SMALLEST_POSITIVE, math.inf)

Rate = Annotated[Quantity, RATE, AfterValidator(RATE.check)]
"""A share or probability in [0, 1], a number or a distribution."""
NonNegative = Annotated[Quantity, NON_NEGATIVE, AfterValidator(NON_NEGATIVE.check)]
"""A count, size, price or duration >= 0, a number or a distribution."""
Positive = Annotated[Quantity, POSITIVE, AfterValidator(POSITIVE.check)]
"""A price or multiplier > 0, a number or a distribution."""


def field_bounds(model: type[BaseModel], name: str) -> Bounds:
    """The :class:`Bounds` declared on ``model.name`` (unbounded when none is)."""
    for item in model.model_fields[name].metadata:
        if isinstance(item, Bounds):
            return item
    return Bounds(-math.inf, math.inf)


class Channel(BaseModel):
    """A place where the brand has an audience: a rented platform or an owned channel."""

    model_config = MODEL_CONFIG

    kind: Literal["rented", "owned"] = Field(
        description="rented: a platform (LinkedIn, Facebook, X, Instagram, TikTok, YouTube); "
        "owned: email list, website, community, events, SMS."
    )
    audience: NonNegative = Field(description="Followers or subscribers at day 0.")
    target_share: Rate = Field(
        1.0, description="Share of the audience who are target prospects (the ones who buy)."
    )
    posts_per_week: float = Field(
        1.0,
        ge=0,
        allow_inf_nan=False,
        description="Posts (sends) a week; posts fall at k*7/p days.",
    )
    organic_reach: Rate = Field(0.1, description="Share of the audience a post reaches.")
    engagement_rate: Rate = Field(0.01, description="Share of those reached who engage.")
    click_rate: Rate = Field(0.1, description="Share of engaged prospects who click through.")
    conversion_rate: Rate = Field(
        0.02, description="Share of clicks (organic or paid) that become an order."
    )
    order_value: NonNegative = Field(100.0, description="Revenue per order, in currency.")
    production_cost: NonNegative = Field(0.0, description="Cost of producing one post.")
    daily_growth: NonNegative = Field(
        0.0, description="New followers a day arriving on their own (Poisson mean)."
    )
    growth_target_share: Rate = Field(
        0.5, description="Share of new followers (inflow and shares) who are prospects."
    )
    share_rate: Rate = Field(
        0.0, description="New followers per engaged person (Poisson mean), from shares."
    )
    daily_churn: Rate = Field(0.0, description="Share of the audience lost each day.")
    ad_budget_per_day: NonNegative = Field(0.0, description="Paid promotion spend a day.")
    cpm: Positive = Field(10.0, description="Cost per thousand paid impressions.")
    paid_click_rate: Rate = Field(0.01, description="Clicks per paid impression.")
    cost_per_member_per_month: NonNegative = Field(
        0.0, description="Running cost of each member a month (an email service's price, say)."
    )
    reach_penalty: Rate = Field(
        0.0,
        description="Cut in this channel's reach while a strategy captures people from it "
        "(platforms show posts that send people away to fewer people).",
    )


class Capture(BaseModel):
    """Moving engaged people from one channel to an owned one, post by post."""

    model_config = MODEL_CONFIG

    from_: str = Field(alias="from", description="Channel whose engaged people are invited.")
    to: str = Field(description="Owned channel they join.")
    rate: Rate = Field(description="Share of engaged people (per post) who join.")
    cost_per_capture: NonNegative = Field(
        0.0, description="Cost of each person captured (a lead magnet, an incentive)."
    )
    reach_penalty: Rate | None = Field(
        None,
        description="Cut in the source channel's reach while this capture runs; "
        "defaults to the source channel's reach_penalty.",
    )


class Responses(BaseModel):
    """How a strategy reacts to shocks."""

    model_config = MODEL_CONFIG

    pay_per_post: Literal["pay", "reduce", "exit"] = Field(
        "pay",
        description="When a channel starts charging per post: pay (keep cadence), "
        "reduce (to reduce_to_posts_per_week) or exit (stop posting).",
    )
    reduce_to_posts_per_week: float = Field(
        1.0, ge=0, allow_inf_nan=False, description="Cadence after a 'reduce' response."
    )
    platform_shutdown: Literal["stay", "evacuate"] = Field(
        "stay",
        description="During a shutdown's notice: stay, or evacuate (captures from the channel "
        "run at rate x evacuation_boost).",
    )
    evacuation_boost: float = Field(
        5.0, ge=0, allow_inf_nan=False, description="Capture-rate multiplier while evacuating."
    )
    reaction_days: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="Days before a response takes effect; overrides the strategy's reaction_days.",
    )


class Strategy(BaseModel):
    """What the brand does: cadence per channel, captures to owned channels, responses."""

    model_config = MODEL_CONFIG

    description: str = Field("", description="What the strategy is, in a sentence.")
    posts_per_week: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        default_factory=dict, description="Cadence overrides per channel."
    )
    capture: list[Capture] = Field(
        default_factory=list, description="Moves of engaged people into owned channels."
    )
    responses: Responses = Field(
        default_factory=Responses, description="Reactions to pay-per-post and shutdowns."
    )
    reaction_days: float = Field(
        0.0, ge=0, allow_inf_nan=False, description="Days before a response takes effect."
    )

    def effective_reaction_days(self) -> float:
        """``responses.reaction_days`` when given, else the strategy's own."""
        override = self.responses.reaction_days
        return self.reaction_days if override is None else override


class ShockBase(BaseModel):
    """Fields every shock has: the channel it hits and when."""

    model_config = MODEL_CONFIG

    channel: str = Field(description="The channel the shock hits.")
    at: NonNegative | None = Field(
        None,
        description="Onset day (a number or a distribution); 0 when neither at nor "
        "annual_probability is given.",
    )
    annual_probability: Rate | None = Field(
        None,
        description="Instead of at: chance the shock starts within any year "
        "(exponential waiting time; it may not happen within the horizon).",
    )
    probability: float = Field(
        1.0, ge=0, le=1, allow_inf_nan=False, description="Chance the shock happens at all."
    )

    @model_validator(mode="after")
    def _one_onset(self) -> ShockBase:
        if self.at is not None and self.annual_probability is not None:
            raise ValueError("give either at or annual_probability, not both")
        return self


class PayPerPost(ShockBase):
    """The platform charges for each post."""

    type: Literal["pay_per_post"] = Field(description="Every post costs fee more.")
    fee: NonNegative = Field(10.0, description="Fee per post, in currency.")


class ReachCollapse(ShockBase):
    """Organic reach falls (an algorithm change, "pay to play")."""

    type: Literal["reach_collapse"] = Field(
        description="Reach factor falls linearly to factor over ramp_days."
    )
    factor: Rate = Field(0.5, description="Share of the former reach that is left.")
    ramp_days: NonNegative = Field(0.0, description="Days the fall takes.")


class FeatureShutdown(ShockBase):
    """A feature the channel's sales flowed through is switched off."""

    type: Literal["feature_shutdown"] = Field(
        description="The share of the channel's sales that used the feature is gone."
    )
    feature: str = Field("feature", description="Name of the feature (a shop tab, groups, ...).")
    share: Rate = Field(0.5, description="Share of the channel's post sales that used it.")


class PlatformShutdown(ShockBase):
    """The platform closes: no posts, audience gone."""

    type: Literal["platform_shutdown"] = Field(description="No posts and audience 0 from onset.")
    notice_days: NonNegative = Field(
        0.0, description="Days of notice before onset, during which a strategy may evacuate."
    )


class AccountSuspension(ShockBase):
    """The brand's account is suspended without warning."""

    type: Literal["account_suspension"] = Field(description="No posts for duration_days.")
    duration_days: NonNegative = Field(30.0, description="Days the suspension lasts.")


class AdCostInflation(ShockBase):
    """Paid reach gets dearer."""

    type: Literal["ad_cost_inflation"] = Field(description="cpm multiplied by factor.")
    factor: Positive = Field(2.0, description="Multiplier on the cost per thousand impressions.")


class AudienceExodus(ShockBase):
    """People leave the platform."""

    type: Literal["audience_exodus"] = Field(description="Extra daily churn of rate.")
    rate: Rate = Field(0.01, description="Extra share of the audience lost each day.")


Shock = Annotated[
    PayPerPost
    | ReachCollapse
    | FeatureShutdown
    | PlatformShutdown
    | AccountSuspension
    | AdCostInflation
    | AudienceExodus,
    Field(discriminator="type"),
]
"""One platform shock, told apart by its ``type``."""

SHOCK_MODELS: tuple[type[ShockBase], ...] = (
    PayPerPost,
    ReachCollapse,
    FeatureShutdown,
    PlatformShutdown,
    AccountSuspension,
    AdCostInflation,
    AudienceExodus,
)
"""Every shock model, in the design's order."""

SHOCK_TYPES = tuple(cls.model_fields["type"].annotation.__args__[0] for cls in SHOCK_MODELS)  # type: ignore[union-attr]
"""Every shock ``type``, in the design's order."""


class Workshop(BaseModel):
    """How `risksim workshop` scores teams and what `risksim brief` shows."""

    model_config = MODEL_CONFIG

    score: Literal["mean_profit", "p5_profit", "mean_revenue"] = Field(
        "mean_profit", description="What ranks teams on the leaderboard."
    )
    hide_shocks: bool = Field(False, description="Leave the shocks out of `risksim brief`.")


Objective = Literal["mean_profit", "p5_profit", "mean_revenue"]
OBJECTIVES: tuple[str, ...] = Objective.__args__  # type: ignore[attr-defined]
"""What a recommendation (and a workshop score) may maximise."""


class RiskBudget(BaseModel):
    """The most a recommended strategy may lose in its worst 5% of futures."""

    model_config = MODEL_CONFIG

    profit_at_risk_cvar95: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="Largest profit at risk CVaR95 (calm profit - shocked profit, mean of the "
        "worst 5%) a recommended strategy may have, in currency.",
    )
    revenue_at_risk_cvar95: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="Largest revenue at risk CVaR95 a recommended strategy may have, in currency.",
    )


def _currency_code(code: str | None) -> str | None:
    if code is not None and re.fullmatch(r"[A-Z]{3}", code) is None:
        raise ValueError(
            f"must be an ISO 4217 code of three capital letters (USD, EUR, GBP, JPY, ...), "
            f"got {code!r}"
        )
    return code


SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
"""What a scenario, variant or file name may be: it names folders, so no spaces or slashes."""


def is_slug(text: str) -> bool:
    """True when ``text`` can name an output folder (:data:`SLUG_PATTERN`)."""
    return re.match(SLUG_PATTERN, text) is not None


class Scenario(BaseModel):
    """A brand, its channels, the strategies to compare and the shocks they face."""

    model_config = MODEL_CONFIG

    name: str = Field(
        "scenario",
        pattern=SLUG_PATTERN,
        description="Slug naming the output folder (runs/<name>); defaults to the file's name.",
    )
    title: str = Field("", description="One-line title for charts and reports.")
    description: str = Field("", description="The story, in a paragraph.")
    sources: list[str] = Field(
        default_factory=list, description="Where the figures come from ('assumption' where one)."
    )
    extends: str | None = Field(
        None, description="Path (relative to this file) of a scenario this one deep-merges over."
    )
    horizon_days: int = Field(730, gt=0, description="Days simulated.")
    replications: int = Field(1000, gt=0, description="Monte Carlo replications.")
    seed: int = Field(0, ge=0, description="Seed of every random stream.")
    channels: dict[str, Channel] = Field(
        min_length=1, description="Channels by name; posts happen in this order within an instant."
    )
    strategies: dict[str, Strategy] = Field(
        default_factory=lambda: {"baseline": Strategy()},
        min_length=1,
        description="Strategies to compare, by name.",
    )
    shocks: list[Shock] = Field(default_factory=list, description="Platform shocks.")
    workshop: Workshop = Field(default_factory=Workshop, description="Workshop settings.")
    currency: Annotated[str | None, AfterValidator(_currency_code)] = Field(
        None,
        description="ISO 4217 code of every amount in the file (USD, EUR, GBP, JPY, ...); "
        "outputs show $, €, £ or ¥ where one is standard, else the code.",
    )
    objective: Objective = Field(
        "mean_profit",
        description="What the recommended strategy maximises among those within the "
        "risk_budget: mean_profit, p5_profit (a bad year's profit) or mean_revenue.",
    )
    risk_budget: RiskBudget = Field(
        default_factory=RiskBudget,
        description="Tail losses a recommended strategy may not exceed (none by default).",
    )
    _overrides: tuple[str, ...] = PrivateAttr(default=())
    """The ``--set`` strings this scenario was loaded with, in order (not a field of the file)."""

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems = reference_problems(self)
        if problems:
            raise InvalidInputError(
                [InputProblem("<scenario>", path, msg) for path, msg in problems]
            )
        return self

    def display_title(self) -> str:
        """The title, or the name when there is none."""
        return self.title or self.name

    def __eq__(self, other: object) -> bool:
        """Equal when every field is: the ``--set`` strings that led there do not count."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``--set PATH=VALUE`` strings applied when loading, as given, in order."""
        return self._overrides

    def with_overrides(self, overrides: Sequence[str]) -> Scenario:
        """This scenario, remembering the ``--set`` strings it was loaded with.

        They are not part of the file (``scenario.yaml`` already has them
        applied); outputs list them so a reader knows what was run.
        """
        copied = self.model_copy()
        copied._overrides = tuple(overrides)
        return copied


def reference_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Cross-references that name channels: ``(dotted path, message)`` for each bad one."""
    names = list(scenario.channels)
    problems: list[tuple[str, str]] = []

    def check_channel(path: str, name: str) -> bool:
        if name in scenario.channels:
            return True
        known = f" (known: {', '.join(names)})"
        hint = did_you_mean(name, names, otherwise=known)
        problems.append((path, f"no channel named '{name}'{hint}"))
        return False

    for index, shock in enumerate(scenario.shocks):
        check_channel(f"shocks.{index}.channel", shock.channel)
    for strategy_name, strategy in scenario.strategies.items():
        prefix = f"strategies.{strategy_name}"
        for channel_name in strategy.posts_per_week:
            check_channel(f"{prefix}.posts_per_week.{channel_name}", channel_name)
        for index, capture in enumerate(strategy.capture):
            check_channel(f"{prefix}.capture.{index}.from", capture.from_)
            if check_channel(f"{prefix}.capture.{index}.to", capture.to):
                if scenario.channels[capture.to].kind != "owned":
                    problems.append(
                        (
                            f"{prefix}.capture.{index}.to",
                            f"captures go into an owned channel, but '{capture.to}' is rented",
                        )
                    )
            if capture.from_ == capture.to:
                problems.append(
                    (f"{prefix}.capture.{index}.to", "a channel cannot capture into itself")
                )
    return problems
