"""Runners: split replications into fixed-size batches and run them somewhere.

In-process or on a process pool; each batch ``i`` always gets spawn child ``i``
of the seed and a fixed size, and results are keyed by batch index, never by
completion order, so the output is the same whatever the number of workers.
With fewer batches than workers, a batch is split into parts of consecutive
replications that draw exactly what it draws whole, and joined again before
its result is placed. Runners do nothing else: no statistics, no files.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import logging
import multiprocessing
import os
import re
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from functools import partial
from queue import Empty, SimpleQueue
from typing import Any, Protocol

from riskSim.errors import InvalidInputError, RiskSimError
from riskSim.results.records import BatchResult, join_columns
from riskSim.scenario import Scenario
from riskSim.simulation.batch import simulate_batches

__all__ = [
    "BATCH_SIZE",
    "CONNECT_TIMEOUT",
    "ClusterError",
    "WORKERS_TIMEOUT",
    "check_scheduler",
    "ProgressCallback",
    "batch_sizes",
    "default_workers",
    "BatchJob",
    "OrderedMap",
    "calm_signature",
    "ordered_map",
    "plan_jobs",
    "run_jobs",
]

PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when its parent dies."""

BATCH_SIZE = 2500
"""Replications per batch: a constant of the code, so results never depend on the machine.

Large enough that the engine's per-call Python cost is spread over many
replications, small enough that a batch's daily arrays keep a worker under
300 MiB on an eight-channel, two-year scenario; and 2,500 splits the usual
counts (5,000, 10,000, 20,000, 100,000) into whole numbers of batches that 2
and 4 workers share evenly (2,000 made 10,000 five batches: 2 workers ran
three rounds, the last on one core)."""

PART_REPLICATIONS = 500
"""The fewest replications a part of a split batch gets.

A batch is split across cores only when there are fewer jobs than workers
(a small what-if is one batch). Each part pays again what a batch costs
whatever its size (numba's kernel loads in a fresh worker, about 0.3 s, and
the per-post Python of the batch, about 0.35 s on the captures benchmark),
and two parts on two cores run about a fifth slower each than one alone: a
part of 500 replications (about 0.5 s of per-replication work) is where a
split starts to pay by a tenth of a second or more (``make bench``)."""

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


@dataclass(frozen=True)
class BatchJob:
    """One job of a pool: batch ``batch_index`` of one run, or of several that share calm worlds.

    Attributes:
        scenarios: what the batch simulates, one per run it serves.
        runs: the index of each scenario's run (where its result goes).
        batch_index, size, seed, deterministic: the batch, the same for every run.
        columns: only replications ``low .. high - 1`` of the batch (a part of
            it; the parts' results are joined into the batch's), or all.
    """

    scenarios: tuple[Scenario, ...]
    runs: tuple[int, ...]
    batch_index: int
    size: int
    seed: int
    deterministic: bool
    columns: tuple[int, int] | None = None

    @property
    def replications(self) -> int:
        """Replications simulated, over every run the job serves."""
        low, high = (0, self.size) if self.columns is None else self.columns
        return (high - low) * len(self.scenarios)


def _run_one(
    job: BatchJob, progress: Callable[[float], None] | None = None
) -> list[tuple[int, BatchResult]]:
    """The job's results, each with the run it belongs to."""
    results = simulate_batches(
        job.scenarios,
        batch_index=job.batch_index,
        size=job.size,
        seed=job.seed,
        deterministic=job.deterministic,
        progress=progress,
        columns=job.columns,
    )
    return list(zip(job.runs, results, strict=True))


def _run_tagged(tagged: tuple[int, BatchJob]) -> tuple[int, list[tuple[int, BatchResult]]]:
    """Job ``tag``: the tag travels with the results back to the parent.

    In a pool worker set up with a progress queue, the job posts its share of
    work done there, keyed by its tag.
    """
    tag, job = tagged
    progress = None
    if _progress_queue is not None:
        queue = _progress_queue

        def progress(share: float) -> None:
            queue.put((tag, share))

    return tag, _run_one(job, progress)


def calm_signature(scenario: Scenario) -> str:
    """Everything of a scenario its calm worlds can depend on: all but shocks and responses.

    Runs with the same signature, seed and batches compile to the same
    channels (:func:`riskSim.simulation.batch.channels_key` checks it again,
    batch by batch), so their batches can go to one job that plays each calm
    world once.
    """
    data = scenario.model_dump(mode="json", exclude={"shocks", "name", "description"})
    for strategy in data.get("strategies", {}).values():
        strategy.pop("responses", None)
    return json.dumps(data, sort_keys=True, default=str)


