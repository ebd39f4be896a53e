"""Compile a Scenario into per-batch parameter arrays, drawing every uncertain value.

Owns the step between the frozen scenario and the engine: each numeric field
becomes ``ndarray[replications]`` (a draw per replication, or the mean with
``--deterministic``), each shock an onset per replication, and every uncertain
input is recorded by its dotted path for the sensitivity analysis. Draws come
from the streams of :mod:`riskSim.simulation.rng` only. No SimPy, files or charts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from riskSim.scenario import Bounds, Channel, Scenario, Strategy, field_bounds
from riskSim.scenario.distributions import Quantity, quantity_mean, sample_quantity
from riskSim.simulation.rng import Stream, generator, name_key
from riskSim.units import daily_hazard

__all__ = [
    "BatchPlan",
    "ChannelParams",
    "CompiledCapture",
    "CompiledShock",
    "CompiledStrategy",
    "compile_batch",
]

CHANNEL_QUANTITIES = tuple(
    name for name in Channel.model_fields if name not in ("kind", "posts_per_week")
)
SHOCK_QUANTITIES = ("fee", "factor", "ramp_days", "share", "notice_days", "duration_days", "rate")
NO_SHOCK_SIZES = {
    "pay_per_post": ("fee", 0.0),
    "reach_collapse": ("factor", 1.0),
    "feature_shutdown": ("share", 0.0),
    "account_suspension": ("duration_days", 0.0),
    "ad_cost_inflation": ("factor", 1.0),
    "audience_exodus": ("rate", 0.0),
}
"""The size at which each shock changes nothing: such a shock does not happen.

Without this a fee of 0 would still set off a strategy's response (reduce,
exit) and cost revenue for nothing. Decided per replication, so an uncertain
size drawn at exactly this value (a clipped distribution) is no shock there.
"""


@dataclass(frozen=True)
class ChannelParams:
    """One channel's parameters, each ``ndarray[replications]``."""

    name: str
    kind: str
    posts_per_week: float
    values: dict[str, np.ndarray]

    def __getattr__(self, item: str) -> np.ndarray:
        try:
            return self.values[item]
        except KeyError:
            raise AttributeError(item) from None


@dataclass(frozen=True)
class CompiledShock:
    """One shock: its channel, onset ``(ndarray[replications], inf = never)``, sizes."""

    index: int
    type: str
    channel: int
    onset: np.ndarray
    params: dict[str, np.ndarray]


@dataclass(frozen=True)
class CompiledCapture:
    """One capture of a strategy, with its rate and cost per replication."""

    source: int
    target: int
    rate: np.ndarray
    cost_per_capture: np.ndarray
    reach_penalty: np.ndarray


@dataclass(frozen=True)
class CompiledStrategy:
    """A strategy resolved against the channels."""

    name: str
    posts_per_week: tuple[float, ...]
    captures: tuple[CompiledCapture, ...]
    pay_per_post: str
    reduce_to_posts_per_week: float
    evacuate: bool
    evacuation_boost: float
    reaction_days: float


@dataclass(frozen=True)
class BatchPlan:
    """Everything the engine needs for one batch of replications."""

    seed: int
    batch_index: int
    size: int
    horizon_days: int
    deterministic: bool
    channels: tuple[ChannelParams, ...]
    shocks: tuple[CompiledShock, ...]
    strategies: tuple[CompiledStrategy, ...]
    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    """Every uncertain input's draws by dotted path, ``ndarray[replications]``."""


class _Drawer:
    """Draws each uncertain field from a stream keyed by its dotted path."""

    def __init__(self, *, seed: int, batch_index: int, size: int, deterministic: bool) -> None:
        self.seed = seed
        self.batch_index = batch_index
        self.size = size
        self.deterministic = deterministic
        self.inputs: dict[str, np.ndarray] = {}

    def quantity(self, path: str, value: Quantity, bounds: Bounds) -> np.ndarray:
        if self.deterministic:
            return np.full(self.size, quantity_mean(value, bounds.low, bounds.high))
        if isinstance(value, (int, float)):
            return np.full(self.size, float(value))
        stream = generator(self.seed, self.batch_index, Stream.INPUTS, name_key(path))
        draws = sample_quantity(value, stream, self.size, bounds.low, bounds.high)
        self.inputs[path] = draws
        return draws

    def field(self, path: str, owner: BaseModel, name: str) -> np.ndarray:
        return self.quantity(
            f"{path}.{name}", getattr(owner, name), field_bounds(type(owner), name)
        )


