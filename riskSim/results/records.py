"""Per-replication results with a fixed schema, and the summary built from them.

Owns the reduction of engine records into per-replication totals and weekly
series (never per-day-per-channel arrays), the concatenation of batches in
batch order (so the result never depends on how many workers ran them), and
the summary.json document. Writing files lives in :mod:`riskSim.outputs.run`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from riskSim.results import metrics
from riskSim.results.recommend import recommend
from riskSim.scenario import Scenario
from riskSim.units import DAYS_PER_WEEK

if TYPE_CHECKING:
    from riskSim.simulation.compile import BatchPlan
    from riskSim.simulation.engine.world import WorldRecord

__all__ = [
    "SCHEMA_VERSION",
    "WEEKLY_QUANTILE_REPLICATIONS",
    "BatchResult",
    "ResultsBuilder",
    "bytes_per_replication",
    "headline_figures",
    "join_strategies",
    "SimulationResults",
    "StrategyResult",
    "WorldTotals",
    "join_columns",
    "reduce_batch",
]

SCHEMA_VERSION = 1
WORLDS = ("shocked", "calm")


PER_REPLICATION = (
    "revenue",
    "cost",
    "rented_revenue",
    "channel_revenue",
    "channel_cost",
    "channel_fees",
    "channel_audience_end",
)
WEEKLY_SUMS = (
    "weekly_revenue_sum",
    "weekly_rented_revenue_sum",
    "weekly_rented_audience_sum",
    "weekly_owned_audience_sum",
)
WEEKLY_QUANTILE_REPLICATIONS = 20_000
"""Weekly quantiles come from the first replications up to this many (whole batches).

