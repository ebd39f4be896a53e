"""Optimization: the levers of one strategy searched for the best strategy within a risk budget.

Owns the ``--lever PATH=LOW:HIGH[:STEP]`` and ``--choice PATH=A,B,C``
grammar, the search (Optuna's seeded TPE sampler, the budget told as trial constraints,
trials asked and told in generations of fixed size so the search never
depends on the number of workers), common random numbers (every trial is
simulated on the same seed), the evaluation budget, the choice of the best
and the runner-up, and the hold-out check: both re-simulated on an
independent seed, with Monte Carlo standard errors and a paired test of
whether they can be told apart. Returns data (:class:`OptimizeResult`);
never writes files, never imports charts or the terminal. Optuna is
imported here only.
"""

from __future__ import annotations

import math
import shlex
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from riskSim.errors import InvalidInputError
from riskSim.results.recommend import BUDGET_MEASURES, objective_value, within_budget
from riskSim.scenario import RiskBudget, Scenario
from riskSim.scenario.loading import load_scenario, parse_override
from riskSim.scenario.model import OBJECTIVES
from riskSim.simulation import simulate
from riskSim.simulation.runners import default_workers, ordered_map
from riskSim.studies.sweep import check_path, load_variant, override_text, restrict

if TYPE_CHECKING:
    import optuna

__all__ = [
    "GENERATION",
    "HOLDOUT_KEY",
    "MAX_EVALUATIONS",
    "Holdout",
    "Lever",
    "OptimizeResult",
    "Trial",
    "holdout_seed",
    "non_dominated",
    "parse_choice",
    "parse_lever",
    "run_optimize",
]

GENERATION = 8
"""Trials asked of the sampler before any is told: a constant of the code, so the
same seed gives the same trials whatever ``--workers`` (the workers share a generation)."""
STARTUP_TRIALS = 16
"""Trials drawn at random before TPE models the good region (two generations)."""
DEFAULT_STEPS = 1000
"""Without STEP, a continuous lever moves in steps of a thousandth of its range:
fine enough for any decision, and the values read (and reproduce) as written."""
MAX_EVALUATIONS = 5_000_000
"""Trials x replications one optimization may simulate (an hour or so on a laptop)."""
HOLDOUT_KEY = 19
"""The hold-out seed is the first word of ``SeedSequence([seed, HOLDOUT_KEY])``."""
BOOTSTRAP_RESAMPLES = 999
"""Resamples for the standard error of a 5th percentile (scipy.stats.bootstrap)."""

Value = int | float | str
TrialProgress = Callable[[int, int, "Trial | None"], None]
"""Called with (trials done, trials in all, best feasible trial so far or None)."""


@dataclass(frozen=True)
class Lever:
    """One searched field: a range (``low``..``high``, ``step``) or a list of ``choices``."""

    path: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    """The values as written after ``--choice PATH=`` (each read as a YAML scalar)."""
    integer: bool = False
    """Set by :func:`run_optimize` when the field holds whole numbers."""
    spec: str = ""
    """What followed ``PATH=`` on the command line, to write the command back."""

    @property
    def flag(self) -> str:
        """The option the lever came from, for messages."""
        return "--choice" if self.choices else "--lever"


def _problem(flag: str, path: str, message: str) -> InvalidInputError:
    return InvalidInputError.single(flag, path, message)


def parse_lever(text: str) -> Lever:
    """Read ``PATH=LOW:HIGH`` or ``PATH=LOW:HIGH:STEP``.

    Raises:
        InvalidInputError: (source ``--lever``) no ``=``, an empty path segment,
            LOW/HIGH/STEP not finite numbers, LOW > HIGH, STEP not above 0.
    """
    example = "e.g. strategies.owned-first.capture.0.rate=0:0.3"
    if "=" not in text:
        raise _problem("--lever", text, f"expected PATH=LOW:HIGH, {example}")
    path, spec = (part.strip() for part in text.split("=", 1))
    if not path or any(not segment for segment in path.split(".")):
        raise _problem("--lever", text, f"the path has an empty segment; {example}")
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise _problem("--lever", path, f"expected LOW:HIGH or LOW:HIGH:STEP, got {spec!r}")
    numbers: list[float] = []
    for name, raw in zip(("LOW", "HIGH", "STEP"), parts, strict=False):
        try:
            number = float(raw)
        except ValueError:
            raise _problem("--lever", path, f"{name} must be a number, got {raw!r}") from None
        if not math.isfinite(number):
            raise _problem("--lever", path, f"{name} must be a finite number, got {raw!r}")
        numbers.append(number)
    low, high = numbers[0], numbers[1]
    if low > high:
        raise _problem("--lever", path, f"LOW ({parts[0]}) is above HIGH ({parts[1]})")
    step = numbers[2] if len(numbers) == 3 else None
    if step is not None and step <= 0:
        raise _problem("--lever", path, f"STEP must be above 0, got {parts[2]!r}")
    return Lever(path, low=low, high=high, step=step, spec=spec)


