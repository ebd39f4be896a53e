"""The scenario library: listing scenario files, checking them, and workshop briefs.

Owns what `risksim list`, `risksim validate` and `risksim brief` compute: a
row per scenario file, every problem of every file, and the part of a
scenario workshop teams may see (as data and as plain text). It reads files
only through :mod:`riskSim.scenario.loading` and must not know typer, the terminal,
SimPy or charts; the CLI renders what this module returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.scenario.distributions import Quantity
from riskSim.scenario.loading import load_scenario, resolve_extends
from riskSim.scenario.model import Channel, Scenario

__all__ = [
    "BRIEF_FIELDS",
    "ScenarioEntry",
    "brief_data",
    "brief_text",
    "describe_quantity",
    "list_scenarios",
    "raw_reference_problems",
    "scenario_files",
    "scenario_problems",
    "validate_paths",
]

BRIEF_FIELDS: tuple[tuple[str, str], ...] = (
    ("audience", "audience"),
    ("target_share", "target share"),
    ("posts_per_week", "posts a week"),
    ("organic_reach", "organic reach"),
    ("engagement_rate", "engagement rate"),
    ("click_rate", "click rate"),
    ("conversion_rate", "conversion rate"),
    ("order_value", "order value"),
    ("production_cost", "cost per post"),
    ("daily_growth", "new followers a day"),
    ("share_rate", "followers per engagement"),
    ("daily_churn", "daily churn"),
    ("ad_budget_per_day", "ad budget a day"),
    ("cpm", "cost per 1,000 impressions"),
    ("paid_click_rate", "paid click rate"),
    ("cost_per_member_per_month", "cost per member a month"),
    ("reach_penalty", "reach penalty while capturing"),
)
"""Channel fields a workshop brief shows, with their labels, in this order."""

_PAID_FIELDS = ("cpm", "paid_click_rate")


@dataclass(frozen=True)
class ScenarioEntry:
    """One row of `risksim list`: a scenario file and what it holds.

    Attributes:
        path: the file.
        name: the scenario's slug (the file's stem when it has none).
        title: its one-line title.
        shocks: the shocks in a few words, e.g. ``pay per post on linkedin``; empty
            when the scenario hides them from workshop teams.
        shocks_hidden: ``workshop.hide_shocks``: a list teams may see must not
            give the shocks away any more than the brief does.
        strategies: the strategies' names.
        problems: why the file does not load; empty when it is valid.
    """

    path: Path
    name: str
    title: str = ""
    shocks: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    problems: tuple[InputProblem, ...] = field(default_factory=tuple)
    shocks_hidden: bool = False

    @property
    def valid(self) -> bool:
        """Whether the file loads as a scenario."""
        return not self.problems


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files ``paths`` name, a folder standing for its ``*.yaml`` (sorted, not recursive).

    A folder is not searched recursively, so the shared bases a library keeps
    in a subfolder (``scenarios/bases/``) are not taken for scenarios.

    Raises:
        InvalidInputError: a path that does not exist, or a folder with no ``*.yaml``.
    """
    files: list[Path] = []
    problems: list[InputProblem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.yaml"))
            if not found:
                problems.append(InputProblem(str(path), "", "the folder has no *.yaml files"))
            files.extend(found)
        elif path.exists() or path.is_symlink():  # a broken link or a loop: loading says which
            files.append(path)
        else:
            problems.append(InputProblem(str(path), "", "no such file or folder"))
    if problems:
        raise InvalidInputError(problems)
    return files


def list_scenarios(folder: str | Path) -> list[ScenarioEntry]:
    """A row per ``*.yaml`` scenario in ``folder``, invalid files included with their problems.

    Raises:
        InvalidInputError: the folder does not exist or holds no ``*.yaml``.
    """
    directory = Path(folder)
    if not directory.is_dir():
        raise InvalidInputError.single(str(directory), "", "no such folder")
    entries: list[ScenarioEntry] = []
    for path in scenario_files([directory]):
        try:
            scenario = load_scenario(path)
        except InvalidInputError as error:
            entries.append(ScenarioEntry(path, path.stem, problems=tuple(error.problems)))
            continue
        hidden = scenario.workshop.hide_shocks
        shocks = () if hidden else tuple(
            f"{shock.type.replace('_', ' ')} on {shock.channel}" for shock in scenario.shocks
        )
        entries.append(
            ScenarioEntry(
                path,
                scenario.name,
                scenario.title,
                shocks,
                tuple(scenario.strategies),
                shocks_hidden=hidden,
            )
        )
    return entries


def validate_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[InputProblem]]:
    """Load every scenario file ``paths`` name and collect every problem of every file.

    Returns:
        The files checked, and the problems found (empty when all are valid).
    """
    files: list[Path] = []
    problems: list[InputProblem] = []
    for raw in paths:
        try:
            files.extend(scenario_files([raw]))
        except InvalidInputError as error:
            problems.extend(error.problems)
    for path in files:
        problems.extend(scenario_problems(path))
    return files, problems


