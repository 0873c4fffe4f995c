"""One polling cycle, top to bottom:

    sources.yaml → due sources → fetch + parse (concurrent) → store items and source health
    → rules → facts and stories → alerts into the outbox (same transaction) → deliver.

Every scheduled job is also a command (`monitor poll` runs exactly this).
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert

from monitor.context import Context
from monitor.deliver import channels as notify
from monitor.errors import ConfigError, FetchError
from monitor.fetch.backoff import next_check
from monitor.fetch.poller import INLINE_PARSE_BELOW, Outcome, collect, make_pool, start_workers
from monitor.sources import SourceBase, Validators
from monitor.storage import items as item_store
from monitor.storage import sources as source_store
from monitor.storage.tables import CYCLE

if TYPE_CHECKING:
    from monitor.developments.matching import Route

log = logging.getLogger(__name__)
STORE_BATCH = 16  # sources per transaction at most while the cycle runs
BACKLOG_BATCH = 5_000  # items read by the rules per round (bounds memory on a first poll)


@dataclass(slots=True)
class SourceReport:
    name: str
    status: str
    new_ids: list[int] = field(default_factory=list)
    edited_ids: list[int] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    next_check_at: datetime | None = None


@dataclass(slots=True)
class CycleReport:
    started_at: datetime
    finished_at: datetime | None = None
    sources: list[SourceReport] = field(default_factory=list)
    new_item_ids: list[int] = field(default_factory=list)
    edited_item_ids: list[int] = field(default_factory=list)
    alerts: int = 0
    waiting: list[str] = field(default_factory=list)  # rulings waiting for a second outlet

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.status == "error"]

    def count(self, status: str) -> int:
        return sum(1 for s in self.sources if s.status == status)

    def all_failed_hint(self) -> str | None:
        """One line when every source checked failed: a reader of the log cannot otherwise tell
        a machine cut off from the network from a few broken feeds."""
        failed = self.failed
        if not failed or len(failed) != len(self.sources):
            return None
        unreachable = all(_unreachable(s.error) for s in failed)
        retry = min((s.next_check_at for s in failed if s.next_check_at), default=None)
        line = f"every source failed ({len(failed)} of {len(self.sources)})"
        if unreachable:
            line += ": is this machine offline, or is DNS failing?"
        if retry is not None:
            line += f" (next check {retry.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
        return line


# What the fetcher says when no connection could be made at all (no route, no DNS, timeouts).
_UNREACHABLE = (
    "connection error",
    "timeout",
    "name or service not known",
    "temporary failure in name resolution",
    "cannot connect",
)


def _unreachable(error: str | None) -> bool:
    text = (error or "").lower()
    return any(marker in text for marker in _UNREACHABLE)


def select_sources(sources: Sequence[SourceBase], names: Sequence[str] | None) -> list[SourceBase]:
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise ConfigError(f"no source named '{missing[0]}' in sources.yaml")
    return [by_name[n] for n in names]


async def run_cycle(
    ctx: Context,
    *,
    names: Sequence[str] | None = None,
    due_only: bool = False,
    now: datetime | None = None,
    pool: Executor | None = None,
    log_failures: bool = True,
) -> CycleReport:
    """Check the chosen sources once; store what is new; raise and deliver alerts. With
    `log_failures` false the caller prints the failures itself (`monitor poll`)."""
    now = now or datetime.now(UTC)
    report = CycleReport(started_at=now)
    configured = ctx.sources()
    sources = select_sources(configured, names)
    channels = ctx.channels()
    with ctx.engine.begin() as conn:
        rows = source_store.sync(conn, [(s.name, s.url, s.kind) for s in sources], now=now)
    if due_only:
        lease = now + timedelta(seconds=ctx.limits.total_timeout * 3 + 60)
        with ctx.engine.begin() as conn:
            mine = source_store.claim_due(
                conn, [rows[s.name].id for s in sources], now=now, owner=ctx.owner, until=lease
            )
        sources = [s for s in sources if rows[s.name].id in mine]
    if not sources:
        report.finished_at = datetime.now(UTC)
        return report

    validators = {
        name: Validators(r.etag, r.last_modified, r.body_hash) for name, r in rows.items()
    }
    # Each outcome is stored as soon as it is known, while other bodies are still being fetched
    # and parsed (stored afterwards, the 50,000 new items of a first poll of 1,000 feeds added
    # 2 s); what arrived meanwhile shares one transaction (a commit per source cost 2 s more),
    # up to STORE_BATCH sources: the event loop, which also feeds the parse pool, waits meanwhile.
    # A source's items and its state are in the same transaction: a crash keeps both or neither.
    # Sources without items (304, unchanged, failed) only update their row, in one batch at the
    # end (one transaction per source cost 0.2 s of a cycle of 1,000 304s on SQLite).
    # Outcomes with items to store; RULES_READY when the rules compiled beside the fetches are
    # ready to read what was stored meanwhile; None after the last outcome.
    arrived: asyncio.Queue[Outcome | _Signal | None] = asyncio.Queue()
    stored: dict[str, SourceReport] = {}
    quiet: list[tuple[int, dict[str, object]]] = []

    def on_outcome(outcome: Outcome) -> None:
        if outcome.parsed is not None:
            arrived.put_nowait(outcome)
            return
        # No items: the state is noted now and written with the others at the end (waking
        # the storer for each of 1,000 304s cost ~15 ms).
        row = rows[outcome.source.name]
        sr, state = _store_outcome(None, outcome, row, now)
        quiet.append((row.id, state))
        stored[outcome.source.name] = sr

    async def store_as_they_come() -> None:
        finished = False
        while not finished:
            batch = [await arrived.get()]
            while not arrived.empty() and len(batch) < STORE_BATCH:
                batch.append(arrived.get_nowait())
            finished = batch[-1] is None
            with_items = [outcome for outcome in batch if isinstance(outcome, Outcome)]
            if with_items:
                store(with_items)
            if rules_ahead is not None and (with_items or RULES_READY in batch):
                report.alerts += rules_ahead.read(channels, now=now, waiting=report.waiting)

    def store(with_items: list[Outcome]) -> None:
        with ctx.engine.begin() as conn:
            # The batch's items in one pass, then each source's report and state; the
            # states and keys written together too (statements per source cost more than
            # their rows on a first poll).
            results = item_store.store(
                conn,
                [
                    (rows[o.source.name].id, o.parsed.items, o.parsed.unread)
                    for o in with_items
                    if o.parsed is not None  # always: only those arrive here
                ],
                now=now,
            )
            states: list[tuple[int, dict[str, object]]] = []
            keys: list[tuple[int, list[str]]] = []
            for outcome, items in zip(with_items, results, strict=True):
                row = rows[outcome.source.name]
                sr, state = _store_outcome(conn, outcome, row, now, stored=items, keys=keys)
                states.append((row.id, state))
                stored[outcome.source.name] = sr
            source_store.remember_keys(conn, keys)
            source_store.record_many(conn, states)

    # Where items are parsed, the topic pre-filter picks those the rules will read: only their
    # language is detected, and the others are stored as read (the rules pass never loads them).
    prefilter = ctx.prefilter()
    own_pool = None
    # With a parse pool, the rules read each batch as soon as it is stored, while later bodies
    # are still being fetched and parsed: this process mostly waits for the workers then, and
    # reading everything after the last body (~500 items of a first poll of 1,000 feeds) added
    # ~3 s after the fetching had ended. Parsed here instead, the pre-filter compiles the rules
    # in this thread: reading them at the end costs nothing more.
    rules_ahead = None
    if pool is not None or len(sources) >= INLINE_PARSE_BELOW:
        rules_ahead = _RulesAhead(ctx, when_ready=lambda: arrived.put_nowait(RULES_READY))
    storer = asyncio.create_task(store_as_they_come())
    if pool is None and len(sources) >= INLINE_PARSE_BELOW:
        # Started by the first changed body (a cycle of 304s never pays for it), or right away,
        # beside the first fetches, when some source was never read: its body will be parsed.
        prefilter.preload_in_workers()
        pool = own_pool = make_pool(warm=False)
        if any(validators[s.name] == Validators() for s in sources):
            # Each worker compiles the rules while the first bodies are being fetched.
            start = functools.partial(start_workers, own_pool, prepare=prefilter.ruleset)
            starting = asyncio.get_running_loop().run_in_executor(None, start)
            starting.add_done_callback(lambda f: f.exception())  # a broken pool shows later
    try:
        await collect(
            sources,
            validators,
            now=now,
            limits=ctx.limits,
            pool=pool,
            on_outcome=on_outcome,
            split=prefilter.split,
        )
    finally:
        arrived.put_nowait(None)
        try:
            await storer
        finally:
            if own_pool is not None:
                own_pool.shutdown(cancel_futures=True)
    with ctx.engine.begin() as conn:
        source_store.record_many(conn, quiet)
    for source in sources:  # in the order of sources.yaml, whatever the order of arrival
        sr = stored[source.name]
        report.sources.append(sr)
        report.new_item_ids.extend(sr.new_ids)
        report.edited_item_ids.extend(sr.edited_ids)
    if log_failures:
        for sr in report.sources:
            if sr.status == "error":
                log.warning("source failed source=%s error=%s", sr.name, sr.error)
        hint = report.all_failed_hint()
        if hint:
            log.warning("cycle failed everywhere: %s", hint)

    if rules_ahead is not None:
        await rules_ahead.settled()
    channels = ctx.channels()
    # rules → observations → facts and stories → alerts in the outbox (developments.matching):
    # what no batch read yet (all of it when the rules were not compiled in time, or items left
    # unread by a run that stopped between storing and matching)
    report.alerts += match_backlog(
        ctx,
        route=channels.route,
        now=now,
        language=channels.config.language,
        waiting=report.waiting,
    )
    # source health → "down", "silent" and "recovered" alerts (deliver.health)
    silence = {s.name: s.expected_silence for s in configured}
    report.alerts += len(notify.check_health(ctx.engine, channels, now=now, silence=silence))
    # the outbox → the channels (deliver.outbox)
    await notify.deliver_async(ctx.engine, channels)
    return _finish(ctx, report)


class _Signal(enum.Enum):
    RULES_READY = "rules ready"


RULES_READY = _Signal.RULES_READY


class _RulesAhead:
    """The rule set compiled in a thread beside the fetches (its imports and compilation, ~0.3 s
    on a first poll), so that storing goes on meanwhile and the batches stored after it are
    read at once. A rules folder that does not load is not this class's to report: the cycle's
    last reading of the backlog compiles it again and raises the error there, as without it."""

    def __init__(self, ctx: Context, *, when_ready: Callable[[], None]) -> None:
        self._ctx = ctx
        self._when_ready = when_ready
        self._compiling: asyncio.Future[object] | None = None

    def read(self, channels: notify.Channels, *, now: datetime, waiting: list[str]) -> int:
        """Read what the rules have not read yet if they are compiled (starting to compile them
        when something waits for them); the number of alerts raised."""
        if self._compiling is None:
            with self._ctx.engine.connect() as conn:
                if not item_store.unmatched_ids(conn, 1):
                    return 0  # all stored as read by the pre-filter: no rules needed yet
            loop = asyncio.get_running_loop()
            self._compiling = loop.run_in_executor(None, self._ctx.ruleset)
            self._compiling.add_done_callback(self._compiled)
        if not self._compiling.done() or self._compiling.exception() is not None:
            return 0
        return match_backlog(
            self._ctx,
            route=channels.route,
            now=now,
            language=channels.config.language,
            waiting=waiting,
        )

    def _compiled(self, future: asyncio.Future[object]) -> None:
        # On the event loop's thread. A failure is retrieved here (the last reading of the
        # backlog reports it); the storer is woken to read what was stored meanwhile.
        if not future.cancelled() and future.exception() is None:
            self._when_ready()

    async def settled(self) -> None:
        """Wait for a compilation under way (not to compile twice at once); never raises."""
        if self._compiling is not None:
            await asyncio.wait([self._compiling])


def match_backlog(
    ctx: Context,
    *,
    route: Route,
    now: datetime,
    language: str = "en",
    waiting: list[str] | None = None,
) -> int:
    """Run the rules over every item they have not read yet: this cycle's new and edited
    items, and any left by a run that stopped between storing and matching. The rule set is
    only compiled when there is something to read (a cycle of 304s never pays for it).
    Rulings still waiting for a second outlet are added to `waiting`."""
    alerts = 0
    ruleset = None
    while True:
        with ctx.engine.connect() as conn:
            ids = item_store.unmatched_ids(conn, BACKLOG_BATCH)
        if not ids:
            return alerts
        ruleset = ruleset or ctx.ruleset()
        if not ruleset.files:
            # No rules (a plain archive): nothing can be found, and building the rules' view
            # of the 50,000 items of a first poll only to find nothing cost ~8 s.
            with ctx.engine.begin() as conn:
                item_store.mark_all_matched(conn)
            return alerts
        # Facts, stories and their wording (rapidfuzz...): imported once there is an item to read.
        from monitor.developments import matching

        found = matching.process(
            ctx.engine, ids, ruleset=ruleset, route=route, now=now, language=language
        )
        alerts += len(found.alerts)
        if waiting is not None:
            waiting.extend(found.waiting)
        if len(ids) < BACKLOG_BATCH:
            return alerts


def _store_outcome(
    conn: Connection | None,
    outcome: Outcome,
    row: source_store.SourceRow,
    now: datetime,
    *,
    stored: item_store.Stored | None = None,
    keys: list[tuple[int, list[str]]] | None = None,
) -> tuple[SourceReport, dict[str, object]]:
    """The report and the source's new state, which the caller records in the same
    transaction. With items: what storing them did (`stored`; `conn` to compare the feed's
    keys with the last ones), and the feed's keys appended to `keys` for the caller to write."""
    source = outcome.source
    resp = outcome.response
    state: dict[str, object] = {
        "last_checked_at": now,
        "lease_owner": None,
        "lease_until": None,
        "last_http_status": resp.status if resp else getattr(outcome.error, "status", None),
    }
    sr = SourceReport(name=source.name, status=outcome.status, warnings=list(outcome.warnings))
    if outcome.status == "error":
        err = outcome.error
        failures = row.consecutive_failures + 1
        retry_after = err.retry_after if isinstance(err, FetchError) else None
        sr.error = str(err)
        sr.next_check_at = next_check(
            now,
            source.interval,
            failures=failures,
            retry_after=retry_after,
            permanent=not outcome.transient,
        )
        state |= {
            "last_status": "error",
            "last_error": sr.error,
            "consecutive_failures": failures,
            "next_check_at": sr.next_check_at,
        }
        return sr, state
    state |= {
        "last_status": "ok" if outcome.status == "ok" else "not_modified",
        "last_error": None,
        "consecutive_failures": 0,
        "last_success_at": now,
        "next_check_at": next_check(now, source.interval),
    }
    if resp is not None:
        # Written only when they change (a 304 usually repeats them): the same values for
        # every source are then written in one UPDATE.
        if resp.etag and resp.etag != row.etag:
            state["etag"] = resp.etag
        if resp.last_modified and resp.last_modified != row.last_modified:
            state["last_modified"] = resp.last_modified
    if outcome.parsed is not None and resp is not None:
        assert conn is not None, "items are stored inside the caller's transaction"
        parsed = outcome.parsed
        # Docket kinds give the keys of the whole feed (before `cases`): overlap is judged on it.
        feed_keys = list(getattr(parsed, "entry_keys", None) or [i.key for i in parsed.items])
        overlap = getattr(source, "overlap_warning", None)
        if callable(overlap):
            warning = overlap(source_store.last_keys(conn, row.id), parsed)
            if warning:
                sr.warnings.append(warning)
        assert stored is not None and keys is not None, "the caller stored the items"
        sr.new_ids, sr.edited_ids = stored.new, stored.edited
        keys.append((row.id, feed_keys[:500]))
        state["body_hash"] = resp.body_hash
        if stored.new:
            state["last_new_item_at"] = now
    state["last_warning"] = "; ".join(sr.warnings) or None
    return sr, state


def _finish(ctx: Context, report: CycleReport) -> CycleReport:
    report.finished_at = datetime.now(UTC)
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(CYCLE).values(
                started_at=report.started_at,
                finished_at=report.finished_at,
                sources=len(report.sources),
                ok=report.count("ok"),
                not_modified=report.count("not_modified") + report.count("unchanged"),
                failed=len(report.failed),
                new_items=len(report.new_item_ids),
                updated_items=len(report.edited_item_ids),
                alerts=report.alerts,
            )
        )
    return report