Weekly series per replication are the one result that would grow with
weeks x replications; means still use every replication.
"""


def _at_least_zero(values: np.ndarray) -> np.ndarray:
    """Revenue, costs, fees and audiences are never negative (the design's figures).

    A shocked world swaps a channel's daily revenue and weekly sums in by
    difference from the calm world (``riskSim.simulation.engine.divergence``),
    which can leave a rounding residue of -1e-9 where the true figure is 0;
    it is clipped here, before any statistic or output sees it.
    """
    return np.maximum(values, 0.0)


def _over_channels(values: np.ndarray) -> np.ndarray:
    """``ndarray[channels, replications]`` summed over the channels, one after another.

    numpy adds the rows in this order too, except for a single replication,
    which it sums pairwise (another rounding): a part of a batch holding one
    replication must give that replication's figures in the whole batch.
    """
    if values.shape[0] == 0:
        return np.zeros(values.shape[1])
    total = values[0].copy()
    for row in values[1:]:
        total += row
    return total


WeeklySeries = dict[str, np.ndarray]
"""A world's weekly revenue series, ``ndarray[weeks, replications]``, by the name of their sum.

Revenue is real-valued, so its sum over replications is taken once, over a
whole batch's columns: a batch split into parts sums exactly as it does whole.
(Audiences are whole people in random mode: their sums are exact, and the
engine keeps only them.)"""


def weekly_series(record: WorldRecord) -> WeeklySeries:
    """The weekly revenue series of a world whose sums over replications are reported."""
    week_starts = np.arange(0, record.daily_revenue.shape[0], DAYS_PER_WEEK)
    return {
        "weekly_revenue_sum": _at_least_zero(
            np.add.reduceat(record.daily_revenue, week_starts, axis=0)
        ),
        "weekly_rented_revenue_sum": record.weekly_rented_revenue,
    }


def _weekly_sums(series: WeeklySeries) -> dict[str, np.ndarray]:
    """Each weekly revenue series summed over the replications."""
    return {name: _at_least_zero(values.sum(axis=1)) for name, values in series.items()}


@dataclass
class WorldTotals:
    """One strategy in one world.

    Attributes:
        revenue, cost, rented_revenue: ``ndarray[replications]``.
        channel_revenue, channel_cost, channel_fees, channel_audience_end:
            ``ndarray[channels, replications]``.
        weekly_revenue: ``ndarray[weeks, replications kept for quantiles]``.
        weekly_revenue_sum, weekly_rented_revenue_sum, weekly_rented_audience_sum,
            weekly_owned_audience_sum: sums over every replication, ``ndarray[weeks]``.

    A sum over replications is taken once, over a whole batch's columns (of
    :func:`weekly_series`), so a batch split into parts sums exactly as it does
    whole (see :func:`join_columns`).
    """

    revenue: np.ndarray
    cost: np.ndarray
    rented_revenue: np.ndarray
    channel_revenue: np.ndarray
    channel_cost: np.ndarray
    channel_fees: np.ndarray
    channel_audience_end: np.ndarray
    weekly_revenue: np.ndarray
    weekly_revenue_sum: np.ndarray
    weekly_rented_revenue_sum: np.ndarray
    weekly_rented_audience_sum: np.ndarray
    weekly_owned_audience_sum: np.ndarray

    @property
    def profit(self) -> np.ndarray:
        """Revenue less every cost, ``ndarray[replications]``."""
        return self.revenue - self.cost

    @classmethod
    def from_record(
        cls, record: WorldRecord, rented: np.ndarray, series: WeeklySeries
    ) -> WorldTotals:
        """Reduce a batch's engine record; the per-day arrays are dropped here.

        Args:
            record: the engine's record of one world.
            rented: ``ndarray[channels]`` of bool, which channels are rented.
            series: its :func:`weekly_series` (a part of a batch keeps them too).
        """
        revenue = _at_least_zero(record.revenue)
        return cls(
            revenue=_over_channels(revenue),
            cost=_over_channels(_at_least_zero(record.cost)),
            rented_revenue=_over_channels(revenue[rented]),
            channel_revenue=revenue,
            channel_cost=_at_least_zero(record.cost),
            channel_fees=_at_least_zero(record.fees),
            channel_audience_end=_at_least_zero(record.audience_end),
            weekly_revenue=series["weekly_revenue_sum"],
            **_weekly_sums(series),
            weekly_rented_audience_sum=_at_least_zero(record.weekly_rented_audience),
            weekly_owned_audience_sum=_at_least_zero(record.weekly_owned_audience),
        )

    @classmethod
    def joined(cls, parts: Sequence[WorldTotals], series: Sequence[WeeklySeries]) -> WorldTotals:
        """One batch's totals from its parts' and their weekly series, in column order."""
        whole = {
            name: np.concatenate([part[name] for part in series], axis=1) for name in series[0]
        }
        return cls(
            **{
                name: np.concatenate([getattr(part, name) for part in parts], axis=-1)
                for name in PER_REPLICATION
            },
            weekly_revenue=whole["weekly_revenue_sum"],
            **_weekly_sums(whole),
            # sums of whole people: exact, so the parts' sums add up to the batch's
            weekly_rented_audience_sum=np.sum(
                [part.weekly_rented_audience_sum for part in parts], axis=0
            ),
            weekly_owned_audience_sum=np.sum(
                [part.weekly_owned_audience_sum for part in parts], axis=0
            ),
        )

    @classmethod
    def allocate(cls, *, channels: int, weeks: int, replications: int, kept: int) -> WorldTotals:
        """Zeroed arrays for a whole run; batches are copied in as they arrive."""
        return cls(
            revenue=np.zeros(replications),
            cost=np.zeros(replications),
            rented_revenue=np.zeros(replications),
            channel_revenue=np.zeros((channels, replications)),
            channel_cost=np.zeros((channels, replications)),
            channel_fees=np.zeros((channels, replications)),
            channel_audience_end=np.zeros((channels, replications)),
            weekly_revenue=np.zeros((weeks, kept)),
            weekly_revenue_sum=np.zeros(weeks),
            weekly_rented_revenue_sum=np.zeros(weeks),
            weekly_rented_audience_sum=np.zeros(weeks),
            weekly_owned_audience_sum=np.zeros(weeks),
        )

    def place(self, part: WorldTotals, offset: int) -> None:
        """Copy a batch's per-replication values into columns ``offset:offset + size``."""
        size = part.revenue.shape[-1]
        for name in PER_REPLICATION:
            getattr(self, name)[..., offset : offset + size] = getattr(part, name)
        kept = self.weekly_revenue.shape[1]
        if offset < kept:
            self.weekly_revenue[:, offset : min(offset + size, kept)] = part.weekly_revenue[
                :, : kept - offset
            ]


