"""Reading per-post exports into one normalised table of posts.

Owns recognising a file (the generic per-post CSV, a LinkedIn company page
post export, a Meta Business Suite post export, a Mailchimp campaign export)
by a required subset of its header names, the files' quirks (UTF-8 with a
byte-order mark, UTF-16 with a ``sep=,`` line, title lines above the header,
"27.78%", "1,234", "$1,234.50", US and ISO dates), and turning each row into a
:class:`Post`, or into an :class:`~riskSim.errors.InputProblem` naming the
file, the row and the column. Lifetime totals of a post seen twice are kept
once. It must not know the scenario model, the terminal, typer, rich or the
engine.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from dateutil import parser as date_parser

from riskSim.errors import InputProblem, InvalidInputError

__all__ = [
    "FORMATS",
    "ExportFile",
    "ExportFormat",
    "Post",
    "channel_name_problem",
    "dedupe_posts",
    "read_export",
]

Kind = Literal["rented", "owned"]

MAX_FILE_BYTES = 50_000_000
"""A per-post export of ten years of daily posts is a few megabytes."""
HEADER_SEARCH_ROWS = 10
"""Rows above the header an export may carry (a title, a date range, ``sep=,``)."""
MAX_PROBLEMS_PER_FILE = 50
"""Past this many bad rows the file is evidently not what it claims to be."""
MISSING_MARKERS = frozenset({"", "-", "--", "n/a", "na", "null", "none"})
"""What exports write in a cell they have no figure for."""

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SLASHED_DATE = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
_CURRENCY = "$€£¥"
_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
"""Words YAML 1.1 reads as booleans or null: a channel so named would not load as a name."""


def channel_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a channel (dotted ``--set`` paths, YAML keys), or None."""
    if not _CHANNEL_NAME.match(name) or name.casefold() in _YAML_WORDS:
        return (
            f"'{name}' is not a channel name: use letters, digits, '-' and '_', starting "
            "with a letter or digit (and not yes, no, on, off, true, false or null)"
        )
    return None


@dataclass(frozen=True)
class Post:
    """One post (or one send) with its lifetime totals, as the model reads them.

    ``impressions`` is what the channel's reach is measured by (impressions on
    LinkedIn and in the generic CSV, unique reach on Meta, unique opens for an
    email); ``engagements`` every interaction, clicks included where the
    platform counts them so; ``losses`` people who left after this post
    (unsubscribes, cleaned addresses), where the export says.
    """

    source: str
    line: int
    channel: str
    kind: Kind
    when: datetime
    audience: float | None
    impressions: int | None
    engagements: int | None
    clicks: int | None
    orders: int | None = None
    revenue: float | None = None
    losses: int | None = None
    post_id: str | None = None


@dataclass(frozen=True)
class ExportFormat:
    """One kind of export: what names its columns go by and what each one means.

    ``columns`` maps a role (``date``, ``impressions``, ``likes``, ...) to the
    header names it may appear under (compared without case or extra spaces);
    a file is this format when every role in ``required`` is present.
    """

    key: str
    label: str
    required: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    month_first: bool = True
    """How a slashed date reads when no value tells (every day is 12 or less)."""
    stage_names: tuple[tuple[str, str], ...] = ()
    """What the export calls the funnel's stages, where it differs (Meta's reach, say)."""

    def stage(self, stage: str) -> str:
        """The export's word for a funnel stage (audience, impressions, engagements, ...)."""
        return dict(self.stage_names).get(stage, stage)


