"""The memory budget of a run counts the horizon: daily arrays of every batch in flight."""

from __future__ import annotations

import pytest

from riskSim.errors import InvalidInputError
from riskSim.simulation import monte_carlo
from tests.conftest import build


def test_a_horizon_too_long_for_memory_names_the_longest_that_fits(monkeypatch) -> None:
    # one channel, one strategy: 120 bytes of totals a replication; one replication of h
    # days keeps 2 worlds x ceil(h / 7) weeks x 8 bytes and 2 worlds x 2 series x h days x 8
    # bytes, times 2.5 headroom. 0.8 x 100,000 bytes allow 120 + 16 ceil(h/7) + 32 h <= 32,000:
    # h = 929 gives 31,976, h = 930 gives 32,008.
    monkeypatch.setattr(monte_carlo, "available_memory", lambda: 100_000)
    with pytest.raises(InvalidInputError) as raised:
        monte_carlo.check_memory(build(horizon_days=7_300), 1)
    assert raised.value.problems[0].source == "horizon_days"
    assert "7,300 days of this scenario need" in raised.value.render()
    assert raised.value.render().endswith("at most 929 days fit")
    monte_carlo.check_memory(build(horizon_days=929), 1)


def test_too_many_replications_names_the_most_that_fit(monkeypatch) -> None:
    # 28 days: per replication 2.5 x (120 + 2 x 4 weeks x 8 + 2 x 2 x 28 x 8) = 2,700 bytes
    # while a batch is in flight (up to 2,000): 80,000 bytes hold 29 (29 x 2,700 = 78,300)
    monkeypatch.setattr(monte_carlo, "available_memory", lambda: 100_000)
    with pytest.raises(InvalidInputError) as raised:
        monte_carlo.check_memory(build(), 1_000)
    assert raised.value.problems[0].source == "--replications"
    assert "run at most 29 at a time" in raised.value.render()
