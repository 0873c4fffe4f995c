"""Dialect-specific statements shared by the query modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session


def insert_ignore(bind: Connection | Session, table: Table) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING` for the bind's dialect (SQLite or PostgreSQL)."""
    name = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
