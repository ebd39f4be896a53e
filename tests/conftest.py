"""Shared builders: small scenarios whose results can be worked out by hand."""

from __future__ import annotations

import copy
import os
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
