"""Calibration: channel figures, with their uncertainty, from a brand's own exports.

Owns the way from per-post exports (a generic CSV, LinkedIn company page
posts, Meta Business Suite posts, Mailchimp campaigns) to a scenario file
whose rates carry their uncertainty: :mod:`~riskSim.calibration.readers`
reads the files into one table of posts, :mod:`~riskSim.calibration.estimate`
pools them per channel, :mod:`~riskSim.calibration.pipeline` ties files,
options and channels together, and :mod:`~riskSim.calibration.scenario_file`
writes (or merges) the scenario. It may import the scenario model, loading
and errors; it must never import typer, rich, matplotlib, SimPy or the engine.
"""

from __future__ import annotations

from riskSim.calibration.estimate import ChannelEstimate, FieldEstimate, estimate_channel
from riskSim.calibration.pipeline import (
    Calibration,
    calibrate,
    parse_assignments,
    parse_audiences,
    parse_day,
)
from riskSim.calibration.readers import FORMATS, ExportFile, ExportFormat, Post, read_export
from riskSim.calibration.scenario_file import (
    check_destination,
    merged_scenario_text,
    new_scenario_text,
    write_scenario,
)

__all__ = [
    "FORMATS",
    "Calibration",
    "ChannelEstimate",
    "ExportFile",
    "ExportFormat",
    "FieldEstimate",
    "Post",
    "calibrate",
    "check_destination",
    "estimate_channel",
    "merged_scenario_text",
    "new_scenario_text",
    "parse_assignments",
    "parse_audiences",
    "parse_day",
    "read_export",
    "write_scenario",
]
