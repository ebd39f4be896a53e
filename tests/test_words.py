"""Numbers in words: the one money formatter shared by axes, tables and reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskSim.results.sensitivity import input_label
from riskSim.scenario.loading import load_scenario
from riskSim.words import (
    channel_name,
    describe_shock,
    money_column,
    money_digits,
    shock_happened,
    short_money,
)

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (12_500, "12.5k"),  # half to even said "12k"
        (1_750, "1.75k"),  # and "1.8k"
        (22_500, "22.5k"),  # and "22k"
        (10_000, "10k"),
        (70_800, "70.8k"),
        (123_456, "123k"),
        (1_250_000, "1.25M"),
        (999, "999"),
        (999.6, "1k"),
        (0, "0"),
        (-12_500, "-12.5k"),
        (250, "250"),
    ],
)
def test_short_money_reads_the_true_value(value: float, label: str) -> None:
    assert short_money(value) == label


def test_halves_round_up_not_to_even() -> None:
    assert short_money(2_250, digits=2) == "2.3k"  # to even would be 2.2k
    assert short_money(-2_250, digits=2) == "-2.3k"  # away from zero, as a person rounds


def test_ticks_get_the_digits_they_need() -> None:
    assert money_digits([10_000, 12_500, 15_000]) == 3
    assert money_digits([10_000, 11_250, 12_500]) == 4
    assert short_money(11_250, digits=money_digits([10_000, 11_250])) == "11.25k"


def test_a_column_has_one_unit_and_one_count_of_decimals() -> None:
    # "6,505" above "10.5k" was two formats in one column
    assert money_column([6_505, 10_500, 505]) == ["6.5k", "10.5k", "0.5k"]
    assert money_column([-2_080, 590, 2_060]) == ["-2.08k", "0.59k", "2.06k"]
    assert money_column([120, 5.5]) == ["120", "6"]
    assert money_column([2_500_000, 300_000]) == ["2.50M", "0.30M"]
    assert money_column([-0.2, 0]) == ["0", "0"]
    assert money_column([]) == []


@pytest.mark.parametrize(
    ("channel", "name"),
    [
        ("google_plus", "Google+"),
        ("google-plus", "Google+"),
        ("tiktok", "TikTok"),
        ("TikTok", "TikTok"),
        ("linkedin", "LinkedIn"),
        ("x", "X"),
        ("youtube", "YouTube"),
        ("email", "email"),
        ("social", "social"),
        ("shop_newsletter", "shop newsletter"),
        ("local-events", "local events"),
    ],
)
def test_channel_ids_read_as_names(channel: str, name: str) -> None:
    assert channel_name(channel) == name


def test_shocks_name_their_channel_not_its_id() -> None:
    shutdown = load_scenario(SCENARIOS / "google-plus-shutdown.yaml").shocks[0]
    assert describe_shock(shutdown) == "Google+ shuts down after 176 days' notice"
    assert shock_happened(shutdown) == "Google+ shut down"


def test_tornado_inputs_keep_the_brand_spelling() -> None:
    scenario = load_scenario(SCENARIOS / "creator-single-platform.yaml")
    assert input_label(scenario, "shocks.0.at") == "TikTok platform shutdown: onset day"
    assert input_label(scenario, "channels.tiktok.organic_reach") == "TikTok: organic reach"
