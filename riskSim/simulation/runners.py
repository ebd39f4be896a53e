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
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

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
    "ordered_map",
    "run_batches",
]

PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when its parent dies."""

BATCH_SIZE = 2000
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


BatchCallback = Callable[[BatchResult], None]
"""Receives each batch's result as it arrives (in any order)."""


def _start_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the parent and die quietly with it.

    The parent stops them all at once (SIGTERM from the pool's exit): they
    drop the parent's SIGTERM handler, which a forked worker inherits and
    which would print a traceback. On Linux the kernel also kills a worker
    whose parent dies (even by SIGKILL), so none computes on for nobody.
    """
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


Item = TypeVar("Item")
Output = TypeVar("Output")


@contextlib.contextmanager
def ordered_map(
    workers: int, *, scheduler: str | None = None
) -> Iterator[Callable[[Callable[[Item], Output], Sequence[Item]], list[Any]]]:
    """A ``map`` over ``workers`` processes whose results come back in the items' order.

    For studies that run many small scenarios (an optimizer's trials): one
    pool (or one Dask client, with ``scheduler``) for the whole study, the
    same worker set-up as the batches', and results placed by position, never
    by completion, so the study's outcome does not depend on the workers.
    ``function`` must be picklable (a module-level function).

    Raises:
        InvalidInputError: (``scheduler``) Dask is not installed or unreachable.
    """
    if scheduler is not None:
        with _dask_client(scheduler, workers) as client:
            token = uuid.uuid4().hex[:8]
            calls = 0

            def dask_map(function: Callable[[Item], Output], items: Sequence[Item]) -> list[Any]:
                nonlocal calls
                calls += 1
                futures = [
                    client.submit(function, item, pure=False, key=f"risksim-{token}-{calls}-{i}")
                    for i, item in enumerate(items)
                ]
                return [future.result() for future in futures]

            yield dask_map
        return
    if workers <= 1:
        yield lambda function, items: [function(item) for item in items]
        return
    with _pool_context().Pool(workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        yield lambda function, items: pool.map(function, items, chunksize=1)


@contextlib.contextmanager
def _dask_client(scheduler: str, workers: int) -> Iterator[Any]:
    """A Dask client on ``scheduler`` ('local': a LocalCluster of ``workers``), closed after.

    Raises:
        InvalidInputError: Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
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
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run_one(job: tuple[Scenario, int, int, int, bool]) -> BatchResult:
    scenario, batch_index, size, seed, deterministic = job
    return simulate_batch(
        scenario, batch_index=batch_index, size=size, seed=seed, deterministic=deterministic
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
        progress: called with (batches done, batches in all).
        scheduler: a Dask scheduler address, or 'local' for a LocalCluster.
    """
    total = len(sizes)
    if progress is not None:
        progress(0, total)
    jobs = [(scenario, index, size, seed, deterministic) for index, size in enumerate(sizes)]
    done = 0

    def finished(result: BatchResult) -> None:
        nonlocal done
        on_result(result)
        done += 1
        if progress is not None:
            progress(done, total)

    if scheduler is not None:
        _run_on_dask(jobs, scheduler=scheduler, workers=workers, finished=finished)
        return
    if workers <= 1 or total <= 1:
        for job in jobs:
            finished(_run_one(job))
        return
    with _pool_context().Pool(
        min(workers, total), initializer=_start_worker, initargs=(os.getpid(),)
    ) as pool:
        for result in pool.imap_unordered(_run_one, jobs):
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
