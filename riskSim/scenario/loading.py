"""Reading scenario files: safe YAML, ``extends``, ``--set`` overrides, friendly errors.

Owns the way from a path on disk to a validated :class:`~riskSim.scenario.Scenario`,
and the translation of every problem on the way into
:class:`~riskSim.errors.InputProblem` s that name the file, the dotted field
and the YAML line. It must not know SimPy, the terminal or charts.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.scenario import model
from riskSim.scenario.limits import (
    MAX_EXTENDS_DEPTH,
    MAX_FILE_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    reason_for,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "load_scenario",
    "parse_override",
    "read_bounded",
    "read_yaml",
    "resolve_extends",
    "shown_key",
    "shown_value",
    "scenario_to_yaml",
    "validate_data",
]

SHORT_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_. -]{0,30}[A-Za-z0-9_.-]|[A-Za-z0-9_]")
"""Keys an error message may quote: short names. Anything else in a file that is not a
scenario (a line of /etc/passwd, a key of a secrets file) is never shown back."""
INDEX = re.compile(r"-?[0-9]+")
"""A list index in a ``--set`` path: ASCII digits only ('³' is a digit to ``str.isdigit``)."""

Path_ = tuple[str | int, ...]
Origins = dict[Path_, tuple[str, int | None]]
"""Where each value came from: dotted path -> (file or option, 1-based line)."""


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader: builds only plain data, never Python objects.

    Composing is recursive in PyYAML, so nesting is counted here and refused
    past :data:`MAX_YAML_DEPTH`, long before Python's recursion limit.
    """

    _depth = 0

    def fetch_flow_collection_start(self, TokenClass: type) -> None:  # noqa: N803 (PyYAML's name)
        # The scanner reads a flow collection ('[[[[...') ahead of the composer, in
        # quadratic time: refuse it at the bracket that goes too deep.
        if self.flow_level >= MAX_YAML_DEPTH:
            raise _TooDeepError(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)  # type: ignore[misc]

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            self._depth += 1
            try:
                if self._depth > MAX_YAML_DEPTH:
                    raise _TooDeepError(self.peek_event().start_mark)
                return super().compose_node(parent, index)  # type: ignore[no-any-return]
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


class _TooDeepError(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(mark)
        self.mark = mark


def _shown_key(key: object) -> str:
    """A key as an error message may show it: itself when short, else a placeholder."""
    text = str(key)
    return text if isinstance(key, int) or SHORT_KEY.fullmatch(text) else "<a key>"


def _shown_value(value: object) -> str:
    """A value as an error message may show it: short ones quoted, long text only measured."""
    if isinstance(value, str) and len(value) > 24:
        return f"a text of {len(value):,} characters"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


shown_key = _shown_key
shown_value = _shown_value


def _shown_problem(problem: str) -> str:
    """A PyYAML message with any long quoted text (a tag, an alias) left out."""
    return re.sub(r"'[^']{25,}'", "'...'", problem)[:200]


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
                        f"duplicate key '{_shown_key(key)}' (first at line {seen[key]})",
                        (*path, key),
                    )
                seen[key] = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*path, index)))
    return origins


def _os_problem(source: str, error: OSError) -> InvalidInputError:
    if error.errno == errno.ENOENT:
        return InvalidInputError.single(source, "", "no such file")
    if error.errno == errno.ELOOP:
        return InvalidInputError.single(source, "", "is a loop of symbolic links")
    return InvalidInputError.single(source, "", f"cannot be read: {error.strerror}")


def _not_regular(source: str, mode: int) -> InvalidInputError:
    if stat.S_ISDIR(mode):
        return InvalidInputError.single(source, "", "is a folder, not a scenario file")
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
    return InvalidInputError.single(
        source, "", f"is {kind}, not a regular file; scenario files are plain YAML files"
    )


