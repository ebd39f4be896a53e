"""The calibrated scenario file: a new one, or the calibrated fields merged into an existing one.

Owns the scenario text ``risksim calibrate`` writes (every estimated field
with a comment giving its pooled figure, interval and posts; a ``sources``
line per channel; a default pair of strategies), ``--merge`` (only the
calibrated channels' estimated fields are replaced; strategies, shocks,
other fields and comments stay, through ruamel.yaml's round trip; PyYAML
would drop every comment), and writing atomically (a temporary file in the
same folder, validated as a scenario, then renamed into place; nothing is
left behind on any error). It must not know the terminal, typer, rich or
the engine.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from riskSim.errors import InvalidInputError
from riskSim.scenario.distributions import Beta, LogNormal
from riskSim.scenario.loading import load_scenario
from riskSim.studies.calibrate.estimate import ChannelEstimate, FieldEstimate
from riskSim.studies.calibrate.pipeline import Calibration

__all__ = [
    "CAPTURE_RATE",
    "SOURCE_PREFIX",
    "merged_scenario_text",
    "new_scenario_text",
]

SOURCE_PREFIX = "riskSim calibrate: "
"""How the ``sources`` lines this module writes begin (``--merge`` replaces its own)."""
CAPTURE_RATE = 0.05
"""The owned-first strategy's share of engaged people invited over: an assumption, said so."""
_KEPT = "the file's own values kept"
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the lines of a file being merged into
    return yaml


