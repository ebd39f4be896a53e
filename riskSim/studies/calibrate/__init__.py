"""Calibration: channel figures, with their uncertainty, from a brand's own exports.

Owns the way from per-post exports (a generic CSV, LinkedIn company page
posts, Meta Business Suite posts, Mailchimp campaigns) to a scenario file
whose rates carry their uncertainty: :mod:`~riskSim.studies.calibrate.readers`
reads the files into one table of posts, :mod:`~riskSim.studies.calibrate.estimate`
pools them per channel, :mod:`~riskSim.studies.calibrate.pipeline` ties files,
options and channels together, and :mod:`~riskSim.studies.calibrate.scenario_text`
builds the scenario's text (new or merged into an existing file); writing it is
:mod:`riskSim.outputs.scenario_file`'s. It may import the scenario model,
loading and errors; it must never import typer, rich, matplotlib, SimPy or the
engine, and never writes a file.
"""

from __future__ import annotations

from riskSim.studies.calibrate.estimate import ChannelEstimate, FieldEstimate, estimate_channel
from riskSim.studies.calibrate.pipeline import (
    Calibration,
    calibrate,
    parse_assignments,
    parse_audiences,
    parse_day,
)
from riskSim.studies.calibrate.readers import FORMATS, ExportFile, ExportFormat, Post, read_export
from riskSim.studies.calibrate.scenario_text import merged_scenario_text, new_scenario_text

__all__ = [
    "FORMATS",
    "Calibration",
    "ChannelEstimate",
    "ExportFile",
    "ExportFormat",
    "FieldEstimate",
    "Post",
    "calibrate",
    "estimate_channel",
    "merged_scenario_text",
    "new_scenario_text",
    "parse_assignments",
    "parse_audiences",
    "parse_day",
    "read_export",
]