def parse_choice(text: str) -> Lever:
    """Read ``PATH=A,B,C``: the values a discrete lever may take, in order.

    Raises:
        InvalidInputError: (source ``--choice``) no ``=``, no value, an empty
            value between commas, a value given twice, a value that is not a
            YAML scalar.
    """
    example = "e.g. strategies.reduce.responses.pay_per_post=pay,reduce,exit"
    if "=" not in text:
        raise _problem("--choice", text, f"expected PATH=A,B,C, {example}")
    path, spec = (part.strip() for part in text.split("=", 1))
    if not path or any(not segment for segment in path.split(".")):
        raise _problem("--choice", text, f"the path has an empty segment; {example}")
    choices = tuple(part.strip() for part in spec.split(","))
    if not spec.strip() or any(not choice for choice in choices):
        raise _problem("--choice", path, f"give at least one value, comma-separated; {example}")
    if len(set(choices)) != len(choices):
        raise _problem("--choice", path, f"a value is given twice in {spec!r}")
    for choice in choices:
        try:
            parse_override(f"{path}={choice}")
        except InvalidInputError:
            raise _problem("--choice", path, f"cannot read value {choice!r}") from None
    return Lever(path, choices=choices, spec=spec)


def _choice_value(lever: Lever, choice: str) -> Value:
    """A choice as the scenario reads it (``2`` is a number, ``reduce`` a word)."""
    _, value = parse_override(f"{lever.path}={choice}")
    return value  # type: ignore[no-any-return]


def holdout_seed(seed: int) -> int:
    """The hold-out seed: independent of ``seed``'s streams, the same for the same ``seed``.

    ``SeedSequence([seed, HOLDOUT_KEY])`` shares no entropy with
    ``SeedSequence(seed)``, whose spawn children every in-sample batch uses.
    """
    return int(np.random.SeedSequence([seed, HOLDOUT_KEY]).generate_state(1)[0])


@dataclass(frozen=True)
class Trial:
    """One evaluated combination of lever values, on the study's seed."""

    number: int
    values: dict[str, Value]
    objective: float
    objective_se: float | None
    """Monte Carlo SE of ``objective`` on the study's seed (None for a 5th percentile)."""
    profit_mean: float
    profit_at_risk_mean: float
    profit_at_risk_cvar95: float
    revenue_at_risk_cvar95: float
    feasible: bool

    def excess(self, budget: RiskBudget) -> float:
        """How far over the budget's limits the trial is (0 when within), in currency."""
        figures = {
            "profit_at_risk": self.profit_at_risk_cvar95,
            "revenue_at_risk": self.revenue_at_risk_cvar95,
        }
        return sum(
            max(0.0, figures[measure] - cap)
            for limit, measure in BUDGET_MEASURES.items()
            if (cap := getattr(budget, limit)) is not None
        )


@dataclass(frozen=True)
class Holdout:
    """A trial's values re-simulated on the hold-out seed."""

    values: dict[str, Value]
    objective: float
    se: float
    """Monte Carlo standard error of ``objective`` (0 in expected-value mode)."""
    profit_at_risk_cvar95: float
    revenue_at_risk_cvar95: float
    feasible: bool


