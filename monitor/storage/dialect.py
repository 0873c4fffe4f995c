"""Dialect-specific statements shared by the query modules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def insert_for(dialect: str, table: Table) -> Any:
    """The `INSERT` of the dialect named (`sqlite` or `postgresql`), which has ON CONFLICT.
    Only that dialect's module is imported, which its engine loaded already: PostgreSQL's costs
    ~20 ms of start-up, for nothing on SQLite."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def insert_ignore(bind: Connection | Session, table: Table) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING` for the bind's dialect (SQLite or PostgreSQL)."""
    name = bind.dialect.name if isinstance(bind, Connection) else bind.get_bind().dialect.name
    return insert_for(name, table).on_conflict_do_nothing()
