"""What came out of a run: fixed-schema records, the summary, the metrics.

Owns the per-replication totals and weekly series the engine's records are
reduced to (:mod:`.records`, with the builder that places batches in batch
order and the summary.json document, computed once), the statistics of a
run (:mod:`.metrics`: VaR/CVaR, recovery, concentration, rank correlation)
and when each shock started (:mod:`.onsets`).

May import: :mod:`riskSim.scenario`, the shared leaves, numpy, numba. A leaf
below presentation: must never import the simulator (type-checking imports
only), charts, outputs or the CLI.
"""

from __future__ import annotations

from riskSim.results.onsets import ShockOnset, shock_onsets
from riskSim.results.records import (
    SCHEMA_VERSION,
    BatchResult,
    ResultsBuilder,
    SimulationResults,
    StrategyResult,
    WorldTotals,
    headline_figures,
)

__all__ = [
    "SCHEMA_VERSION",
    "BatchResult",
    "ResultsBuilder",
    "ShockOnset",
    "SimulationResults",
    "StrategyResult",
    "WorldTotals",
    "headline_figures",
    "shock_onsets",
]