@dataclass(frozen=True)
class OptimizeResult:
    """Every trial of an optimization, the best and runner-up, and their hold-out check."""

    scenario: Scenario
    """The scenario as loaded (``--set`` applied), restricted to the strategy."""
    source: str
    """The scenario file as given, for the command a user can re-run."""
    strategy: str
    levers: tuple[Lever, ...]
    objective: str
    budget: RiskBudget
    trials: tuple[Trial, ...]
    best: Trial
    """The best feasible trial; with none feasible, the one least over the budget."""
    runner_up: Trial | None
    """The next best trial with different values, feasible if ``best`` is."""
    holdout: Holdout
    runner_up_holdout: Holdout | None
    difference: float | None
    """Hold-out objective of best less runner-up's (paired: same seed, same draws)."""
    difference_se: float | None
    seed: int
    holdout_seed: int
    replications: int
    deterministic: bool
    overrides: tuple[str, ...] = ()
    best_strategy: dict[str, Any] = field(default_factory=dict)
    """The best trial's strategy, as an entry of ``strategies`` (aliases, every field)."""
    max_cvar95: float | None = None
    """``--max-cvar95`` as given (None: the scenario's budget)."""
    objective_given: bool = False
    """True when ``--objective`` was given (else the scenario's)."""
    strategy_names: tuple[str, ...] = ()
    """Every strategy of the scenario as loaded, in its order (the optimized one among them):
    charts give the optimized strategy the colour its position gives it in every run chart."""

    def command(self) -> str:
        """The ``risksim optimize`` command that finds this result again."""
        parts = ["risksim optimize", _quoted(self.source), f"--strategy {self.strategy}"]
        for lever in self.levers:
            parts.append(f"{lever.flag} {_quoted(f'{lever.path}={lever.spec}')}")
        if self.objective_given:
            parts.append(f"--objective {self.objective}")
        if self.max_cvar95 is not None:
            parts.append(f"--max-cvar95 {self.max_cvar95:g}")
        parts.append(f"--trials {len(self.trials)}")
        if self.deterministic:
            parts.append("--deterministic")
        else:
            parts.append(f"--replications {self.replications}")
        parts.append(f"--seed {self.seed}")
        parts.extend(f"--set {_quoted(text)}" for text in self.overrides)
        return " ".join(parts)

    def run_command(self, trial: Trial, *, seed: int | None = None) -> str:
        """The ``risksim run`` command that simulates ``trial`` (on ``seed``, else the study's)."""
        parts = ["risksim run", _quoted(self.source)]
        parts.extend(f"--set {_quoted(text)}" for text in [*self.overrides, *self.settings(trial)])
        if self.deterministic:
            parts.append("--deterministic")
        else:
            parts.append(f"--replications {self.replications}")
        parts.append(f"--seed {self.seed if seed is None else seed}")
        return " ".join(parts)

    @property
    def feasible(self) -> bool:
        """True when some trial is within the risk budget."""
        return self.best.feasible

    @property
    def distinguishable(self) -> bool | None:
        """Whether the hold-out tells best and runner-up apart (difference over 2 SE).

        None without a runner-up. In expected-value mode there is no noise: any
        difference counts.
        """
        if self.difference is None or self.difference_se is None:
            return None
        if self.difference_se == 0:
            return self.difference != 0
        return abs(self.difference) > 2 * self.difference_se

    def settings(self, trial: Trial) -> list[str]:
        """The ``--set PATH=VALUE`` texts that turn the scenario's strategy into ``trial``'s."""
        return [_setting(lever, trial.values[lever.path]) for lever in self.levers]

    def frontier(self) -> list[bool]:
        """Per trial: no other has as low a profit at risk CVaR95 and as high an objective,
        and is better on one (:func:`non_dominated`)."""
        # to a millionth of a currency unit: sums in another order must not split a tie
        return non_dominated(
            [(round(t.profit_at_risk_cvar95, 6), round(t.objective, 6)) for t in self.trials]
        )

    def rows(self) -> list[dict[str, Any]]:
        """trials.csv's rows, in trial order."""
        return [
            {
                "trial": trial.number,
                **{lever.path: trial.values[lever.path] for lever in self.levers},
                "objective": trial.objective,
                "profit_mean": trial.profit_mean,
                "profit_at_risk_mean": trial.profit_at_risk_mean,
                "profit_at_risk_cvar95": trial.profit_at_risk_cvar95,
                "revenue_at_risk_cvar95": trial.revenue_at_risk_cvar95,
                "feasible": trial.feasible,
                "frontier": flag,
            }
            for trial, flag in zip(self.trials, self.frontier(), strict=True)
        ]

    def document(self) -> dict[str, Any]:
        """optimize.json: the best, its hold-out check, the runner-up and the settings."""

        def point(trial: Trial | None) -> dict[str, Any] | None:
            if trial is None:
                return None
            return {
                "trial": trial.number,
                "values": trial.values,
                "objective": trial.objective,
                "se": trial.objective_se,
                "profit_mean": trial.profit_mean,
                "profit_at_risk_mean": trial.profit_at_risk_mean,
                "profit_at_risk_cvar95": trial.profit_at_risk_cvar95,
                "revenue_at_risk_cvar95": trial.revenue_at_risk_cvar95,
                "feasible": trial.feasible,
                "settings": self.settings(trial),
            }

        def check(holdout: Holdout | None) -> dict[str, Any] | None:
            if holdout is None:
                return None
            return {
                "seed": self.holdout_seed,
                "objective": holdout.objective,
                "se": holdout.se,
                "profit_at_risk_cvar95": holdout.profit_at_risk_cvar95,
                "revenue_at_risk_cvar95": holdout.revenue_at_risk_cvar95,
                "feasible": holdout.feasible,
            }

        return {
            "scenario": self.scenario.name,
            "title": self.scenario.display_title(),
            "currency": self.scenario.currency,
            "strategy": self.strategy,
            "objective": self.objective,
            "risk_budget": self.budget.model_dump(),
            "feasible": self.feasible,
            "best": point(self.best),
            "holdout": check(self.holdout),
            "runner_up": point(self.runner_up),
            "runner_up_holdout": check(self.runner_up_holdout),
            "difference": (
                None
                if self.difference is None
                else {
                    "objective": self.difference,
                    "se": self.difference_se,
                    "distinguishable": self.distinguishable,
                }
            ),
            "trials": len(self.trials),
            "levers": {
                lever.path: (
                    {"choices": [_choice_value(lever, choice) for choice in lever.choices]}
                    if lever.choices
                    else {
                        "low": lever.low,
                        "high": lever.high,
                        "step": lever.step,
                        "integer": lever.integer,
                    }
                )
                for lever in self.levers
            },
            "optimizer": {
                "library": "optuna",
                "sampler": "TPESampler",
                "seed": self.seed,
                "generation": GENERATION,
                "startup_trials": STARTUP_TRIALS,
            },
            "seed": self.seed,
            "replications": self.replications,
            "deterministic": self.deterministic,
            "horizon_days": self.scenario.horizon_days,
            "overrides": list(self.overrides),
        }