@dataclass
class StrategyResult:
    """A strategy in both worlds, plus its recovery per replication."""

    name: str
    shocked: WorldTotals
    calm: WorldTotals
    recovery_days: np.ndarray
    """``ndarray[replications]``; inf = never, nan = no shock happened."""

    @property
    def revenue_at_risk(self) -> np.ndarray:
        """Calm revenue less shocked revenue, ``ndarray[replications]``."""
        return self.calm.revenue - self.shocked.revenue

    @property
    def profit_at_risk(self) -> np.ndarray:
        """Calm profit less shocked profit, ``ndarray[replications]``."""
        return self.calm.profit - self.shocked.profit


@dataclass
class BatchResult:
    """Everything one batch contributes, small enough to send between processes.

    A part of a batch (replications ``low .. high - 1`` of it, ``columns``)
    also carries each world's weekly series, by (strategy, world), for
    :func:`join_columns` to sum over the whole batch.
    """

    batch_index: int
    size: int
    strategies: list[StrategyResult]
    inputs: dict[str, np.ndarray]
    columns: tuple[int, int] | None = None
    series: dict[tuple[str, str], WeeklySeries] = field(default_factory=dict)


def reduce_batch(
    plan: BatchPlan,
    records: dict[tuple[str, str], WorldRecord],
    columns: tuple[int, int] | None = None,
) -> BatchResult:
    """Per-replication totals, weekly series and recovery from a batch's engine records.

    Args:
        plan: the compiled batch.
        records: ``(strategy, world) -> WorldRecord``, world in ('shocked', 'calm').
        columns: the records are of replications ``low .. high - 1`` of the
            batch only: the result is that part (see :func:`join_columns`).
    """
    low, high = (0, plan.size) if columns is None else columns
    first_onset = (
        np.minimum.reduce([shock.onset for shock in plan.shocks])
        if plan.shocks
        else np.full(plan.size, math.inf)
    )[low:high]
    rented = np.array([channel.kind == "rented" for channel in plan.channels])
    series = {key: weekly_series(record) for key, record in records.items()}
    strategies = []
    for strategy in plan.strategies:
        shocked, calm = records[(strategy.name, "shocked")], records[(strategy.name, "calm")]
        strategies.append(
            StrategyResult(
                name=strategy.name,
                shocked=WorldTotals.from_record(
                    shocked, rented, series[(strategy.name, "shocked")]
                ),
                calm=WorldTotals.from_record(calm, rented, series[(strategy.name, "calm")]),
                recovery_days=metrics.recovery_days(
                    shocked.daily_revenue, calm.daily_revenue, first_onset
                ),
            )
        )
    inputs = {path: values[low:high] for path, values in plan.inputs.items()}
    if columns is None:
        return BatchResult(plan.batch_index, plan.size, strategies, inputs)
    return BatchResult(plan.batch_index, high - low, strategies, inputs, columns, series)


def _side_by_side(spans: Sequence[tuple[int, int] | None]) -> bool:
    """Whether column spans follow each other from column 0, with no gap or overlap."""
    next_low = 0
    for span in spans:
        if span is None or span[0] != next_low:
            return False
        next_low = span[1]
    return True


def join_columns(parts: Sequence[BatchResult]) -> BatchResult:
    """A batch from its parts (:func:`reduce_batch` with ``columns``), in any order.

    Exactly the result of the batch reduced whole: per-replication values are
    placed side by side and every sum over replications is taken over all of them.

    Raises:
        ValueError: the parts are not of one batch, or leave a gap or an overlap.
    """
    ordered = sorted(parts, key=lambda part: part.columns or (-1, -1))
    if (
        not _side_by_side([part.columns for part in ordered])
        or len({part.batch_index for part in ordered}) != 1
    ):
        raise ValueError(f"parts {[part.columns for part in ordered]} do not make one batch")
    first = ordered[0]
    strategies = [
        StrategyResult(
            name=result.name,
            **{
                world: WorldTotals.joined(
                    [getattr(part.strategies[position], world) for part in ordered],
                    [part.series[(result.name, world)] for part in ordered],
                )
                for world in WORLDS
            },
            recovery_days=np.concatenate(
                [part.strategies[position].recovery_days for part in ordered]
            ),
        )
        for position, result in enumerate(first.strategies)
    ]
    inputs = {
        path: np.concatenate([part.inputs[path] for part in ordered]) for path in first.inputs
    }
    return BatchResult(first.batch_index, sum(part.size for part in ordered), strategies, inputs)