GENERIC = ExportFormat(
    key="generic",
    label="generic per-post CSV",
    required=(
        "date",
        "channel",
        "kind",
        "audience",
        "impressions",
        "engagements",
        "clicks",
    ),
    columns={
        "date": ("date",),
        "channel": ("channel",),
        "kind": ("kind",),
        "audience": ("audience",),
        "impressions": ("impressions",),
        "engagements": ("engagements",),
        "clicks": ("clicks",),
        "orders": ("orders",),
        "revenue": ("revenue",),
        "post_id": ("post_id", "post id"),
    },
)
MAILCHIMP = ExportFormat(
    key="mailchimp",
    label="Mailchimp campaign export",
    stage_names=(
        ("audience", "deliveries"),
        ("impressions", "opens"),
        ("engagements", "clicks"),
    ),
    required=("date", "audience", "impressions", "clicks"),
    columns={
        "date": ("send date",),
        "audience": ("successful deliveries",),
        "impressions": ("unique opens",),
        "clicks": ("unique clicks",),
        "orders": ("total orders", "orders"),
        "revenue": ("total revenue", "revenue"),
        "unsubscribes": ("unsubscribes",),
        "hard_bounces": ("hard bounces",),
        "complaints": ("abuse complaints",),
        "open_rate": ("open rate",),
        "post_id": ("unique id", "campaign id"),
        "name": ("campaign name", "title"),
        "list": ("list", "audience"),
    },
)
META = ExportFormat(
    key="meta",
    label="Meta Business Suite post export",
    stage_names=(("impressions", "reach"),),
    required=("date", "reach", "reactions", "comments", "shares"),
    columns={
        "date": ("publish time",),
        "reach": ("reach",),
        "reactions": ("reactions", "likes"),
        "comments": ("comments",),
        "shares": ("shares",),
        "saves": ("saves",),
        "total_clicks": ("total clicks",),
        "link_clicks": ("link clicks",),
        "views": ("impressions", "views"),
        "post_id": ("post id",),
        "page": ("page name", "page id"),
        "account": ("account username", "account name", "account id"),
        "period": ("date",),
    },
)
LINKEDIN = ExportFormat(
    key="linkedin",
    label="LinkedIn company page post export",
    required=("date", "impressions", "clicks", "likes", "comments", "shares"),
    columns={
        "date": ("date", "created date"),
        "impressions": ("impressions",),
        "clicks": ("clicks",),
        "likes": ("likes", "reactions"),
        "comments": ("comments",),
        "shares": ("shares", "reposts"),
        "follows": ("follows",),
        "post_id": ("post link", "update link", "post url"),
    },
)
FORMATS: tuple[ExportFormat, ...] = (GENERIC, MAILCHIMP, META, LINKEDIN)
"""Every format, in the order a header is tried against them."""


@dataclass
class ExportFile:
    """One file read: its format, its posts and what the reader noticed on the way.

    ``needs_audience`` names the channels whose export carries no follower
    total (``--audience CHANNEL=N`` must give it).
    """

    path: str
    format: ExportFormat
    posts: list[Post]
    warnings: list[str] = field(default_factory=list)
    needs_audience: set[str] = field(default_factory=set)


def _normalise(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').split()).casefold()


class _Problems:
    """The problems of one file, each naming the row (line of the file) and the column."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[InputProblem] = []

    def add(self, line: int | None, column: str | None, message: str) -> None:
        where = [] if line is None else [f"row {line}"]
        if column is not None:
            where.append(f"column '{column}'")
        self.items.append(InputProblem(self.source, ", ".join(where), message))

    def full(self) -> bool:
        return len(self.items) >= MAX_PROBLEMS_PER_FILE

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInputError(list(self.items))


def _decode(path: Path, problems: _Problems) -> str:
    """The file's text, whatever of UTF-8 (with or without BOM) or UTF-16 (with BOM) it is."""
    if not path.exists():
        problems.add(None, None, "no such file")
        problems.raise_if_any()
    if path.is_dir():
        problems.add(None, None, "is a folder, not an export file")
        problems.raise_if_any()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        problems.add(None, None, f"cannot be read: {error.strerror}")
        problems.raise_if_any()
    if len(raw) > MAX_FILE_BYTES:
        problems.add(None, None, f"is larger than {MAX_FILE_BYTES:,} bytes; not a per-post export")
        problems.raise_if_any()
    if not raw.strip():
        problems.add(None, None, "the file is empty; an export has a header row and one row a post")
        problems.raise_if_any()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        problems.add(
            None,
            None,
            "is not UTF-8 or UTF-16 text (a spreadsheet? save it as 'CSV UTF-8')",
        )
        problems.raise_if_any()
    if "\x00" in text:
        problems.add(None, None, "is not a text file (it contains NUL bytes)")
        problems.raise_if_any()
    return text


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every row with the line of the file it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error:
        # An unclosed quote: what was read so far is all the file has that parses.
        pass
    return rows


def _sep_line(text: str) -> str | None:
    """The delimiter named by an Excel ``sep=,`` first line, if there is one."""
    first = text.split("\n", 1)[0].strip().strip('"').strip()
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4]
    return None