def scenario_problems(path: Path) -> list[InputProblem]:
    """Every problem of one scenario file, in one pass: the schema's and the references'.

    The model checks channel references only once the schema passes, so a
    misspelled channel would show up only after every other mistake was fixed;
    here the references of the raw file are checked too and added when the
    schema fails (each field reported once).
    """
    try:
        load_scenario(path)
    except InvalidInputError as error:
        problems = list(error.problems)
    else:
        return []
    try:
        data, origins = resolve_extends(path)
    except InvalidInputError:
        return problems
    reported = {(problem.source, problem.field) for problem in problems}
    for dotted, message in raw_reference_problems(data):
        key = tuple(int(part) if part.isdigit() else part for part in dotted.split("."))
        while key and key not in origins:
            key = key[:-1]
        source, line = origins.get(key, (str(path), None))
        if (source, dotted) not in reported:
            problems.append(InputProblem(source, dotted, message, line))
    return problems


def raw_reference_problems(data: Any) -> list[tuple[str, str]]:
    """Channel references of a raw (unvalidated) scenario mapping: ``(dotted path, message)``.

    The same checks and words as :func:`riskSim.scenario.model.reference_problems`,
    on whatever of the file is well-formed enough to read.
    """
    if not isinstance(data, dict) or not isinstance(data.get("channels"), dict):
        return []
    channels: dict[str, Any] = data["channels"]
    names = [str(name) for name in channels]
    problems: list[tuple[str, str]] = []

    def check(path: str, name: Any) -> bool:
        if not isinstance(name, str) or name in channels:
            return isinstance(name, str)
        hint = did_you_mean(name, names, otherwise=f" (known: {', '.join(names)})")
        problems.append((path, f"no channel named '{name}'{hint}"))
        return False

    shocks = data.get("shocks")
    for index, shock in enumerate(shocks if isinstance(shocks, list) else []):
        if isinstance(shock, dict) and "channel" in shock:
            check(f"shocks.{index}.channel", shock["channel"])
    strategies = data.get("strategies")
    for name, strategy in (strategies if isinstance(strategies, dict) else {}).items():
        if not isinstance(strategy, dict):
            continue
        prefix = f"strategies.{name}"
        cadence = strategy.get("posts_per_week")
        for channel in cadence if isinstance(cadence, dict) else {}:
            check(f"{prefix}.posts_per_week.{channel}", channel)
        captures = strategy.get("capture")
        for index, capture in enumerate(captures if isinstance(captures, list) else []):
            if not isinstance(capture, dict):
                continue
            if "from" in capture:
                check(f"{prefix}.capture.{index}.from", capture["from"])
            target = capture.get("to")
            if "to" in capture and check(f"{prefix}.capture.{index}.to", target):
                kind = channels[target].get("kind") if isinstance(channels[target], dict) else None
                if kind == "rented":
                    problems.append(
                        (
                            f"{prefix}.capture.{index}.to",
                            f"captures go into an owned channel, but '{target}' is rented",
                        )
                    )
    return problems


