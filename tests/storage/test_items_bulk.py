"""New items are inserted with values rendered once and handed to the driver: the rows must be
the ones SQLAlchemy's own INSERT writes, byte for byte, and read back the same through Core."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from monitor.domain import Item
from monitor.errors import StorageError
from monitor.storage import bulk
from monitor.storage import items as item_store
from monitor.storage import sources as source_store
from monitor.storage.tables import ITEM

NOW = datetime(2026, 12, 4, 21, 5, 7, 123456, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))

ITEMS = [
    Item(
        source="s",
        key="guid-1",
        title="Musk v. OpenAI: l'audience est reportée ✓",
        text="Le juge a dit « non » ; 100 % des demandes, %s et %(x)s et ? restent.",
        url="https://example.com/a?b=1&c=%20",
        published=datetime(2026, 12, 3, 23, 30, 1, 5, tzinfo=PARIS),
        published_guessed=True,
        language="fr",
        author="Anne O'Hara",
        extra={"case": "4:24-cv-04722", "entry": 12, "nested": {"ok": [1, 2.5, None, True]}},
    ),
    Item(
        source="s",
        key="guid-2",
        title="Plain",
        text="",
        url=None,
        published=datetime(2026, 12, 4, 8, tzinfo=UTC),
    ),
    Item(
        source="s",
        key="https://example.com/unread",
        title="Read by no rule",
        text='"quoted" \\ back\nslash',
        url="https://example.com/unread",
        published=datetime(1999, 1, 2, 3, 4, 5, 999999, tzinfo=UTC),
        author=None,
        language="en",
        extra={"empty": {}},
    ),
]
UNREAD = frozenset({"https://example.com/unread"})
COLUMNS = [c.name for c in item_store.ITEM.columns if c.name not in ("id", "source_id")]


def _expected(item: Item) -> dict[str, Any]:
    """An item's row as the storage writes it (its id and source apart)."""
    return {
        "key": item.key,
        "url": item.url,
        "title": item.title,
        "text": item.text,
        "author": item.author,
        "language": item.language,
        "published_at": item.published,
        "published_guessed": item.published_guessed,
        "first_seen_at": NOW,
        "updated_at": NOW,
        "content_hash": item.content_hash,
        "edit_count": 0,
        "extra": dict(item.extra) or None,
        "matched_hash": item.content_hash if item.key in UNREAD else None,
    }


def _reference_insert(conn: Connection, source_id: int) -> None:
    """The items as SQLAlchemy's own INSERT writes them (what `store` did before)."""
    conn.execute(
        insert(item_store.ITEM), [{"source_id": source_id, **_expected(item)} for item in ITEMS]
    )


def _raw(conn: Connection, source_id: int) -> list[tuple[Any, ...]]:
    """What the database holds, as the driver returns it (SQLite: the stored text)."""
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in COLUMNS)
    placeholder = "?" if conn.dialect.name == "sqlite" else "%s"
    sql = f"SELECT {cols} FROM item WHERE source_id = {placeholder} ORDER BY id"
    return [tuple(r) for r in conn.exec_driver_sql(sql, (source_id,))]


def test_new_items_are_stored_as_sqlalchemy_stores_them(engine: Engine) -> None:
    with engine.begin() as conn:
        rows = source_store.sync(
            conn,
            [("ours", "http://a.example/f", "rss"), ("ref", "http://b.example/f", "rss")],
            now=NOW,
        )
        ours, ref = rows["ours"].id, rows["ref"].id
        stored = item_store.store(conn, [(ours, ITEMS, UNREAD)], now=NOW)
        _reference_insert(conn, ref)
    assert len(stored[0].new) == len(ITEMS)

    with engine.connect() as conn:
        assert _raw(conn, ours) == _raw(conn, ref)
        if conn.dialect.name == "sqlite":  # the text SQLAlchemy writes, not only equal values
            first = dict(zip(COLUMNS, _raw(conn, ours)[0], strict=True))
            assert first["published_at"] == "2026-12-03 22:30:01.000005"
            assert first["first_seen_at"] == "2026-12-04 21:05:07.123456"
            assert _raw(conn, ours)[1][COLUMNS.index("extra")] == "null"

    with engine.connect() as conn:
        read = {
            source_id: [
                {c: getattr(row, c) for c in COLUMNS}
                for row in conn.execute(
                    select(ITEM).where(ITEM.c.source_id == source_id).order_by(ITEM.c.id)
                )
            ]
            for source_id in (ours, ref)
        }
    assert read[ours] == read[ref]
    for row, item in zip(read[ours], ITEMS, strict=True):
        assert row == _expected(item)
        assert row["published_at"].tzinfo == UTC


