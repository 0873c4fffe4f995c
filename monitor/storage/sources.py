"""Source rows: created from sources.yaml by name, polled state and health, due list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from monitor.storage import direct
from monitor.storage.dialect import insert_ignore
from monitor.storage.tables import SOURCE, SOURCE_KEYS


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    name: str
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    consecutive_failures: int
    next_check_at: datetime | None


_ROW_COLUMNS = [SOURCE.c[f.name] for f in fields(SourceRow)]  # a SourceRow's, in its order


def sync(
    conn: Connection, configured: Iterable[tuple[str, str, str]], *, now: datetime
) -> dict[str, SourceRow]:
    """Make sure a row exists for each (name, url, kind); a changed URL (or kind) resets the
    validators, the failures and the next check."""
    wanted = list(configured)
    rows = {r.name: r for r in by_names(conn, [n for n, _, _ in wanted])}
    missing = [w for w in wanted if w[0] not in rows]
    if missing:
        # Inserting only the new ones: re-inserting 1,000 known rows cost ~40 ms a cycle.
        conn.execute(
            insert_ignore(conn, SOURCE),
            [
                {
                    "name": n,
                    "url": u,
                    "kind": k,
                    "created_at": now,
                    "consecutive_failures": 0,
                    "health": "ok",
                }
                for n, u, k in missing
            ],
        )
        rows |= {r.name: r for r in by_names(conn, [n for n, _, _ in missing])}
    changed = False
    for name, url, kind in wanted:
        row = rows[name]
        if row.url != url or row.kind != kind:
            changed = True
            conn.execute(
                update(SOURCE)
                .where(SOURCE.c.id == row.id)
                .values(
                    url=url,
                    kind=kind,
                    etag=None,
                    last_modified=None,
                    body_hash=None,
                    # A new address starts afresh: checked at the next tick, not after the
                    # old one's backoff (a corrected URL waited up to 6 h).
                    consecutive_failures=0,
                    next_check_at=None,
                    last_status=None,
                    last_error=None,
                    last_warning=None,
                )
            )
            conn.execute(delete(SOURCE_KEYS).where(SOURCE_KEYS.c.source_id == row.id))
    if not changed:
        return rows
    return {r.name: r for r in by_names(conn, [n for n, _, _ in wanted])}


def by_names(conn: Connection, names: Sequence[str]) -> list[SourceRow]:
    if not names:
        return []
    out: list[SourceRow] = []
    for start in range(0, len(names), 500):
        chunk = list(names[start : start + 500])
        result = conn.execute(select(*_ROW_COLUMNS).where(SOURCE.c.name.in_(chunk)))
        # Fetched at once and by position: row by row and by name took half of the 14 ms
        # that reading 1,000 sources took at every poll.
        out.extend(SourceRow(*r) for r in result.all())
    return out


def record(conn: Connection, source_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(SOURCE).where(SOURCE.c.id == source_id).values(**values))


def last_keys(conn: Connection, source_id: int) -> list[str] | None:
    """The entry keys of the source's last feed (read only when a new body is compared)."""
    found = conn.execute(
        select(SOURCE_KEYS.c["keys"]).where(SOURCE_KEYS.c.source_id == source_id)
    ).scalar()
    return cast("list[str] | None", found)


def remember_keys(conn: Connection, keys: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Replace the entry keys of each source's last feed, (source id, keys) each (`last_keys`
    reads them): one DELETE and one INSERT for all of them."""
    if not keys:
        return
    conn.execute(delete(SOURCE_KEYS).where(SOURCE_KEYS.c.source_id.in_([s for s, _ in keys])))
    conn.execute(insert(SOURCE_KEYS), [{"source_id": s, "keys": list(k)} for s, k in keys])


def record_many(conn: Connection, states: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """`record` for many sources, by set of columns: the values all of them share in one UPDATE
    (a cycle of 304s: status, times of the check), the others in one executemany (the next
    check, jittered). 1,000 sources in ~15 ms; an executemany of every column took ~50 ms."""
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for source_id, values in states:
        groups.setdefault(tuple(sorted(values)), []).append((source_id, values))
    for columns, members in groups.items():
        first = members[0][1]
        shared = [c for c in columns if all(v[c] == first[c] for _, v in members)]
        varying = [c for c in columns if c not in shared]
        ids = [source_id for source_id, _ in members]
        if shared:
            values = {c: first[c] for c in shared}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(update(SOURCE).where(SOURCE.c.id.in_(chunk)).values(values))
        if varying:
            stmt = (
                update(SOURCE)
                .where(SOURCE.c.id == bindparam("v__id"))
                .values({c: bindparam(f"v_{c}", type_=SOURCE.c[c].type) for c in varying})
            )
            rows = [{"v__id": i, **{f"v_{c}": v[c] for c in varying}} for i, v in members]
            conn.execute(stmt, rows)


def health_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every source with its health and item count, for `sources list`, `items list` and
    `status`: one query, on the driver connection beneath `conn` (`monitor.storage.direct`
    runs it without SQLAlchemy for `monitor sources list`)."""
    return direct.health_rows(conn.connection.dbapi_connection)


def claim_due(
    conn: Connection, ids: Sequence[int], *, now: datetime, owner: str, until: datetime
) -> set[int]:
    """Lease the due sources among `ids` to `owner` until `until`; the ids it got.

    With several workers on PostgreSQL, `FOR UPDATE SKIP LOCKED` plus the lease make sure one
    source is checked by one worker at a time (SQLite runs one process and ignores the locks).
    """
    if not ids:
        return set()
    due = (
        select(SOURCE.c.id)
        .where(
            SOURCE.c.id.in_(list(ids)),
            (SOURCE.c.next_check_at.is_(None)) | (SOURCE.c.next_check_at <= now),
            (SOURCE.c.lease_until.is_(None)) | (SOURCE.c.lease_until < now),
        )
        .with_for_update(skip_locked=True)
    )
    result = conn.execute(
        update(SOURCE)
        .where(SOURCE.c.id.in_(due.scalar_subquery()))
        .values(lease_owner=owner, lease_until=until)
        .returning(SOURCE.c.id)
    )
    return {r[0] for r in result}
