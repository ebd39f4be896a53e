"""Reading scenario files: safe YAML, ``extends``, ``--set`` overrides, friendly errors.

Owns the way from a path on disk to a validated :class:`~riskSim.scenario.Scenario`,
and the translation of every problem on the way into
:class:`~riskSim.errors.InputProblem` s that name the file, the dotted field
and the YAML line. It must not know SimPy, the terminal or charts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.scenario import model

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "load_scenario",
    "parse_override",
    "read_yaml",
    "resolve_extends",
    "scenario_to_yaml",
    "validate_data",
]

MAX_FILE_BYTES = 5_000_000
"""A scenario is a few kilobytes; anything this large is a mistake."""
MAX_YAML_NODES = 200_000
"""Nodes a document may expand to through aliases before it is refused (alias bombs)."""

Path_ = tuple[str | int, ...]
Origins = dict[Path_, tuple[str, int | None]]
"""Where each value came from: dotted path -> (file or option, 1-based line)."""


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader: builds only plain data, never Python objects."""


def _node_problem(source: str, node: yaml.Node, message: str, path: Path_) -> InvalidInputError:
    return InvalidInputError.single(source, _dotted(path), message, node.start_mark.line + 1)


def _walk_nodes(source: str, root: yaml.Node) -> Origins:
    """Record the line of every value and refuse duplicate keys and alias bombs."""
    origins: Origins = {}
    visited = 0
    stack: list[tuple[yaml.Node, Path_]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        visited += 1
        if visited > MAX_YAML_NODES:
            raise InvalidInputError.single(
                source,
                "",
                f"the document expands to more than {MAX_YAML_NODES:,} values "
                "(aliases repeated inside aliases?); refusing to read it",
            )
        origins.setdefault(path, (source, node.start_mark.line + 1))
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _node_problem(source, key_node, "keys must be plain words", path)
                key = key_node.value
                if key == "<<":
                    raise _node_problem(
                        source, key_node, "YAML merge keys (<<) are not supported", path
                    )
                if key in seen:
                    raise _node_problem(
                        source,
                        key_node,
                        f"duplicate key '{key}' (first at line {seen[key]})",
                        (*path, key),
                    )
                seen[key] = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*path, index)))
    return origins


