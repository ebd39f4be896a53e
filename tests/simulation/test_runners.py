"""Runners' ordered map: outputs and their reports in the items' order, whatever the workers."""

from __future__ import annotations

import pytest

from riskSim.simulation.runners import ordered_map


@pytest.mark.parametrize("workers", [1, 2])
def test_ordered_map_reports_each_output_in_the_items_order(workers: int) -> None:
    heard: list[tuple[int, int]] = []
    with ordered_map(workers) as mapped:
        outputs = mapped(abs, [-3, 1, -2, 5], on_result=lambda *call: heard.append(call))
        assert mapped(abs, [-7]) == [7]  # the report is optional, the pool reused
    assert outputs == [3, 1, 2, 5]
    assert heard == [(0, 3), (1, 1), (2, 2), (3, 5)]
