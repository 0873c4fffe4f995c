"""Leased rows (deliveries, digest runs): who holds one (an owner `host:pid:token`), whether
that owner is provably gone, and owner fencing: a worker may only finish a row it still holds,
so a worker whose lease expired and was taken over cannot overwrite the new one."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Types only: `Context` takes its owner id from here, and a command that never writes a
    # lease (`monitor sources list`) need not import SQLAlchemy for it.
    from sqlalchemy import Engine, Table

_made_here: set[str] = set()  # the owners this process made (see owner_gone)


def _host() -> str:
    return socket.gethostname()[:60]


def make_owner() -> str:
    """A lease owner unique to this process: `host:pid:token`."""
    owner = f"{_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    _made_here.add(owner)
    return owner


def made_here(owner: str | None) -> bool:
    """Whether this process made `owner` (its own leases)."""
    return owner in _made_here


def owner_gone(owner: str | None) -> bool:
    """True only when the owner is provably dead: it ran on this host and its pid is not
    running, or its pid is this process's but this process did not make it (a restarted
    container's PID 1). Anything else (another host, a pid in use) waits out the lease."""
    if not owner:
        return False
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid <= 0 or pid >= 2**31:  # kill(0) and kill(-1) would mean process groups
        return False
    if pid == os.getpid():
        return owner not in _made_here
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: alive, another user's
        return False
    return False


def fenced_update(engine: Engine, table: Table, row_id: int, owner: str, **values: Any) -> bool:
    """Update row `row_id` only while `owner` holds its lease and it is being sent."""
    with engine.begin() as conn:
        res = conn.execute(
            table.update()
            .where(table.c.id == row_id, table.c.lease_owner == owner, table.c.status == "sending")
            .values(**values)
        )
        return res.rowcount == 1


def renew(engine: Engine, table: Table, row_id: int, owner: str, until: datetime) -> bool:
    """Extend a held lease (a send still in progress); False: the lease was lost."""
    return fenced_update(engine, table, row_id, owner, lease_until=until)
