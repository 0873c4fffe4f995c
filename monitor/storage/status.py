"""The numbers behind `monitor status`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from monitor.errors import StorageError
from monitor.parse.textnorm import RULE_LANGUAGES
from monitor.storage.engine import SQLITE_BUSY_MS
from monitor.storage.models import Alert, table_of
from monitor.storage.tables import CYCLE, DELIVERY, ITEM, SOURCE

ALERT = table_of(Alert)


def write_problem(engine: Engine) -> StorageError | None:
    """Why the database would refuse a write, or None: a read-only SQLite file still answers
    every read, so a status made of reads alone would say all is well. The probe writes
    nothing (rolled back) and waits for no other writer (busy means writable)."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA busy_timeout=200")
        try:
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
        except StorageError as exc:
            return exc
        except OperationalError:  # locked by a writer: writable
            return None
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    return None


def summary(conn: Connection, *, names: Collection[str] | None = None) -> dict[str, Any]:
    """With `names` (the sources configured now), sources removed from sources.yaml, whose rows
    stay for their items, are not counted as ok or failing."""
    now = datetime.now(UTC)
    rows = [
        (name, status)
        for name, status in conn.execute(
            select(SOURCE.c.name, SOURCE.c.last_status).order_by(SOURCE.c.name)
        )
        if names is None or name in names
    ]
    failing = [name for name, status in rows if status == "error"]
    ok = sum(1 for _, status in rows if status in ("ok", "not_modified"))
    items = conn.execute(select(func.count()).select_from(ITEM)).scalar_one()
    items_24h = conn.execute(
        select(func.count()).where(ITEM.c.first_seen_at >= now - timedelta(hours=24))
    ).scalar_one()
    last = conn.execute(select(CYCLE).order_by(CYCLE.c.id.desc()).limit(1)).first()
    alerts = conn.execute(select(func.count()).select_from(ALERT)).scalar_one()
    pending = conn.execute(
        select(func.count()).where(DELIVERY.c.status.in_(["pending", "sending"]))
    ).scalar_one()
    failed = conn.execute(select(func.count()).where(DELIVERY.c.status == "failed")).scalar_one()
    by_language: dict[str | None, int] = {
        lang: n
        for lang, n in conn.execute(select(ITEM.c.language, func.count()).group_by(ITEM.c.language))
    }
    return {
        "sources_ok": ok,
        "sources_failing": len(failing),
        "failing": failing,
        "items": items,
        "items_24h": items_24h,
        "last_cycle": dict(last._mapping) if last else None,
        "alerts": alerts,
        "deliveries_pending": pending,
        "deliveries_failed": failed,
        "unread_languages": {
            str(lang): n
            for lang, n in sorted(by_language.items(), key=lambda kv: -kv[1])
            if lang and lang not in RULE_LANGUAGES
        },
    }