@dataclass
class SimulationResults:
    """All replications of a run, in batch order, and what is written from them."""

    scenario: Scenario
    seed: int
    replications: int
    deterministic: bool
    strategies: dict[str, StrategyResult]
    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    """Uncertain inputs by dotted path, ``ndarray[replications]``."""

    @property
    def channel_names(self) -> list[str]:
        """Channel names in file order."""
        return list(self.scenario.channels)

    @property
    def rented_mask(self) -> np.ndarray:
        """``ndarray[channels]`` of bool: which channels are rented."""
        return np.array([channel.kind == "rented" for channel in self.scenario.channels.values()])

    def _strategy_summary(self, result: StrategyResult) -> dict[str, Any]:
        shocked, calm = result.shocked, result.calm
        calm_mean = float(calm.revenue.mean())
        losses = result.revenue_at_risk
        calm_channel_revenue = calm.channel_revenue.mean(axis=1)
        audience_end = shocked.channel_audience_end.mean(axis=1)
        owned_audience = float(audience_end[~self.rented_mask].sum())
        return {
            "description": self.scenario.strategies[result.name].description,
            "revenue": metrics.distribution_summary(shocked.revenue),
            "profit": metrics.distribution_summary(shocked.profit),
            "calm_revenue": metrics.distribution_summary(calm.revenue),
            "calm_profit": metrics.distribution_summary(calm.profit),
            "revenue_at_risk": metrics.risk_summary(losses),
            "profit_at_risk": metrics.risk_summary(result.profit_at_risk),
            "relative_revenue_at_risk": metrics.ratio(float(losses.mean()), calm_mean),
            "rented_revenue_share": metrics.ratio(float(calm.rented_revenue.mean()), calm_mean),
            "owned_audience_share_end": metrics.ratio(owned_audience, float(audience_end.sum())),
            "concentration": metrics.herfindahl(calm_channel_revenue),
            "recovery_days": metrics.recovery_summary(result.recovery_days),
            "channels": {
                name: {
                    "revenue": float(shocked.channel_revenue[index].mean()),
                    "cost": float(shocked.channel_cost[index].mean()),
                    "fees": float(shocked.channel_fees[index].mean()),
                    "audience_end": float(audience_end[index]),
                }
                for index, name in enumerate(self.channel_names)
            },
        }

    def sensitivity(self) -> dict[str, list[dict[str, Any]]]:
        """Per strategy: Spearman correlation of each uncertain input with revenue at risk.

        Largest magnitude first; ties keep the inputs' order in the scenario.
        """
        table: dict[str, list[dict[str, Any]]] = {}
        for name, result in self.strategies.items():
            losses = result.revenue_at_risk
            rows = [
                {"input": path, "spearman": metrics.spearman(values, losses)}
                for path, values in self.inputs.items()
            ]
            rows.sort(key=lambda row: -abs(row["spearman"]))
            table[name] = rows
        return table

    @cached_property
    def summary(self) -> dict[str, Any]:
        """The summary.json document, computed once (results do not change after a run)."""
        scenario = self.scenario
        strategies = {
            name: self._strategy_summary(result) for name, result in self.strategies.items()
        }
        document: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "scenario": scenario.name,
            "title": scenario.display_title(),
            "currency": scenario.currency,
            "overrides": list(scenario.overrides),
            "seed": self.seed,
            "replications": self.replications,
            "horizon_days": scenario.horizon_days,
            "deterministic": self.deterministic,
            "risk_budget": scenario.risk_budget.model_dump(),
            "recommendation": recommend(
                strategies, objective=scenario.objective, budget=scenario.risk_budget
            ),
            "strategies": strategies,
        }
        if self.inputs:
            document["sensitivity"] = self.sensitivity()
        return document

    def weekly_rows(self) -> list[dict[str, Any]]:
        """Rows of timeseries.csv: weekly revenue quantiles per strategy and world."""
        rows = []
        horizon = self.scenario.horizon_days
        for name, result in self.strategies.items():
            for world in WORLDS:
                totals: WorldTotals = getattr(result, world)
                p5, p50, p95 = np.percentile(totals.weekly_revenue, [5, 50, 95], axis=1)
                means = totals.weekly_revenue_sum / self.replications
                count = self.replications
                for week in range(totals.weekly_revenue.shape[0]):
                    rows.append(
                        {
                            "strategy": name,
                            "world": world,
                            "week": week,
                            "start_day": week * DAYS_PER_WEEK,
                            "days": min(DAYS_PER_WEEK, horizon - week * DAYS_PER_WEEK),
                            "revenue_mean": float(means[week]),
                            "revenue_p5": float(p5[week]),
                            "revenue_p50": float(p50[week]),
                            "revenue_p95": float(p95[week]),
                            "rented_revenue_mean": float(
                                totals.weekly_rented_revenue_sum[week] / count
                            ),
                            "rented_audience_mean": float(
                                totals.weekly_rented_audience_sum[week] / count
                            ),
                            "owned_audience_mean": float(
                                totals.weekly_owned_audience_sum[week] / count
                            ),
                        }
                    )
        return rows


