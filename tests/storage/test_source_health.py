"""The sources' health, as `sources list`, `items list` and `status` read it: one query, through
SQLAlchemy's connection on both backends, or by the sqlite3 driver alone for a SQLite file at the
current schema (`monitor sources list` then never imports SQLAlchemy)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from monitor.storage import direct
from monitor.storage import sources as source_store
from monitor.storage.engine import make_engine, upgrade
from monitor.storage.tables import ITEM

NOW = datetime(2026, 12, 4, 18, 21, 5, 123456, tzinfo=UTC)


def _fill(engine: Engine) -> None:
    with engine.begin() as conn:
        rows = source_store.sync(
            conn, [(n, f"https://example.com/{n}.xml", "rss") for n in ("b", "a", "c")], now=NOW
        )
        source_store.record(
            conn,
            rows["a"].id,
            {
                "last_checked_at": NOW,
                "next_check_at": NOW + timedelta(minutes=10),
                "last_status": "error",
                "last_error": "HTTP 503 Service Unavailable",
                "consecutive_failures": 2,
            },
        )
        conn.execute(
            insert(ITEM),
            [
                {
                    "source_id": rows["b"].id,
                    "key": f"k{i}",
                    "title": f"t{i}",
                    "text": "",
                    "published_at": NOW,
                    "first_seen_at": NOW,
                    "updated_at": NOW,
                    "content_hash": f"h{i}",
                }
                for i in range(3)
            ],
        )


def test_every_source_comes_with_its_items_and_aware_utc_times(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:
        rows = source_store.health_rows(conn)
    assert [r["name"] for r in rows] == ["a", "b", "c"]
    a, b, c = rows
    assert (a["items"], b["items"], c["items"]) == (0, 3, 0)
    assert a["last_checked_at"] == NOW and a["last_checked_at"].tzinfo == UTC
    assert a["next_check_at"] == NOW + timedelta(minutes=10)
    assert a["last_error"] == "HTTP 503 Service Unavailable" and a["consecutive_failures"] == 2
    assert b["created_at"] == NOW and b["last_checked_at"] is None and b["health"] == "ok"


def test_the_driver_alone_reads_a_current_sqlite_file_as_sqlalchemy_does(
    engine: Engine, db_url: str
) -> None:
    _fill(engine)
    with engine.connect() as conn:
        through_sqlalchemy = source_store.health_rows(conn)
    read = direct.source_health(db_url)
    if engine.dialect.name == "sqlite":
        assert read == through_sqlalchemy
    else:
        assert read is None  # PostgreSQL: SQLAlchemy's connection, the same query


def test_a_database_to_create_or_migrate_is_left_to_sqlalchemy(tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere" / "monitor.db"
    assert direct.source_health(f"sqlite:///{missing}") is None
    assert not missing.exists()  # not created: Context.open makes and migrates it
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    assert direct.source_health(url) == []
    assert direct.source_health(url + "?mode=ro") is None  # options: SQLAlchemy's to read
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert direct.source_health(url) is None  # to migrate first