def _onset(drawer: _Drawer, index: int, shock: BaseModel) -> np.ndarray:
    """Onset day per replication; ``inf`` where the shock does not happen."""
    path = f"shocks.{index}"
    annual = shock.annual_probability
    probability = float(shock.probability)
    if annual is not None:
        annual_rate = drawer.field(path, shock, "annual_probability")
        hazard = daily_hazard(annual_rate)
        if drawer.deterministic:
            onset = np.divide(
                1.0, hazard, out=np.full(drawer.size, math.inf), where=hazard > 0
            )
        else:
            stream = generator(
                drawer.seed, drawer.batch_index, Stream.SHOCKS, name_key(f"{path}.at")
            )
            waits = stream.exponential(1.0, drawer.size)
            onset = np.divide(
                waits, hazard, out=np.full(drawer.size, math.inf), where=hazard > 0
            )
            drawer.inputs[f"{path}.at"] = onset
    elif shock.at is not None:
        onset = drawer.field(path, shock, "at")
    else:
        onset = np.zeros(drawer.size)
    if probability < 1.0:
        if drawer.deterministic:
            happens = np.full(drawer.size, probability > 0)
        else:
            stream = generator(
                drawer.seed, drawer.batch_index, Stream.SHOCKS, name_key(f"{path}.probability")
            )
            happens = stream.random(drawer.size) < probability
            drawer.inputs[f"{path}.happens"] = happens.astype(float)
        onset = np.where(happens, onset, math.inf)
    return onset


def _compile_strategy(
    drawer: _Drawer, name: str, strategy: Strategy, scenario: Scenario, order: dict[str, int]
) -> CompiledStrategy:
    captures = []
    for index, capture in enumerate(strategy.capture):
        path = f"strategies.{name}.capture.{index}"
        source = scenario.channels[capture.from_]
        penalty = (
            capture.reach_penalty if capture.reach_penalty is not None else source.reach_penalty
        )
        captures.append(
            CompiledCapture(
                source=order[capture.from_],
                target=order[capture.to],
                rate=drawer.field(path, capture, "rate"),
                cost_per_capture=drawer.field(path, capture, "cost_per_capture"),
                reach_penalty=drawer.quantity(f"{path}.reach_penalty", penalty, Bounds(0.0, 1.0)),
            )
        )
    cadence = tuple(
        strategy.posts_per_week.get(channel_name, channel.posts_per_week)
        for channel_name, channel in scenario.channels.items()
    )
    return CompiledStrategy(
        name=name,
        posts_per_week=cadence,
        captures=tuple(captures),
        pay_per_post=strategy.responses.pay_per_post,
        reduce_to_posts_per_week=strategy.responses.reduce_to_posts_per_week,
        evacuate=strategy.responses.platform_shutdown == "evacuate",
        evacuation_boost=strategy.responses.evacuation_boost,
        reaction_days=strategy.effective_reaction_days(),
    )


def compile_batch(
    scenario: Scenario,
    *,
    batch_index: int,
    size: int,
    seed: int,
    deterministic: bool,
) -> BatchPlan:
    """Draw every parameter of one batch of ``size`` replications.

    Args:
        scenario: the validated scenario.
        batch_index: which batch; selects spawn child ``batch_index`` of the seed.
        size: replications in this batch.
        seed: root seed.
        deterministic: use means instead of draws.
    """
    drawer = _Drawer(seed=seed, batch_index=batch_index, size=size, deterministic=deterministic)
    order = {name: position for position, name in enumerate(scenario.channels)}
    channels = tuple(
        ChannelParams(
            name=name,
            kind=channel.kind,
            posts_per_week=channel.posts_per_week,
            values={
                quantity: drawer.field(f"channels.{name}", channel, quantity)
                for quantity in CHANNEL_QUANTITIES
            },
        )
        for name, channel in scenario.channels.items()
    )
    shocks = []
    for index, shock in enumerate(scenario.shocks):
        params = {
            quantity: drawer.field(f"shocks.{index}", shock, quantity)
            for quantity in SHOCK_QUANTITIES
            if quantity in type(shock).model_fields
        }
        onset = _onset(drawer, index, shock)
        if shock.type in NO_SHOCK_SIZES:
            measure, no_change = NO_SHOCK_SIZES[shock.type]
            onset = np.where(params[measure] == no_change, math.inf, onset)
        shocks.append(
            CompiledShock(
                index=index,
                type=shock.type,
                channel=order[shock.channel],
                onset=onset,
                params=params,
            )
        )
    strategies = tuple(
        _compile_strategy(drawer, name, strategy, scenario, order)
        for name, strategy in scenario.strategies.items()
    )
    return BatchPlan(
        seed=seed,
        batch_index=batch_index,
        size=size,
        horizon_days=scenario.horizon_days,
        deterministic=deterministic,
        channels=channels,
        shocks=tuple(shocks),
        strategies=strategies,
        inputs=drawer.inputs,
    )