def join_strategies(
    parts: Sequence[SimulationResults], *, scenario: Scenario, input_order: Sequence[str]
) -> SimulationResults:
    """One run's results from runs of its strategies in groups, exactly as if run together.

    A strategy's numbers depend only on the seed, the channels, the shocks and
    the strategy (common random numbers), so ``scenario``'s strategies can be
    simulated in several smaller runs, on several cores, and put back here:
    strategies in ``scenario``'s order, uncertain inputs in ``input_order``
    (the order one run of ``scenario`` draws them in; the channels' and
    shocks' draws are the same in every part, each strategy's own are in its
    part). The arrays are shared with the parts, not copied.

    Args:
        parts: runs of the same seed, replications and mode whose strategies
            together are ``scenario``'s, each exactly once.
        scenario: the run they make up together.
        input_order: every uncertain input's dotted path, in draw order.

    Raises:
        ValueError: the parts disagree on seed, replications or mode, or their
            strategies or inputs are not exactly ``scenario``'s.
    """
    settings = {(part.seed, part.replications, part.deterministic) for part in parts}
    if len(settings) != 1:
        raise ValueError(f"parts(={sorted(settings)}) must share seed, replications and mode.")
    strategies: dict[str, StrategyResult] = {}
    inputs: dict[str, np.ndarray] = {}
    for part in parts:
        for name, result in part.strategies.items():
            if name in strategies:
                raise ValueError(f"strategy(={name!r}) is in more than one part.")
            strategies[name] = result
        for path, values in part.inputs.items():
            inputs.setdefault(path, values)
    if set(strategies) != set(scenario.strategies):
        raise ValueError(
            f"strategies(={sorted(strategies)}) must be {sorted(scenario.strategies)}."
        )
    if set(inputs) != set(input_order):
        raise ValueError(f"inputs(={sorted(inputs)}) must be {sorted(input_order)}.")
    ((seed, replications, deterministic),) = settings
    return SimulationResults(
        scenario=scenario,
        seed=seed,
        replications=replications,
        deterministic=deterministic,
        strategies={name: strategies[name] for name in scenario.strategies},
        inputs={path: inputs[path] for path in input_order},
    )


def headline_figures(strategy: dict[str, Any]) -> dict[str, float]:
    """One strategy's figures in summary.json, flat and by the names tables use.

    Sweeps, comparisons and workshop standings pick their columns from this
    one mapping, so a figure has one name and one source everywhere. The
    objectives (``mean_profit``, ``p5_profit``, ``mean_revenue``) are here too.

    Args:
        strategy: ``summary["strategies"][name]``.
    """
    revenue, profit = strategy["revenue"], strategy["profit"]
    return {
        "revenue_mean": revenue["mean"],
        "profit_mean": profit["mean"],
        "calm_profit_mean": strategy["calm_profit"]["mean"],
        "revenue_at_risk_mean": strategy["revenue_at_risk"]["mean"],
        "revenue_at_risk_cvar95": strategy["revenue_at_risk"]["cvar95"],
        "relative_revenue_at_risk": strategy["relative_revenue_at_risk"],
        "rented_revenue_share": strategy["rented_revenue_share"],
        "profit_at_risk_mean": strategy["profit_at_risk"]["mean"],
        "profit_at_risk_cvar95": strategy["profit_at_risk"]["cvar95"],
        "mean_profit": profit["mean"],
        "p5_profit": profit["p5"],
        "mean_revenue": revenue["mean"],
        "profit_p95": profit["p95"],
        "revenue_p5": revenue["p5"],
        "revenue_p95": revenue["p95"],
    }


