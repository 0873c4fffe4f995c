"""Item rows: stored once per (source, key); an edit updates the row and counts the edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from monitor import domain
from monitor.storage.dialect import insert_ignore
from monitor.storage.models import Item, Source, table_of

ITEM = table_of(Item)
SOURCE = table_of(Source)
_CHUNK = 400


@dataclass(slots=True)
class Stored:
    """What storing one source's items changed: ids of new and of edited items."""

    new: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)


def _row(source_id: int, item: domain.Item, now: datetime, *, read: bool) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "key": item.key,
        "url": item.url,
        "title": item.title,
        "text": item.text,
        "author": item.author,
        "language": item.language,
        "published_at": item.published,
        "published_guessed": item.published_guessed,
        "first_seen_at": now,
        "updated_at": now,
        "content_hash": item.content_hash,
        "edit_count": 0,
        "extra": dict(item.extra) or None,
        "matched_hash": item.content_hash if read else None,
    }


def store(
    conn: Connection,
    source_id: int,
    items: Sequence[domain.Item],
    *,
    now: datetime,
    unread: frozenset[str] = frozenset(),
) -> Stored:
    """Insert new items, update edited ones (same key, new content hash), skip the rest.
    Items whose key is in `unread` (no rule can find anything in them) are stored as read by
    the rules in this version; the others wait for the rules."""
    out = Stored()
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        known = {
            r.key: (r.id, r.content_hash)
            for r in conn.execute(
                select(ITEM.c.key, ITEM.c.id, ITEM.c.content_hash).where(
                    ITEM.c.source_id == source_id, ITEM.c.key.in_([i.key for i in chunk])
                )
            )
        }
        fresh = [_row(source_id, i, now, read=i.key in unread) for i in chunk if i.key not in known]
        if fresh:
            result = conn.execute(insert_ignore(conn, ITEM).returning(ITEM.c.id), fresh)
            out.new.extend(r[0] for r in result)
        for item in chunk:
            found = known.get(item.key)
            if found is None or found[1] == item.content_hash:
                continue
            conn.execute(
                update(ITEM)
                .where(ITEM.c.id == found[0])
                .values(
                    url=item.url,
                    title=item.title,
                    text=item.text,
                    author=item.author,
                    content_hash=item.content_hash,
                    extra=dict(item.extra) or None,
                    updated_at=now,
                    edit_count=ITEM.c.edit_count + 1,
                    # the rules read it again, unless the pre-filter says they would find nothing
                    matched_hash=item.content_hash if item.key in unread else None,
                )
            )
            out.edited.append(found[0])
    return out


def load(conn: Connection, ids: Sequence[int]) -> list[tuple[int, domain.Item, str | None]]:
    """Items by id as domain Items, with the content hash rules last ran on (None: never)."""
    out: list[tuple[int, domain.Item, str | None]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = conn.execute(
            select(ITEM, SOURCE.c.name.label("source_name"))
            .join(SOURCE, SOURCE.c.id == ITEM.c.source_id)
            .where(ITEM.c.id.in_(chunk))
            .order_by(ITEM.c.id)
        )
        out.extend((r.id, to_domain(r._mapping), r.matched_hash) for r in rows)
    return out


def to_domain(r: Any) -> domain.Item:
    return domain.Item(
        source=r["source_name"],
        key=r["key"],
        title=r["title"],
        text=r["text"],
        url=r["url"],
        published=r["published_at"],
        published_guessed=r["published_guessed"],
        language=r["language"],
        author=r["author"],
        extra=r["extra"] or {},
    )


def mark_matched(conn: Connection, matched: Sequence[tuple[int, str]]) -> None:
    """Record the content hash rules last ran on, for many items in one executemany (one
    UPDATE per item cost 2.5 s for the 50,000 items of a first poll of 1,000 feeds)."""
    if not matched:
        return
    stmt = (
        update(ITEM).where(ITEM.c.id == bindparam("item_id")).values(matched_hash=bindparam("hash"))
    )
    conn.execute(stmt, [{"item_id": i, "hash": h} for i, h in matched])


def listing(
    conn: Connection,
    *,
    source: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    query = (
        select(
            ITEM.c.id,
            SOURCE.c.name.label("source"),
            ITEM.c.published_at,
            ITEM.c.title,
            ITEM.c.url,
            ITEM.c.language,
            ITEM.c.edit_count,
            ITEM.c.first_seen_at,
        )
        .join(SOURCE, SOURCE.c.id == ITEM.c.source_id)
        .order_by(ITEM.c.published_at.desc(), ITEM.c.id.desc())
        .limit(limit)
    )
    if source:
        query = query.where(SOURCE.c.name == source)
    if since:
        query = query.where(ITEM.c.published_at >= since)
    return [dict(r._mapping) for r in conn.execute(query)]


def ids_since(conn: Connection, since: datetime | None) -> list[int]:
    query = select(ITEM.c.id).order_by(ITEM.c.published_at, ITEM.c.id)
    if since:
        query = query.where(ITEM.c.published_at >= since)
    return [r[0] for r in conn.execute(query)]


def forget_signals(conn: Connection) -> None:
    """Delete what rules derived (for a backtest inside a transaction that is rolled back)."""
    from monitor.storage.models import Alert, Delivery, Fact, Observation, Story, StoryItem

    for model in (Delivery, Alert, StoryItem, Story, Fact, Observation):
        conn.execute(model.__table__.delete())  # type: ignore[union-attr]
    conn.execute(update(ITEM).values(matched_hash=None))


def mark_all_matched(conn: Connection) -> None:
    """Record every unread item as read in its current version (an empty rule set's answer)."""
    conn.execute(
        update(ITEM).where(ITEM.c.matched_hash.is_(None)).values(matched_hash=ITEM.c.content_hash)
    )


def unmatched_ids(conn: Connection, limit: int) -> list[int]:
    """Items the rules have not read in their current version (new, edited, or left over by a
    run that stopped before matching), oldest first."""
    query = select(ITEM.c.id).where(ITEM.c.matched_hash.is_(None)).order_by(ITEM.c.id).limit(limit)
    return [r[0] for r in conn.execute(query)]
