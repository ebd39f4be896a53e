"""Every file riskSim writes: the atomic output folder and what goes in it.

Owns the folder itself (:mod:`.folder`: atomic replacement, text and CSV
files), a run's files (:mod:`.run`), the reports in words (:mod:`.report`:
report.md and the self-contained report.html), the workshop debrief
(:mod:`.debrief`), the folders of sweeps and comparisons (:mod:`.studies`) and
the regeneration of the reference charts behind ``risksim charts``
(:mod:`.regenerate`).

May import everything upstream: scenario, simulation (only regeneration runs
scenarios), results, studies, and charts (only when charts are asked for, so a
run without charts never loads matplotlib). Must never import the CLI (typer,
rich) or print.
"""

from __future__ import annotations

from riskSim.outputs.debrief import write_debrief
from riskSim.outputs.folder import CHART_FORMATS, output_folder, write_text
from riskSim.outputs.run import summary_json, timeseries_csv, write_outputs
from riskSim.outputs.studies import write_comparison, write_sweep

__all__ = [
    "CHART_FORMATS",
    "summary_json",
    "timeseries_csv",
    "output_folder",
    "write_comparison",
    "write_debrief",
    "write_outputs",
    "write_sweep",
    "write_text",
]
