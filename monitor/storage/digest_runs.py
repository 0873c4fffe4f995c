"""SQL of the daily digest's runs: one row per (day, recipient), inserted if absent and claimed
by a compare-and-set with a lease, so a digest goes out once whatever runs at the same time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Engine, and_, or_, select, update

from monitor.storage.dialect import insert_for
from monitor.storage.leases import fenced_update
from monitor.storage.tables import DIGEST_RUN


def ensure_digest_run(engine: Engine, day: date, recipient: str, *, now: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert_for(conn.dialect.name, DIGEST_RUN)
            .values(
                day=day,
                recipient=recipient,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["day", "recipient"])
        )


def claim_digest_run(
    engine: Engine, day: date, recipient: str, *, now: datetime, owner: str, lease_until: datetime
) -> int | None:
    """Compare-and-set: exactly one worker turns a due run into `sending` (PostgreSQL re-checks
    the WHERE on the locked row; SQLite runs one writer at a time)."""
    with engine.begin() as conn:
        return cast(
            int | None,
            conn.execute(
                update(DIGEST_RUN)
                .where(
                    DIGEST_RUN.c.day == day,
                    DIGEST_RUN.c.recipient == recipient,
                    or_(
                        and_(
                            DIGEST_RUN.c.status.in_(("pending", "failed")),
                            DIGEST_RUN.c.next_attempt_at <= now,
                        ),
                        and_(DIGEST_RUN.c.status == "sending", DIGEST_RUN.c.lease_until < now),
                    ),
                )
                .values(
                    status="sending",
                    lease_owner=owner,
                    lease_until=lease_until,
                    attempts=DIGEST_RUN.c.attempts + 1,
                )
                .returning(DIGEST_RUN.c.id)
            ).scalar_one_or_none(),
        )


def reopen_failed_digest(engine: Engine, day: date, recipient: str, *, now: datetime) -> None:
    """An explicit `digest send --day` retries a failed run at once (never a sent one)."""
    with engine.begin() as conn:
        conn.execute(
            update(DIGEST_RUN)
            .where(
                DIGEST_RUN.c.day == day,
                DIGEST_RUN.c.recipient == recipient,
                DIGEST_RUN.c.status == "failed",
            )
            .values(status="pending", next_attempt_at=now)
        )


def finish_digest_run(engine: Engine, run_id: int, owner: str, **values: Any) -> bool:
    return fenced_update(
        engine, DIGEST_RUN, run_id, owner, lease_owner=None, lease_until=None, **values
    )


def digest_runs(
    engine: Engine, recipient: str | None = None, since: date | None = None
) -> list[dict[str, Any]]:
    stmt = select(DIGEST_RUN).order_by(DIGEST_RUN.c.day, DIGEST_RUN.c.recipient)
    if recipient is not None:
        stmt = stmt.where(DIGEST_RUN.c.recipient == recipient)
    if since is not None:
        stmt = stmt.where(DIGEST_RUN.c.day >= since)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]
