"""SQL of the outbox: alerts and their delivery rows, atomic claims with a lease and owner
fencing, and source-health transitions (digest runs: storage/digest_runs.py).

Claims are compare-and-set updates, so two workers never hold the same row: on PostgreSQL
`UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING` under a per-channel
advisory lock (keeps a channel's order across workers); on SQLite the claim runs in
`BEGIN IMMEDIATE` (one writer at a time: SQLite ignores SKIP LOCKED)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, Row, Table, and_, func, or_, select, text, update
from sqlalchemy.sql.elements import ColumnElement

from monitor.storage.dialect import insert_for
from monitor.storage.leases import fenced_update, made_here, owner_gone, renew
from monitor.storage.tables import DELIVERY, SOURCE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OPEN = ("pending", "sending")


def _alerts() -> Table:
    """The alert table, of its SQLModel class: imported (with SQLAlchemy's ORM) where alerts
    are written or read, not by a poll that has nothing to deliver."""
    from monitor.storage.models import Alert, table_of

    return table_of(Alert)


# --- alerts and deliveries (caller's transaction) --------------------------------------------


def insert_alert(session: Session, values: Mapping[str, Any]) -> int | None:
    """INSERT ... ON CONFLICT (dedup_key) DO NOTHING RETURNING id: None when it already exists."""
    dialect = session.get_bind().dialect.name
    alerts = _alerts()
    stmt = (
        insert_for(dialect, alerts)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(alerts.c.id)
    )
    return cast(int | None, session.execute(stmt).scalar_one_or_none())


def insert_deliveries(
    session: Session, alert_id: int, rows: Sequence[tuple[str, int, dict[str, Any]]], now: datetime
) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    values = [
        {
            "alert_id": alert_id,
            "channel": channel,
            "seq": seq,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for channel, seq, payload in rows
    ]
    stmt = (
        insert_for(dialect, DELIVERY)
        .values(values)
        .on_conflict_do_nothing(index_elements=["alert_id", "channel", "seq"])
    )
    session.execute(stmt)


def next_update_seqs(session: Session, alert_id: int) -> dict[str, int]:
    """channel → next seq for a thread update; the alert's seq-0 rows are locked (PostgreSQL) so
    two writers adding updates to one alert take turns instead of colliding on the key."""
    heads = select(DELIVERY.c.id).where(DELIVERY.c.alert_id == alert_id, DELIVERY.c.seq == 0)
    session.execute(heads.with_for_update()).all()
    rows = session.execute(
        select(DELIVERY.c.channel, func.max(DELIVERY.c.seq))
        .where(DELIVERY.c.alert_id == alert_id)
        .group_by(DELIVERY.c.channel)
    ).all()
    return {str(channel): int(seq) + 1 for channel, seq in rows}


# --- claims (own short transactions) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    alert_id: int
    channel: str
    seq: int
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    alert_payload: dict[str, Any]


# The deliveries this process is sending (claimed and not yet finished). A row leased to this
# process but not in here was dropped half-way (the database went away during its send): this
# process takes it back at once instead of waiting out its own lease.
# Keyed by database too: a test process may use several at once, with the same ids.
_sending: set[tuple[str, int]] = set()
_sending_lock = threading.Lock()


def finished(engine: Engine, delivery_id: int) -> None:
    """This process is done with a claimed row (whatever became of it)."""
    with _sending_lock:
        _sending.discard((str(engine.url), delivery_id))


def _dropped(engine: Engine, row: Any) -> bool:
    """A row under a live lease whose holder provably is not sending it."""
    if owner_gone(row.lease_owner):
        return True
    with _sending_lock:
        return made_here(row.lease_owner) and (str(engine.url), row.id) not in _sending


def _lock_key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


@contextmanager
def _writer(engine: Engine, lock: str | None = None) -> Iterator[Connection | None]:
    """A write transaction that holds the lock it needs; yields None when `lock` is taken."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif lock is not None:
            got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _lock_key(lock)})
            if not got.scalar_one():
                conn.rollback()
                yield None
                return
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def claim_channel(
    engine: Engine, channel: str, *, now: datetime, owner: str, lease_until: datetime, limit: int
) -> list[Claimed]:
    """Claim the due head of one channel's queue, in id order (alert before its updates).

    The head stops at the first row that is not due or is being sent under a live lease (by any
    worker, this one included), so a channel is never delivered out of order nor twice at once.
    A lease whose holder provably is not sending the row counts as expired: its owner is gone
    (`owner_gone`: a restarted process takes a killed one's row back at once), or it is this
    process, which dropped the row half-way (the database went away mid-send)."""
    with _writer(engine, f"delivery:{channel}") as conn:
        if conn is None:
            return []
        rows = conn.execute(
            select(
                DELIVERY.c.id,
                DELIVERY.c.status,
                DELIVERY.c.lease_owner,
                DELIVERY.c.lease_until,
                DELIVERY.c.next_attempt_at,
            )
            .where(DELIVERY.c.channel == channel, DELIVERY.c.status.in_(OPEN))
            .order_by(DELIVERY.c.id)
            .limit(limit)
        ).all()
        ids: list[int] = []
        dead: set[int] = set()
        for row in rows:
            # A row being sent under a live lease is not taken again, not even by its own
            # owner (another thread of this process may be sending it right now), unless
            # its holder provably is not sending it.
            leased = row.status == "sending" and row.lease_until > now
            if leased and _dropped(engine, row):
                dead.add(row.id)
                leased = False
            if leased or row.next_attempt_at > now:
                break
            ids.append(row.id)
        if not ids:
            return []
        claimable = (
            select(DELIVERY.c.id)
            .where(
                DELIVERY.c.id.in_(ids),
                or_(
                    DELIVERY.c.status == "pending",
                    and_(
                        DELIVERY.c.status == "sending",
                        or_(DELIVERY.c.lease_until < now, DELIVERY.c.id.in_(dead)),
                    ),
                ),
            )
            .with_for_update(skip_locked=True)
        )
        got = (
            conn.execute(
                update(DELIVERY)
                .where(DELIVERY.c.id.in_(claimable.scalar_subquery()))
                .values(status="sending", lease_owner=owner, lease_until=lease_until)
                .returning(DELIVERY.c.id)
            )
            .scalars()
            .all()
        )
        if not got:
            return []
        with _sending_lock:  # before the claim commits: no other thread can see it unmarked
            _sending.update((str(engine.url), i) for i in got)
        alerts = _alerts()
        full = conn.execute(
            select(DELIVERY, alerts.c.payload.label("alert_payload"))
            .join(alerts, alerts.c.id == DELIVERY.c.alert_id)
            .where(DELIVERY.c.id.in_(got))
            .order_by(DELIVERY.c.id)
        ).all()
    # A gap (a row another worker took in between) ends the head: order over completeness.
    out: list[Claimed] = []
    for pos, r in enumerate(full):
        if r.id != ids[pos]:
            release(engine, [x.id for x in full[pos:]], owner=owner)
            break
        out.append(
            Claimed(
                r.id,
                r.alert_id,
                r.channel,
                r.seq,
                dict(r.payload or {}),
                r.attempts,
                r.created_at,
                dict(r.alert_payload),
            )
        )
    return out


