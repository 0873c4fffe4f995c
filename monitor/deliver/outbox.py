"""The outbox: alerts and their delivery rows written in the caller's transaction, then claimed,
sent in order and marked sent only after the channel accepted them.

Guarantees: a repeated dedup key adds nothing; per channel an alert goes before its thread
updates and alerts go in the order they were raised; a transient failure backs off (with jitter,
never sooner than Retry-After) and holds the channel's queue; a permanent one is kept as `failed`
with its reason; rows are claimed one at a time under a short lease renewed while sending, and a
lease that expired or whose owner is gone (a crashed worker) is claimed again, so a crash between
"sent" and "marked sent" costs at most one duplicate, never a loss."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from monitor.domain import AlertDraft, as_utc
from monitor.errors import NotifyError, StorageError
from monitor.notifiers.base import Message, Notifier, Update
from monitor.storage import notifications as q
from monitor.storage.leases import owner_gone

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from monitor.storage.models import Alert

log = logging.getLogger(__name__)

# Short, and renewed while a send runs: a worker that dies mid-send holds up its channel for
# this long at most (on its own host not at all: its rows are taken back once its pid is gone).
LEASE = timedelta(seconds=30)
BACKOFF_BASE = 15.0  # seconds, doubled per attempt
BACKOFF_CAP = 30 * 60.0
GIVE_UP_AFTER = timedelta(days=2)  # a transient failure this old becomes `failed` (see retry)


def raise_alert(
    session: Session,
    draft: AlertDraft,
    *,
    dedup_key: str,
    story_id: int | None = None,
    channels: Sequence[str],
    now: datetime,
) -> Alert | None:
    """Insert the alert and one pending delivery per channel, in the caller's transaction.

    Returns None (and writes nothing) when an alert with this dedup_key exists."""
    # Here, not at the top: the outbox's deliveries are sent without the ORM (see
    # monitor.storage.tables), and a poll that raises nothing never imports it.
    from monitor.storage.models import Alert

    now = as_utc(now)
    payload = draft.to_json()
    if story_id is not None and payload.get("story_id") is None:
        payload["story_id"] = story_id
    alert_id = q.insert_alert(
        session,
        {
            "dedup_key": dedup_key[:400],
            "story_id": story_id,
            "topic": draft.topic,
            "kind": draft.kind,
            "rule": draft.rule,
            "severity": draft.severity,
            "headline": draft.headline,
            "payload": payload,
            "created_at": now,
        },
    )
    if alert_id is None:
        log.debug("alert_duplicate dedup_key=%s", dedup_key)
        return None
    q.insert_deliveries(session, alert_id, [(c, 0, {}) for c in dict.fromkeys(channels)], now)
    log.info("alert_raised alert=%d kind=%s channels=%s", alert_id, draft.kind, ",".join(channels))
    return session.get(Alert, alert_id)


def add_update(
    session: Session, alert_id: int, update: Mapping[str, Any] | Update, *, now: datetime
) -> None:
    """Queue a thread update ("also reported by ...") on every channel that got the alert.

    `update` is an `Update` or its JSON: {"links": [{"outlet", "title", "url", "language"}],
    "confirmed_by": int, "note": str}."""
    payload = update.to_json() if isinstance(update, Update) else Update.from_json(update).to_json()
    seqs = q.next_update_seqs(session, alert_id)
    q.insert_deliveries(session, alert_id, [(c, s, payload) for c, s in seqs.items()], as_utc(now))


@dataclass(slots=True)
class DeliveryReport:
    """What one `deliver_due` call did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    lost_leases: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"sent={self.sent} retrying={self.retrying} failed={self.failed} skipped={self.skipped}"
        )


def backoff(attempts: int, retry_after: float | None, rng: random.Random | None = None) -> float:
    """Seconds to wait: exponential with "equal jitter", and never less than Retry-After."""
    r = rng or random
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    delay = delay / 2 + r.uniform(0, delay / 2)
    if retry_after is not None:
        delay = max(delay, retry_after + r.uniform(0, min(5.0, retry_after * 0.1 + 1)))
    return float(delay)


