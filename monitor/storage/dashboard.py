"""Read-only queries behind the web pages and /metrics: facts, stories and their reports,
alerts, sources, the outbox, cycles. Input: a connection; output: plain rows. Writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, literal_column, or_, select, text
from sqlalchemy.engine import Connection

from monitor.domain import as_utc
from monitor.storage.models import Alert, Fact, Story, StoryItem, table_of
from monitor.storage.tables import CYCLE, DELIVERY, DIGEST_RUN, ITEM, SOURCE

FACT = table_of(Fact)
STORY = table_of(Story)
STORY_ITEM = table_of(StoryItem)
ALERT = table_of(Alert)

OPEN_DELIVERY = ("pending", "sending", "failed")


def ping(conn: Connection) -> None:
    """Raise when the database does not answer."""
    conn.execute(text("SELECT 1")).scalar_one()


def _dicts(rows: Sequence[Row[Any]] | Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in rows]


# ---------------------------------------------------------------- facts


def claim_facts(conn: Connection) -> list[dict[str, Any]]:
    """The confirmed values of every claim (current and past), oldest confirmation first: the
    claim now, since when and from whom, and its history for the chart."""
    when = func.coalesce(FACT.c.confirmed_at, FACT.c.first_seen_at)
    rows = conn.execute(
        select(FACT)
        .where(FACT.c.subject.like("claim:%"), FACT.c.status.in_(["current", "past"]))
        .order_by(when, FACT.c.id)
    ).all()
    return _dicts(rows)


def facts(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """Every tracked value, newest first (the JSON API)."""
    rows = conn.execute(
        select(FACT)
        .order_by(func.coalesce(FACT.c.confirmed_at, FACT.c.first_seen_at).desc(), FACT.c.id.desc())
        .limit(limit)
    ).all()
    return _dicts(rows)


# ---------------------------------------------------------------- stories


def _story_columns() -> list[Any]:
    return [
        STORY,
        ITEM.c.url.label("first_url"),
        ITEM.c.title.label("first_title"),
        ITEM.c.language.label("first_language"),
        SOURCE.c.name.label("first_source"),
    ]


def _story_select() -> Any:
    return select(*_story_columns()).select_from(
        STORY.outerjoin(ITEM, ITEM.c.id == STORY.c.first_item_id).outerjoin(
            SOURCE, SOURCE.c.id == ITEM.c.source_id
        )
    )


def latest_stories(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """The stories most recently reported, with the first report's link."""
    rows = conn.execute(
        _story_select().order_by(STORY.c.last_seen_at.desc(), STORY.c.id.desc()).limit(limit)
    ).all()
    return _dicts(rows)