def describe_quantity(value: Quantity) -> str:
    """A number or a distribution in words a workshop team reads: ``triangular 0.04-0.08-0.12``."""
    if isinstance(value, (int, float)):
        return f"{value:,.6g}"
    dump = value.model_dump(by_alias=True)
    kind = dump.pop("dist")
    if kind == "uniform":
        return f"uniform {dump['low']:g}-{dump['high']:g}"
    if kind == "triangular":
        return f"triangular {dump['low']:g}-{dump['mode']:g}-{dump['high']:g}"
    if kind == "normal":
        return f"normal mean {dump['mean']:g}, sd {dump['sd']:g}"
    if kind == "lognormal":
        return f"lognormal median {dump['median']:g}, sigma {dump['sigma']:g}"
    return f"beta({dump['alpha']:g}, {dump['beta']:g}), mean {value.mean():.3g}"


def _channel_figures(channel: Channel) -> dict[str, str]:
    """The brief's figures of one channel; paid-traffic fields only when it buys ads."""
    buys_ads = not (
        isinstance(channel.ad_budget_per_day, (int, float)) and channel.ad_budget_per_day == 0
    )
    figures: dict[str, str] = {}
    for name, _label in BRIEF_FIELDS:
        if name in _PAID_FIELDS and not buys_ads:
            continue
        figures[name] = describe_quantity(getattr(channel, name))
    return figures


def brief_data(scenario: Scenario) -> dict[str, Any]:
    """What workshop teams may see of ``scenario``, as plain data.

    Strategies are left out (teams write their own). When
    ``workshop.hide_shocks`` is true the shocks are left out and so are the
    sources, since a source ("Google+ shutdown, 2019") can give a shock away.
    """
    hidden = scenario.workshop.hide_shocks
    data: dict[str, Any] = {
        "name": scenario.name,
        "title": scenario.display_title(),
        "description": " ".join(scenario.description.split()),
        "horizon_days": scenario.horizon_days,
        "score": scenario.workshop.score,
        "channels": {
            name: {"kind": channel.kind, **_channel_figures(channel)}
            for name, channel in scenario.channels.items()
        },
    }
    if not hidden:
        data["sources"] = list(scenario.sources)
        data["shocks"] = [_describe_shock(shock) for shock in scenario.shocks]
    return data


def _describe_shock(shock: Any) -> str:
    """One shock in words: its type, channel, onset and size."""
    details = shock.model_dump(by_alias=True, exclude={"type", "channel"}, exclude_none=True)
    if details.get("probability") == 1.0:
        details.pop("probability")
    parts = []
    for key, value in details.items():
        shown = describe_quantity(getattr(shock, key)) if key != "feature" else str(value)
        parts.append(f"{key} {shown}")
    return f"{shock.type} on {shock.channel}: " + ", ".join(parts)


def brief_text(scenario: Scenario) -> str:
    """The workshop brief as plain text: story, channels and figures (and shocks unless hidden)."""
    data = brief_data(scenario)
    labels = dict(BRIEF_FIELDS)
    lines = [data["title"], "=" * len(data["title"]), ""]
    if data["description"]:
        lines += [data["description"], ""]
    lines += [
        f"Horizon: {data['horizon_days']} days. Teams are ranked by {data['score']}.",
        "",
        "Channels",
        "--------",
    ]
    for name, figures in data["channels"].items():
        lines.append(f"{name} ({figures['kind']})")
        for key, shown in figures.items():
            if key != "kind":
                lines.append(f"  {labels[key]}: {shown}")
    if "shocks" in data:
        lines += ["", "Shocks", "------"]
        lines += [f"- {shock}" for shock in data["shocks"]] or ["- none"]
        if data["sources"]:
            lines += ["", "Sources", "-------"]
            lines += [f"- {source}" for source in data["sources"]]
    else:
        lines += ["", "What the platforms will do is not part of this brief."]
    return "\n".join(lines) + "\n"