def _figure(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _comment(estimate: FieldEstimate) -> str:
    """The eol comment beside a written field: the pooled figure, its interval, its posts."""
    figure = _figure(estimate.point)
    if estimate.low != estimate.high:
        figure += f" (95% {_figure(estimate.low)} to {_figure(estimate.high)})"
    posts = "1 post" if estimate.posts == 1 else f"{estimate.posts} posts"
    return f"calibrated: {figure}, {posts}"


def _written(estimate: FieldEstimate) -> Any:
    value = estimate.value
    if isinstance(value, (Beta, LogNormal)):
        mapping = CommentedMap(value.model_dump(by_alias=True).items())
        mapping.fa.set_flow_style()
        return mapping
    number = float(value)
    return int(number) if number.is_integer() else number


def _set_fields(target: CommentedMap, channel: ChannelEstimate) -> None:
    """Put the channel's kind and estimated fields into ``target``, each with its comment."""
    if "kind" in target and target["kind"] != channel.kind:
        target["kind"] = channel.kind
    elif "kind" not in target:
        target.insert(0, "kind", channel.kind)
    for name, estimate in channel.fields.items():
        if name not in target:
            _append(target, name, _written(estimate), _comment(estimate))
            continue
        target[name] = _written(estimate)
        _set_comment(target, name, _comment(estimate))


def _eol_token(mapping: CommentedMap, key: Any) -> Any:
    items = mapping.ca.items.get(key)
    return items[2] if items is not None and len(items) > 2 else None


def _append(mapping: CommentedMap, key: str, value: Any, text: str) -> None:
    """Add ``key`` last, moving the comment lines below the former last key after it.

    Those lines introduce what follows the mapping (the next channel's heading),
    so they belong below whatever ends it.
    """
    last = list(mapping)[-1] if len(mapping) else None
    below = ""
    if last is not None and (token := _eol_token(mapping, last)) is not None:
        first, _, below = token.value.partition("\n")
        if first.strip():
            token.value = first + "\n"
        else:
            mapping.ca.items[last][2] = None
    mapping[key] = value
    mapping.yaml_add_eol_comment(text, key)
    if below:
        token = _eol_token(mapping, key)
        token.value = token.value.rstrip("\n") + "\n" + below


def _set_comment(mapping: CommentedMap, key: str, text: str) -> None:
    """Put ``text`` as ``key``'s end-of-line comment, keeping the comment lines below it.

    ruamel.yaml keeps the full-line comments that follow a value in the same
    token as the value's end-of-line comment; replacing the token whole would
    drop them (a heading above the next field or channel, say).
    """
    token = _eol_token(mapping, key)
    if token is None:
        mapping.yaml_add_eol_comment(text, key)
        return
    _, _, below = token.value.partition("\n")
    token.value = f"# {text}\n{below}"


def _not_estimated_line(calibration: Calibration, kept: str) -> str | None:
    parts = [
        f"{name} {', '.join(channel.not_estimated)}"
        for name, channel in calibration.channels.items()
        if channel.not_estimated
    ]
    if not parts:
        return None
    return SOURCE_PREFIX + f"not estimated ({kept}): " + "; ".join(parts)


def _source_lines(calibration: Calibration, *, kept: str = "defaults kept") -> list[str]:
    lines = calibration.sources()
    extra = _not_estimated_line(calibration, kept)
    return [*lines, *([extra] if extra else [])]


def _strategies(calibration: Calibration) -> tuple[CommentedMap, list[str]]:
    """platform-first, and owned-first when there is an owned channel to move people to."""
    rented = [name for name, channel in calibration.channels.items() if channel.kind == "rented"]
    owned = [name for name, channel in calibration.channels.items() if channel.kind == "owned"]
    strategies = CommentedMap()
    strategies["platform-first"] = CommentedMap(
        description="Every channel as the exports show it; pay any fee a platform starts charging."
    )
    assumptions: list[str] = []
    if rented and owned:
        captures = CommentedSeq()
        for name in rented:
            capture = CommentedMap([("from", name), ("to", owned[0]), ("rate", CAPTURE_RATE)])
            capture.fa.set_flow_style()
            captures.append(capture)
        strategies["owned-first"] = CommentedMap(
            [
                (
                    "description",
                    f"Invite engaged followers of {', '.join(rented)} to {owned[0]}; "
                    "cut a platform to a post a week if it starts charging.",
                ),
                ("capture", captures),
                (
                    "responses",
                    CommentedMap([("pay_per_post", "reduce"), ("reduce_to_posts_per_week", 1)]),
                ),
            ]
        )
        strategies["owned-first"]["responses"].fa.set_flow_style()
        assumptions.append(
            f"Assumption: owned-first invites {CAPTURE_RATE:.0%} of each post's engaged people "
            f"to {owned[0]} (not calibrated: exports do not show it)"
        )
    return strategies, assumptions


def new_scenario_text(calibration: Calibration, *, name: str) -> str:
    """A complete scenario: the calibrated channels, a default pair of strategies, no shocks."""
    _check_name(name)
    strategies, assumptions = _strategies(calibration)
    document = CommentedMap()
    document["name"] = name
    document["title"] = f"Calibrated from {len(calibration.files)} export(s)"
    document["description"] = (
        "Channels estimated by risksim calibrate from the brand's own exports; "
        "add shocks (or --merge the channels into a scenario that has them) to see "
        "what the platforms put at risk."
    )
    document["sources"] = CommentedSeq([*_source_lines(calibration), *assumptions])
    document["horizon_days"] = 730
    document["replications"] = 1000
    document["seed"] = 2026
    channels = CommentedMap()
    for channel_name, channel in calibration.channels.items():
        block = CommentedMap()
        _set_fields(block, channel)
        channels[channel_name] = block
    document["channels"] = channels
    document["strategies"] = strategies
    document["shocks"] = CommentedSeq()
    stream = io.StringIO()
    stream.write(
        "# Written by `risksim calibrate`: each calibrated field's comment gives the pooled\n"
        "# figure, its 95% interval and the posts it pools. Fields not written keep riskSim's\n"
        "# defaults (see `risksim schema`).\n"
    )
    _yaml().dump(document, stream)
    return stream.getvalue()


def _check_name(name: str) -> None:
    if not _SLUG.match(name):
        raise InvalidInputError.single(
            "--name",
            "",
            f"'{name}' is not a scenario name: use letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
        )


def merged_scenario_text(
    calibration: Calibration, into: Path, *, out: Path, name: str | None = None
) -> str:
    """``into``'s text with the calibrated channels' estimated fields replaced.

    Every other field, the strategies, the shocks and the comments stay. An
    ``extends`` path is rewritten so it still points at the same file from
    ``out``'s folder. Our own ``sources`` lines for these channels are replaced.

    Raises:
        InvalidInputError: ``into`` is not a valid scenario.
    """
    load_scenario(into)
    yaml = _yaml()
    try:
        document = yaml.load(into.read_text(encoding="utf-8"))
    except YAMLError as error:  # pragma: no cover - load_scenario read it already
        raise InvalidInputError.single(str(into), "", f"not valid YAML: {error}") from None
    if name is not None:
        _check_name(name)
        document["name"] = name
    parent = document.get("extends")
    if isinstance(parent, str):
        base = (into.parent / parent).resolve()
        document["extends"] = os.path.relpath(base, out.resolve().parent)
    if "channels" not in document or document["channels"] is None:
        document["channels"] = CommentedMap()
    channels = document["channels"]
    for channel_name, channel in calibration.channels.items():
        if channel_name not in channels or not isinstance(channels[channel_name], CommentedMap):
            channels[channel_name] = CommentedMap()
        target = channels[channel_name]
        target.fa.set_block_style()
        _set_fields(target, channel)
    prefixes = tuple(f"{SOURCE_PREFIX}{name} from " for name in calibration.channels)
    kept = [
        line
        for line in document.get("sources") or []
        if not (
            str(line).startswith(prefixes) or str(line).startswith(f"{SOURCE_PREFIX}not estimated")
        )
    ]
    sources = document.get("sources")
    if isinstance(sources, CommentedSeq):
        del sources[:]
        sources.extend([*kept, *_source_lines(calibration, kept=_KEPT)])
    else:
        document.insert(
            _position_after(document, ("description", "title", "name")),
            "sources",
            CommentedSeq(_source_lines(calibration, kept=_KEPT)),
        )
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _position_after(document: CommentedMap, keys: tuple[str, ...]) -> int:
    order = list(document)
    for key in keys:
        if key in document:
            return order.index(key) + 1
    return 0
