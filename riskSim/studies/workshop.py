"""Workshop mode: team files, their validation, one fair run, the leaderboard and the rounds.

Owns what a team file is (``team: NAME`` and ``strategy: {...}``, the fields
of one entry of a scenario's ``strategies``), checking every team file
against a scenario with errors that name the team's own file, field and line,
running every team's strategy as one simulation (common random numbers: each
team's numbers equal a plain ``risksim run`` of its strategy with the same
seed; :func:`~riskSim.simulation.simulate_split` spreads the teams over the
cores), ranking the teams by the scenario's ``workshop.score`` (ties share a
rank), and the round-by-round reveal, where the horizon is cut at each shock
onset and the teams are ranked on what they had earned by then.

It must not know typer, the terminal, charts or file outputs (those live in
:mod:`riskSim.cli.workshop`, :mod:`riskSim.charts.workshop` and
:mod:`riskSim.outputs.debrief`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from riskSim.errors import InputProblem, InvalidInputError, did_you_mean
from riskSim.results import ShockOnset, SimulationResults, headline_figures, shock_onsets
from riskSim.scenario import Scenario, Strategy
from riskSim.scenario.limits import MAX_NAME_CHARS
from riskSim.scenario.loading import Origins, read_yaml, shown_key, shown_value, validate_data
from riskSim.simulation import simulate_split
from riskSim.simulation.runners import ProgressCallback

__all__ = [
    "LEADERBOARD_COLUMNS",
    "Round",
    "Standing",
    "Team",
    "WorkshopRun",
    "is_team_file",
    "load_teams",
    "play_rounds",
    "rank",
    "round_cuts",
    "round_plan",
    "run_workshop",
    "standings",
    "team_file_problems",
    "team_scenario",
]

TEAM_FILE_KEYS = ("team", "strategy")
"""The only top-level keys of a team file."""
_PLACEHOLDER = "team"
"""Name the strategy is validated under, so a team name with dots never splits a path."""

LEADERBOARD_COLUMNS = (
    "rank",
    "team",
    "score",
    "mean_profit",
    "p5_profit",
    "mean_revenue",
    "revenue_at_risk_mean",
    "rented_revenue_share",
)
"""Columns of leaderboard.csv, in order (the design's contract)."""

@dataclass(frozen=True)
class Team:
    """One team: its name, its strategy and the file it came from.

    Attributes:
        name: the team's name (``team:``), as the leaderboard shows it.
        strategy: the validated strategy.
        source: the team file.
    """

    name: str
    strategy: Strategy
    source: Path


def _name_key(name: str) -> str:
    """Team names are told apart regardless of case and surrounding spaces."""
    return " ".join(name.split()).casefold()


def _team_order(team: Team) -> tuple[str, str]:
    """Teams sort by name, case and spaces aside: the order of their colours and strategies."""
    return (_name_key(team.name), team.name)


def _check_team(
    path: Path, scenario: Scenario
) -> tuple[Team | None, list[InputProblem], int | None]:
    """Read and validate one team file against the scenario's channels.

    Returns:
        The team (None when invalid), its problems, and the line of ``team:``.
    """
    source = str(path)
    try:
        data, origins = read_yaml(path)
    except InvalidInputError as error:
        return None, list(error.problems), None
    problems: list[InputProblem] = []
    scenario_keys = {"channels", "extends", "strategies", "shocks"}
    if scenario_keys & set(data) and "team" not in data:
        message = "this is a scenario file, not a team file (a team file has team: and strategy:)"
        return None, [InputProblem(source, "", message)], None

    def line_of(*key: str | int) -> int | None:
        found = origins.get(tuple(key))
        return found[1] if found else None

    for key in data:
        if key not in TEAM_FILE_KEYS:
            hint = did_you_mean(key, TEAM_FILE_KEYS, otherwise=" (allowed: team, strategy)")
            scenario_like = key in ("channels", "strategies", "shocks")
            extra = "; this looks like a scenario, not a team file" if scenario_like else ""
            problems.append(
                InputProblem(
                    source,
                    shown_key(key),
                    f"unknown key '{shown_key(key)}'{hint}{extra}",
                    line_of(key),
                )
            )
    name = data.get("team")
    if "team" not in data:
        problems.append(InputProblem(source, "team", "is required but missing"))
        name = None
    elif not isinstance(name, str) or not name.strip():
        problems.append(
            InputProblem(
                source,
                "team",
                f"must be a non-empty name, got {shown_value(name)}",
                line_of("team"),
            )
        )
        name = None
    elif len(name) > MAX_NAME_CHARS:
        problems.append(
            InputProblem(
                source,
                "team",
                f"the name is {len(name):,} characters; at most {MAX_NAME_CHARS} fit",
                line_of("team"),
            )
        )
        name = None
    strategy_data = data.get("strategy")
    strategy: Strategy | None = None
    if "strategy" not in data:
        problems.append(InputProblem(source, "strategy", "is required but missing"))
    elif not isinstance(strategy_data, dict):
        problems.append(
            InputProblem(
                source,
                "strategy",
                f"must be a mapping of fields (the fields of a scenario's strategy), "
                f"got {shown_value(strategy_data)}",
                line_of("strategy"),
            )
        )
    else:
        strategy, strategy_problems = _check_strategy(strategy_data, origins, source, scenario)
        problems.extend(strategy_problems)
    if problems or name is None or strategy is None:
        return None, problems, line_of("team")
    return Team(" ".join(name.split()), strategy, path), [], line_of("team")


def _check_strategy(
    strategy_data: dict[str, Any], origins: Origins, source: str, scenario: Scenario
) -> tuple[Strategy | None, list[InputProblem]]:
    """Validate one team's strategy as the only strategy of a scenario with the same channels.

    The scenario's loader does the work (messages, "did you mean", lines);
    paths ``strategies.team.x`` are mapped back to ``strategy.x`` in the team's file.
    """
    shaped = {
        "name": scenario.name,
        "channels": {
            name: {"kind": channel.kind, "audience": 0}
            for name, channel in scenario.channels.items()
        },
        "strategies": {_PLACEHOLDER: strategy_data},
    }
    shaped_origins: Origins = {
        ("strategies", _PLACEHOLDER, *path[1:]): where
        for path, where in origins.items()
        if path[:1] == ("strategy",)
    }
    try:
        checked = validate_data(shaped, shaped_origins, source)
    except InvalidInputError as error:
        prefix = f"strategies.{_PLACEHOLDER}"
        problems = [
            InputProblem(
                problem.source,
                "strategy" + problem.field.removeprefix(prefix)
                if problem.field.startswith(prefix)
                else problem.field,
                problem.message,
                problem.line,
            )
            for problem in error.problems
        ]
        return None, problems
    return checked.strategies[_PLACEHOLDER], []


def is_team_file(data: Any) -> bool:
    """A team file is recognised by its ``team:`` key (a scenario has none)."""
    return isinstance(data, dict) and "team" in data


def team_file_problems(path: Path, scenario: Scenario | None = None) -> list[InputProblem]:
    """Every problem of one team file, checked against ``scenario`` when there is one.

    Without a scenario, the file's own channel names stand in for the
    scenario's (captures' targets owned, the rest rented), so its shape and
    every value are checked, though not that the channels exist.
    """
    if scenario is None:
        scenario = _stand_in_scenario(path)
    return _check_team(path, scenario)[1]


def _stand_in_scenario(path: Path) -> Scenario:
    """A scenario with the channels a team file names, for checking it on its own."""
    try:
        data, _origins = read_yaml(path)
    except InvalidInputError:
        data = {}
    strategy = data.get("strategy") if isinstance(data, dict) else None
    owned: set[str] = set()
    rented: set[str] = set()
    if isinstance(strategy, dict):
        cadence = strategy.get("posts_per_week")
        rented.update(str(name) for name in (cadence if isinstance(cadence, dict) else {}))
        captures = strategy.get("capture")
        for capture in captures if isinstance(captures, list) else []:
            if isinstance(capture, dict):
                if isinstance(capture.get("to"), str):
                    owned.add(capture["to"])
                if isinstance(capture.get("from"), str):
                    rented.add(capture["from"])
    channels: dict[str, Any] = {name: {"kind": "rented", "audience": 0} for name in rented - owned}
    channels.update({name: {"kind": "owned", "audience": 0} for name in owned})
    return Scenario.model_validate(
        {"name": "team-check", "channels": channels or {"any": {"kind": "owned", "audience": 0}}}
    )


def load_teams(paths: Sequence[str | Path], scenario: Scenario) -> list[Team]:
    """Read and check every team file against ``scenario``; teams come back sorted by name.

    Every file is checked, whatever is wrong with the others, so a facilitator
    sees every team's mistakes at once. Sorting by name makes every output
    independent of the order the files were given in.

    Raises:
        InvalidInputError: every problem of every file (a file's own problems
            name that file), and duplicate team names.
    """
    if not paths:
        raise InvalidInputError.single("TEAM_FILE", "", "give at least one team file")
    problems: list[InputProblem] = []
    teams: list[Team] = []
    first_file: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        team, team_problems, team_line = _check_team(path, scenario)
        problems.extend(team_problems)
        if team is None:
            continue
        key = _name_key(team.name)
        if key in first_file:
            problems.append(
                InputProblem(
                    str(path),
                    "team",
                    f"'{team.name}' is already the name of the team in {first_file[key]}; "
                    "every team needs a name of its own",
                    team_line,
                )
            )
            continue
        first_file[key] = path
        teams.append(team)
    if problems:
        raise InvalidInputError(problems)
    return sorted(teams, key=_team_order)


def team_scenario(scenario: Scenario, teams: Sequence[Team]) -> Scenario:
    """``scenario`` with its strategies replaced by the teams' (keyed by team name)."""
    return scenario.model_copy(update={"strategies": {team.name: team.strategy for team in teams}})


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard.

    Attributes:
        rank: competition ranking (1, 1, 3): equal scores share a rank.
        team: the team's name.
        score: the value of ``workshop.score``.
        mean_profit, p5_profit, mean_revenue: shocked world, over the replications.
        revenue_at_risk_mean: mean of calm-world revenue less shocked-world revenue.
        rented_revenue_share: calm-world revenue share of rented channels.
        profit_p95, revenue_p5, revenue_p95: the rest of the ranges the chart shows.
        profit_at_risk_mean, profit_at_risk_cvar95: calm-world profit less shocked-world
            profit, its mean and the mean of its worst 5% (leaderboard.md and .json;
            leaderboard.csv keeps the design's columns).
    """

    rank: int
    team: str
    score: float
    mean_profit: float
    p5_profit: float
    mean_revenue: float
    revenue_at_risk_mean: float
    rented_revenue_share: float
    profit_p95: float = 0.0
    revenue_p5: float = 0.0
    revenue_p95: float = 0.0
    profit_at_risk_mean: float = 0.0
    profit_at_risk_cvar95: float = 0.0

    def row(self) -> dict[str, Any]:
        """The leaderboard.csv row: exactly :data:`LEADERBOARD_COLUMNS`."""
        return {column: getattr(self, column) for column in LEADERBOARD_COLUMNS}

    def score_range(self, score: str) -> tuple[float, float]:
        """The 5th-95th percentile range of the quantity the score is taken from."""
        if score == "mean_revenue":
            return self.revenue_p5, self.revenue_p95
        return self.p5_profit, self.profit_p95


def rank(scores: Sequence[float]) -> list[int]:
    """Competition ranks of ``scores`` (higher is better): 1, 1, 3 for a tie at the top."""
    ranks = []
    for score in scores:
        ranks.append(1 + sum(1 for other in scores if other > score))
    return ranks


def standings(results: SimulationResults) -> list[Standing]:
    """Every strategy of ``results`` ranked by the scenario's ``workshop.score``, best first.

    Teams with equal scores share a rank and are listed by name.
    """
    score_name = results.scenario.workshop.score
    summary = results.summary["strategies"]
    rows = []
    kept = [field.name for field in fields(Standing) if field.name not in ("rank", "team", "score")]
    for name, strategy in summary.items():
        figures = headline_figures(strategy)
        row = {name_of: figures[name_of] for name_of in kept}
        rows.append({"team": name, "score": figures[score_name], **row})
    ranks = rank([row["score"] for row in rows])
    ranked = [Standing(rank=position, **row) for position, row in zip(ranks, rows, strict=True)]
    return sorted(ranked, key=lambda standing: (standing.rank, _name_key(standing.team)))


@dataclass
class WorkshopRun:
    """A finished workshop: the teams, the one simulation they shared and the leaderboard."""

    scenario: Scenario
    teams: list[Team]
    results: SimulationResults
    leaderboard: list[Standing] = field(default_factory=list)

    @property
    def score(self) -> str:
        """The ``workshop.score`` teams are ranked by."""
        return self.scenario.workshop.score


def run_workshop(
    scenario: Scenario,
    teams: Sequence[Team],
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool = False,
    progress: ProgressCallback | None = None,
) -> WorkshopRun:
    """Simulate every team's strategy once, on common random numbers, and rank them.

    One run of strategies = {team: strategy}: the engine gives each strategy
    the same random streams and shock onsets whatever runs beside it, so every
    team's numbers equal a plain run of its strategy with the same seed. That
    is also why the teams may be split over the cores (a 400-replication
    workshop is one batch, one core, if they are not) and joined back.
    Teams are put in name order first, so their order in the combined scenario
    (and so their colours in every chart) never depends on the order given.
    """
    teams = sorted(teams, key=_team_order)
    combined = team_scenario(scenario, teams)
    (results,) = simulate_split(
        [combined],
        replications=replications,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
    )
    return WorkshopRun(combined, list(teams), results, standings(results))


@dataclass(frozen=True)
class Round:
    """One round of the reveal: the days played, the shocks that hit at its start, standings.

    Attributes:
        number: 1-based.
        start_day, end_day: the round covers ``[start_day, end_day)``; the
            standings count everything earned from day 0 up to ``end_day``.
        shocks: the shocks whose onset opens this round (none for the first).
        standings: teams ranked on what they had earned by ``end_day``.
        last: the round that ends at the horizon (its standings are the final ones).
    """

    number: int
    start_day: int
    end_day: int
    shocks: tuple[ShockOnset, ...]
    standings: tuple[Standing, ...]
    last: bool


def _onset_day(onset: ShockOnset, results: SimulationResults) -> float | None:
    """The day a round is cut at for one shock.

    A fixed ``at`` is that day. An uncertain onset (a distribution or an
    annual probability) uses the median of the onsets drawn in this run that
    fall within the horizon; in expected-value mode (no draws) the
    distribution's mean, as the engine uses it. None when the shock never
    starts within the horizon.
    """
    horizon = results.scenario.horizon_days
    if onset.happens_share == 0:
        return None
    if not onset.uncertain:
        return onset.first_day if onset.first_day < horizon else None
    draws = results.inputs.get(f"shocks.{onset.index}.at")
    happens = results.inputs.get(f"shocks.{onset.index}.happens")
    if draws is None:
        return onset.first_day if onset.first_day < horizon else None
    mask = draws < horizon
    if happens is not None:
        mask &= happens > 0
    inside = draws[mask]
    return float(np.median(inside)) if inside.size else None


def round_cuts(results: SimulationResults) -> list[tuple[int, tuple[ShockOnset, ...]]]:
    """The days the horizon is cut at, each with the shocks that start there.

    Onsets are rounded to whole days (a horizon is a whole number of days);
    shocks starting on the same day share a cut; an onset on day 0 opens the
    first round rather than cutting an empty one.

    Returns:
        ``(day, shocks)`` in day order, ``0 < day < horizon``; the shocks of
        day 0 come back with day 0 when there are any.
    """
    horizon = results.scenario.horizon_days
    by_day: dict[int, list[ShockOnset]] = {}
    for onset in shock_onsets(results):
        day = _onset_day(onset, results)
        if day is None:
            continue
        cut = min(max(int(math.floor(day + 0.5)), 0), horizon - 1)
        by_day.setdefault(cut, []).append(onset)
    return [(day, tuple(by_day[day])) for day in sorted(by_day)]


def play_rounds(
    run: WorkshopRun,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[Round]:
    """The rounds of the reveal, in order.

    Round ``k`` runs from one shock onset to the next (the first from day 0,
    the last to the horizon). Its standings re-simulate every team together
    with ``horizon_days`` set to the round's end: the same seed, the same
    common random numbers and shock onsets, so the standings are as fair as
    the final leaderboard, and the last round's are the final leaderboard.
    Every cut is simulated at once, on one pool (each cut alone is a batch or
    two: one core); ``progress`` hears their replications.
    """
    plan = round_plan(run.results)
    cuts = [run.scenario.model_copy(update={"horizon_days": end}) for _, end, _ in plan[:-1]]
    cut_results = (
        simulate_split(
            cuts,
            replications=run.results.replications,
            seed=run.results.seed,
            workers=workers,
            deterministic=run.results.deterministic,
            progress=progress,
        )
        if cuts
        else []
    )
    tables = [*(standings(results) for results in cut_results), run.leaderboard]
    return [
        Round(number, start, end, shocks, tuple(table), number == len(plan))
        for number, ((start, end, shocks), table) in enumerate(zip(plan, tables, strict=True), 1)
    ]


def round_plan(results: SimulationResults) -> list[tuple[int, int, tuple[ShockOnset, ...]]]:
    """The rounds' ``(start_day, end_day, shocks that open the round)``, in order.

    The first round starts on day 0 (with the shocks of day 0, if any); each
    later one starts at a cut of :func:`round_cuts`; the last ends at the horizon.
    """
    horizon = results.scenario.horizon_days
    cuts = round_cuts(results)
    opening: tuple[ShockOnset, ...] = ()
    if cuts and cuts[0][0] == 0:
        opening = cuts.pop(0)[1]
    starts = [(0, opening), *cuts]
    ends = [start for start, _ in starts[1:]] + [horizon]
    return [(start, end, shocks) for (start, shocks), end in zip(starts, ends, strict=True)]
