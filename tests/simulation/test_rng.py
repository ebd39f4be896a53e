"""Random streams: batch ``i`` is spawn child ``i`` of ``SeedSequence(seed)``, on PCG64DXSM."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from riskSim.simulation.rng import Stream, generator, name_key


def spawned(seed: int, *path: int) -> np.random.SeedSequence:
    """The child of ``SeedSequence(seed)`` reached by spawning along ``path``."""
    sequence = np.random.SeedSequence(seed)
    for index in path:
        sequence = sequence.spawn(index + 1)[index]
    return sequence


def test_a_stream_is_the_spawned_child_on_pcg64dxsm() -> None:
    stream = generator(2026, 3, Stream.DYNAMICS, 5)
    assert isinstance(stream.bit_generator, np.random.PCG64DXSM)
    expected = np.random.PCG64DXSM(spawned(2026, 3, int(Stream.DYNAMICS), 5))
    np.testing.assert_array_equal(stream.bit_generator.random_raw(8), expected.random_raw(8))


def test_streams_differ_by_batch_purpose_and_key_and_repeat_for_the_same() -> None:
    def first(*args: int) -> np.ndarray:
        return generator(7, *args).bit_generator.random_raw(4)

    reference = first(0, Stream.INPUTS, 1)
    np.testing.assert_array_equal(first(0, Stream.INPUTS, 1), reference)
    for other in ((1, Stream.INPUTS, 1), (0, Stream.SHOCKS, 1), (0, Stream.INPUTS, 2)):
        assert not np.array_equal(first(*other), reference), other


def test_name_keys_do_not_depend_on_the_process_hash_seed() -> None:
    code = "from riskSim.simulation.rng import name_key; print(name_key('channels.linkedin'))"
    keys = set()
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        keys.add(int(done.stdout))
    assert keys == {name_key("channels.linkedin")}