def non_dominated(points: Sequence[tuple[float, float]]) -> list[bool]:
    """Which ``(risk, objective)`` points no other dominates (as little risk and as much
    objective, and strictly better on one).

    Weaker than the sweep's rule (strictly better on both): an optimizer's trials
    often tie on risk (every trial that pays a fixed fee has the same tail), and
    among those only the best is worth drawing as the frontier. Twins are kept.
    """
    return [
        not any(
            other_risk <= risk
            and other_value >= value
            and (other_risk < risk or other_value > value)
            for other_risk, other_value in points
        )
        for risk, value in points
    ]


def _quoted(text: str) -> str:
    """``text`` quoted for a POSIX shell only when it needs it."""
    return shlex.quote(text)


def _setting(lever: Lever, value: Value) -> str:
    return override_text(lever.path, value)


def _check_levers(base: Scenario, strategy: str, levers: Sequence[Lever]) -> list[Lever]:
    """Every lever a field of strategy S that holds the right kind of value; integer flags set."""
    paths = [lever.path for lever in levers]
    for lever in levers:
        if paths.count(lever.path) > 1:
            raise _problem(lever.flag, lever.path, "the same path is given twice")
    checked = []
    for lever in levers:
        current = check_path(base, lever.path, strategy, flag=lever.flag, study="optimization")
        segments = lever.path.split(".")
        if segments[:2] != ["strategies", strategy] or len(segments) < 3:
            raise _problem(
                lever.flag,
                lever.path,
                f"levers are fields of the optimized strategy: start the path with "
                f"'strategies.{strategy}.', e.g. strategies.{strategy}.reaction_days",
            )
        if lever.choices:
            checked.append(lever)
            continue
        numeric = current is None or (
            isinstance(current, (int, float)) and not isinstance(current, bool)
        )
        if not numeric:
            raise _problem(
                "--lever",
                lever.path,
                f"is not a number (it is {current!r}); give its values with --choice PATH=A,B",
            )
        integer = isinstance(current, int) and not isinstance(current, bool)
        if integer:
            assert lever.low is not None and lever.high is not None
            for name, number in (("LOW", lever.low), ("HIGH", lever.high), ("STEP", lever.step)):
                if number is not None and not float(number).is_integer():
                    raise _problem(
                        "--lever", lever.path, f"holds whole numbers: {name} must be one"
                    )
        checked.append(
            Lever(
                lever.path,
                low=lever.low,
                high=lever.high,
                step=lever.step,
                integer=integer,
                spec=lever.spec,
            )
        )
    return checked