def bytes_per_replication(scenario: Scenario) -> int:
    """Memory a run keeps per replication: the per-replication totals of every world.

    Also counts one uncertain input per distribution in the file (an upper
    bound is enough: this guards against requests that cannot fit).
    """
    channels = len(scenario.channels)
    worlds = 2 * len(scenario.strategies)
    per_world = len(PER_REPLICATION) - 4 + 4 * channels
    uncertain = scenario.model_dump_json().count('"dist"') + 2 * len(scenario.shocks)
    return 8 * (worlds * per_world + len(scenario.strategies) + uncertain)


class ResultsBuilder:
    """Collects batch results as they arrive, in any order, into one run's arrays.

    Per-replication values go to their batch's columns; per-batch sums are kept
    per batch and added in batch order at the end, so the bytes of the result
    never depend on the order in which workers finish.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        sizes: Sequence[int],
        seed: int,
        deterministic: bool,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.deterministic = deterministic
        self.offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(int)
        self.replications = int(sum(sizes))
        weeks = math.ceil(scenario.horizon_days / DAYS_PER_WEEK)
        kept = 0
        for size in sizes:
            if kept >= WEEKLY_QUANTILE_REPLICATIONS:
                break
            kept += size
        self.worlds = {
            (name, world): WorldTotals.allocate(
                channels=len(scenario.channels),
                weeks=weeks,
                replications=self.replications,
                kept=kept,
            )
            for name in scenario.strategies
            for world in WORLDS
        }
        self.weekly_sums = {
            key: np.zeros((len(sizes), len(WEEKLY_SUMS), weeks)) for key in self.worlds
        }
        self.recovery = {name: np.zeros(self.replications) for name in scenario.strategies}
        self.inputs: dict[str, np.ndarray] = {}
        self.received = 0

    def add(self, batch: BatchResult) -> None:
        """Place one batch's results (a whole batch: parts are joined first)."""
        if batch.columns is not None:
            raise ValueError("a part of a batch: join its parts first (join_columns)")
        offset = int(self.offsets[batch.batch_index])
        for result in batch.strategies:
            for world in WORLDS:
                part: WorldTotals = getattr(result, world)
                self.worlds[(result.name, world)].place(part, offset)
                self.weekly_sums[(result.name, world)][batch.batch_index] = [
                    getattr(part, name) for name in WEEKLY_SUMS
                ]
            self.recovery[result.name][offset : offset + batch.size] = result.recovery_days
        for path, values in batch.inputs.items():
            self.inputs.setdefault(path, np.zeros(self.replications))[
                offset : offset + batch.size
            ] = values
        self.received += 1

    def build(self) -> SimulationResults:
        """The run's results; every batch must have been added."""
        if self.received != len(self.offsets):
            raise RuntimeError(f"{self.received} of {len(self.offsets)} batches were added.")
        strategies = {}
        for name in self.scenario.strategies:
            worlds = {}
            for world in WORLDS:
                totals = self.worlds[(name, world)]
                sums = self.weekly_sums[(name, world)]
                for position, field_name in enumerate(WEEKLY_SUMS):
                    total = np.zeros(sums.shape[2])
                    for batch in range(sums.shape[0]):
                        total = total + sums[batch, position]
                    setattr(totals, field_name, total)
                worlds[world] = totals
            strategies[name] = StrategyResult(
                name=name,
                shocked=worlds["shocked"],
                calm=worlds["calm"],
                recovery_days=self.recovery[name],
            )
        return SimulationResults(
            scenario=self.scenario,
            seed=self.seed,
            replications=self.replications,
            deterministic=self.deterministic,
            strategies=strategies,
            inputs=self.inputs,
        )
