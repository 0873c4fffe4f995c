"""The numbers behind `monitor status`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from monitor.storage.models import Alert, Cycle, Delivery, Item, Source

SOURCE = Source.__table__  # type: ignore[attr-defined]
ITEM = Item.__table__  # type: ignore[attr-defined]
CYCLE = Cycle.__table__  # type: ignore[attr-defined]
ALERT = Alert.__table__  # type: ignore[attr-defined]
DELIVERY = Delivery.__table__  # type: ignore[attr-defined]


def summary(conn: Connection) -> dict[str, Any]:
    now = datetime.now(UTC)
    failing = [
        r[0]
        for r in conn.execute(
            select(SOURCE.c.name).where(SOURCE.c.last_status == "error").order_by(SOURCE.c.name)
        )
    ]
    ok = conn.execute(
        select(func.count()).where(SOURCE.c.last_status.in_(["ok", "not_modified"]))
    ).scalar_one()
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
    }
