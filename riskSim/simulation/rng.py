"""Random streams: one ``SeedSequence(seed)``, batch ``i`` is its spawn child ``i``.

Every stream inside a batch is a further child keyed by what it is for (the
uncertain inputs, the shock onsets, one channel's posts), never by which
strategy or world uses it. So every strategy and both worlds replay the same
numbers (common random numbers), and results never depend on the number of
workers. Nothing here touches numpy's global random state.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np

__all__ = ["Stream", "generator", "name_key"]


class Stream(IntEnum):
    """What a stream is for; the second element of its spawn key."""

    INPUTS = 0
    SHOCKS = 1
    DYNAMICS = 2


def name_key(name: str) -> int:
    """A stable integer for a name or dotted path (not Python's salted ``hash``)."""
    return zlib.crc32(name.encode("utf-8"))


def generator(seed: int, batch_index: int, stream: Stream, *keys: int) -> np.random.Generator:
    """The generator of one stream of one batch.

    ``SeedSequence(seed, spawn_key=(i, ...))`` is exactly what
    ``SeedSequence(seed).spawn(n)[i].spawn(...)`` yields, without having to spawn
    the siblings first. The bit generator is ``PCG64DXSM``, the upgrade of
    numpy's default ``PCG64`` that numpy's documentation recommends (the same
    family and state size, a stronger output function); its raw outputs, which
    every draw reads (:mod:`riskSim.simulation.engine.draws`), also come about a
    third faster.
    """
    sequence = np.random.SeedSequence(seed, spawn_key=(batch_index, int(stream), *keys))
    return np.random.Generator(np.random.PCG64DXSM(sequence))