def deliver_due(
    engine: Engine,
    channels: Mapping[str, Notifier],
    *,
    now: datetime,
    owner: str,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Send what is due on each channel (up to `limit` rows per channel), oldest first."""
    report = DeliveryReport()
    start = time.monotonic()
    now = as_utc(now)

    def clock() -> datetime:  # `now` as given, advanced by the time this call has taken
        return now + timedelta(seconds=time.monotonic() - start)

    for name in sorted(channels):
        _deliver_channel(engine, name, channels[name], clock, owner, limit, lease, report)
    if report.sent or report.failed or report.retrying:
        log.info("outbox_delivered %s", report)
    return report


def _deliver_channel(
    engine: Engine,
    name: str,
    notifier: Notifier,
    clock: Callable[[], datetime],
    owner: str,
    limit: int,
    lease: timedelta,
    report: DeliveryReport,
) -> None:
    # One row per claim: a worker killed mid-send holds one row, not a batch, so whoever
    # comes next waits for one short lease at most (none when the owner is provably gone).
    for _ in range(limit):
        rows = q.claim_channel(
            engine, name, now=clock(), owner=owner, lease_until=clock() + lease, limit=1
        )
        if not rows:
            return
        try:
            go_on = _deliver_row(engine, name, notifier, rows[0], clock, owner, lease, report)
        finally:
            q.finished(engine, rows[0].id)
        if not go_on:
            return


def _deliver_row(
    engine: Engine,
    name: str,
    notifier: Notifier,
    row: q.Claimed,
    clock: Callable[[], datetime],
    owner: str,
    lease: timedelta,
    report: DeliveryReport,
) -> bool:
    """Send one claimed row; False when the channel's queue must wait."""
    draft = AlertDraft.from_json(row.alert_payload)
    update = Update.from_json(row.payload) if row.seq > 0 else None
    thread_ref = None
    if update is not None:
        if not notifier.supports_threads:
            q.mark_final(
                engine, row.id, owner, status="skipped", now=clock(), error="channel has no threads"
            )
            report.skipped += 1
            return True
        status, thread_ref, head_error = q.thread_head(engine, row.alert_id, name)
        if status in ("failed", "skipped", "missing"):
            q.mark_final(
                engine,
                row.id,
                owner,
                status="failed",
                now=clock(),
                error=f"the alert's own message was not delivered ({head_error})",
            )
            report.failed += 1
            return True
        if status != "sent":  # cannot happen in id order; wait rather than post outside
            q.release(engine, [row.id], owner=owner)
            return False
    if not q.start_attempt(engine, row.id, owner, clock() + lease):
        report.lost_leases += 1
        log.warning("delivery_lease_lost delivery=%d channel=%s", row.id, name)
        return False
    message = Message(row.alert_id, draft, as_utc(row.created_at), update, thread_ref)
    try:
        with _lease_kept(engine, row.id, owner, clock, lease):
            result = notifier.send(message)
    except NotifyError as exc:
        return not _handle_failure(engine, row, name, owner, exc, clock(), report)
    except Exception as exc:  # a bug in a notifier must not lose the alert: retry later
        log.exception("delivery_crashed delivery=%d channel=%s", row.id, name)
        bug = NotifyError(f"internal error: {exc.__class__.__name__}: {exc}", transient=True)
        _handle_failure(engine, row, name, owner, bug, clock(), report, logged=True)
        return False
    if q.mark_sent(engine, row.id, owner, now=clock(), ref=result.external_ref):
        report.sent += 1
        log.info(
            "delivery_sent delivery=%d alert=%d channel=%s seq=%d",
            row.id,
            row.alert_id,
            name,
            row.seq,
        )
    else:  # another worker took the row after our lease ran out: it may send it again
        report.lost_leases += 1
        log.warning("delivery_lease_lost delivery=%d channel=%s after=send", row.id, name)
    return True


@contextmanager
def _lease_kept(
    engine: Engine, delivery_id: int, owner: str, clock: Callable[[], datetime], lease: timedelta
) -> Iterator[None]:
    """Renew the row's lease every third of it while a send runs: the lease stays short (a
    dead worker's row is free again soon) however long a slow channel takes to answer."""
    stop = threading.Event()

    def keep() -> None:
        while not stop.wait(lease.total_seconds() / 3):
            try:
                if not q.renew_lease(engine, delivery_id, owner, clock() + lease):
                    return
            except (SQLAlchemyError, StorageError) as exc:  # the lease runs out; the send goes on
                log.debug("delivery_lease_renew_failed delivery=%d error=%s", delivery_id, exc)

    keeper = threading.Thread(target=keep, name=f"lease-{delivery_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()


def _handle_failure(
    engine: Engine,
    row: q.Claimed,
    channel: str,
    owner: str,
    exc: NotifyError,
    now: datetime,
    report: DeliveryReport,
    *,
    logged: bool = False,
) -> bool:
    """Record a failed send; True when the channel's queue must wait (transient)."""
    reason = str(exc)[:1000]
    attempts = row.attempts + 1
    too_old = now - as_utc(row.created_at) > GIVE_UP_AFTER
    if exc.transient and not too_old:
        delay = backoff(attempts, exc.retry_after)
        q.mark_retry(engine, row.id, owner, at=now + timedelta(seconds=delay), error=reason)
        report.retrying += 1
        if not logged:
            log.warning(
                "delivery_retry delivery=%d channel=%s attempt=%d in=%.0fs error=%s",
                row.id,
                channel,
                attempts,
                delay,
                reason,
            )
        return True
    if too_old:
        reason = f"gave up after {attempts} attempts: {reason}"
    q.mark_final(engine, row.id, owner, status="failed", error=reason, now=now)
    report.failed += 1
    report.errors.append(f"delivery {row.id} ({channel}): {reason}")
    log.error("delivery_failed delivery=%d channel=%s error=%s", row.id, channel, reason)
    return False


def list_deliveries(
    engine: Engine,
    *,
    statuses: Sequence[str] | None = None,
    limit: int = 200,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Newest first: id, alert_id, channel, seq, status, attempts, next_attempt_at, last_error,
    external_ref, created_at, sent_at, lease_owner, lease_until, owner_gone, headline, kind, and
    `waiting`: why a row still to deliver waits (None for the others)."""
    rows = q.list_deliveries(engine, statuses=statuses, limit=limit)
    heads = q.queue_heads(engine) if any(r["status"] in q.OPEN for r in rows) else {}
    at = as_utc(now or datetime.now(UTC))
    for r in rows:
        r["owner_gone"] = r["status"] == "sending" and owner_gone(r["lease_owner"])
        r["waiting"] = _waiting(r, heads.get(r["channel"]), at)
    return rows


def _waiting(row: Mapping[str, Any], head: int | None, now: datetime) -> str | None:
    """Why a pending or sending row has not been delivered yet, in a few words."""
    if row["status"] == "sending":
        until = as_utc(row["lease_until"]) if row["lease_until"] is not None else None
        if row["owner_gone"]:
            return "being sent by a process that is gone (owner gone): the next run takes it back"
        if until is None or until <= now:
            return "its sender's lease ran out: the next run takes it again"
        return f"being sent, lease until {until:%Y-%m-%d %H:%M:%S} UTC"
    if row["status"] != "pending":
        return None
    due = as_utc(row["next_attempt_at"])
    if due > now:
        return f"retry at {due:%Y-%m-%d %H:%M:%S} UTC (in {_span(due - now)})"
    if head is not None and head < row["id"]:
        return f"due; waits for delivery {head} (a channel delivers in order)"
    return "due: the next delivery run sends it"


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def retry(engine: Engine, delivery_id: int | None = None, *, now: datetime | None = None) -> int:
    """Make a failed or waiting delivery (or all of them) due now; returns how many."""
    return q.retry(engine, delivery_id, now=as_utc(now or datetime.now(UTC)))
