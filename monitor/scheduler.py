"""APScheduler wiring only. A few fixed jobs on the in-memory job store (never shared between
processes: APScheduler 3 has no locking, so two processes would each run every job); per-source
schedules live in the `source` table, so the tick just runs a cycle over the sources that are due. Every job is also a CLI command."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor.config.settings import Paths, http_addr, http_token
from monitor.context import Context, prefilter_of
from monitor.deliver import channels as notify
from monitor.errors import MonitorError, StorageError
from monitor.fetch.poller import make_pool
from monitor.pipeline import run_cycle
from monitor.storage.engine import classify, redact
from monitor.web.health import Heartbeat, Probe

if TYPE_CHECKING:
    from monitor.web.app import Running

log = logging.getLogger(__name__)

TICK_SECONDS = int(os.environ.get("MONITOR_TICK_SECONDS", "15"))
DELIVER_SECONDS = 10
DIGEST_SECONDS = 60
START_RETRY_FIRST = 1.0  # seconds between tries for a database not up yet, doubled up to
START_RETRY_MAX = 30  # (a PostgreSQL restart takes seconds; a longer outage needs no hammering)


class DatabaseWatch:
    """The jobs' view of the database: a job that finds it gone (or read-only) is skipped with
    one line for the whole episode, and one more line says when it works again. An outage is
    not a bug: no traceback, and not one line per job per tick."""

    def __init__(self, url: object) -> None:
        self.url = url
        self.problem: StorageError | None = None
        self.since = 0.0
        self.skipped = 0

    def guard(
        self, name: str, job: Callable[[], Awaitable[None]], *, witness: bool = True
    ) -> Callable[[], Awaitable[None]]:
        """`job` with its database errors classified and logged once per episode; a job that
        ran through (and is a `witness`: it always uses the database) ends the episode."""

        async def guarded() -> None:
            try:
                await job()
            except Exception as exc:
                problem = classify(exc, str(self.url))
                if problem is None:
                    raise
                self.failed(name, problem)
                return
            if witness:
                self.worked()

        return guarded

    def failed(self, job: str, problem: StorageError) -> None:
        self.skipped += 1
        if self.problem is not None and self.problem.kind == problem.kind:
            log.debug("database_still_down job=%s error=%s", job, problem)
            return
        self.problem, self.since = problem, time.monotonic()
        log.error(
            "database_down kind=%s job=%s error=%s (jobs wait for it)", problem.kind, job, problem
        )

    def worked(self) -> None:
        if self.problem is None:
            return
        log.info(
            "database_back kind=%s after=%.0fs jobs_skipped=%d",
            self.problem.kind,
            time.monotonic() - self.since,
            self.skipped,
        )
        self.problem, self.skipped = None, 0


class Service:
    """The jobs of `monitor run`, each safe to call at any time."""

    def __init__(self, ctx: Context, pool: Executor | None) -> None:
        self.ctx = ctx
        self.pool = pool
        # What /healthz reads: a tick may run as long as the lease it takes on its sources.
        self.heartbeat = Heartbeat(
            tick_seconds=TICK_SECONDS, stall=ctx.limits.total_timeout * 3 + 60
        )

    async def tick(self) -> None:
        """Check the due sources (an edited sources.yaml applies at the next tick)."""
        self.heartbeat.start()
        try:
            report = await run_cycle(self.ctx, due_only=True, pool=self.pool)
        except StorageError:
            raise  # the DatabaseWatch's
        except MonitorError as exc:
            log.error("cycle failed error=%s", exc)
            return
        finally:
            self.heartbeat.done()
        if report.sources:
            log.info(
                "cycle done sources=%d ok=%d not_modified=%d failed=%d new=%d edited=%d alerts=%d",
                len(report.sources),
                report.count("ok"),
                report.count("not_modified") + report.count("unchanged"),
                len(report.failed),
                len(report.new_item_ids),
                len(report.edited_item_ids),
                report.alerts,
            )


def _job(
    scheduler: AsyncIOScheduler, func: Callable[[], Awaitable[None]], seconds: int, name: str
) -> None:
    scheduler.add_job(
        func,
        "interval",
        seconds=seconds,
        id=name,
        name=name,
        max_instances=1,  # never two cycles at once
        coalesce=True,  # missed runs collapse into one
        misfire_grace_time=seconds * 4,  # the default of 1 s silently drops late runs
        jitter=max(1, seconds // 10),
        next_run_time=datetime.now(UTC),
    )


def settle() -> None:
    """Put what start-up built out of the cyclic GC's sight: the configuration, the compiled
    rules, the web pages and what they imported live until a file changes (the pages, as long
    as the process; a reload drops the old configuration by reference count), and each full
    collection walked all of them again (30-40 ms in the middle of a tick, about one tick in
    ten for 1,000 sources; the GC's share of a tick 14-17 ms before, 8-9 ms after). Garbage
    is collected first: frozen, it would never be freed."""
    gc.collect()
    gc.freeze()


async def _open_when_reachable(paths: Paths, stop: asyncio.Event) -> Context | None:
    """The Context, once the database answers: a database still starting (or down) is waited
    for with backoff, said once; None when asked to stop meanwhile."""
    delay, since = START_RETRY_FIRST, None
    while True:
        try:
            ctx = await asyncio.to_thread(Context.open, paths)
        except StorageError as exc:
            if exc.kind != "unreachable":
                raise
            if since is None:
                since = time.monotonic()
                log.warning(
                    "database_unreachable error=%s (waiting for it, retrying every %d s at most)",
                    exc,
                    START_RETRY_MAX,
                )
            else:
                log.debug("database_still_unreachable error=%s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
                return None
            delay = min(delay * 2, START_RETRY_MAX)
            continue
        if since is not None:
            log.info("database_reachable after=%.0fs", time.monotonic() - since)
        return ctx


async def _serve(paths: Paths) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    prefilter_of(paths).preload_in_workers()  # the workers start with the rules compiled
    pool = make_pool()  # before any connection: workers must not inherit sockets
    try:
        opened = await _open_when_reachable(paths, stop)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    if opened is None:
        pool.shutdown(cancel_futures=True)
        log.info("stopped")
        return
    ctx = opened
    try:
        # Refuse to start on bad configuration; what the first tick needs is then read and
        # compiled once (and kept by the Context until a file changes).
        ctx.sources()
        ctx.ruleset()
        ctx.channels()
    except BaseException:
        pool.shutdown(cancel_futures=True)
        ctx.close()
        raise
    service = Service(ctx, pool)
    try:
        web = await _start_web(ctx, service.heartbeat)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        ctx.close()
        raise
    for line in startup_summary(ctx, web=web):
        log.info("%s", line)
    for source in ctx.sources():
        if source.enabled:
            for warning in source.setup_warnings():
                log.warning("source setup source=%s %s", source.name, warning)
    scheduler = AsyncIOScheduler(timezone=UTC)
    watch = DatabaseWatch(ctx.engine.url)
    for name, (func, seconds) in jobs(ctx, pool, watch, service=service).items():
        _job(scheduler, func, seconds, name)
    settle()
    scheduler.start()
    log.info("monitor running config=%s (Ctrl-C to stop)", paths.root)
    try:
        await stop.wait()
    finally:
        log.info("stopping: waiting for the running jobs to finish")
        # Paused, not shut down yet: no job starts from now on, and the running ones finish.
        # Shutting the scheduler down cancels its running jobs where they stand (a poll
        # half-stored, a message half-sent), each with a traceback.
        scheduler.pause()
        # The pages first: a client's open connection is a task too, and would hold the wait
        # below for its whole timeout.
        if web is not None:
            await web.stop()
        deadline = loop.time() + ctx.limits.total_timeout + 5
        while running := [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
            if loop.time() >= deadline:
                break
            await asyncio.wait(running, timeout=deadline - loop.time())
        scheduler.shutdown(wait=False)
        pool.shutdown(cancel_futures=True)
        ctx.close()
        log.info("stopped")


def startup_summary(ctx: Context, *, web: Running | None = None) -> list[str]:
    """What `monitor run` is about to do, before its first poll: an operator sees at once which
    config, database and channels it uses even when every source then fails."""
    sources = ctx.sources()
    enabled = [s for s in sources if s.enabled]
    kinds = Counter(s.kind for s in enabled)
    ruleset = ctx.ruleset()
    rules = sum(len(f.rules) for f in ruleset.files)
    channels = ctx.channels()
    digest = channels.config.digest
    digest_line = (
        f"digest at {digest.at:%H:%M} {digest.zone} to {len(digest.recipients)} "
        f"recipient{'' if len(digest.recipients) == 1 else 's'}"
        if digest
        else "digest off (set SMTP_HOST and DIGEST_TO, or digest: in notifiers/)"
    )
    return [
        f"starting sources={len(enabled)} enabled of {len(sources)} ("
        + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        + ")",
        f"starting rules={rules} in {len(ruleset.files)} files",
        f"starting notifiers={', '.join(channels.notifiers) or 'none'}; {digest_line}",
        f"starting database={redact(str(ctx.engine.url))}",
        f"starting web={web.url}/ (health {web.url}/healthz, metrics {web.url}/metrics)"
        if web is not None
        else "starting web=off (MONITOR_HTTP_ADDR=off)",
        f"starting poll every {TICK_SECONDS}s for the sources that are due",
    ]


async def _start_web(ctx: Context, heartbeat: Heartbeat) -> Running | None:
    """The web pages in this process (MONITOR_HTTP_ADDR; `off`: none), judged healthy by this
    scheduler's heartbeat."""
    addr = http_addr()
    if addr is None:
        return None
    from monitor.web.app import make_app, start

    token = http_token()
    # The pages speak the readers' language of the alerts (notifiers/, else MONITOR_LANGUAGE).
    language = ctx.channels().config.language or "en"
    app = make_app(
        ctx.engine, Probe(ctx.engine, heartbeat=heartbeat), token=token, language=language
    )
    return await start(app, addr, token=token)


def _extra_jobs(ctx: Context) -> dict[str, tuple[Callable[[], Awaitable[None]], int]]:
    """Delivery (retries and what polls queued) and the daily digest; each is a CLI command
    too (`monitor outbox retry`, `monitor digest send`)."""

    async def deliver() -> None:
        try:
            await notify.deliver_async(ctx.engine, ctx.channels())
        except StorageError:
            raise  # the DatabaseWatch's
        except MonitorError as exc:
            log.error("delivery failed error=%s", exc)

    async def digests() -> None:
        try:
            await notify.send_digests_async(ctx.engine, ctx.channels())
        except StorageError:
            raise  # the DatabaseWatch's
        except MonitorError as exc:
            log.error("digest failed error=%s", exc)

    return {"deliver": (deliver, DELIVER_SECONDS), "digest": (digests, DIGEST_SECONDS)}


def jobs(
    ctx: Context,
    pool: Executor | None,
    watch: DatabaseWatch,
    *,
    service: Service | None = None,
) -> dict[str, tuple[Callable[[], Awaitable[None]], int]]:
    """Every job of `monitor run` by name, guarded by `watch`, with its interval in seconds
    (`service`: the one whose heartbeat the web pages read)."""
    service = service or Service(ctx, pool)
    extra = _extra_jobs(ctx)
    # No digest configured: that job never touches the database, so it cannot vouch for it.
    digest_witness = ctx.channels().config.digest is not None
    return {
        "poll": (watch.guard("poll", service.tick), TICK_SECONDS),
        "deliver": (watch.guard("deliver", extra["deliver"][0]), DELIVER_SECONDS),
        "digest": (
            watch.guard("digest", extra["digest"][0], witness=digest_witness),
            DIGEST_SECONDS,
        ),
    }


def serve(paths: Paths) -> None:
    asyncio.run(_serve(paths))
