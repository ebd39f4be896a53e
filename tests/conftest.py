"""Shared builders: small scenarios whose results can be worked out by hand."""

from __future__ import annotations

import copy
import os
import struct
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

import riskSim
from riskSim.scenario import Scenario

# CI replays the same examples every run, so a red build always reproduces.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

PLAIN_CHANNEL: dict[str, Any] = {
    "kind": "rented",
    "audience": 1000,
    "target_share": 0.5,
    "posts_per_week": 7,
    "organic_reach": 0.1,
    "engagement_rate": 0.1,
    "click_rate": 0.5,
    "conversion_rate": 0.1,
    "order_value": 100,
    "production_cost": 10,
}
"""Per post: 500 prospects x 0.1 reach x 0.1 engagement x 0.5 click x 0.1 conversion x 100 = 25."""


def scenario_data(**fields: Any) -> dict[str, Any]:
    """A 28-day scenario with one plain rented channel (a post a day, 25 revenue each)."""
    data: dict[str, Any] = {
        "name": "hand",
        "horizon_days": 28,
        "replications": 50,
        "seed": 1,
        "channels": {"social": copy.deepcopy(PLAIN_CHANNEL)},
        "strategies": {"stay": {}},
        "shocks": [],
    }
    data.update(copy.deepcopy(fields))
    return data


def build(**fields: Any) -> Scenario:
    """A validated Scenario from :func:`scenario_data` with ``fields`` replaced."""
    return Scenario.model_validate(scenario_data(**fields))


def expected_value(scenario: Scenario) -> dict[str, Any]:
    """The summary of a ``--deterministic`` run."""
    return riskSim.simulate(scenario, deterministic=True, workers=1).summary


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a mapping as YAML into tmp_path and return its path."""

    def write(data: dict[str, Any], name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


RATE = "strategies.own.capture.0.rate"


def tiny_data(**fields: Any) -> dict[str, Any]:
    """150 days (21 whole weeks + 3 days), two channels, two strategies, two shocks.

    One shock starts on a fixed day (60), the other somewhere in days 30-90; the
    rented channel's organic reach is uncertain, so the run has a tornado.
    """
    social = copy.deepcopy(PLAIN_CHANNEL)
    social["organic_reach"] = {"dist": "uniform", "low": 0.05, "high": 0.15}
    email = copy.deepcopy(PLAIN_CHANNEL)
    email.update(kind="owned", audience=200, posts_per_week=1, organic_reach=0.3)
    data = scenario_data(
        name="tiny-charts",
        title="Social charges $5 per post, then $9",
        horizon_days=150,
        replications=40,
        seed=7,
        channels={"social": social, "email": email},
        strategies={
            "stay": {"responses": {"pay_per_post": "pay"}},
            "leave": {
                "capture": [{"from": "social", "to": "email", "rate": 0.05}],
                "responses": {"pay_per_post": "exit"},
            },
        },
        shocks=[
            {"type": "pay_per_post", "channel": "social", "at": 60, "fee": 5},
            {
                "type": "reach_collapse",
                "channel": "social",
                "at": {"dist": "uniform", "low": 30, "high": 90},
                "factor": 0.3,
            },
        ],
    )
    data.update(copy.deepcopy(fields))
    return data


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def shutdown_data(**fields) -> dict:
    email = {
        "kind": "owned", "audience": 0, "posts_per_week": 7, "organic_reach": 1.0,
        "engagement_rate": 0.1, "click_rate": 1.0, "conversion_rate": 0.1, "order_value": 100,
    }
    data = scenario_data(
        channels={"social": copy.deepcopy(PLAIN_CHANNEL), "email": email},
        strategies={"own": {"capture": [{"from": "social", "to": "email", "rate": 0.0}]}},
        shocks=[{"type": "platform_shutdown", "channel": "social", "at": 14}],
    )
    data.update(fields)
    return data
