"""Runners: split replications into fixed-size batches and run them somewhere.

In-process or on a process pool; each batch ``i`` always gets spawn child ``i``
of the seed and a fixed size, and results are keyed by batch index, never by
completion order, so the output is the same whatever the number of workers.
Runners do nothing else: no statistics, no files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from riskSim.batch import simulate_batch
from riskSim.results import BatchResult
from riskSim.scenario import Scenario

__all__ = ["BATCH_SIZE", "ProgressCallback", "batch_sizes", "default_workers", "run_batches"]

BATCH_SIZE = 500
"""Replications per batch: a constant of the code, so results never depend on the machine."""

ProgressCallback = Callable[[int, int], None]
"""Called with (batches done, batches in all) as batches finish."""


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def batch_sizes(replications: int) -> list[int]:
    """Sizes of the batches ``replications`` is split into, in batch order."""
    full, rest = divmod(replications, BATCH_SIZE)
    return [BATCH_SIZE] * full + ([rest] if rest else [])


def run_batches(
    scenario: Scenario,
    *,
    replications: int,
    seed: int,
    deterministic: bool,
    workers: int,
    progress: ProgressCallback | None = None,
) -> list[BatchResult]:
    """Run every batch and return the results sorted by batch index."""
    sizes = batch_sizes(replications)
    total = len(sizes)
    results: dict[int, BatchResult] = {}

    def finished(result: BatchResult) -> None:
        results[result.batch_index] = result
        if progress is not None:
            progress(len(results), total)

    if workers <= 1 or total <= 1:
        for index, size in enumerate(sizes):
            finished(
                simulate_batch(
                    scenario, batch_index=index, size=size, seed=seed, deterministic=deterministic
                )
            )
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context) as pool:
            pending: set[Future[BatchResult]] = {
                pool.submit(
                    simulate_batch,
                    scenario,
                    batch_index=index,
                    size=size,
                    seed=seed,
                    deterministic=deterministic,
                )
                for index, size in enumerate(sizes)
            }
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        finished(future.result())
            except BaseException:
                for future in pending:
                    future.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return [results[index] for index in range(total)]
