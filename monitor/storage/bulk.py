"""Many rows in few statements, below SQLAlchemy's per-row work: values rendered as the column
types render them (`renderer`), inserted by the driver (`insert_returning`), rows looked up by a
unique key of two columns (`lookup_pairs`). SQLite and PostgreSQL (psycopg 3) only."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from monitor.storage.engine import classify

# Rows per INSERT on SQLite, where the values of many rows go in one statement: past a few
# hundred rows a statement costs the same per row, and its text stays small.
SQLITE_ROWS_PER_INSERT = 500
# PostgreSQL's protocol counts a statement's parameters in 16 bits.
PG_MAX_PARAMS = 65535


def renderer(table: Table, column: str, conn: Connection) -> Callable[[Any], Any]:
    """What the column's type hands the driver for a Python value (the ISO text of a datetime
    or the JSON text on SQLite, psycopg's Json wrapper on PostgreSQL...), as SQLAlchemy
    renders it on every insert: values stored this way read back as any others."""
    dialect = conn.dialect
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _same


def _same(value: Any) -> Any:
    return value


def check_plain(table: Table, columns: Iterable[str], conn: Connection) -> None:
    """Raise if one of `columns`, whose values are passed to the driver as they are, has a type
    that renders them (a model changed under code that must render them now)."""
    dialect = conn.dialect
    for column in columns:
        if table.c[column].type.dialect_impl(dialect).bind_processor(dialect) is not None:
            raise RuntimeError(f"{table.name}.{column}: its type renders values: use renderer()")


def param_limit(conn: Connection) -> int:
    """How many parameters one statement may bind."""
    if conn.dialect.name == "sqlite":
        # Built into SQLite: 999 before 3.32, 32,766 since.
        limit: int = _driver(conn).getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return limit
    return PG_MAX_PARAMS


def insert_returning(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    returning: Sequence[str],
) -> list[Any]:
    """`INSERT ... ON CONFLICT DO NOTHING RETURNING` of `rows` (values in the order of
    `columns`, rendered for the driver): the `returning` columns of each row inserted (a
    row whose unique key is already there returns nothing). On SQLite, many rows go in each
    statement; on PostgreSQL, one statement per row, sent together in psycopg's pipeline
    (a statement of many rows costs psycopg more to read than the rows cost to insert)."""
    if not rows:
        return []
    quote = conn.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
    tail = f" ON CONFLICT DO NOTHING RETURNING {', '.join(quote(c) for c in returning)}"
    out: list[Any] = []
    if conn.dialect.name == "sqlite":
        one = f"({', '.join('?' * len(columns))})"
        size = max(1, min(SQLITE_ROWS_PER_INSERT, param_limit(conn) // len(columns)))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            sql = head + ", ".join([one] * len(chunk)) + tail
            params = tuple(chain.from_iterable(chunk))
            out.extend(conn.exec_driver_sql(sql, params).fetchall())
        return out
    sql = head + f"({', '.join(['%s'] * len(columns))})" + tail
    with _driver_errors(conn, sql), _driver(conn).cursor() as cursor:
        cursor.executemany(sql, rows, returning=True)
        for _ in cursor.results():
            out.extend(cursor.fetchall())
    return out


def lookup_pairs(
    conn: Connection,
    table: Table,
    pair: tuple[str, str],
    wanted: Sequence[tuple[Any, Any]],
    columns: Sequence[str],
) -> Iterator[Any]:
    """The `columns` of the rows whose two `pair` columns hold one of the `wanted` pairs,
    with the pair first, in as few statements as the database takes (the pair is expected to
    be a unique key, so that an index finds the rows)."""
    if not wanted:
        return
    quote = conn.dialect.identifier_preparer.quote
    first, second = (quote(c) for c in pair)
    selected = ", ".join([first, second, *(quote(c) for c in columns)])
    head = f"SELECT {selected} FROM {quote(table.name)} WHERE "
    # Each value of one column is asked with each of the other: rows of pairs not wanted
    # (a key wanted for one source, found in another) are left out here, and each row once.
    wanted_set = set(wanted)
    if conn.dialect.name != "sqlite":
        # Two arrays: a short statement psycopg reads once, however many pairs.
        firsts = list({a for a, _ in wanted})
        seconds = list({b for _, b in wanted})
        sql = head + f"{first} = ANY(%s) AND {second} = ANY(%s)"
        found = conn.exec_driver_sql(sql, (firsts, seconds)).fetchall()
        yield from (r for r in found if (r[0], r[1]) in wanted_set)
        return
    for firsts, seconds in _chunks(wanted, param_limit(conn)):
        sql = (
            head
            + f"{first} IN ({', '.join('?' * len(firsts))})"
            + f" AND {second} IN ({', '.join('?' * len(seconds))})"
        )
        for row in conn.exec_driver_sql(sql, (*firsts, *seconds)).fetchall():
            if (row[0], row[1]) in wanted_set:
                wanted_set.discard((row[0], row[1]))  # found again by a later statement
                yield row


def _chunks(pairs: Sequence[tuple[Any, Any]], limit: int) -> Iterator[tuple[list[Any], list[Any]]]:
    """The pairs' distinct first and second values, in groups of at most `limit` in all."""
    firsts: dict[Any, None] = {}
    seconds: dict[Any, None] = {}
    for a, b in pairs:
        grows = (a not in firsts) + (b not in seconds)
        if grows and len(firsts) + len(seconds) + grows > limit:
            yield list(firsts), list(seconds)
            firsts, seconds = {}, {}
        firsts[a] = None
        seconds[b] = None
    if firsts:
        yield list(firsts), list(seconds)


def _driver(conn: Connection) -> Any:
    """The driver's own connection under `conn` (sqlite3's or psycopg's)."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver


@contextmanager
def _driver_errors(conn: Connection, statement: str) -> Iterator[None]:
    """A driver's error raised as SQLAlchemy raises it where statements go through it: a
    database that cannot be used as a StorageError, another one wrapped in DBAPIError."""
    error: type[Exception] = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except error as exc:
        raise classify(exc, conn.engine.url) or DBAPIError.instance(
            statement, None, exc, error
        ) from exc
