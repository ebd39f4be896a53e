"""Starting points for `risksim new`: commented scenario files for three kinds of brand.

Owns the text of the templates (b2b, retail, creator) and filling in a
scenario's name. Each template is a complete scenario that validates and runs
as written. The ``team`` template is a workshop team file instead (``team:``
and ``strategy:``, never a valid scenario), filled in with the channel names
of the scenario it is for. This module must not know typer, files on disk or the engine.
"""

from __future__ import annotations

__all__ = ["TEAM_TEMPLATE", "TEMPLATES", "render_team_template", "render_template"]

_HEADER = """\
# {name}: a riskSim scenario ({template} template). Edit the figures, then:
#   risksim validate {name}.yaml
#   risksim run {name}.yaml --no-charts -n 200
# Every field and its default: `risksim schema`. Rates are shares in [0, 1];
# any channel figure, capture rate, shock size or onset may be a distribution:
#   {{dist: triangular, low: 0.04, mode: 0.08, high: 0.12}}
name: {name}
currency: USD                   # ISO 4217 code of every amount: outputs show $ (or the code)
objective: mean_profit          # the recommendation maximises this (p5_profit, mean_revenue)
# risk_budget: {{profit_at_risk_cvar95: 20000}}   # most a recommended strategy may lose
#                                                # in its worst 5% of futures (optional)
"""

_B2B = """\
title: A B2B brand on LinkedIn, with a newsletter
description: >
  Say who the brand is, where its buyers come from, what happens to the
  platform, and what each strategy does about it.
sources:                        # where every figure comes from; "assumption" where one
  - "Smart Insights: LinkedIn daily reach of a B2B audience 4-8%"
  - "LinkedIn company pages 2019 (55 Dutch organisations): engagement 5.6%, clicks 3.8% of views"
  - "Mailchimp 2019: open 22.7%, click 2.9% per send; Monetate Q2 2013: email converts at 3.34%"
  - "Assumption: $1,200 order, $50 a post, a hypothetical $10 fee per post"
horizon_days: 730               # days simulated
replications: 500               # Monte Carlo replications
seed: 2026
channels:
  linkedin:
    kind: rented                # a platform the brand does not own
    audience: 5000              # followers at day 0
    target_share: 0.6           # share who are buyers you target
    posts_per_week: 5
    organic_reach: {dist: triangular, low: 0.04, mode: 0.08, high: 0.12}   # Smart Insights
    engagement_rate: 0.056      # LinkedIn 2019: 5.6% of those reached engage
    click_rate: 0.68            # 3.8% of views click: 0.68 of the engaged
    conversion_rate: 0.02       # Forrester 2011 (secondary): social converts at 2%
    order_value: 1200           # assumption
    production_cost: 50         # assumption: cost of one post
    daily_growth: 3             # new followers a day on their own
    share_rate: 0.2             # new followers per engagement
    daily_churn: 0.0005         # share of followers lost a day
    reach_penalty: 0.1          # assumption: reach cut while posts invite people away
  email:
    kind: owned                 # a channel the brand owns
    audience: 300
    target_share: 0.7
    posts_per_week: 0.25        # monthly
    organic_reach: 0.227        # Mailchimp: open rate
    engagement_rate: 0.128      # Mailchimp: clicks per open
    click_rate: 1.0
    conversion_rate: 0.0334     # Monetate: email converts at 3.34%
    order_value: 1200
    production_cost: 50
    daily_churn: 0.0008         # B2B lists decay 22-30% a year
    cost_per_member_per_month: 0.015   # assumption: email service price
strategies:
  platform-first:
    description: Everything stays on LinkedIn; pay any fee and keep posting.
    responses: {pay_per_post: pay}
  owned-first:
    description: Invite followers to the newsletter; send it weekly; post less once LinkedIn bills.
    posts_per_week: {email: 1}
    capture: [{from: linkedin, to: email, rate: 0.05, cost_per_capture: 2}]
    reaction_days: 7            # days before a response takes effect
    responses: {pay_per_post: reduce, reduce_to_posts_per_week: 1}
shocks:
  - {type: pay_per_post, channel: linkedin, at: 180, fee: 10}
"""

