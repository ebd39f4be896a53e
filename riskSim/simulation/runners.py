"""Runners: split replications into fixed-size batches and run them somewhere.

In-process or on a process pool; each batch ``i`` always gets spawn child ``i``
of the seed and a fixed size, and results are keyed by batch index, never by
completion order, so the output is the same whatever the number of workers.
Runners do nothing else: no statistics, no files.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import re
import signal
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager, suppress
from functools import partial
from queue import Empty
from typing import Any, Protocol

from riskSim.errors import InvalidInputError, RiskSimError
from riskSim.results.records import BatchResult
from riskSim.scenario import Scenario
from riskSim.simulation.batch import simulate_batch

__all__ = [
    "BATCH_SIZE",
    "CONNECT_TIMEOUT",
    "ClusterError",
    "WORKERS_TIMEOUT",
    "check_scheduler",
    "BatchCallback",
    "ProgressCallback",
    "batch_sizes",
    "default_workers",
    "BatchJob",
    "OrderedMap",
    "batch_jobs",
    "ordered_map",
    "run_batches",
    "run_many_batches",
]

PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when its parent dies."""

BATCH_SIZE = 2000
"""Replications per batch: a constant of the code, so results never depend on the machine."""

CONNECT_TIMEOUT = 10.0
"""Seconds to reach a Dask scheduler (a port that accepts and never speaks included)."""
WORKERS_TIMEOUT = 60.0
"""Seconds a reachable scheduler may take to have at least one worker."""
_ADDRESS = re.compile(r"(tcp|tls)://([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})")


class ClusterError(RiskSimError):
    """The Dask cluster failed the run (no workers, scheduler lost): exit code 1."""


def check_scheduler(address: str) -> str:
    """The scheduler address to use: 'local' (any case), or ``tcp|tls://host:port``.

    Raises:
        InvalidInputError: (source ``--scheduler``) anything else.
    """
    if address.lower() == "local":
        return "local"
    match = _ADDRESS.fullmatch(address)
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        shown = address if len(address) <= 80 else address[:77] + "..."
        raise InvalidInputError.single(
            "--scheduler",
            "",
            f"{shown!r} is not a scheduler address: give 'local' (a cluster on this machine) "
            "or tcp://HOST:PORT / tls://HOST:PORT with a port from 1 to 65535, "
            "e.g. tcp://127.0.0.1:8786",
        )
    return address


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