def _fenced(engine: Engine, delivery_id: int, owner: str, **values: Any) -> bool:
    """Update a row only while this owner still holds its lease (owner fencing)."""
    return fenced_update(engine, DELIVERY, delivery_id, owner, **values)


def start_attempt(engine: Engine, delivery_id: int, owner: str, lease_until: datetime) -> bool:
    """Renew the lease and count the attempt just before sending; False: the lease was lost."""
    return _fenced(
        engine, delivery_id, owner, lease_until=lease_until, attempts=DELIVERY.c.attempts + 1
    )


def renew_lease(engine: Engine, delivery_id: int, owner: str, lease_until: datetime) -> bool:
    """Keep the lease while a send is in progress; False: the lease was lost."""
    return renew(engine, DELIVERY, delivery_id, owner, lease_until)


def mark_sent(
    engine: Engine, delivery_id: int, owner: str, *, now: datetime, ref: str | None
) -> bool:
    return _fenced(
        engine,
        delivery_id,
        owner,
        status="sent",
        sent_at=now,
        external_ref=ref,
        last_error=None,
        lease_owner=None,
        lease_until=None,
    )


def mark_retry(engine: Engine, delivery_id: int, owner: str, *, at: datetime, error: str) -> bool:
    return _fenced(
        engine,
        delivery_id,
        owner,
        status="pending",
        next_attempt_at=at,
        last_error=error,
        lease_owner=None,
        lease_until=None,
    )


def mark_final(
    engine: Engine, delivery_id: int, owner: str, *, status: str, error: str | None, now: datetime
) -> bool:
    """`failed` (with the reason) or `skipped` (the channel cannot show it, e.g. no threads)."""
    return _fenced(
        engine,
        delivery_id,
        owner,
        status=status,
        last_error=error,
        sent_at=now,
        lease_owner=None,
        lease_until=None,
    )


