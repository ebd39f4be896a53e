"""The JSON Schema of the scenario file, as `risksim schema` publishes it for editors.

Owns turning the pydantic models of :mod:`riskSim.scenario` into a schema a
YAML language server can complete and check with: every field with a
description and (unless required) a default, numeric ranges on plain
numbers, and partial channels allowed in a file that ``extends`` another.
It must not know files, the terminal or the engine.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from riskSim.scenario import distributions, model

__all__ = ["SCHEMA_DIALECT", "scenario_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_MODELS: tuple[type[BaseModel], ...] = (
    model.Scenario,
    model.Channel,
    model.Capture,
    model.Responses,
    model.Strategy,
    model.Workshop,
    *model.SHOCK_MODELS,
    distributions.Uniform,
    distributions.Triangular,
    distributions.Normal,
    distributions.LogNormal,
    distributions.Beta,
)


def _definition(schema: dict[str, Any], cls: type[BaseModel]) -> dict[str, Any]:
    return schema if cls is model.Scenario else schema["$defs"][cls.__name__]


def _complete_fields(schema: dict[str, Any]) -> None:
    """Give defaults made by factories, and numeric bounds to the plain-number branch."""
    for cls in _MODELS:
        definition = _definition(schema, cls)
        for name, info in cls.model_fields.items():
            prop = definition["properties"][info.alias or name]
            if info.default_factory is not None and "default" not in prop:
                default = info.default_factory()  # type: ignore[call-arg]
                prop["default"] = to_jsonable_python(default, by_alias=True)
            bounds = model.field_bounds(cls, name)
            branches = prop.get("anyOf", [prop])
            for branch in branches:
                if branch.get("type") == "number":
                    if math.isfinite(bounds.low):
                        branch.setdefault("minimum", bounds.low)
                    if math.isfinite(bounds.high):
                        branch.setdefault("maximum", bounds.high)


def _allow_partial_channels(schema: dict[str, Any]) -> None:
    """In a file with ``extends``, a channel may restate only the fields it changes."""
    channel = schema["$defs"]["Channel"]
    patch = copy.deepcopy(channel)
    patch.pop("required", None)
    patch["title"] = "ChannelPatch"
    patch["description"] = (
        "A channel in a file that extends another: only the fields it changes; "
        "a new channel still needs kind and audience."
    )
    schema["$defs"]["ChannelPatch"] = patch
    channels = schema["properties"]["channels"]
    full = channels.pop("additionalProperties")
    channels.pop("minProperties", None)
    schema["required"] = [name for name in schema.get("required", []) if name != "channels"]
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {
        "properties": {"channels": {"additionalProperties": {"$ref": "#/$defs/ChannelPatch"}}}
    }
    schema["else"] = {
        "required": ["channels"],
        "properties": {"channels": {"additionalProperties": full, "minProperties": 1}},
    }


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, ready to print.

    A file is checked as written, before ``extends`` is merged: a file that
    extends another may leave channels out, or give only part of a channel.
    """
    schema = model.Scenario.model_json_schema(by_alias=True)
    _complete_fields(schema)
    _allow_partial_channels(schema)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://risksim.example/scenario.schema.json",
        **schema,
        "title": "riskSim scenario",
        "description": (
            "A riskSim scenario file: a brand's channels, the strategies to compare and "
            "the platform shocks they face. Check it with `risksim validate FILE`."
        ),
    }
