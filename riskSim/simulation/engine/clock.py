"""A SimPy environment that wakes processes at exact times in a fixed order.

Post times are ``k * 7 / p`` and shocks may start at any real time, so
scheduling by ``now + delay`` would let rounding move an event past a shock
onset or reorder it against the daily update. :class:`Clock` schedules at
absolute times with an explicit priority instead: within one instant the
lower priority runs first (shocks, then posts in channel order, then the
daily update), as the design requires.
"""

from __future__ import annotations

import heapq

import simpy
from simpy.events import Event

__all__ = ["Clock", "Wake"]


class Wake(Event):
    """An event that is triggered on creation and processed at ``time``.

    Mirrors :class:`simpy.events.Timeout`, which likewise sets its outcome
    before scheduling itself, but takes an absolute time and a priority.
    """

    def __init__(self, clock: Clock, time: float, priority: int) -> None:
        if time < clock.now:
            raise ValueError(f"time(={time}) must not be before now(={clock.now}).")
        self.env = clock
        self.callbacks = []
        self._value = None
        self._ok = True
        clock.schedule_at(self, time, priority)


class Clock(simpy.Environment):
    """One clock per batch of replications and world."""

    def schedule_at(self, event: Event, time: float, priority: int) -> None:
        """Schedule ``event`` at absolute ``time``; lower ``priority`` first within an instant.

        The same heap entry as :meth:`simpy.Environment.schedule` pushes, with the
        absolute time instead of ``now + delay``.
        """
        heapq.heappush(self._queue, (time, priority, next(self._eid), event))

    def wake(self, time: float, priority: int) -> Wake:
        """An event processed at exactly ``time`` with ``priority``."""
        return Wake(self, time, priority)