def _columns_of(fmt: ExportFormat, header: Sequence[str]) -> dict[str, int]:
    """Which column index plays each role, for the names this header uses."""
    index = {_normalise(name): position for position, name in enumerate(header)}
    found: dict[str, int] = {}
    for role, names in fmt.columns.items():
        for name in names:
            if name in index:
                found[role] = index[name]
                break
    return found


def _recognise(
    rows: list[tuple[int, list[str]]],
) -> tuple[ExportFormat, int, dict[str, int]] | None:
    """The first format whose required columns a header row within the top rows has."""
    for position, (_, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for fmt in FORMATS:
            found = _columns_of(fmt, row)
            if all(role in found for role in fmt.required):
                return fmt, position, found
    return None


def _closest_format(rows: list[tuple[int, list[str]]]) -> tuple[ExportFormat, int, list[str]]:
    """The format a file evidently meant to be, its header line and the columns it lacks."""
    best: tuple[float, ExportFormat, int, list[str]] | None = None
    for line, row in rows[:HEADER_SEARCH_ROWS]:
        for fmt in FORMATS:
            found = _columns_of(fmt, row)
            present = sum(role in found for role in fmt.required)
            missing = [fmt.columns[role][0] for role in fmt.required if role not in found]
            score = present / len(fmt.required)
            if best is None or score > best[0]:
                best = (score, fmt, line, missing)
    assert best is not None
    return best[1], best[2], best[3]


def _describe_formats() -> str:
    return "; ".join(
        f"{fmt.label}: {', '.join(fmt.columns[role][0] for role in fmt.required)}"
        for fmt in FORMATS
    )


def _table(
    path: Path, problems: _Problems
) -> tuple[ExportFormat, list[str], list[tuple[int, list[str]]], dict[str, int]]:
    """The file's format, header, data rows and column roles, whatever its delimiter."""
    text = _decode(path, problems)
    named = _sep_line(text)
    if named is not None:
        _, _, text_after = text.partition("\n")
        candidates = [named]
        offset = 1
        text = text_after
    else:
        offset = 0
        try:
            sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            sniffed = ","
        candidates = list(dict.fromkeys([sniffed, ",", ";", "\t"]))
    parsed: dict[str, list[tuple[int, list[str]]]] = {}
    for delimiter in candidates:
        rows = [(line + offset, row) for line, row in _rows(text, delimiter)]
        rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
        parsed[delimiter] = rows
        recognised = _recognise(rows)
        if recognised is not None:
            fmt, position, roles = recognised
            header_line, header = rows[position]
            data = rows[position + 1 :]
            if not data:
                problems.add(
                    header_line,
                    None,
                    f"the header of a {fmt.label} is there but no row follows it: "
                    "the file has no posts",
                )
                problems.raise_if_any()
            return fmt, header, data, roles
    rows = parsed[candidates[0]]
    if not rows:
        problems.add(None, None, "the file is empty; an export has a header row and one row a post")
        problems.raise_if_any()
    fmt, line, missing = _closest_format(rows)
    if 2 * len(missing) <= len(fmt.required):  # half its columns or more: evidently meant
        for name in missing:
            problems.add(
                line,
                name,
                f"required column '{name}' is missing (this looks like a {fmt.label}, "
                f"which needs {', '.join(fmt.columns[role][0] for role in fmt.required)})",
            )
    else:
        problems.add(
            None,
            None,
            "not a recognised export: no header row in its first "
            f"{HEADER_SEARCH_ROWS} rows has the columns of any of: {_describe_formats()}",
        )
    problems.raise_if_any()
    raise AssertionError("unreachable")  # pragma: no cover


class _Row:
    """One data row: cells read by role, with problems recorded against file, row and column."""

    def __init__(
        self,
        line: int,
        cells: list[str],
        header: list[str],
        roles: dict[str, int],
        problems: _Problems,
    ) -> None:
        self.line = line
        self.cells = cells
        self.header = header
        self.roles = roles
        self.problems = problems
        self.bad = False

    def has(self, role: str) -> bool:
        return role in self.roles

    def column(self, role: str) -> str:
        return self.header[self.roles[role]].strip()

    def raw(self, role: str) -> str:
        position = self.roles.get(role)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()

    def fail(self, role: str, message: str) -> None:
        self.bad = True
        self.problems.add(self.line, self.column(role), message)

    def text(self, role: str, *, required: bool = False) -> str | None:
        value = self.raw(role)
        if not value:
            if required and self.has(role):
                self.fail(role, "is empty")
            return None
        return value

    def number(self, role: str, *, required: bool = False, whole: bool = True) -> float | None:
        """A count (``whole``) or an amount: '1,234', '1234.0', '$1,234.50'; None when blank."""
        if not self.has(role):
            return None
        value = self.raw(role)
        if value.casefold() in MISSING_MARKERS:
            if required:
                self.fail(role, "is empty; every post needs this figure")
            return None
        cleaned = value.replace(" ", "").replace("\u00a0", "")
        if not whole:
            cleaned = cleaned.lstrip(_CURRENCY) if cleaned[:1] in _CURRENCY else cleaned
            if cleaned[:2] in {f"-{symbol}" for symbol in _CURRENCY}:
                cleaned = "-" + cleaned[2:]
        if cleaned.endswith("%"):
            self.fail(role, f"'{value}' is a percentage; this column needs a count")
            return None
        if not _NUMBER.match(cleaned):
            self.fail(role, f"'{value}' is not a number")
            return None
        number = float(cleaned.replace(",", ""))
        if number < 0:
            kind = "count" if whole else "amount"
            self.fail(role, f"{value} is negative; a {kind} is never below 0")
            return None
        if whole and not number.is_integer():
            self.fail(role, f"'{value}' is not a whole number; this column needs a count")
            return None
        return number

    def count(self, role: str, *, required: bool = False) -> int | None:
        number = self.number(role, required=required)
        return None if number is None else int(number)

    def percentage(self, role: str) -> float | None:
        """'27.78%' as 0.2778; None when blank or not a percentage (rates are only checked)."""
        value = self.raw(role).replace(" ", "")
        if not value.endswith("%") or not _NUMBER.match(value[:-1]):
            return None
        return float(value[:-1].replace(",", "")) / 100


def _full_date(text: str, *, dayfirst: bool) -> datetime | None:
    """A date (and time) with year, month and day all written; None otherwise.

    Parsing twice with two different defaults catches a value that names only
    part of a date ("March", "12"), which dateutil would otherwise complete
    from the default.
    """
    try:
        first = date_parser.parse(text, dayfirst=dayfirst, default=datetime(1901, 1, 1))
        second = date_parser.parse(text, dayfirst=dayfirst, default=datetime(1902, 2, 2))
    except (ValueError, OverflowError):
        return None
    if first.date() != second.date():
        return None
    return first.replace(tzinfo=None)


def _iso_date(text: str) -> datetime | None:
    try:
        return date_parser.isoparse(text).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


def _day_order(values: list[str], fmt: ExportFormat) -> tuple[bool, str | None]:
    """Whether slashed dates in a column read day first, and a note when the data cannot tell.

    Any value with a first number above 12 means day first (09/25 cannot be a
    month 25), any with a second number above 12 means month first; when every
    value could be either, the export's own convention decides, and a note says so.
    """
    first_above = second_above = False
    slashed = 0
    for value in values:
        match = _SLASHED_DATE.match(value)
        if match is None:
            continue
        slashed += 1
        first_above |= int(match.group(1)) > 12
        second_above |= int(match.group(2)) > 12
    if first_above and not second_above:
        return True, None
    if second_above and not first_above:
        return False, None
    if first_above and second_above:
        return not fmt.month_first, None  # rows that do not fit fail one by one
    if slashed == 0:
        return False, None
    order = "month first (01/05 = 5 January)" if fmt.month_first else "day first"
    return not fmt.month_first, (
        f"dates read {order} as {fmt.label}s write them: no day above 12 in the file to confirm"
    )


def _date(row: _Row, fmt: ExportFormat, dayfirst: bool) -> datetime | None:
    value = row.text("date", required=True)
    if value is None:
        return None
    if fmt is GENERIC:
        parsed = _iso_date(value)
        if parsed is None:
            row.fail("date", f"'{value}' is not a date: write ISO dates, e.g. 2026-01-05")
        return parsed
    parsed = _full_date(value, dayfirst=dayfirst)
    if parsed is None:
        order = "DD/MM/YYYY" if dayfirst else "MM/DD/YYYY"
        row.fail("date", f"'{value}' is not a date (expected e.g. {order} or 'Jan 05, 2026')")
    return parsed


def _sum(parts: Sequence[int | None]) -> int | None:
    known = [part for part in parts if part is not None]
    return sum(known) if known else None


def _read_generic(row: _Row, base: dict[str, object]) -> tuple[Post | None, int | None]:
    channel = row.text("channel", required=True)
    if channel is not None and (problem := channel_name_problem(channel)) is not None:
        row.fail("channel", problem)
    kind = row.text("kind", required=True)
    if kind is not None and kind.casefold() not in ("rented", "owned"):
        row.fail(
            "kind",
            f"'{kind}' is not a channel kind: rented (a platform) or owned "
            "(email list, website, community, SMS)",
        )
    audience = row.number("audience", required=True)
    impressions = row.count("impressions", required=True)
    engagements = row.count("engagements", required=True)
    clicks = row.count("clicks", required=True)
    orders = row.count("orders")
    revenue = row.number("revenue", whole=False)
    if row.bad or channel is None or kind is None:
        return None, None
    post = Post(
        channel=channel,
        kind="owned" if kind.casefold() == "owned" else "rented",
        audience=audience,
        impressions=impressions,
        engagements=engagements,
        clicks=clicks,
        orders=orders,
        revenue=revenue,
        post_id=row.text("post_id"),
        **base,  # type: ignore[arg-type]
    )
    return post, None


def _read_linkedin(row: _Row, base: dict[str, object]) -> tuple[Post | None, int | None]:
    impressions = row.count("impressions", required=True)
    clicks = row.count("clicks", required=True)
    likes = row.count("likes", required=True)
    comments = row.count("comments", required=True)
    shares = row.count("shares", required=True)
    if row.bad:
        return None, None
    post = Post(
        channel="linkedin",
        kind="rented",
        audience=None,
        impressions=impressions,
        # LinkedIn's own engagement counts clicks, reactions, comments and reposts.
        engagements=_sum([clicks, likes, comments, shares]),
        clicks=clicks,
        post_id=row.text("post_id"),
        **base,  # type: ignore[arg-type]
    )
    return post, None


def _read_meta(row: _Row, base: dict[str, object]) -> tuple[Post | None, int | None]:
    reach = row.count("reach", required=True)
    reactions = row.count("reactions", required=True)
    comments = row.count("comments", required=True)
    shares = row.count("shares", required=True)
    saves = row.count("saves")
    total_clicks = row.count("total_clicks")
    link_clicks = row.count("link_clicks")
    views = row.count("views")
    if row.bad:
        return None, None
    clicks = link_clicks if link_clicks is not None else total_clicks
    instagram = row.has("account") and not row.has("page")
    post = Post(
        channel="instagram" if instagram else "facebook",
        kind="rented",
        audience=None,
        impressions=reach,
        # Meta's post engagements: reactions, comments, shares (saves) and every click.
        engagements=_sum([reactions, comments, shares, saves, total_clicks]),
        clicks=clicks,
        post_id=row.text("post_id"),
        **base,  # type: ignore[arg-type]
    )
    return post, views


def _read_mailchimp(row: _Row, base: dict[str, object]) -> tuple[Post | None, int | None]:
    deliveries = row.count("audience", required=True)
    opens = row.count("impressions", required=True)
    clicks = row.count("clicks", required=True)
    orders = row.count("orders")
    revenue = row.number("revenue", whole=False)
    losses = _sum([row.count(role) for role in ("unsubscribes", "hard_bounces", "complaints")])
    if row.bad:
        return None, None
    post = Post(
        channel="email",
        kind="owned",
        audience=deliveries,
        impressions=opens,
        # An email's engaged readers are the ones who click.
        engagements=clicks,
        clicks=clicks,
        orders=orders,
        revenue=revenue,
        losses=losses if row.has("unsubscribes") else None,
        post_id=row.text("post_id"),
        **base,  # type: ignore[arg-type]
    )
    return post, None


_READERS: dict[str, Callable[[_Row, dict[str, object]], tuple[Post | None, int | None]]] = {
    "generic": _read_generic,
    "linkedin": _read_linkedin,
    "meta": _read_meta,
    "mailchimp": _read_mailchimp,
}


def _check_post(row: _Row, post: Post, views: int | None, fmt: ExportFormat) -> None:
    """Figures no export can have: clicks above impressions, impressions without an audience."""
    ceiling = views if views is not None else post.impressions
    if post.clicks is not None and ceiling is not None and post.clicks > ceiling:
        role = "views" if views is not None else ("reach" if fmt is META else "impressions")
        row.fail(
            "clicks"
            if row.has("clicks")
            else ("link_clicks" if row.has("link_clicks") else "total_clicks"),
            f"{post.clicks:,} clicks is more than the {ceiling:,} {row.column(role)}: "
            "a post is clicked only by people who saw it",
        )
    if post.orders is not None and post.clicks is not None and post.orders > post.clicks:
        row.fail(
            "orders",
            f"{post.orders:,} orders is more than the {post.clicks:,} clicks: "
            "orders come from clicks",
        )
    if post.audience is not None and post.audience == 0 and (post.impressions or 0) > 0:
        row.fail("audience", "is 0 but the post was seen: the audience is the followers it had")


def dedupe_posts(posts: Sequence[Post], warnings: list[str], where: str) -> list[Post]:
    """One row per post: lifetime totals seen twice are kept once, the larger (they only grow).

    A post is known by its channel and id (``Post ID``, ``Post link``, ``Unique Id``,
    ``post_id``); rows without an id are all kept. Overlapping exports of the
    same page give the same post twice: adding both would count it twice.
    """
    kept: dict[tuple[str, str], Post] = {}
    order: list[Post | tuple[str, str]] = []
    repeats: list[tuple[str, str]] = []
    for post in posts:
        if post.post_id is None:
            order.append(post)
            continue
        key = (post.channel, post.post_id)
        if key in kept:
            if key not in repeats:
                repeats.append(key)
            if (post.impressions or 0) > (kept[key].impressions or 0):
                kept[key] = post
            continue
        kept[key] = post
        order.append(key)
    if repeats:
        first = kept[repeats[0]]
        warnings.append(
            f"{where}: {len(repeats)} post(s) appear more than once (the first: "
            f"{repeats[0][1]}, kept from {first.source} row {first.line}); their lifetime "
            "totals are counted once, from the row with the larger figures"
        )
    return [kept[item] if isinstance(item, tuple) else item for item in order]


def read_export(path: str | Path, *, channel_name: str | None = None) -> ExportFile:
    """Read one export file into posts, whatever of the four formats it is.

    Args:
        path: the file.
        channel_name: the channel its posts go to (``--channel FILE=NAME``);
            the export's own (linkedin, facebook, instagram, email) otherwise.
            A generic CSV names its channels in its ``channel`` column; this
            renames them only when the file holds a single channel.

    Raises:
        InvalidInputError: the file cannot be read or recognised, or rows are
            bad; one problem per bad cell, naming the file, the row and the column.
    """
    source = str(path)
    problems = _Problems(source)
    fmt, header, data, roles = _table(Path(path), problems)
    warnings: list[str] = []
    date_values = [row[roles["date"]].strip() for _, row in data if roles["date"] < len(row)]
    dayfirst, note = (False, None) if fmt is GENERIC else _day_order(date_values, fmt)
    if note:
        warnings.append(f"{source}: {note}")
    posts: list[Post] = []
    for line, cells in data:
        if problems.full():
            problems.add(None, None, f"more than {MAX_PROBLEMS_PER_FILE} problems; stopped reading")
            break
        row = _Row(line, cells, header, roles, problems)
        when = _date(row, fmt, dayfirst)
        base = {"source": source, "line": line, "when": when}
        post, views = _READERS[fmt.key](row, base)
        if post is None or when is None or row.bad:
            continue
        _check_post(row, post, views, fmt)
        if not row.bad:
            posts.append(post)
    problems.raise_if_any()
    if fmt is META and data and _period_is_daily(data, roles):
        warnings.append(
            f"{source}: the 'Date' column holds days, not 'Lifetime': each row is read as "
            "one post's lifetime totals all the same"
        )
    if fmt is MAILCHIMP:
        warnings.extend(_mailchimp_checks(source, data, header, roles, posts))
    posts = dedupe_posts(posts, warnings, source)
    if channel_name is not None:
        names = {post.channel for post in posts}
        if len(names) > 1:
            raise InvalidInputError.single(
                "--channel",
                f"{source}={channel_name}",
                f"{source} holds {len(names)} channels ({', '.join(sorted(names))}); "
                "--channel renames a file with one channel: name them in its channel column",
            )
        posts = [replace(post, channel=channel_name) for post in posts]
    needs = {post.channel for post in posts} if fmt in (LINKEDIN, META) else set()
    return ExportFile(source, fmt, posts, warnings, needs)


def _period_is_daily(data: list[tuple[int, list[str]]], roles: dict[str, int]) -> bool:
    if "period" not in roles:
        return False
    values = {
        row[roles["period"]].strip().casefold() for _, row in data if roles["period"] < len(row)
    }
    return bool(values - {"lifetime", ""})


def _mailchimp_checks(
    source: str,
    data: list[tuple[int, list[str]]],
    header: list[str],
    roles: dict[str, int],
    posts: list[Post],
) -> list[str]:
    """The export's own open rates against the counts (one audience, unique opens)."""
    warnings: list[str] = []
    if "list" in roles:
        lists = {row[roles["list"]].strip() for _, row in data if roles["list"] < len(row)}
        lists.discard("")
        if len(lists) > 1:
            warnings.append(
                f"{source}: the export holds {len(lists)} audiences ({', '.join(sorted(lists))}); "
                "they are pooled as one email channel (export one audience a file to keep "
                "them apart, with --channel)"
            )
    if "open_rate" in roles:
        by_line = {post.line: post for post in posts}
        problems = _Problems(source)
        for line, cells in data:
            post = by_line.get(line)
            rate = _Row(line, cells, header, roles, problems).percentage("open_rate")
            if post is None or rate is None or not post.audience or post.impressions is None:
                continue
            if abs(post.impressions / post.audience - rate) > 0.005:
                warnings.append(
                    f"{source}: row {line}: Open Rate {rate:.2%} differs from Unique Opens / "
                    f"Successful Deliveries = {post.impressions / post.audience:.2%}"
                )
    return warnings
