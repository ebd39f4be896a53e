"""Runners: split replications into fixed-size batches and run them somewhere.

In-process or on a process pool; each batch ``i`` always gets spawn child ``i``
of the seed and a fixed size, and results are keyed by batch index, never by
completion order, so the output is the same whatever the number of workers.
Runners do nothing else: no statistics, no files.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from queue import Empty
from typing import Any

from riskSim.errors import InvalidInputError
from riskSim.results.records import BatchResult
from riskSim.scenario import Scenario
from riskSim.simulation.batch import simulate_batch

__all__ = [
    "BATCH_SIZE",
    "BatchCallback",
    "ProgressCallback",
    "batch_sizes",
    "default_workers",
    "run_batches",
]

PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when its parent dies."""

BATCH_SIZE = 2000
"""Replications per batch: a constant of the code, so results never depend on the machine."""

ProgressCallback = Callable[[int, int], None]
"""Called with (replications done, replications in all), within batches as well as
between them (a batch's share of its simulated days counts as that share of its
replications), so a bar moves at least every :data:`PROGRESS_STEP` replications."""
PROGRESS_STEP = 200
"""The most replications' worth of work a progress bar may go without moving."""
PROGRESS_POLL_SECONDS = 0.1
"""How often the parent of a pool reads its workers' progress while it waits."""


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


BatchCallback = Callable[[BatchResult], None]
"""Receives each batch's result as it arrives (in any order)."""


_progress_queue: Any = None
"""In a pool worker: where the batch it runs posts its progress (None: nowhere)."""


def _start_worker(parent: int, progress_queue: Any = None) -> None:
    """Workers leave Ctrl-C to the parent and die quietly with it.

    The parent stops them all at once (SIGTERM from the pool's exit): they
    drop the parent's SIGTERM handler, which a forked worker inherits and
    which would print a traceback. On Linux the kernel also kills a worker
    whose parent dies (even by SIGKILL), so none computes on for nobody.
    """
    global _progress_queue
    _progress_queue = progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork where it is safe, else spawn: the same batches and bytes either way.

    A spawned worker starts a fresh interpreter and imports numpy, numba and
    the engine (about half a second, paid by every run); a forked one starts
    with all of that loaded. Forking is only safe while this process runs a
    single thread (a progress bar's refresh thread, say, could hold a lock the
    child needs), and exists only on POSIX systems.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run_one(
    job: tuple[Scenario, int, int, int, bool],
    progress: Callable[[float], None] | None = None,
) -> BatchResult:
    scenario, batch_index, size, seed, deterministic = job
    if progress is None and _progress_queue is not None:
        queue = _progress_queue

        def progress(share: float) -> None:
            queue.put((batch_index, share))

    return simulate_batch(
        scenario,
        batch_index=batch_index,
        size=size,
        seed=seed,
        deterministic=deterministic,
        progress=progress,
    )


def run_batches(
    scenario: Scenario,
    *,
    sizes: Sequence[int],
    seed: int,
    deterministic: bool,
    workers: int,
    on_result: BatchCallback,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> None:
    """Run every batch, handing each result to ``on_result`` as it arrives.

    On an interrupt the worker processes are terminated at once (the pool's
    context exit), so Ctrl-C stops a run within a moment.

    Args:
        scenario: what every batch simulates.
        sizes: replications per batch, in batch order.
        seed: root seed; batch ``i`` uses spawn child ``i``.
        deterministic: expected-value mode.
        workers: processes (or, with ``scheduler='local'``, Dask workers).
        on_result: receives each batch's result as it arrives.
        progress: called with (replications done, replications in all), also
            within batches (on Dask, as batches finish).
        scheduler: a Dask scheduler address, or 'local' for a LocalCluster.
    """
    total = sum(sizes)
    jobs = [(scenario, index, size, seed, deterministic) for index, size in enumerate(sizes)]
    shares = [0.0] * len(sizes)
    finished_batches: set[int] = set()
    reported = -1

    def report() -> None:
        nonlocal reported
        if progress is None:
            return
        done = int(sum(share * size for share, size in zip(shares, sizes, strict=True)))
        if done != reported:
            reported = done
            progress(done, total)

    def heard(batch_index: int, share: float) -> None:
        if batch_index not in finished_batches:
            shares[batch_index] = max(shares[batch_index], share)
            report()

    def finished(result: BatchResult) -> None:
        on_result(result)
        finished_batches.add(result.batch_index)
        shares[result.batch_index] = 1.0
        report()

    report()
    if scheduler is not None:
        _run_on_dask(jobs, scheduler=scheduler, workers=workers, finished=finished)
        return
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            finished(
                _run_one(job, None if progress is None else partial(heard, job[1]))
            )
        return
    context = _pool_context()
    queue = context.Queue() if progress is not None else None
    with context.Pool(
        min(workers, len(jobs)), initializer=_start_worker, initargs=(os.getpid(), queue)
    ) as pool:
        results = pool.imap_unordered(_run_one, jobs)
        while len(finished_batches) < len(jobs):
            try:
                result = results.next(timeout=PROGRESS_POLL_SECONDS if queue else None)
            except multiprocessing.TimeoutError:
                result = None
            while queue is not None:
                try:
                    heard(*queue.get_nowait())
                except Empty:
                    break
            if result is not None:
                finished(result)


def _run_on_dask(
    jobs: list[tuple[Scenario, int, int, int, bool]],
    *,
    scheduler: str,
    workers: int,
    finished: BatchCallback,
) -> None:
    """Run the batches on a Dask cluster: the same jobs, keyed by batch index.

    Tasks are submitted with ``pure=False`` (never deduplicated by Dask) under a
    key naming the batch, and results are placed by their batch index, never
    by completion order.

    Raises:
        InvalidInputError: Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InvalidInputError.single(
            "--scheduler", "", "running on Dask needs its extra: pip install 'riskSim[dask]'"
        ) from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        raise InvalidInputError.single(
            "--scheduler", "", f"cannot reach the Dask scheduler at {scheduler!r}: {error}"
        ) from None
    run_token = uuid.uuid4().hex[:8]
    try:
        futures = [
            client.submit(_run_one, job, pure=False, key=f"risksim-{run_token}-batch-{job[1]}")
            for job in jobs
        ]
        for future in as_completed(futures):
            finished(future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