_RETAIL = """\
title: A retail brand on Facebook and Instagram, with a newsletter
description: >
  Say who the brand is, where its buyers come from, what happens to the
  platform, and what each strategy does about it.
sources:                        # where every figure comes from; "assumption" where one
  - "Hootsuite (secondary): Facebook page reach 7.7% (2018), ~5% of those reached engage"
  - "Forrester 2011 (secondary): Facebook click-through 1%, conversion 2%"
  - "Minter.io 2019: Instagram reach 37.7% under 20k followers; Rival IQ 2023: 0.47% engagement"
  - "Mailchimp 2019: open 22.7%, click 2.9%; Monetate Q2 2013: email 3.34%, social 0.79%"
  - "Assumption: $60 basket, $100 a day of ads at a $10 CPM"
horizon_days: 730
replications: 500
seed: 2026
channels:
  facebook:
    kind: rented
    audience: 40000             # page fans
    target_share: 0.5
    posts_per_week: 5
    organic_reach: 0.077        # Hootsuite 2018
    engagement_rate: 0.05
    click_rate: 0.2             # assumption
    conversion_rate: 0.02       # Forrester
    order_value: 60             # assumption
    production_cost: 20
    daily_growth: 8
    share_rate: 0.05
    daily_churn: 0.0003
    ad_budget_per_day: 100      # paid promotion a day
    cpm: 10                     # cost per 1,000 paid impressions
    paid_click_rate: 0.01       # Forrester: ~1% click-through
    reach_penalty: 0.1
  instagram:
    kind: rented
    audience: 15000
    target_share: 0.5
    posts_per_week: 4
    organic_reach: 0.377        # Minter.io 2019
    engagement_rate: 0.0125     # Rival IQ: 0.47% of followers / 37.7% reach
    click_rate: 0.2
    conversion_rate: 0.0079     # Monetate: social 0.79%
    order_value: 60
    production_cost: 20
    daily_churn: 0.0003
    reach_penalty: 0.1
  email:
    kind: owned
    audience: 5000
    target_share: 0.6
    posts_per_week: 1
    organic_reach: 0.227
    engagement_rate: 0.128
    click_rate: 1.0
    conversion_rate: 0.0334
    order_value: 60
    production_cost: 40
    daily_churn: 0.0005         # B2C lists decay 15-22% a year
    cost_per_member_per_month: 0.015
strategies:
  platform-first:
    description: Facebook and Instagram carry the brand; the newsletter stays weekly.
  owned-first:
    description: Invite engagers to the newsletter with a first-order code; send it twice a week.
    posts_per_week: {email: 2}
    capture:
      - {from: facebook, to: email, rate: 0.05, cost_per_capture: 1.5}
      - {from: instagram, to: email, rate: 0.05, cost_per_capture: 1.5}
shocks:
  - {type: reach_collapse, channel: facebook, at: 120, factor: 0.4, ramp_days: 365}
"""

_CREATOR = """\
title: A creator whose income rides on one platform
description: >
  Say who the creator is, what they sell, what happens to the platform, and
  what each strategy does about it.
sources:                        # where every figure comes from; "assumption" where one
  - "Rival IQ 2023: TikTok engagement 5.69% of followers per post"
  - "TikTok banned in India, 29 Jun 2020, with no notice"
  - "Mailchimp 2019: open 22.7%, click 2.9%; Monetate Q2 2013: email converts at 3.34%"
  - "Assumption: $30 order, 30% reach, a 50% chance of a ban in two years"
horizon_days: 730
replications: 500
seed: 2026
channels:
  tiktok:
    kind: rented
    audience: 200000
    target_share: 0.3           # followers who buy
    posts_per_week: 5
    organic_reach: 0.3          # assumption
    engagement_rate: 0.19       # Rival IQ: 5.69% of followers = 30% reach x 19%
    click_rate: 0.05            # assumption: taps on the link in bio
    conversion_rate: 0.02       # Forrester 2011 (secondary)
    order_value: 30
    production_cost: 40
    daily_growth: 100
    share_rate: 0.01
    daily_churn: 0.0005
    reach_penalty: 0.1
  email:
    kind: owned
    audience: 3000
    target_share: 0.6
    posts_per_week: 0.5
    organic_reach: 0.227
    engagement_rate: 0.128
    click_rate: 1.0
    conversion_rate: 0.0334
    order_value: 30
    production_cost: 20
    daily_churn: 0.0005
    cost_per_member_per_month: 0.015
strategies:
  platform-first:
    description: Everything on the platform; a fortnightly letter.
  owned-first:
    description: A freebie for an email in every video; email weekly; evacuate on a ban notice.
    posts_per_week: {email: 1}
    capture: [{from: tiktok, to: email, rate: 0.005, cost_per_capture: 0.2}]
    responses: {platform_shutdown: evacuate, evacuation_boost: 5}
shocks:
  - type: platform_shutdown
    channel: tiktok
    probability: 0.5                           # chance it happens at all
    at: {dist: uniform, low: 90, high: 700}    # onset day
    notice_days: {dist: uniform, low: 0, high: 270}
"""

