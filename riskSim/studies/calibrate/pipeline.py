"""From export files and the command's options to one estimate per channel.

Owns reading the ``--audience CHANNEL=N``, ``--channel FILE=NAME``,
``--since`` and ``--until`` options, putting the posts of every file into
their channels, the date window, and collecting every problem of every file
and option into one :class:`~riskSim.errors.InvalidInputError`. It must not
know the terminal, typer, rich or the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dateutil import parser as date_parser

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.studies.calibrate.estimate import ChannelEstimate, estimate_channel
from riskSim.studies.calibrate.readers import (
    LINKEDIN,
    ExportFile,
    Post,
    channel_name_problem,
    dedupe_posts,
    read_export,
)

__all__ = [
    "Calibration",
    "calibrate",
    "parse_assignments",
    "parse_audiences",
    "parse_day",
]

_AUDIENCE = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")


@dataclass
class Calibration:
    """Every channel's estimate, the files read and what was noticed on the way."""

    channels: dict[str, ChannelEstimate]
    files: list[ExportFile]
    warnings: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None

    def sources(self) -> list[str]:
        """One ``sources`` line per channel: the files, the export kind, the dates and posts."""
        lines = []
        for channel in self.channels.values():
            labels = {
                export.path: export.format.label
                for export in self.files
                if any(post.channel == channel.name for post in export.posts)
            }
            files = ", ".join(f"{path} ({labels.get(path, 'export')})" for path in channel.sources)
            lines.append(
                f"riskSim calibrate: {channel.name} from {files}, "
                f"{channel.first:%Y-%m-%d} to {channel.last:%Y-%m-%d}, {channel.posts} posts"
            )
        return lines


def parse_assignments(values: Sequence[str], flag: str, *, form: str) -> dict[str, str]:
    """``KEY=VALUE`` options as a mapping (the last of a repeated key wins).

    Raises:
        InvalidInputError: a value without ``=`` or with an empty side, naming the flag.
    """
    parsed: dict[str, str] = {}
    problems = []
    for text in values:
        key, equals, value = text.partition("=")
        if not equals or not key.strip() or not value.strip():
            problems.append(InputProblem(flag, text, f"expected {form}"))
            continue
        parsed[key.strip()] = value.strip()
    if problems:
        raise InvalidInputError(problems)
    return parsed


def parse_audiences(values: Sequence[str]) -> dict[str, float]:
    """``--audience CHANNEL=N`` options: N a whole number of followers (1,234 allowed)."""
    parsed = parse_assignments(values, "--audience", form="CHANNEL=N, e.g. linkedin=5000")
    problems = []
    audiences: dict[str, float] = {}
    for channel, text in parsed.items():
        if not _AUDIENCE.match(text) or int(text.replace(",", "")) <= 0:
            problems.append(
                InputProblem(
                    "--audience",
                    f"{channel}={text}",
                    "the audience must be a whole number of followers above 0, e.g. 5000",
                )
            )
            continue
        audiences[channel] = float(text.replace(",", ""))
    if problems:
        raise InvalidInputError(problems)
    return audiences


def parse_day(text: str | None, flag: str) -> date | None:
    """An ISO date option (``--since 2026-01-01``), or None when not given."""
    if text is None:
        return None
    try:
        return date_parser.isoparse(text.strip()).date()
    except (ValueError, OverflowError):
        raise InvalidInputError.single(
            flag, "", f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-01-31"
        ) from None


def _name_for(path: str, names: Mapping[str, str], used: set[str]) -> str | None:
    """The ``--channel`` name given for a file, matched by the path as written or its name."""
    for key, name in names.items():
        if key == path or Path(key) == Path(path) or key == Path(path).name:
            used.add(key)
            return name
    return None


def _no_audience(export: ExportFile, channel: str) -> InputProblem:
    what = "follower" if export.format is LINKEDIN else "follower (or page like)"
    return InputProblem(
        export.path,
        "",
        f"a {export.format.label} has no {what} total, so organic reach cannot be told: "
        f"give the {channel} audience with --audience {channel}=N (its followers today, "
        f"e.g. --audience {channel}=5000)",
    )


