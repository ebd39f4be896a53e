"""Charts from results (placeholder until the charts issue lands: writes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskSim.results import SimulationResults

__all__ = ["write_charts"]


def write_charts(results: SimulationResults, folder: Path, chart_format: str) -> list[Path]:
    """Draw every chart of ``results`` into ``folder``; returns the files written."""
    return []