def _corners(levers: Sequence[Lever]) -> list[list[tuple[Lever, Value]]]:
    """Settings that reach every end of every range and every choice, to validate up front."""
    corners = []
    for lever in levers:
        if lever.choices:
            ends: list[Value] = [_choice_value(lever, choice) for choice in lever.choices]
        else:
            assert lever.low is not None and lever.high is not None
            ends = [_number(lever, lever.low), _number(lever, lever.high)]
        corners.extend([[(lever, end)] for end in ends])
    return corners


def _number(lever: Lever, value: float) -> int | float:
    if lever.integer:
        return int(round(value))
    return float(f"{value:.10g}")


def _suggest(trial: optuna.trial.Trial, lever: Lever) -> Value:
    if lever.choices:
        return _choice_value(lever, trial.suggest_categorical(lever.path, list(lever.choices)))
    assert lever.low is not None and lever.high is not None
    if lever.integer:
        step = int(lever.step) if lever.step is not None else 1
        return trial.suggest_int(lever.path, int(lever.low), int(lever.high), step=step)
    if lever.low == lever.high:
        return _number(lever, lever.low)
    step = lever.step if lever.step is not None else (lever.high - lever.low) / DEFAULT_STEPS
    high = lever.low + math.floor((lever.high - lever.low) / step + 1e-9) * step
    return _number(lever, trial.suggest_float(lever.path, lever.low, high, step=step))


@dataclass(frozen=True)
class _Job:
    scenario: Scenario
    replications: int
    seed: int
    deterministic: bool


def _evaluate(job: _Job) -> dict[str, Any]:
    """One trial's summary of its one strategy (run in a worker; one process per trial)."""
    results = simulate(
        job.scenario,
        replications=job.replications,
        seed=job.seed,
        workers=1,
        deterministic=job.deterministic,
    )
    (figures,) = results.summary["strategies"].values()
    return figures  # type: ignore[no-any-return]


def _evaluate_outcome(job: _Job, *, goal: str) -> tuple[dict[str, Any], np.ndarray]:
    """A hold-out run: the strategy's summary and, per replication, what the objective sums."""
    results = simulate(
        job.scenario,
        replications=job.replications,
        seed=job.seed,
        workers=1,
        deterministic=job.deterministic,
    )
    (name,) = results.strategies
    return results.summary["strategies"][name], _outcome(results, name, goal)


def _summary_se(figures: Mapping[str, Any], goal: str) -> float | None:
    """The summary's SE of a mean objective; a 5th percentile has none there."""
    if goal == "mean_profit":
        return float(figures["profit"]["se"])
    if goal == "mean_revenue":
        return float(figures["revenue"]["se"])
    return None


def _constraint_values(figures: Mapping[str, Any], budget: RiskBudget) -> dict[str, float]:
    """Per limit the budget sets: tail loss less cap (at most 0 when within), for Optuna."""
    return {
        limit: float(figures[measure]["cvar95"]) - float(cap)
        for limit, measure in BUDGET_MEASURES.items()
        if (cap := getattr(budget, limit)) is not None
    }


def _ranked(trials: Sequence[Trial], budget: RiskBudget) -> list[Trial]:
    """Best first: feasible by objective (earlier trial on ties), else least over the budget."""
    feasible = [trial for trial in trials if trial.feasible]
    if feasible:
        return sorted(feasible, key=lambda trial: (-trial.objective, trial.number))
    return sorted(trials, key=lambda trial: (trial.excess(budget), -trial.objective, trial.number))