TEMPLATES: dict[str, str] = {"b2b": _B2B, "retail": _RETAIL, "creator": _CREATOR}
"""Template bodies by name (without the header that carries the scenario's name)."""


def render_template(template: str, name: str) -> str:
    """The commented scenario file of ``template`` named ``name``.

    Raises:
        KeyError: no such template (the CLI offers only the known ones).
    """
    return _HEADER.format(name=name, template=template) + TEMPLATES[template]


TEAM_TEMPLATE = "team"
"""The template that writes a workshop team file rather than a scenario."""
TEAM_DEFAULT_CHANNELS = (("facebook", "instagram"), ("email",))
"""Rented and owned channel names a team file uses when no scenario is given: those of
scenarios/workshop-hidden-shocks.yaml."""

_TEAM = """\
# {name}: a riskSim workshop team file. Edit the strategy, then hand it in;
# the facilitator runs every team together:
#   risksim workshop {scenario} {name}.yaml other-team.yaml ...
# Channel names must be the scenario's ({channels}):
# `risksim brief {scenario}` shows them with their figures.
# A team file is not a scenario: it holds one strategy, the fields of one
# entry of a scenario's `strategies` (see `risksim schema`).
team: {name}                    # the name on the leaderboard; every team's must differ
strategy:
  description: Say what your team does, in a sentence.
{body}"""

_TEAM_CADENCE = """\
  posts_per_week: {{{owned}: 2}}   # posts or sends a week per channel; others keep the brief's
"""
_TEAM_CAPTURE = """\
  capture:                      # invite engaged people from a platform into an owned channel
    - {{from: {rented}, to: {owned}, rate: 0.05, cost_per_capture: 1.5}}   # rate: share per post
"""
_TEAM_RESPONSES = """\
  reaction_days: 7              # days before a response takes effect
  responses:
    pay_per_post: reduce        # when a platform charges per post: pay, reduce or exit
    reduce_to_posts_per_week: 2
    platform_shutdown: evacuate # given notice of a shutdown: stay or evacuate
    evacuation_boost: 5         # capture rate multiplied by this while evacuating
"""


def render_team_template(
    name: str,
    *,
    rented: list[str] | None = None,
    owned: list[str] | None = None,
    scenario: str = "SCENARIO.yaml",
) -> str:
    """A commented team file named ``name`` that uses the given channel names.

    Without channel names it uses those of scenarios/workshop-hidden-shocks.yaml.
    The capture line needs a rented and an owned channel, the cadence line an
    owned one; they are left out when the scenario has none.

    Args:
        name: the team's name (and the file's stem).
        rented, owned: the scenario's channel names by kind, in file order.
        scenario: the scenario's path, quoted in the comments.
    """
    if rented is None and owned is None:
        rented, owned = list(TEAM_DEFAULT_CHANNELS[0]), list(TEAM_DEFAULT_CHANNELS[1])
    rented, owned = rented or [], owned or []
    body = ""
    if owned:
        body += _TEAM_CADENCE.format(owned=owned[0])
    if owned and rented:
        body += _TEAM_CAPTURE.format(rented=rented[0], owned=owned[0])
    body += _TEAM_RESPONSES
    channels = ", ".join([*rented, *owned])
    return _TEAM.format(name=name, scenario=scenario, channels=channels, body=body)
