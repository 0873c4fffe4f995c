"""The numbers behind `monitor status`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from monitor.parse.textnorm import RULE_LANGUAGES
from monitor.storage.models import Alert, Cycle, Delivery, Item, Source, table_of

SOURCE = table_of(Source)
ITEM = table_of(Item)
CYCLE = table_of(Cycle)
ALERT = table_of(Alert)
DELIVERY = table_of(Delivery)


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