def run_optimize(
    path: str | Path,
    *,
    strategy: str,
    levers: Sequence[Lever],
    objective: str | None = None,
    max_cvar95: float | None = None,
    trials: int = 64,
    overrides: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    deterministic: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: TrialProgress | None = None,
) -> OptimizeResult:
    """Search the ``levers`` of ``strategy`` for the best objective within the risk budget.

    Every trial is ``risksim run --set`` of its lever values, restricted to the
    strategy and simulated on the same seed (common random numbers). Trials are
    asked of a seeded TPE sampler :data:`GENERATION` at a time and simulated in
    parallel on ``workers`` processes (or as tasks on the Dask ``scheduler``); the
    generation's results are told in trial order, so the search and its result
    are the same whatever the workers. The best and the runner-up are then
    simulated again on :func:`holdout_seed`.

    Raises:
        InvalidInputError: no lever, ``trials`` below 1 or over the evaluation
            budget, a lever outside strategy S or not numeric, a range end or
            choice the field refuses, an unknown objective or strategy.
    """
    if trials < 1:
        raise _problem("--trials", str(trials), "give at least 1 trial")
    if not levers:
        raise _problem("--lever", "", "give at least one --lever PATH=LOW:HIGH or --choice")
    loaded = load_scenario(path, overrides)
    base = restrict(loaded, strategy)
    checked = _check_levers(base, strategy, levers)
    for corner in _corners(checked):
        load_variant(
            path,
            overrides,
            [_setting(lever, value) for lever, value in corner],
            strategy,
            flag=corner[0][0].flag,
        )
    goal = objective if objective is not None else base.objective
    if goal not in OBJECTIVES:
        raise _problem("--objective", goal, f"must be one of {', '.join(OBJECTIVES)}")
    budget = base.risk_budget
    if max_cvar95 is not None:
        if not math.isfinite(max_cvar95) or max_cvar95 < 0:
            raise _problem("--max-cvar95", str(max_cvar95), "must be a number at least 0")
        budget = budget.model_copy(update={"profit_at_risk_cvar95": float(max_cvar95)})
    count = 1 if deterministic else (base.replications if replications is None else replications)
    if trials * count > MAX_EVALUATIONS:
        raise _problem(
            "--trials",
            str(trials),
            f"{trials} trials x {count:,} replications = {trials * count:,} simulated "
            f"replications, over the limit of {MAX_EVALUATIONS:,}: lower --trials or "
            "--replications",
        )
    root_seed = base.seed if seed is None else seed
    processes = default_workers() if workers is None else workers
    import optuna  # imported when a search runs: about a second every other command saves

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(
            seed=root_seed,
            n_startup_trials=STARTUP_TRIALS,
            multivariate=True,
            constant_liar=True,
        )
    study = optuna.create_study(direction="maximize", sampler=sampler)
    done: list[Trial] = []
    if progress is not None:
        progress(0, trials, None)
    pool_size = processes if scheduler is not None else min(processes, GENERATION, trials)
    with ordered_map(pool_size, scheduler=scheduler) as run_all:
        while len(done) < trials:
            asked = [study.ask() for _ in range(min(GENERATION, trials - len(done)))]
            chosen = [{lever.path: _suggest(trial, lever) for lever in checked} for trial in asked]
            jobs = [
                _Job(
                    load_variant(
                        path,
                        overrides,
                        [_setting(lever, values[lever.path]) for lever in checked],
                        strategy,
                        flag="--lever",
                    ),
                    count,
                    root_seed,
                    deterministic,
                )
                for values in chosen
            ]
            summaries = run_all(_evaluate, jobs)
            for asked_trial, values, figures in zip(asked, chosen, summaries, strict=True):
                value = objective_value(figures, goal)
                for limit, excess in _constraint_values(figures, budget).items():
                    asked_trial.set_constraint(limit, excess)
                study.tell(asked_trial, value)
                done.append(
                    Trial(
                        number=asked_trial.number,
                        values=values,
                        objective=value,
                        objective_se=_summary_se(figures, goal),
                        profit_mean=float(figures["profit"]["mean"]),
                        profit_at_risk_mean=float(figures["profit_at_risk"]["mean"]),
                        profit_at_risk_cvar95=float(figures["profit_at_risk"]["cvar95"]),
                        revenue_at_risk_cvar95=float(figures["revenue_at_risk"]["cvar95"]),
                        feasible=within_budget(figures, budget),
                    )
                )
            if progress is not None:
                feasible = [trial for trial in done if trial.feasible]
                progress(len(done), trials, _ranked(feasible, budget)[0] if feasible else None)
        ranked = _ranked(done, budget)
        best = ranked[0]
        runner_up = next((trial for trial in ranked[1:] if trial.values != best.values), None)
        if runner_up is not None and best.feasible and not runner_up.feasible:
            runner_up = None
        check_seed = holdout_seed(root_seed)
        checks = _holdout(
            path,
            overrides,
            strategy,
            checked,
            [trial for trial in (best, runner_up) if trial is not None],
            goal=goal,
            budget=budget,
            replications=count,
            seed=check_seed,
            deterministic=deterministic,
            run_all=run_all,
        )
    best_scenario = load_variant(
        path, overrides, [_setting(lever, best.values[lever.path]) for lever in checked], strategy
    )
    return OptimizeResult(
        scenario=base,
        source=str(path),
        strategy=strategy,
        levers=tuple(checked),
        objective=goal,
        budget=budget,
        trials=tuple(done),
        best=best,
        runner_up=runner_up,
        holdout=checks.best,
        runner_up_holdout=checks.runner_up,
        difference=checks.difference,
        difference_se=checks.difference_se,
        seed=root_seed,
        holdout_seed=check_seed,
        replications=count,
        deterministic=deterministic,
        overrides=tuple(overrides),
        best_strategy=best_scenario.strategies[strategy].model_dump(by_alias=True, mode="json"),
        max_cvar95=max_cvar95,
        objective_given=objective is not None,
        strategy_names=tuple(loaded.strategies),
    )


