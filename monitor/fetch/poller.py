"""Fetch and parse many sources at once: one shared client, bounded in flight and per host;
parsing in a process pool (feedparser is the bottleneck on cold cycles) or inline for few bodies.

Input: sources with their stored validators. Output: one `Outcome` per source, never an
exception: a failing source never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, TypeVar

from monitor.domain import Item
from monitor.errors import ConfigError, FetchError, MonitorError, ParseError
from monitor.fetch.client import Fetcher
from monitor.fetch.types import Limits, Response
from monitor.sources import Parsed, SourceBase, Validators

log = logging.getLogger(__name__)

Status = Literal["ok", "not_modified", "unchanged", "error"]
T = TypeVar("T")
INLINE_PARSE_BELOW = 8  # bodies: a pool is not worth starting for fewer
# What one parse worker may allocate above what it holds once started (MB, 0: no bound). A
# feed that needs more (a bomb that got past the caps and the entity neutralising) is that
# source's error, not the machine's memory.
ENV_PARSE_MAX_MEMORY_MB = "MONITOR_PARSE_MAX_MEMORY_MB"
DEFAULT_PARSE_MAX_MEMORY_MB = 1024

# Parsed items → (the items, some with their language detected; keys of those not to read).
# Runs where the items are parsed (a worker), so it must pickle: a bound method of a small object.
Split = Callable[[list[Item]], tuple[list[Item], frozenset[str]]]


@dataclass(slots=True)
class Outcome:
    source: SourceBase
    status: Status
    response: Response | None = None
    parsed: Parsed | None = None
    error: MonitorError | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def transient(self) -> bool:
        return isinstance(self.error, FetchError) and self.error.transient


def parse_memory_mb() -> int:
    """$MONITOR_PARSE_MAX_MEMORY_MB, else the default."""
    raw = os.environ.get(ENV_PARSE_MAX_MEMORY_MB, "").strip()
    if not raw:
        return DEFAULT_PARSE_MAX_MEMORY_MB
    if not raw.isdigit():
        raise ConfigError(f"{ENV_PARSE_MAX_MEMORY_MB}: not a whole number of MB: {raw!r}")
    return int(raw)


def make_pool(
    workers: int | None = None, *, warm: bool = True, memory_mb: int | None = None
) -> Executor:
    """A parse pool. forkserver children are clean: they do not inherit the parent's sockets
    (forked workers would inherit every open connection), so the pool may start while connections are open.

    `warm=True` starts the workers now (the scheduler: not in the middle of its first cycle);
    `warm=False` makes nothing until the first body is submitted, so a cycle of 304s never
    pays for the pool (about 0.6 s of start-up and imports for `monitor poll`).

    Each worker may allocate `memory_mb` (default: `parse_memory_mb()`) above its size at
    start; a parse that needs more ends as that source's ParseError.

    The forkserver stops when the last pool made here shuts down (see `ParsePool`).
    """
    limit = parse_memory_mb() if memory_mb is None else memory_mb
    ctx = multiprocessing.get_context("forkserver")
    # The forkserver imports these once and the workers inherit them. Its default, '__main__',
    # never takes effect for a console script (Python 3.11 looks for a 'main_path' key that
    # the preparation data names 'init_main_from_path'): each worker then imported the whole
    # CLI again on its own, ~0.8 s of CPU and ~100 MB apiece. With `monitor.cli` preloaded,
    # a worker's re-run of the `monitor` script finds it imported already.
    # The parsers (feedparser, monitor.parse.plainfeed) are imported by a command's first
    # parse, not by `monitor.cli`: preloaded here, the workers do not import them each.
    # monitor.prefilter compiles the rules it is told of (Prefilter.preload_in_workers).
    ctx.set_forkserver_preload(
        [
            "monitor.cli",
            "monitor.fetch.poller",
            "feedparser",
            "monitor.parse.plainfeed",
            "monitor.prefilter",
        ]
    )
    n = workers or max(1, (os.cpu_count() or 1))

    def make() -> ParsePool:
        return ParsePool(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(limit,))

    if not warm:
        return OnFirstSubmit(make)
    pool = make()
    list(pool.map(_warm, range(n)))
    return pool


class OnFirstSubmit(Executor):
    """An executor that `make`s its pool when the first task is submitted. A process pool
    builds its queues at once, and their locks start multiprocessing's resource tracker, a
    process of its own: ~16 ms of a cycle of 1,000 304s, which submits nothing."""

    def __init__(self, make: Callable[[], Executor]) -> None:
        self._make = make
        self._pool: Executor | None = None
        self._closed = False
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if self._pool is None:
                self._pool = self._make()
            pool = self._pool
        return pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            pool = self._pool
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class ParsePool(ProcessPoolExecutor):
    """A process pool whose forkserver stops when the last such pool shuts down and has
    waited for its workers. Idle, the forkserver holds what it preloaded (the CLI, feedparser,
    the compiled rules: ~110 MB on a first poll of 1,000 feeds) until the process exits: for
    `monitor poll`, through the whole rules stage, where it made the peak of memory. A pool
    made afterwards starts a new one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        global _open_pools
        super().__init__(*args, **kwargs)
        with _pools_lock:
            _open_pools += 1
        self._open = True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        global _open_pools
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        with _pools_lock:
            if not self._open:
                return
            self._open = False
            _open_pools -= 1
            last = _open_pools == 0
        if last and wait:
            stop_forkserver()