def rulings(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """The rulings, newest first."""
    rows = conn.execute(
        _story_select()
        .where(STORY.c.kind == "ruling")
        .order_by(STORY.c.first_seen_at.desc(), STORY.c.id.desc())
        .limit(limit)
    ).all()
    return _dicts(rows)


def story(conn: Connection, story_id: int) -> dict[str, Any] | None:
    row = conn.execute(_story_select().where(STORY.c.id == story_id)).first()
    return dict(row._mapping) if row else None


def story_reports(conn: Connection, story_id: int, *, limit: int) -> list[dict[str, Any]]:
    """Every report of a story (item and source), in the order they were published."""
    rows = conn.execute(
        select(
            ITEM.c.id,
            ITEM.c.title,
            ITEM.c.url,
            ITEM.c.language,
            ITEM.c.author,
            ITEM.c.published_at,
            ITEM.c.first_seen_at,
            ITEM.c.extra,
            SOURCE.c.name.label("source"),
        )
        .select_from(
            STORY_ITEM.join(ITEM, ITEM.c.id == STORY_ITEM.c.item_id).join(
                SOURCE, SOURCE.c.id == ITEM.c.source_id
            )
        )
        .where(STORY_ITEM.c.story_id == story_id)
        .order_by(ITEM.c.published_at, ITEM.c.id)
        .limit(limit)
    ).all()
    return _dicts(rows)


def story_alerts(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(ALERT).where(ALERT.c.story_id == story_id).order_by(ALERT.c.id)
    ).all()
    return _dicts(rows)


def thread(conn: Connection, alert_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The messages of the alerts' threads on every channel: the alert (seq 0), then updates."""
    if not alert_ids:
        return []
    rows = conn.execute(
        select(DELIVERY)
        .where(DELIVERY.c.alert_id.in_(list(alert_ids)))
        .order_by(DELIVERY.c.alert_id, DELIVERY.c.seq, DELIVERY.c.channel)
    ).all()
    return _dicts(rows)


# ---------------------------------------------------------------- alerts, sources, outbox


def alerts(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """The latest alerts, newest first."""
    rows = conn.execute(
        select(ALERT).order_by(ALERT.c.created_at.desc(), ALERT.c.id.desc()).limit(limit)
    ).all()
    return _dicts(rows)


def sources(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            SOURCE.c.id,
            SOURCE.c.name,
            SOURCE.c.url,
            SOURCE.c.kind,
            SOURCE.c.last_checked_at,
            SOURCE.c.last_status,
            SOURCE.c.last_http_status,
            SOURCE.c.last_error,
            SOURCE.c.last_warning,
            SOURCE.c.consecutive_failures,
            SOURCE.c.next_check_at,
            SOURCE.c.health,
        ).order_by(SOURCE.c.name)
    ).all()
    return _dicts(rows)


def outbox(conn: Connection, *, limit: int) -> list[dict[str, Any]]:
    """Deliveries not sent yet or given up, with their alert's headline, newest first."""
    rows = conn.execute(
        select(
            DELIVERY.c.id,
            DELIVERY.c.alert_id,
            DELIVERY.c.channel,
            DELIVERY.c.seq,
            DELIVERY.c.status,
            DELIVERY.c.attempts,
            DELIVERY.c.next_attempt_at,
            DELIVERY.c.last_error,
            DELIVERY.c.created_at,
            ALERT.c.headline,
            ALERT.c.story_id,
        )
        .select_from(DELIVERY.join(ALERT, ALERT.c.id == DELIVERY.c.alert_id))
        .where(DELIVERY.c.status.in_(OPEN_DELIVERY))
        .order_by(DELIVERY.c.id.desc())
        .limit(limit)
    ).all()
    return _dicts(rows)


def deliveries_by_status(conn: Connection) -> list[tuple[str, str, int]]:
    """(channel, status, count) of every delivery."""
    rows = conn.execute(
        select(DELIVERY.c.channel, DELIVERY.c.status, func.count()).group_by(
            DELIVERY.c.channel, DELIVERY.c.status
        )
    ).all()
    return [(str(c), str(s), int(n)) for c, s, n in rows]


# ---------------------------------------------------------------- cycles and the numbers of /metrics


def last_cycle(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(CYCLE).order_by(CYCLE.c.id.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


@dataclass(frozen=True, slots=True)
class CycleTotals:
    """Sums over the cycle table up to row `last_id`. Cycle rows are written once, when their
    cycle ends, so sums over settled rows never change: a scrape adds only the rows written
    since (by primary key) instead of reading a year of cycles again."""

    last_id: int = 0
    count: int = 0
    seconds: float = 0.0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    last_success_at: datetime | None = None

    def plus(self, other: CycleTotals) -> CycleTotals:
        successes = [t for t in (self.last_success_at, other.last_success_at) if t is not None]
        return CycleTotals(
            last_id=max(self.last_id, other.last_id),
            count=self.count + other.count,
            seconds=self.seconds + other.seconds,
            ok=self.ok + other.ok,
            not_modified=self.not_modified + other.not_modified,
            failed=self.failed + other.failed,
            last_success_at=max(successes) if successes else None,
        )


def cycle_totals(
    conn: Connection, settled: CycleTotals, *, settle_before: datetime
) -> tuple[CycleTotals, CycleTotals]:
    """(settled, all): `settled` extended by the rows after it that finished before
    `settle_before`, and the totals over every row. Rows newer than that are counted but not
    settled: on PostgreSQL a row can commit after one with a higher id, and waiting a while
    lets it arrive before the watermark moves past it."""
    if conn.dialect.name == "sqlite":
        duration: Any = (
            func.julianday(CYCLE.c.finished_at) - func.julianday(CYCLE.c.started_at)
        ) * 86400.0
    else:
        duration = func.extract("epoch", CYCLE.c.finished_at - CYCLE.c.started_at)
    old = CYCLE.c.finished_at < settle_before
    # A cycle succeeded when at least one of its sources answered.
    success = or_(CYCLE.c.failed < CYCLE.c.sources, CYCLE.c.sources == 0)
    rows = conn.execute(
        select(
            old.label("old"),
            func.max(CYCLE.c.id),
            func.count(),
            func.sum(duration),
            func.sum(CYCLE.c.ok),
            func.sum(CYCLE.c.not_modified),
            func.sum(CYCLE.c.failed),
            func.max(case((success, CYCLE.c.finished_at))),
        )
        .where(CYCLE.c.id > settled.last_id, CYCLE.c.finished_at.is_not(None))
        # By the output column's name: PostgreSQL sees two different expressions in
        # `finished_at < $1` and `finished_at < $2`.
        .group_by(literal_column("old"))
    ).all()
    parts: dict[bool, CycleTotals] = {}
    for is_old, last_id, count, seconds, ok, not_modified, failed, last_success in rows:
        if isinstance(last_success, str):  # SQLite: max() of a CASE loses the column type
            last_success = datetime.fromisoformat(last_success)
        parts[bool(is_old)] = CycleTotals(
            last_id=int(last_id),
            count=int(count),
            seconds=max(0.0, float(seconds or 0.0)),
            ok=int(ok or 0),
            not_modified=int(not_modified or 0),
            failed=int(failed or 0),
            last_success_at=as_utc(last_success) if last_success is not None else None,
        )
    settled = settled.plus(parts[True]) if True in parts else settled
    return settled, settled.plus(parts[False]) if False in parts else settled


@dataclass(frozen=True, slots=True)
class Numbers:
    """What /metrics reports besides the cycle totals, read at scrape time."""

    last_cycle_seconds: float | None
    sources_by_health: dict[str, int]
    sources_failing: int
    items: int
    items_unmatched: int
    alerts_by_kind: dict[str, int]
    deliveries: list[tuple[str, str, int]]
    digest_runs: dict[str, int]


def numbers(conn: Connection) -> Numbers:
    last = conn.execute(
        select(CYCLE.c.started_at, CYCLE.c.finished_at)
        .where(CYCLE.c.finished_at.is_not(None))
        .order_by(CYCLE.c.id.desc())
        .limit(1)
    ).first()
    health = conn.execute(select(SOURCE.c.health, func.count()).group_by(SOURCE.c.health)).all()
    failing = conn.execute(select(func.count()).where(SOURCE.c.last_status == "error")).scalar_one()
    items = conn.execute(select(func.count()).select_from(ITEM)).scalar_one()
    unmatched = conn.execute(
        select(func.count()).select_from(ITEM).where(ITEM.c.matched_hash.is_(None))
    ).scalar_one()
    by_kind = conn.execute(select(ALERT.c.kind, func.count()).group_by(ALERT.c.kind)).all()
    digests = conn.execute(
        select(DIGEST_RUN.c.status, func.count()).group_by(DIGEST_RUN.c.status)
    ).all()
    return Numbers(
        last_cycle_seconds=max(0.0, (last[1] - last[0]).total_seconds()) if last else None,
        sources_by_health={str(h): int(n) for h, n in health},
        sources_failing=int(failing),
        items=int(items),
        items_unmatched=int(unmatched),
        alerts_by_kind={str(k): int(n) for k, n in by_kind},
        deliveries=deliveries_by_status(conn),
        digest_runs={str(st): int(n) for st, n in digests},
    )
