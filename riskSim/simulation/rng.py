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

__all__ = ["ColumnStream", "Columns", "Stream", "generator", "name_key"]

Columns = tuple[int, int]
"""Replications ``low .. high - 1`` of a batch of ``size``: ``(low, high)``."""


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


class ColumnStream:
    """A batch's stream as one part of the batch (some of its replications) reads it.

    Every draw of the engine reads a block of ``2 * rows * size`` raw outputs
    for an ``ndarray[rows, size]`` of elements, row by row, two outputs an
    element (:mod:`riskSim.simulation.engine.draws`). Replications ``low ..
    high - 1`` of it take exactly their own outputs of each row and skip the
    rest (``PCG64DXSM.advance``, a few microseconds whatever the distance), so
    a batch split into parts on several cores draws the very numbers it draws
    whole: results never depend on how a batch is split.
    """

    def __init__(self, generator: np.random.Generator, size: int, columns: Columns) -> None:
        self.bit_generator = generator.bit_generator
        self.size = size
        self.low, self.high = columns

    def raw(self, elements: int) -> np.ndarray:
        """This part's ``2 * elements`` raw outputs of the batch's next block.

        Raises:
            ValueError: ``elements`` is not whole rows of this part's replications.
        """
        width = self.high - self.low
        rows, left = divmod(elements, width)
        if left:
            raise ValueError(f"{elements} elements are not whole rows of {width} replications")
        if rows == 0:
            return np.empty(0, dtype=np.uint64)
        bits = self.bit_generator
        between = 2 * (self.size - width)
        if self.low:
            bits.advance(2 * self.low)
        if rows == 1:
            out = bits.random_raw(2 * width)
        else:
            out = np.empty(2 * elements, dtype=np.uint64)
            for row in range(rows):
                if row:
                    bits.advance(between)
                out[2 * row * width : 2 * (row + 1) * width] = bits.random_raw(2 * width)
        if self.high < self.size:
            bits.advance(2 * (self.size - self.high))
        return out