_pools_lock = threading.Lock()
_open_pools = 0  # ParsePools not shut down yet: they may still start workers


def stop_forkserver() -> None:
    """Stop this process's forkserver, if it runs, and wait for it to exit. It exits once
    every process holding its "alive" pipe has closed it: the caller (here) and the workers
    it forked, so call this only when no pool has a worker left.

    Python (3.11 to 3.14) has no public way to do it; `ForkServer._stop()` is the one its own
    tests use: it closes the pipe, waits for the pid and forgets both, so that the next
    process started through the forkserver starts a new one. Where it is missing, the
    forkserver stays until the process exits, as it did before."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is None:
        log.debug("forkserver_kept reason=no_stop_method")
        return
    stop()


def _init_worker(memory_mb: int) -> None:
    global _memory_mb
    # Ctrl-C reaches the whole process group: the parent stops the pool itself, workers must not
    # die mid-parse with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    used = _address_space()
    if memory_mb > 0 and used > 0:
        # Address space, not RSS: the only bound the kernel enforces at allocation time, so the
        # parse sees a MemoryError instead of the machine swapping or the OOM killer choosing.
        # Where it cannot be read (no /proc) or set, the parse runs unbounded, as inline.
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            return
        _memory_mb = memory_mb


_memory_mb = 0  # the bound of this worker, for its error message


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _warm(_: int, prepare: Callable[[], object] | None = None) -> None:
    import feedparser  # noqa: F401

    if prepare is not None:
        prepare()


def start_workers(
    pool: Executor, workers: int | None = None, *, prepare: Callable[[], object] | None = None
) -> None:
    """Start the workers of a pool made with `warm=False` now, without waiting for them, each
    calling `prepare` (compiling the rules for the pre-filter) before the first body arrives.
    It blocks while the forkserver starts (~0.7 s): call it from a thread, not the event loop."""
    for i in range(workers or max(1, (os.cpu_count() or 1))):
        pool.submit(_warm, i, prepare)


def _parse(source: SourceBase, response: Response, now: datetime, split: Split | None) -> Parsed:
    try:
        parsed = source.parse(response, now=now)
    except MemoryError:
        bound = f"the {_memory_mb} MB a parse may use" if _memory_mb else "the memory available"
        raise ParseError(f"reading this feed needs more than {bound}") from None
    if split is None or not parsed.items:
        return parsed
    items, unread = split(parsed.items)
    return replace(parsed, items=items, unread=unread)


_NOTHING_KNOWN = Validators()  # of a source never polled (frozen: one serves them all)


async def collect(
    sources: Sequence[SourceBase],
    validators: dict[str, Validators],
    *,
    now: datetime,
    limits: Limits | None = None,
    pool: Executor | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    split: Split | None = None,
) -> list[Outcome]:
    """Fetch every source concurrently, parse what changed; one Outcome per source, in order.

    With `on_outcome` (which must not raise), each Outcome goes there as soon as it is known
    instead, and the list returned is empty: the caller can store it while other bodies are
    still being fetched and parsed, and nothing holds all the bodies and items at once
    (~150 MB for 1,000 feeds of 50 items).

    With `split`, each body's items go through it where they are parsed (see `Split`).
    """
    loop = asyncio.get_running_loop()
    limits = limits or Limits()
    # At most this many sources between the start of their fetch and the end of their parse:
    # fetched bodies wait for a parse worker in memory (on a first poll of 1,000 feeds, all
    # fetched ahead, that was ~50 MB more at the peak). As many lanes, each taking the next
    # source when its last is done: a task per source, most of them queued at a semaphore,
    # made a cycle of 1,000 304s run 706k instructions a request instead of 609k (callgrind:
    # task and future objects made, woken, and walked by the GC while they waited).
    results: list[Outcome | BaseException | None] = [None] * len(sources)
    queue = iter(enumerate(sources))

    async def lane(fetcher: Fetcher) -> None:
        for i, source in queue:
            try:
                outcome = await fetch_and_parse(source, fetcher)
                if on_outcome is not None:
                    on_outcome(outcome)
                else:
                    results[i] = outcome
            except Exception as exc:
                results[i] = exc  # reported below, once every source is done
            except asyncio.CancelledError as exc:
                results[i] = exc
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # the cycle itself is cancelled
                # Raised by the source itself: raised below once every source is done.

    async def fetch_and_parse(source: SourceBase, fetcher: Fetcher) -> Outcome:
        state = validators.get(source.name, _NOTHING_KNOWN)
        try:
            response = await source.fetch(fetcher, state)
        except FetchError as exc:
            return Outcome(source, "error", error=exc)
        if response.not_modified:
            return Outcome(source, "not_modified", response=response)
        if state.body_hash is not None and response.body_hash == state.body_hash:
            # Servers that ignore conditional GET (court feeds): same bytes, nothing to parse.
            return Outcome(source, "unchanged", response=response)
        try:
            if pool is not None:
                # Submitted from a thread: the first submit to a cold pool waits for the
                # forkserver's start-up, and the event loop must keep fetching meanwhile.
                future = await loop.run_in_executor(
                    None, pool.submit, _parse, source, response, now, split
                )
                parsed = await asyncio.wrap_future(future)
            else:
                parsed = _parse(source, response, now, split)
        except ParseError as exc:
            return Outcome(source, "error", response=response, error=exc)
        except BrokenProcessPool:
            # A worker killed mid-parse (out of memory before Python could raise) takes the
            # pool's other parses with it: each is its source's error, not the cycle's end.
            err = ParseError("the parse worker stopped while reading (out of memory?)")
            return Outcome(source, "error", response=response, error=err)
        return Outcome(
            source, "ok", response=response, parsed=parsed, warnings=list(parsed.warnings)
        )

    lanes = min(limits.max_in_flight, len(sources))
    async with Fetcher(limits) as fetcher:
        await asyncio.gather(*(lane(fetcher) for _ in range(lanes)), return_exceptions=True)
    outcomes: list[Outcome] = []
    for source, result in zip(sources, results, strict=True):
        if isinstance(result, BaseException):
            if not isinstance(result, Exception):
                raise result
            # A bug in a parser must not take the cycle down; it is reported as this source's error.
            log.exception("source failed unexpectedly source=%s", source.name, exc_info=result)
            err = ParseError(f"internal error while reading: {type(result).__name__}: {result}")
            if on_outcome is not None:
                on_outcome(Outcome(source, "error", error=err))
            else:
                outcomes.append(Outcome(source, "error", error=err))
        elif result is not None:
            outcomes.append(result)
    return outcomes
