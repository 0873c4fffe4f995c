"""The sources' health read through the database driver itself: `monitor sources list` reads a
SQLite database at the current schema without SQLAlchemy, whose import (~0.25 s with the models)
was most of that command's start-up. Any other database (PostgreSQL, one to create or to
migrate) goes through SQLAlchemy as before, to the same query (`health_rows`)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.domain import as_utc
from monitor.storage.schema import head_from_files

# The columns of `source` by name (`source.*`): the schema stays defined once, in the models.
_HEALTH = """
SELECT source.*, COALESCE(counts.n, 0) AS items
FROM source LEFT OUTER JOIN (
    SELECT item.source_id AS source_id, count(*) AS n FROM item GROUP BY item.source_id
) AS counts ON counts.source_id = source.id
ORDER BY source.name
"""
_SQLITE_DATETIME_TYPES = ("DATETIME", "TIMESTAMP")
SQLITE_TIMEOUT_S = 30  # as the engine's: a writer holding the database is waited for


def health_rows(dbapi: Any) -> list[dict[str, Any]]:
    """Every source (all its columns) with its item count, by name, on a driver connection
    (sqlite3 or psycopg). Datetimes come back aware UTC, as from the models."""
    cursor = dbapi.cursor()
    try:
        cursor.execute(_HEALTH)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if isinstance(dbapi, sqlite3.Connection):
        # SQLite keeps a datetime as text, naive UTC: the columns the table declares DATETIME
        # are read back as SQLAlchemy's DateTime reads them.
        declared = {
            name
            for _, name, kind, *_ in dbapi.execute("PRAGMA table_info(source)")
            if str(kind).upper() in _SQLITE_DATETIME_TYPES
        }
        return [
            {k: _sqlite_datetime(v) if k in declared else v for k, v in zip(names, r, strict=True)}
            for r in rows
        ]
    return [
        {k: as_utc(v) if isinstance(v, datetime) else v for k, v in zip(names, r, strict=True)}
        for r in rows
    ]


def _sqlite_datetime(value: Any) -> Any:
    return as_utc(datetime.fromisoformat(value)) if isinstance(value, str) else value


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///path` URL; None for any other (PostgreSQL, options after
    '?', a percent-encoded or in-memory database): those are left to SQLAlchemy to read."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            path = url[len(prefix) :]
            if not path or path == ":memory:" or any(c in path for c in "?%"):
                return None
            return Path(path)
    return None


def source_health(url: str) -> list[dict[str, Any]] | None:
    """`health_rows` of the database at `url` read directly, when it is a SQLite file that
    exists at the schema of this version. None otherwise, or on any error of the driver: the
    caller then opens the database through SQLAlchemy, which creates, migrates and names the
    problem as every other command does."""
    path = sqlite_file(url)
    head = head_from_files()
    if path is None or head is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=SQLITE_TIMEOUT_S)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(head,)]:
            return None
        return health_rows(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