def read_yaml(path: Path) -> tuple[dict[str, Any], Origins]:
    """Read one YAML mapping safely, with the line of every value.

    Raises:
        InvalidInputError: the file is missing, unreadable, not text, not YAML,
            empty, not a mapping, or has duplicate keys or alias bombs.
    """
    source = str(path)
    if not path.exists():
        raise InvalidInputError.single(source, "", "no such file")
    if path.is_dir():
        raise InvalidInputError.single(source, "", "is a folder, not a scenario file")
    try:
        raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
    except OSError as error:
        raise InvalidInputError.single(source, "", f"cannot be read: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInputError.single(
            source,
            "",
            f"is larger than {MAX_FILE_BYTES:,} bytes; a scenario file is a few kilobytes",
        )
    if b"\x00" in raw:
        raise InvalidInputError.single(source, "", "is not a text file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError.single(source, "", "is not UTF-8 text") from None
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InvalidInputError.single(
                source, "", "the file is empty; a scenario needs channels"
            )
        origins = _walk_nodes(source, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or str(error)
        if "could not determine a constructor" in problem:
            problem = f"{problem}; only plain YAML values are allowed (tags are never executed)"
        raise InvalidInputError.single(source, "", f"not valid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise InvalidInputError.single(source, "", f"not valid YAML: {error}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r})"
        raise InvalidInputError.single(
            source,
            "",
            f"the top level must be a mapping of fields (name:, channels:, ...), not {kind}",
        )
    return data, origins


def _merge(base: Any, over: Any) -> Any:
    """Deep merge: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return over


def resolve_extends(path: Path) -> tuple[dict[str, Any], Origins]:
    """A scenario file's mapping with its ``extends`` chain merged in, not yet validated.

    What the JSON Schema describes once ``extends`` is resolved: editors and the
    schema's own tests read files this way.

    Raises:
        InvalidInputError: the file or one it extends cannot be read, or the chain loops.
    """
    return _resolve(path, (path.resolve(),))


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Origins]:
    data, origins = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, origins
    if not isinstance(parent, str) or not parent:
        raise InvalidInputError.single(
            str(path),
            "extends",
            "must be the path of another scenario file",
            origins[("extends",)][1],
        )
    base_path = (path.parent / parent).resolve()
    if base_path in chain:
        raise InvalidInputError.single(
            str(path),
            "extends",
            f"'{parent}' extends this file again (a cycle)",
            origins[("extends",)][1],
        )
    if not base_path.is_file():
        raise InvalidInputError.single(
            str(path),
            "extends",
            f"no such file '{parent}' (looked at {base_path})",
            origins[("extends",)][1],
        )
    base_data, base_origins = _resolve(base_path, (*chain, base_path))
    merged_origins = dict(base_origins)
    merged_origins.update(origins)
    return _merge(base_data, data), merged_origins


def _dotted(path: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in path)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``PATH=VALUE`` into its path segments and the value read as a YAML scalar.

    Raises:
        InvalidInputError: no ``=``, an empty path or segment, or a value that is
            not a plain YAML scalar.
    """
    if "=" not in text:
        raise InvalidInputError.single("--set", text, "expected PATH=VALUE, e.g. shocks.0.fee=20")
    dotted, raw_value = text.split("=", 1)
    segments = dotted.strip().split(".")
    if not dotted.strip() or any(not segment for segment in segments):
        raise InvalidInputError.single("--set", text, "the path has an empty segment")
    try:
        value = yaml.load(raw_value, Loader=_StrictLoader) if raw_value.strip() else None
    except yaml.YAMLError:
        raise InvalidInputError.single(
            "--set", dotted, f"cannot read value {raw_value!r}"
        ) from None
    if isinstance(value, (dict, list)) and not raw_value.strip().startswith(("{", "[")):
        raise InvalidInputError.single("--set", dotted, f"cannot read value {raw_value!r}")
    if value is None:
        raise InvalidInputError.single("--set", dotted, "needs a value after '='")
    return segments, value


def _apply_override(data: dict[str, Any], origins: Origins, text: str) -> None:
    """Set one ``PATH=VALUE`` in the raw data: every segment but the last must exist."""
    segments, value = parse_override(text)
    node: Any = data
    walked: list[str | int] = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        key: str | int
        if isinstance(node, list):
            if not segment.lstrip("-").isdigit():
                raise InvalidInputError.single(
                    "--set",
                    _dotted([*walked, segment]),
                    f"'{_dotted(walked)}' is a list: use an index 0..{len(node) - 1}",
                )
            key = int(segment)
            if not 0 <= key < len(node):
                raise InvalidInputError.single(
                    "--set",
                    _dotted([*walked, segment]),
                    f"index {key} is out of range: '{_dotted(walked)}' has {len(node)} entries",
                )
        elif isinstance(node, dict):
            key = segment
            if key not in node and not last and _is_section(walked, key, data):
                node[key] = {}  # a section the file leaves at its defaults: risk_budget, ...
            elif key not in node and not last:
                known = [str(name) for name in node]
                hint = did_you_mean(segment, known, otherwise=f" (known: {', '.join(known)})")
                raise InvalidInputError.single(
                    "--set", _dotted([*walked, segment]), f"no such entry{hint}"
                )
        else:
            raise InvalidInputError.single(
                "--set",
                _dotted([*walked, segment]),
                f"'{_dotted(walked)}' is a single value, it has no field '{segment}'",
            )
        walked.append(key)
        if last:
            node[key] = value
            origins[tuple(walked)] = ("--set", None)
        else:
            node = node[key]


def _is_section(path: Sequence[str | int], key: str, data: Any) -> bool:
    """True when ``key`` names a mapping of fields of the model at ``path`` (``risk_budget``)."""
    owner = _model_at(path, data)
    if owner is None or key not in owner.model_fields:
        return False
    annotation = owner.model_fields[key].annotation
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _model_at(path: Sequence[str | int], data: Any) -> type[BaseModel] | None:
    """The model class that validates the mapping found at ``path`` in raw data."""
    _, node = _lookup_path(data, path)
    if isinstance(node, dict) and "dist" in node:
        return _DIST_CLASSES.get(node["dist"])
    section = path[0] if path else None
    depth = len(path)
    if depth == 0:
        return model.Scenario
    if tuple(path) == ("workshop",):
        return model.Workshop
    if tuple(path) == ("risk_budget",):
        return model.RiskBudget
    if depth == 2 and section == "channels":
        return model.Channel
    if depth == 2 and section == "strategies":
        return model.Strategy
    if depth == 2 and section == "shocks" and isinstance(node, dict):
        return _SHOCK_CLASSES.get(node.get("type"))
    if depth == 3 and section == "strategies" and path[2] == "responses":
        return model.Responses
    if depth == 4 and section == "strategies" and path[2] == "capture":
        return model.Capture
    return None


def _fields_of(cls: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in cls.model_fields.items()]


def _lookup(data: Any, part: str | int) -> tuple[bool, Any]:
    if isinstance(data, dict) and part in data:
        return True, data[part]
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return True, data[part]
    return False, None


def _clean_path(loc: Sequence[str | int], data: Any, error_type: str) -> list[str | int]:
    """Keep the parts of a pydantic location that are real keys in the data.

    Pydantic adds union member tags ('float', 'uniform', 'function-after[...]')
    to locations; users only know the keys they wrote.
    """
    path: list[str | int] = []
    node = data
    for position, part in enumerate(loc):
        found, child = _lookup(node, part)
        if found:
            path.append(part)
            node = child
        elif error_type == "missing" and position == len(loc) - 1:
            path.append(part)
    return path


def _friendly(error: dict[str, Any], path: list[str | int], data: Any) -> str:
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(path[:-1], data)
        known = _fields_of(owner) if owner else []
        listing = f" (allowed: {', '.join(known)})" if known else ""
        return f"unknown key '{path[-1]}'{did_you_mean(path[-1], known, otherwise=listing)}"
    if kind == "missing":
        return "is required but missing"
    if kind in ("union_tag_invalid", "literal_error"):
        expected = error.get("ctx", {}).get("expected_tags") or error.get("ctx", {}).get(
            "expected", ""
        )
        choices = [part.strip(" '\"") for part in str(expected).replace(" or ", ",").split(",")]
        choices = [choice for choice in choices if choice]
        value = error.get("ctx", {}).get("tag", value)
        return f"'{value}' is not one of: {', '.join(choices)}{did_you_mean(value, choices)}"
    if kind == "union_tag_not_found":
        return f"needs a '{error['ctx']['discriminator'].strip(chr(39))}' key"
    context = error.get("ctx", {})
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return f"must be a finite number, got {value}"
    comparisons = {
        "greater_than": ("gt", ">"),
        "greater_than_equal": ("ge", ">="),
        "less_than": ("lt", "<"),
        "less_than_equal": ("le", "<="),
    }
    if kind in comparisons:
        key, sign = comparisons[kind]
        return f"must be {sign} {context.get(key)}, got {value!r}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        whole = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {whole}, got {value!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of fields, got {value!r}"
    if kind == "list_type":
        return f"must be a list, got {value!r}"
    if kind in ("string_type", "bool_type", "bool_parsing"):
        return f"{message[0].lower()}{message[1:]}, got {value!r}"
    if kind == "too_short":
        return f"needs at least {context.get('min_length', 1)} entry, got none"
    if kind == "string_pattern_mismatch":
        return f"must be a slug (letters, digits, '-', '_', '.'), got {value!r}"
    return message[:1].lower() + message[1:]


def validate_data(data: dict[str, Any], origins: Origins, source: str) -> model.Scenario:
    """Validate merged raw data into a Scenario, naming file, field and line on failure."""
    try:
        return model.Scenario.model_validate(data)
    except ValidationError as error:
        raise InvalidInputError(_problems(error.errors(), data, origins, source)) from None
    except InvalidInputError as error:
        raise InvalidInputError(
            [
                _located(problem.field.split("."), problem.message, data, origins, source)
                for problem in error.problems
            ]
        ) from None


def _located(
    path: Sequence[str | int], message: str, data: Any, origins: Origins, source: str
) -> InputProblem:
    key = tuple(int(part) if isinstance(part, str) and part.isdigit() else part for part in path)
    while key and key not in origins:
        key = key[:-1]
    file, line = origins.get(key, (source, None))
    return InputProblem(file, _dotted(path), message, line)


def _problems(
    errors: Iterable[dict[str, Any]], data: Any, origins: Origins, source: str
) -> list[InputProblem]:
    """One problem per field: for a union, the member the user was evidently writing."""
    by_path: dict[str, tuple[list[str | int], dict[str, Any]]] = {}
    for error in errors:
        path = _clean_path(error["loc"], data, error["type"])
        if error["type"] == "union_tag_invalid":
            path.append(str(error["ctx"]["discriminator"]).strip("'"))
        dotted = _dotted(path)
        found, value = _lookup_path(data, path)
        wrote_mapping = found and isinstance(value, dict)
        is_number_error = error["type"] in (
            "float_type",
            "float_parsing",
            "int_type",
            "int_parsing",
        )
        if wrote_mapping and is_number_error and "dist" in value:
            continue
        if dotted not in by_path:
            by_path[dotted] = (path, error)
    return [
        _located(path, _friendly(error, path, data), data, origins, source)
        for path, error in by_path.values()
    ]


def _lookup_path(data: Any, path: Sequence[str | int]) -> tuple[bool, Any]:
    node = data
    for part in path:
        found, node = _lookup(node, part)
        if not found:
            return False, None
    return True, node


_SHOCK_CLASSES: dict[Any, type[BaseModel]] = dict(
    zip(model.SHOCK_TYPES, model.SHOCK_MODELS, strict=True)
)
_DIST_CLASSES: dict[Any, type[BaseModel]] = {}


def _register_distributions() -> None:
    from riskSim.scenario import distributions

    for cls in (
        distributions.Uniform,
        distributions.Triangular,
        distributions.Normal,
        distributions.LogNormal,
        distributions.Beta,
    ):
        _DIST_CLASSES[cls.model_fields["dist"].annotation.__args__[0]] = cls  # type: ignore[union-attr]


_register_distributions()


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> model.Scenario:
    """Read, merge (``extends``), override (``--set PATH=VALUE``) and validate a scenario.

    Args:
        path: the scenario file.
        overrides: ``PATH=VALUE`` strings, applied in order after ``extends``.

    Raises:
        InvalidInputError: anything wrong, each problem naming file, field and line.
    """
    scenario_path = Path(path)
    data, origins = resolve_extends(scenario_path)
    for override in overrides:
        _apply_override(data, origins, override)
    data.setdefault("name", scenario_path.stem)
    return validate_data(data, origins, str(scenario_path)).with_overrides(overrides)


def scenario_to_yaml(scenario: model.Scenario) -> str:
    """The resolved scenario as YAML: every field explicit, no ``extends``, loadable as is."""
    document = scenario.model_dump(mode="json", by_alias=True, exclude={"extends"})
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
