"""APScheduler wiring only. A few fixed jobs on the in-memory job store (never shared between
processes: APScheduler 3 has no locking, so two processes would each run every job); per-source schedules live in the `source` table, so the
tick just runs a cycle over the sources that are due. Every job is also a CLI command."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor.config.settings import Paths
from monitor.context import Context, prefilter_of
from monitor.deliver import channels as notify
from monitor.errors import MonitorError
from monitor.fetch.poller import make_pool
from monitor.pipeline import run_cycle

log = logging.getLogger(__name__)

TICK_SECONDS = int(os.environ.get("MONITOR_TICK_SECONDS", "15"))
DELIVER_SECONDS = 10
DIGEST_SECONDS = 60


class Service:
    """The jobs of `monitor run`, each safe to call at any time."""

    def __init__(self, ctx: Context, pool: Executor | None) -> None:
        self.ctx = ctx
        self.pool = pool

    async def tick(self) -> None:
        """Check the due sources (an edited sources.yaml applies at the next tick)."""
        try:
            report = await run_cycle(self.ctx, due_only=True, pool=self.pool)
        except MonitorError as exc:
            log.error("cycle failed error=%s", exc)
            return
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


async def _serve(paths: Paths) -> None:
    prefilter_of(paths).preload_in_workers()  # the workers start with the rules compiled
    pool = make_pool()  # before any connection: workers must not inherit sockets
    ctx = Context.open(paths)
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
    extra = _extra_jobs(ctx)
    scheduler = AsyncIOScheduler(timezone=UTC)
    _job(scheduler, service.tick, TICK_SECONDS, "poll")
    for name, (func, seconds) in extra.items():
        _job(scheduler, func, seconds, name)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    scheduler.start()
    log.info("monitor running config=%s (Ctrl-C to stop)", paths.root)
    try:
        await stop.wait()
    finally:
        log.info("stopping: waiting for the running jobs to finish")
        scheduler.shutdown(wait=False)
        running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if running:
            await asyncio.wait(running, timeout=ctx.limits.total_timeout + 5)
        pool.shutdown(cancel_futures=True)
        ctx.close()
        log.info("stopped")


def _extra_jobs(ctx: Context) -> dict[str, tuple[Callable[[], Awaitable[None]], int]]:
    """Delivery (retries and what polls queued) and the daily digest; each is a CLI command
    too (`monitor outbox retry`, `monitor digest send`)."""

    async def deliver() -> None:
        try:
            await notify.deliver_async(ctx.engine, ctx.channels())
        except MonitorError as exc:
            log.error("delivery failed error=%s", exc)

    async def digests() -> None:
        try:
            await notify.send_digests_async(ctx.engine, ctx.channels())
        except MonitorError as exc:
            log.error("digest failed error=%s", exc)

    return {"deliver": (deliver, DELIVER_SECONDS), "digest": (digests, DIGEST_SECONDS)}


def serve(paths: Paths) -> None:
    asyncio.run(_serve(paths))