def test_known_keys_are_found_however_many_statements_it_takes(engine: Engine) -> None:
    with engine.begin() as conn:
        rows = source_store.sync(
            conn, [(f"s{i}", f"http://{i}.example/f", "rss") for i in range(3)], now=NOW
        )
        ids = [rows[f"s{i}"].id for i in range(3)]
        batch = [(sid, [_numbered(sid, n) for n in range(40)], frozenset[str]()) for sid in ids]
        if conn.dialect.name == "sqlite":
            # 40 parameters a statement (SQLite's limit is a setting of the connection): a few
            # rows an INSERT, a few keys a look-up
            conn.connection.driver_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 40)
            assert bulk.param_limit(conn) == 40
        first = item_store.store(conn, batch, now=NOW)
        assert [len(s.new) for s in first] == [40, 40, 40]
        wanted = [(sid, item.key) for sid, items, _ in batch for item in items]
        wanted.append((ids[0], "k-of-none"))  # a key no source has
        found = list(
            bulk.lookup_pairs(conn, item_store.ITEM, ("source_id", "key"), wanted, ("id",))
        )
        assert sorted(r[2] for r in found) == sorted(i for s in first for i in s.new)
        # all known: nothing new, nothing edited; one edit is found among them
        edited = [*batch[1][1][:-1], _numbered(ids[1], 39, title="edited")]
        again = item_store.store(conn, [batch[0], (ids[1], edited, frozenset()), batch[2]], now=NOW)
        assert [s.new for s in again] == [[], [], []]
        assert [s.edited for s in again] == [[], [first[1].new[-1]], []]


def _numbered(source_id: int, n: int, *, title: str = "") -> Item:
    return Item(
        source=f"s{source_id}",
        key=f"k{n}",
        title=title or f"t{n}",
        text="",
        url=None,
        published=NOW,
    )


@pytest.mark.parametrize("limit", [3, 2])
def test_a_statement_never_binds_more_parameters_than_allowed(limit: int) -> None:
    pairs = [(s, f"k{k}") for s in range(5) for k in range(4)]
    chunks = list(bulk._chunks(pairs, limit))
    assert all(len(a) + len(b) <= limit for a, b in chunks)
    covered = {(a, b) for firsts, seconds in chunks for a in firsts for b in seconds}
    assert set(pairs) <= covered


def test_a_rejected_row_raises_as_sqlalchemy_raises_it(engine: Engine) -> None:
    unknown_source = 999_999
    with pytest.raises(IntegrityError), engine.begin() as conn:
        item_store.store(conn, [(unknown_source, ITEMS[:1], frozenset())], now=NOW)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_connection_lost_while_inserting_is_a_storage_error(engine: Engine) -> None:
    # PostgreSQL's rows go through psycopg itself, not through SQLAlchemy and its classifying
    conn = engine.connect()
    conn.connection.driver_connection.close()  # as the server going away
    with pytest.raises(StorageError, match="unreachable"):
        bulk.insert_returning(conn, item_store.ITEM, ["key"], [("k",)], ["id"])
    conn.invalidate()  # not rolled back: its error would hide the one under test
    conn.close()