def calibrate(
    files: Sequence[str | Path],
    *,
    audiences: Mapping[str, float] | None = None,
    channel_names: Mapping[str, str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Calibration:
    """Read every export and estimate every channel they hold.

    Args:
        files: export files (any of the four formats, mixed).
        audiences: ``--audience``: followers today per channel; required for a
            channel whose export has no follower total (LinkedIn, Meta).
        channel_names: ``--channel``: the channel a file's posts go to, by file.
        since, until: keep posts from ``since`` to ``until``, both included.

    Raises:
        InvalidInputError: every problem of every file and option at once.
    """
    audiences = dict(audiences or {})
    channel_names = dict(channel_names or {})
    problems: list[InputProblem] = []
    if not files:
        raise InvalidInputError.single("FILE", "", "give at least one export file")
    if since is not None and until is not None and since > until:
        problems.append(
            InputProblem("--since", "", f"{since} is after --until {until}: no day is in between")
        )
    for key, name in channel_names.items():
        if (problem := channel_name_problem(name)) is not None:
            problems.append(InputProblem("--channel", f"{key}={name}", problem))
    if problems:
        raise InvalidInputError(problems)
    exports: list[ExportFile] = []
    used: set[str] = set()
    seen: dict[Path, str] = {}
    warnings: list[str] = []
    for path in files:
        resolved = Path(path).resolve()
        if resolved in seen:
            warnings.append(f"{path}: the same file as {seen[resolved]}; read once")
            continue
        seen[resolved] = str(path)
        name = _name_for(str(path), channel_names, used)
        try:
            exports.append(read_export(path, channel_name=name))
        except InvalidInputError as error:
            problems.extend(error.problems)
    for key in channel_names:
        if key not in used:
            problems.append(
                InputProblem(
                    "--channel",
                    f"{key}={channel_names[key]}",
                    f"no file '{key}' among the files given ({', '.join(map(str, files))})",
                )
            )
    by_channel: dict[str, list[Post]] = {}
    kinds: dict[str, Post] = {}
    for export in exports:
        warnings.extend(export.warnings)
    every_post = dedupe_posts(
        [post for export in exports for post in export.posts],
        warnings,
        "across the files",
    )
    for export in exports:
        for post in export.posts:
            first = kinds.setdefault(post.channel, post)
            if first.kind != post.kind:
                problems.append(
                    InputProblem(
                        post.source,
                        f"row {post.line}, column 'kind'",
                        f"channel '{post.channel}' is {post.kind} here but {first.kind} in "
                        f"{first.source} row {first.line}: a channel is one or the other",
                    )
                )
    kept = set(map(id, every_post))
    for export in exports:
        for post in export.posts:
            if id(post) not in kept:
                continue
            if kinds[post.channel].kind != post.kind:
                continue
            if (since is None or post.when.date() >= since) and (
                until is None or post.when.date() <= until
            ):
                by_channel.setdefault(post.channel, []).append(post)
    for export in exports:
        for channel in sorted(export.needs_audience):
            if channel not in audiences:
                problems.append(_no_audience(export, channel))
    known = sorted(kinds)
    for channel in audiences:
        if channel not in kinds:
            hint = did_you_mean(channel, known)
            problems.append(
                InputProblem(
                    "--audience",
                    f"{channel}={audiences[channel]:.0f}",
                    f"no channel named '{channel}' in the data{hint} "
                    f"(channels: {', '.join(known) or 'none'})",
                )
            )
    if problems:
        raise InvalidInputError(problems)
    if not by_channel:
        window = f"from {since or 'the start'} to {until or 'the end'}"
        raise InvalidInputError.single(
            "--since/--until", "", f"no post in any file falls {window}; nothing to estimate"
        )
    for channel in kinds:
        if channel not in by_channel:
            warnings.append(f"{channel}: no post between --since and --until; left out")
    formats = {post.source: export.format for export in exports for post in export.posts[:1]}
    channels = {
        name: estimate_channel(
            name, posts, audience=audiences.get(name), words=formats[posts[0].source].stage
        )
        for name, posts in by_channel.items()
    }
    for channel in channels.values():
        warnings.extend(channel.warnings)
    return Calibration(channels, exports, warnings, since, until)