def read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`, never blocking.

    A FIFO, a device (/dev/zero, /dev/urandom), a socket or a folder is refused
    from its ``stat`` before it is opened; it is opened non-blocking (a FIFO put
    in its place in between cannot block) and checked again on the open
    descriptor; at most one byte past the limit is read.

    Raises:
        InvalidInputError: missing, not a regular file, a symbolic-link loop, a
            NUL byte in the path, unreadable, or larger than the limit.
    """
    source = str(path)
    if "\x00" in source:
        raise InvalidInputError.single(
            source.replace("\x00", "\\0"), "", "the path contains a NUL byte"
        )
    try:
        info = os.stat(path)
    except OSError as error:
        raise _os_problem(source, error) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(source, info.st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _os_problem(source, error) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(source, mode)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise _os_problem(source, error) from None
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def read_yaml(path: Path) -> tuple[dict[str, Any], Origins]:
    """Read one YAML mapping safely, with the line of every value.

    Only a regular file is read (see :func:`read_bounded`); its contents are
    never quoted back unless it is a mapping, and then only short keys.

    Raises:
        InvalidInputError: the file is missing, not a regular file, too large,
            unreadable, not text, not YAML, nested too deep, empty, not a
            mapping, or has duplicate keys or alias bombs.
    """
    source = str(path)
    raw = read_bounded(path)
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInputError.single(
            source,
            "",
            f"is larger than {MAX_FILE_BYTES:,} bytes, the most a scenario file may be "
            "(one is a few kilobytes)",
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
    except _TooDeepError as error:
        raise InvalidInputError.single(
            source,
            "",
            f"nests mappings and lists more than {MAX_YAML_DEPTH} deep, the most a scenario "
            "file may (a scenario needs 7)",
            error.mark.line + 1,
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = _shown_problem(error.problem or "")
        if "could not determine a constructor" in problem:
            problem = f"{problem}; only plain YAML values are allowed (tags are never executed)"
        raise InvalidInputError.single(source, "", f"not valid YAML: {problem}", line) from None
    except yaml.YAMLError:
        raise InvalidInputError.single(source, "", "not valid YAML") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise InvalidInputError.single(
            source,
            "",
            "is not a scenario file (its first line is not a YAML mapping): the top level "
            f"must be a mapping of fields (name:, channels:, ...), not {kind}",
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
    if "\x00" in str(path):
        read_bounded(path)  # refuses it, naming the NUL byte
    return _resolve(path, (_resolved(path, str(path), None),))


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Origins]:
    data, origins = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, origins
    line = origins[("extends",)][1]
    if not isinstance(parent, str) or not parent:
        raise InvalidInputError.single(
            str(path), "extends", "must be the path of another scenario file", line
        )
    if "\x00" in parent:
        raise InvalidInputError.single(str(path), "extends", "the path contains a NUL byte", line)
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise InvalidInputError.single(
            str(path),
            "extends",
            f"the chain of extends is more than {MAX_EXTENDS_DEPTH} files long, the most "
            "that may be (a family of scenarios needs two or three)",
            line,
        )
    base_path = _resolved(path.parent / parent, str(path), line)
    if base_path in chain:
        raise InvalidInputError.single(
            str(path), "extends", f"'{parent}' extends this file again (a cycle)", line
        )
    try:
        base_data, base_origins = _resolve(base_path, (*chain, base_path))
    except InvalidInputError as error:
        if len(error.problems) == 1 and error.problems[0].message == "no such file":
            raise InvalidInputError.single(
                str(path), "extends", f"no such file '{parent}' (looked at {base_path})", line
            ) from None
        raise
    merged_origins = dict(base_origins)
    merged_origins.update(origins)
    return _merge(base_data, data), merged_origins


def _resolved(path: Path, source: str, line: int | None) -> Path:
    """``path`` made absolute with symbolic links followed; a loop is an input error."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop before Python 3.13
        if line is None:
            raise InvalidInputError.single(source, "", "is a loop of symbolic links") from None
        raise InvalidInputError.single(
            source, "extends", f"{path} is a loop of symbolic links", line
        ) from None


def _typed(path: Sequence[str | int]) -> str:
    """A path the user typed (``--set``), shown as typed."""
    return ".".join(str(part) for part in path)


def _dotted(path: Sequence[str | int]) -> str:
    return ".".join(_shown_key(part) for part in path)


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
            if not INDEX.fullmatch(segment):
                raise InvalidInputError.single(
                    "--set",
                    _typed([*walked, segment]),
                    f"'{_typed(walked)}' is a list: use an index 0..{len(node) - 1}",
                )
            key = int(segment)
            if not 0 <= key < len(node):
                raise InvalidInputError.single(
                    "--set",
                    _typed([*walked, segment]),
                    f"index {key} is out of range: '{_typed(walked)}' has {len(node)} entries",
                )
        elif isinstance(node, dict):
            key = segment
            if key not in node and not last and _is_section(walked, key, data):
                node[key] = {}  # a section the file leaves at its defaults: risk_budget, ...
            elif key not in node and not last:
                known = [str(name) for name in node]
                hint = did_you_mean(segment, known, otherwise=f" (known: {', '.join(known)})")
                raise InvalidInputError.single(
                    "--set", _typed([*walked, segment]), f"no such entry{hint}"
                )
        else:
            raise InvalidInputError.single(
                "--set",
                _typed([*walked, segment]),
                f"'{_typed(walked)}' is a single value, it has no field '{segment}'",
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
        key = _shown_key(path[-1])
        if key != str(path[-1]):
            return f"an unknown key{listing}"
        return f"unknown key '{key}'{did_you_mean(key, known, otherwise=listing)}"
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
    if kind == "string_too_long":
        most = context.get("max_length")
        return f"is {len(str(value)):,} characters long; at most {most:,} fit"
    comparisons = {
        "greater_than": ("gt", ">"),
        "greater_than_equal": ("ge", ">="),
        "less_than": ("lt", "<"),
        "less_than_equal": ("le", "<="),
    }
    if kind in comparisons:
        key, sign = comparisons[kind]
        reason = reason_for(str(path[-1])) if path and sign.startswith("<") else ""
        if reason:
            return f"got {_shown_value(value)}; {reason}"
        return f"must be {sign} {context.get(key)}, got {_shown_value(value)}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        whole = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {whole}, got {_shown_value(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of fields, got {_shown_value(value)}"
    if kind == "list_type":
        return f"must be a list, got {_shown_value(value)}"
    if kind in ("string_type", "bool_type", "bool_parsing"):
        return f"{message[0].lower()}{message[1:]}, got {_shown_value(value)}"
    if kind == "too_short":
        return f"needs at least {context.get('min_length', 1)} entry, got none"
    if kind == "string_pattern_mismatch":
        return f"must be a slug (letters, digits, '-', '_', '.'), got {_shown_value(value)}"
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
    key = tuple(
        int(part) if isinstance(part, str) and INDEX.fullmatch(part) else part for part in path
    )
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