class OrderedMap(Protocol):
    """What :func:`ordered_map` yields: ``map(function, items)``, results in the items' order.

    ``on_result(position, output)``, when given, hears each output as soon as
    it and every one before it are done (in the items' order), so a caller can
    report progress while the rest still run.
    """

    def __call__(
        self,
        function: Callable[[Any], Any],
        items: Sequence[Any],
        *,
        on_result: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """The outputs of ``function`` over ``items``, in the items' order."""
        ...


def _mapper(outputs: Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]) -> OrderedMap:
    """An :class:`OrderedMap` over ``outputs(function, items)``, yielded in the items' order."""

    def mapped(
        function: Callable[[Any], Any],
        items: Sequence[Any],
        *,
        on_result: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        collected = []
        for position, output in enumerate(outputs(function, items)):
            if on_result is not None:
                on_result(position, output)
            collected.append(output)
        return collected

    return mapped


@contextmanager
def ordered_map(workers: int, *, scheduler: str | None = None) -> Iterator[OrderedMap]:
    """A ``map`` over ``workers`` processes whose results come back in the items' order.

    For studies that run many small scenarios (an optimizer's trials) or
    render many results (``risksim charts``): one pool (or one Dask client,
    with ``scheduler``) for the whole study, the same worker set-up as the
    batches', and results placed by position, never by completion, so the
    study's outcome does not depend on the workers. ``function`` must be
    picklable (a module-level function). See :class:`OrderedMap`.

    Raises:
        InvalidInputError: (``scheduler``) Dask is not installed or unreachable.
    """
    if scheduler is not None:
        with _dask_client(check_scheduler(scheduler), workers) as client:
            token = uuid.uuid4().hex[:8]
            calls = 0

            def on_dask(function: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
                nonlocal calls
                calls += 1
                futures = [
                    client.submit(function, item, pure=False, key=f"risksim-{token}-{calls}-{i}")
                    for i, item in enumerate(items)
                ]  # every item submitted before the first result is awaited
                return (future.result() for future in futures)

            yield _mapper(on_dask)
        return
    if workers <= 1:
        yield _mapper(lambda function, items: (function(item) for item in items))
        return
    with _pool_context().Pool(workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        yield _mapper(lambda function, items: pool.imap(function, items, chunksize=1))


BatchJob = tuple[Scenario, int, int, int, bool]
"""What one batch needs: (scenario, batch index, size, root seed, expected-value mode)."""


def _run_one(job: BatchJob, progress: Callable[[float], None] | None = None) -> BatchResult:
    scenario, batch_index, size, seed, deterministic = job
    return simulate_batch(
        scenario,
        batch_index=batch_index,
        size=size,
        seed=seed,
        deterministic=deterministic,
        progress=progress,
    )


def _run_tagged(tagged: tuple[int, BatchJob]) -> tuple[int, BatchResult]:
    """One batch of run ``tag``: the tag travels with the result back to its run.

    In a pool worker set up with a progress queue, the batch posts its share
    of work done there, keyed by (run, batch).
    """
    tag, job = tagged
    progress = None
    if _progress_queue is not None:
        queue, key = _progress_queue, (tag, job[1])

        def progress(share: float) -> None:
            queue.put((key, share))

    return tag, _run_one(job, progress)


def batch_jobs(
    scenario: Scenario, *, sizes: Sequence[int], seed: int, deterministic: bool
) -> list[BatchJob]:
    """The batches of one run, in batch order."""
    return [(scenario, index, size, seed, deterministic) for index, size in enumerate(sizes)]


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
    jobs = batch_jobs(scenario, sizes=sizes, seed=seed, deterministic=deterministic)
    run_many_batches(
        [jobs],
        workers=workers,
        on_result=lambda _run, result: on_result(result),
        progress=progress,
        scheduler=scheduler,
    )


def run_many_batches(
    runs: Sequence[Sequence[BatchJob]],
    *,
    workers: int,
    on_result: Callable[[int, BatchResult], None],
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> None:
    """Run the batches of several runs on one pool, so small runs fill every core.

    A study of many small runs (a sweep's points, a comparison's scenarios) has
    one batch per run: run one after another, they would use one core. Here
    every batch of every run is one job of the same pool, and each result goes
    back to its run (``on_result(run index, result)``), placed there by its
    batch index, so the bytes never depend on the workers or the order.

    Args:
        runs: per run, its batches (see :func:`batch_jobs`).
        workers: processes (or, with ``scheduler='local'``, Dask workers).
        on_result: receives each batch's run index and result as they arrive.
        progress: called with (replications done, replications in all), also
            within batches (on Dask, as batches finish).
        scheduler: a Dask address or 'local': each run's batches go to the
            cluster in turn.
    """
    tagged = [(tag, job) for tag, jobs in enumerate(runs) for job in jobs]
    sizes = {(tag, job[1]): job[2] for tag, job in tagged}
    total = sum(sizes.values())
    shares = dict.fromkeys(sizes, 0.0)
    finished_batches: set[tuple[int, int]] = set()
    reported = -1

    def report() -> None:
        nonlocal reported
        if progress is None:
            return
        done = int(sum(shares[key] * size for key, size in sizes.items()))
        if done != reported:
            reported = done
            progress(done, total)

    def heard(key: tuple[int, int], share: float) -> None:
        if key not in finished_batches:
            shares[key] = max(shares[key], share)
            report()

    def finished(tag: int, result: BatchResult) -> None:
        on_result(tag, result)
        key = (tag, result.batch_index)
        finished_batches.add(key)
        shares[key] = 1.0
        report()

    report()
    if scheduler is not None:
        scheduler = check_scheduler(scheduler)
        for tag, jobs in enumerate(runs):
            _run_on_dask(
                list(jobs),
                scheduler=scheduler,
                workers=workers,
                finished=lambda result, tag=tag: finished(tag, result),
            )
        return
    if workers <= 1 or len(tagged) <= 1:
        for tag, job in tagged:
            listen = None if progress is None else partial(heard, (tag, job[1]))
            finished(tag, _run_one(job, listen))
        return
    context = _pool_context()
    queue = context.Queue() if progress is not None else None
    with context.Pool(
        min(workers, len(tagged)), initializer=_start_worker, initargs=(os.getpid(), queue)
    ) as pool:
        results = pool.imap_unordered(_run_tagged, tagged)
        while len(finished_batches) < len(tagged):
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
                finished(*result)


def _run_on_dask(
    jobs: list[BatchJob],
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
        ClusterError: no workers came, or the scheduler was lost mid-run.
    """
    from distributed import as_completed

    run_token = uuid.uuid4().hex[:8]
    done = 0
    with _dask_client(scheduler, workers) as client, _quiet_dask():
        futures = [
            client.submit(_run_one, job, pure=False, key=f"risksim-{run_token}-batch-{job[1]}")
            for job in jobs
        ]
        try:
            for future in as_completed(futures):
                finished(future.result())
                done += 1
        except (OSError, TimeoutError, CancelledError) as error:
            raise ClusterError(
                f"lost the Dask scheduler at {scheduler} after {done} of {len(jobs)} "
                f"batches ({type(error).__name__}); nothing was written, earlier outputs "
                "are intact"
            ) from None


@contextmanager
def _dask_client(scheduler: str, workers: int) -> Iterator[Any]:
    """A client of a checked ``scheduler`` ('local': a LocalCluster of ``workers``) with a worker.

    One place for what every use of Dask needs: the extra installed, the
    scheduler reachable within :data:`CONNECT_TIMEOUT` and speaking, at least
    one worker within :data:`WORKERS_TIMEOUT`, no dashboard, Dask's own logs
    silenced, and the client (and cluster) closed after.

    Raises:
        InvalidInputError: Dask is not installed, or the scheduler cannot be reached.
        ClusterError: no workers came.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InvalidInputError.single(
            "--scheduler", "", "running on Dask needs its extra: pip install 'riskSim[dask]'"
        ) from None
    cluster = None
    try:
        with _quiet_dask():
            if scheduler == "local":
                import dask

                # The scheduler's HTTP server always listens (8787 when no address is
                # given): keep it on a free loopback port, with no routes and no dashboard.
                with dask.config.set({"distributed.scheduler.http.routes": []}):
                    cluster = LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    )
                client = Client(cluster)
            else:
                _probe(scheduler)
                client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError, ValueError, TypeError) as error:  # tls:// with no certificates
        if cluster is not None:
            cluster.close()
        raise InvalidInputError.single(
            "--scheduler",
            "",
            f"cannot reach the Dask scheduler at {scheduler!r} within {CONNECT_TIMEOUT:g} s: "
            f"{' '.join(str(error).split())[:200]}",
        ) from None
    try:
        with _quiet_dask():
            try:
                client.wait_for_workers(n_workers=1, timeout=WORKERS_TIMEOUT)
            except TimeoutError:
                raise ClusterError(
                    f"the Dask scheduler at {scheduler} has no workers after "
                    f"{WORKERS_TIMEOUT:g} s; start some (dask worker {scheduler}) or use "
                    "--scheduler local"
                ) from None
        yield client
    finally:
        with _quiet_dask(), suppress(Exception):
            client.close(timeout=2)
        if cluster is not None:
            with _quiet_dask(), suppress(Exception):
                cluster.close(timeout=5)


def _probe(address: str) -> None:
    """Reach the scheduler's port and, over plain TCP, hear its first bytes.

    distributed's ``Client`` waits forever on a port that accepts and never
    speaks, whatever its timeout; a Dask scheduler greets every connection at
    once, so silence within :data:`CONNECT_TIMEOUT` means it is not one.

    Raises:
        OSError, TimeoutError: unreachable, or silent.
    """
    match = _ADDRESS.fullmatch(address)
    assert match is not None  # check_scheduler ran
    scheme, host, port = match.group(1), match.group(2).strip("[]"), int(match.group(3))
    with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT) as connection:
        if scheme == "tcp":
            connection.settimeout(CONNECT_TIMEOUT)
            try:
                greeting = connection.recv(1)
            except TimeoutError:
                raise TimeoutError(
                    "it accepted the connection but never answered (is it a Dask scheduler?)"
                ) from None
            if not greeting:
                raise ConnectionError("it closed the connection (is it a Dask scheduler?)")


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask logs tracebacks of its own when a scheduler goes away; the run reports it once."""
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if name.split(".")[0] in ("distributed", "tornado", "asyncio")
    ]
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio", *names)]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
