"""Owner fencing for leased rows (deliveries, digest runs): a worker may only finish a row it
still holds, so a worker whose lease expired and was taken over cannot overwrite the new one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, update


def fenced_update(engine: Engine, table: Table, row_id: int, owner: str, **values: Any) -> bool:
    """Update row `row_id` only while `owner` holds its lease and it is being sent."""
    with engine.begin() as conn:
        res = conn.execute(
            update(table)
            .where(table.c.id == row_id, table.c.lease_owner == owner, table.c.status == "sending")
            .values(**values)
        )
        return res.rowcount == 1