def plan_jobs(
    runs: Sequence[tuple[Scenario, Sequence[int], int, bool]], *, workers: int
) -> list[BatchJob]:
    """The jobs of several runs: (scenario, batch sizes, seed, expected-value mode) each.

    Runs that can share calm worlds (same :func:`calm_signature`, seed and
    batches) go to common jobs, batch by batch, split into just enough jobs
    to keep ``workers`` busy: a 16-point sweep of a fee at 1,000 replications
    on 2 workers is 2 jobs of 8 points, each playing one calm world. When
    there are still fewer jobs than workers (a what-if of 1,000 replications
    is one batch), each batch is split into parts by replication (at least
    :data:`PART_REPLICATIONS` each, random mode only), which draw exactly the
    numbers the batch draws whole. The jobs are a function of the runs and
    ``workers`` only; which job plays a replication never changes its numbers.
    """
    families: dict[tuple[object, ...], list[int]] = {}
    for index, (scenario, sizes, seed, deterministic) in enumerate(runs):
        key = (calm_signature(scenario), tuple(sizes), seed, deterministic)
        families.setdefault(key, []).append(index)
    jobs: list[BatchJob] = []
    for (_, sizes, seed, deterministic), members in families.items():
        chunks = min(len(members), max(1, -(-workers // len(sizes))))
        for batch_index, size in enumerate(sizes):
            for chunk in range(chunks):
                low, high = chunk * len(members) // chunks, (chunk + 1) * len(members) // chunks
                part = members[low:high]
                jobs.append(
                    BatchJob(
                        scenarios=tuple(runs[run][0] for run in part),
                        runs=tuple(part),
                        batch_index=batch_index,
                        size=size,
                        seed=seed,
                        deterministic=deterministic,
                    )
                )
    jobs.sort(key=lambda job: (job.batch_index, job.runs[0]))
    if 0 < len(jobs) < workers:
        jobs = [part for job in jobs for part in _parts(job, workers // len(jobs))]
    return jobs


def _parts(job: BatchJob, count: int) -> list[BatchJob]:
    """``job`` split into up to ``count`` parts of consecutive replications."""
    count = min(count, job.size // PART_REPLICATIONS)
    if job.deterministic or count <= 1:
        return [job]
    edges = [part * job.size // count for part in range(count + 1)]
    return [replace(job, columns=(low, high)) for low, high in itertools.pairwise(edges)]


def run_jobs(
    jobs: Sequence[BatchJob],
    *,
    workers: int,
    on_result: Callable[[int, BatchResult], None],
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> None:
    """Run every job on one pool (or cluster), so small runs fill every core.

    A study of many small runs (a sweep's points, a comparison's scenarios) has
    one batch per run: run one after another, they would use one core. Here
    every batch of every run is (part of) one job of the same pool, and each
    result goes back to its run (``on_result(run index, result)``), placed
    there by its batch index, so the bytes never depend on the workers or the order.

    Args:
        jobs: see :func:`plan_jobs`.
        workers: processes (or, with ``scheduler='local'``, Dask workers).
        on_result: receives each batch's run index and result as they arrive.
        progress: called with (replications done, replications in all), also
            within jobs (on Dask, as jobs finish).
        scheduler: a Dask address or 'local'.
    """
    weights = [job.replications for job in jobs]
    total = sum(weights)
    shares = [0.0] * len(jobs)
    finished_jobs: set[int] = set()
    reported = -1

    def report() -> None:
        nonlocal reported
        if progress is None:
            return
        done = int(sum(share * weight for share, weight in zip(shares, weights, strict=True)))
        if done != reported:
            reported = done
            progress(done, total)

    def heard(tag: int, share: float) -> None:
        if tag not in finished_jobs:
            shares[tag] = max(shares[tag], share)
            report()

    parts: dict[tuple[int, int], list[BatchResult]] = {}

    def finished(tag: int, results: list[tuple[int, BatchResult]]) -> None:
        for run, result in results:
            if result.columns is None:
                on_result(run, result)
                continue
            arrived = parts.setdefault((run, result.batch_index), [])
            arrived.append(result)
            if sum(part.size for part in arrived) == jobs[tag].size:
                on_result(run, join_columns(parts.pop((run, result.batch_index))))
        finished_jobs.add(tag)
        shares[tag] = 1.0
        report()

    tagged = list(enumerate(jobs))
    if scheduler is not None:
        report()
        scheduler = check_scheduler(scheduler)
        _run_on_dask(
            tagged,
            scheduler=scheduler,
            workers=workers,
            finished=finished,
            heard=None if progress is None else heard,
        )
        return
    if workers <= 1 or len(tagged) <= 1:
        report()
        for tag, job in tagged:
            listen = None if progress is None else partial(heard, tag)
            finished(tag, _run_one(job, listen))
        return
    # With no more jobs than workers, this process runs the first job itself while
    # the pool runs the rest: one fork fewer, and a job split into parts (a small
    # what-if) starts at once on every core.
    own = tagged[0] if len(tagged) <= workers else None
    pooled = tagged[1:] if own is not None else tagged
    context = _pool_context()
    queue = context.Queue() if progress is not None else None

    def drain() -> None:
        while queue is not None:
            try:
                heard(*queue.get_nowait())
            except Empty:
                break

    with context.Pool(
        len(pooled) if own is not None else min(workers, len(tagged)),
        initializer=_start_worker,
        initargs=(os.getpid(), queue),
    ) as pool:
        report()  # after the workers are forked: a progress bar's thread starts here
        results = pool.imap_unordered(_run_tagged, pooled)
        if own is not None:
            tag, job = own

            def own_progress(share: float, tag: int = tag) -> None:
                heard(tag, share)
                drain()

            finished(tag, _run_one(job, None if progress is None else own_progress))
        while len(finished_jobs) < len(tagged):
            try:
                result = results.next(timeout=PROGRESS_POLL_SECONDS if queue else None)
            except multiprocessing.TimeoutError:
                result = None
            drain()
            if result is not None:
                finished(*result)


JobProgress = Callable[[int, float], None]
"""Receives (job tag, share of the job done) while a Dask job runs."""


def _run_on_worker(
    tagged: tuple[int, BatchJob], topic: str | None
) -> tuple[int, list[tuple[int, BatchResult]]]:
    """One job on a Dask worker; with a ``topic``, its progress goes out as worker events.

    ``Worker.log_event`` sends ``[tag, share]`` through the scheduler to every
    client subscribed to ``topic`` (``Client.subscribe_topic``): the Dask
    counterpart of the pool's progress queue. Progress only observes the
    job, so the result is the same with or without a topic.
    """
    tag, job = tagged
    if topic is None:
        return tag, _run_one(job)
    from distributed import get_worker

    worker = get_worker()

    def progress(share: float) -> None:
        worker.log_event(topic, [tag, share])

    return tag, _run_one(job, progress)


def _run_on_dask(
    tagged: list[tuple[int, BatchJob]],
    *,
    scheduler: str,
    workers: int,
    finished: Callable[[int, list[tuple[int, BatchResult]]], None],
    heard: JobProgress | None = None,
) -> None:
    """Run the jobs on a Dask cluster: the same jobs, results placed by run and batch.

    Tasks are submitted with ``pure=False`` (never deduplicated by Dask) under a
    key naming the job, and results are placed by their batch index, never
    by completion order. With ``heard``, every job reports its share done as
    a worker event on a topic of this run; the client's event thread only puts
    them on a queue, which this thread drains every
    :data:`PROGRESS_POLL_SECONDS` while it waits, so ``heard`` and ``finished``
    are never called at once.

    Raises:
        InvalidInputError: Dask is not installed, or the scheduler cannot be reached.
        ClusterError: no workers came, or the scheduler was lost mid-run.
    """
    from distributed import as_completed

    run_token = uuid.uuid4().hex[:8]
    topic = None if heard is None else f"risksim-{run_token}-progress"
    events: SimpleQueue[tuple[int, float]] = SimpleQueue()
    done = 0

    def drain() -> None:
        while heard is not None and not events.empty():
            heard(*events.get())

    with _dask_client(scheduler, workers) as client, _quiet_dask():
        if topic is not None:
            client.subscribe_topic(topic, lambda event: events.put(tuple(event[1])))
        futures = [
            client.submit(
                _run_on_worker, item, topic, pure=False, key=f"risksim-{run_token}-job-{item[0]}"
            )
            for item in tagged
        ]
        try:
            pending = as_completed(futures)
            while not pending.is_empty():
                ready = pending.next_batch(block=heard is None)
                drain()
                for future in ready:
                    finished(*future.result())
                    done += 1
                if not ready:
                    time.sleep(PROGRESS_POLL_SECONDS)
            if topic is not None:
                client.unsubscribe_topic(topic)
        except (OSError, TimeoutError, CancelledError) as error:
            raise ClusterError(
                f"lost the Dask scheduler at {scheduler} after {done} of {len(tagged)} "
                f"jobs ({type(error).__name__}); nothing was written, earlier outputs "
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