@dataclass(frozen=True)
class _Checks:
    best: Holdout
    runner_up: Holdout | None
    difference: float | None
    difference_se: float | None


def _outcome(results: Any, strategy: str, goal: str) -> np.ndarray:
    """Per replication, the quantity the objective summarises (profit or revenue)."""
    world = results.strategies[strategy].shocked
    return np.asarray(world.revenue if goal == "mean_revenue" else world.profit, dtype=float)


def _standard_error(samples: Sequence[np.ndarray], goal: str, seed: int) -> float:
    """Monte Carlo SE of the objective (one sample) or of a paired difference (two).

    Means: ``std / sqrt(n)`` of the values (or of their paired differences).
    A 5th percentile has no such formula: scipy's bootstrap, seeded.
    """
    count = samples[0].size
    if count < 2:
        return 0.0
    if goal != "p5_profit":
        values = samples[0] if len(samples) == 1 else samples[0] - samples[1]
        return float(values.std(ddof=1) / math.sqrt(count))

    def statistic(*arrays: np.ndarray, axis: int = -1) -> np.ndarray:
        first = np.percentile(arrays[0], 5, axis=axis)
        return first if len(arrays) == 1 else first - np.percentile(arrays[1], 5, axis=axis)

    from scipy import stats  # imported when needed: scipy.stats costs every command a second

    result = stats.bootstrap(
        tuple(samples),
        statistic,
        paired=True,
        vectorized=True,
        n_resamples=BOOTSTRAP_RESAMPLES,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    return float(result.standard_error)


def _holdout(
    path: str | Path,
    overrides: Sequence[str],
    strategy: str,
    levers: Sequence[Lever],
    chosen: Sequence[Trial],
    *,
    goal: str,
    budget: RiskBudget,
    replications: int,
    seed: int,
    deterministic: bool,
    run_all: Callable[[Callable[[_Job], Any], Sequence[_Job]], list[Any]],
) -> _Checks:
    """Best and runner-up on the hold-out seed: figures, SEs and the paired difference.

    Both meet the same hold-out draws, so their difference is measured with
    the noise they share taken out (a paired comparison).
    """
    jobs = [
        _Job(
            load_variant(
                path,
                overrides,
                [_setting(lever, trial.values[lever.path]) for lever in levers],
                strategy,
            ),
            replications,
            seed,
            deterministic,
        )
        for trial in chosen
    ]
    holdouts = []
    outcomes = []
    for trial, (figures, outcome) in zip(
        chosen, run_all(partial(_evaluate_outcome, goal=goal), jobs), strict=True
    ):
        outcomes.append(outcome)
        holdouts.append(
            Holdout(
                values=trial.values,
                objective=objective_value(figures, goal),
                se=0.0 if deterministic else _standard_error([outcome], goal, seed),
                profit_at_risk_cvar95=float(figures["profit_at_risk"]["cvar95"]),
                revenue_at_risk_cvar95=float(figures["revenue_at_risk"]["cvar95"]),
                feasible=within_budget(figures, budget),
            )
        )
    if len(holdouts) < 2:
        return _Checks(holdouts[0], None, None, None)
    difference = holdouts[0].objective - holdouts[1].objective
    se = 0.0 if deterministic else _standard_error(outcomes, goal, seed)
    return _Checks(holdouts[0], holdouts[1], difference, se)