def release(engine: Engine, ids: Sequence[int], *, owner: str) -> None:
    """Give claimed rows back untouched (they stay due)."""
    if not ids:
        return
    for delivery_id in ids:
        finished(engine, delivery_id)
    with engine.begin() as conn:
        conn.execute(
            update(DELIVERY)
            .where(
                DELIVERY.c.id.in_(ids),
                DELIVERY.c.lease_owner == owner,
                DELIVERY.c.status == "sending",
            )
            .values(status="pending", lease_owner=None, lease_until=None)
        )


def thread_head(engine: Engine, alert_id: int, channel: str) -> tuple[str, str | None, str | None]:
    """(status, external_ref, last_error) of the alert's own message in a channel."""
    with engine.connect() as conn:
        row = conn.execute(
            select(DELIVERY.c.status, DELIVERY.c.external_ref, DELIVERY.c.last_error).where(
                DELIVERY.c.alert_id == alert_id, DELIVERY.c.channel == channel, DELIVERY.c.seq == 0
            )
        ).first()
    if row is None:
        return ("missing", None, None)
    return (str(row.status), row.external_ref, row.last_error)


def list_deliveries(
    engine: Engine, *, statuses: Sequence[str] | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    alerts = _alerts()
    stmt = (
        select(
            DELIVERY.c.id,
            DELIVERY.c.alert_id,
            DELIVERY.c.channel,
            DELIVERY.c.seq,
            DELIVERY.c.status,
            DELIVERY.c.attempts,
            DELIVERY.c.next_attempt_at,
            DELIVERY.c.last_error,
            DELIVERY.c.external_ref,
            DELIVERY.c.created_at,
            DELIVERY.c.sent_at,
            DELIVERY.c.lease_owner,
            DELIVERY.c.lease_until,
            alerts.c.headline,
            alerts.c.kind,
        )
        .join(alerts, alerts.c.id == DELIVERY.c.alert_id)
        .order_by(DELIVERY.c.id.desc())
        .limit(limit)
    )
    if statuses:
        stmt = stmt.where(DELIVERY.c.status.in_(statuses))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def queue_heads(engine: Engine) -> dict[str, int]:
    """channel → id of the first row still to deliver (the rows after it wait for it)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(DELIVERY.c.channel, func.min(DELIVERY.c.id))
            .where(DELIVERY.c.status.in_(OPEN))
            .group_by(DELIVERY.c.channel)
        ).all()
    return {str(channel): int(head) for channel, head in rows}


def retry(engine: Engine, delivery_id: int | None, *, now: datetime) -> int:
    """Make failed (and waiting) rows due now; one row by id, else every failed or pending one."""
    cond: ColumnElement[bool] = DELIVERY.c.status.in_(("failed", "pending"))
    if delivery_id is not None:
        cond = and_(cond, DELIVERY.c.id == delivery_id)
    with engine.begin() as conn:
        res = conn.execute(
            update(DELIVERY)
            .where(cond)
            .values(status="pending", next_attempt_at=now, lease_owner=None, lease_until=None)
        )
        return int(res.rowcount)


def delivery_status(engine: Engine, delivery_id: int) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(select(DELIVERY.c.status).where(DELIVERY.c.id == delivery_id)).scalar()
    return None if value is None else str(value)


# --- source health ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """What a source's health is decided on (the whole row is only read on a transition)."""

    id: int
    name: str
    health: str | None
    consecutive_failures: int
    last_new_item_at: datetime | None
    created_at: datetime | None


def health_facts(conn: Connection | Session) -> list[HealthFacts]:
    """Every source's health facts: a few columns (the rows hold up to 500 keys of JSON each,
    which cost ~30 ms to read for 1,000 sources at every cycle)."""
    c = SOURCE.c
    query = select(
        c.id, c.name, c.health, c.consecutive_failures, c.last_new_item_at, c.created_at
    ).order_by(c.id)
    return [HealthFacts(*row) for row in conn.execute(query)]


def source_row(session: Session, source_id: int) -> Row[Any] | None:
    """A source's whole row, for the alert of a health transition."""
    return session.execute(select(SOURCE).where(SOURCE.c.id == source_id)).first()


def set_health(session: Session, source_id: int, *, old: str, new: str) -> bool:
    """Compare-and-set the health state: only one worker wins a transition (and alerts)."""
    res = session.execute(
        update(SOURCE).where(SOURCE.c.id == source_id, SOURCE.c.health == old).values(health=new)
    )
    return cast(int, getattr(res, "rowcount", 0)) == 1
