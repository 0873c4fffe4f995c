"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

import monitor.storage.models  # noqa: F401  (registers its tables beside those of `tables`)
from monitor.storage import sources as source_store
from monitor.storage.tables import METADATA


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = compare_metadata(ctx, METADATA)
    assert diffs == []


def test_the_backlog_index_is_partial(engine: Engine) -> None:
    # The model declares it plainly (see Item); the migration makes it partial.
    query = (
        "SELECT sql FROM sqlite_master WHERE name = 'ix_item_unmatched'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_item_unmatched'"
    )
    with engine.connect() as conn:
        ddl = conn.execute(sa.text(query)).scalar_one()
    assert "where" in ddl.lower() and "matched_hash is null" in ddl.lower()


def _migrate(engine: Engine, revision: str) -> None:
    from alembic import command

    from monitor.storage.engine import _alembic_config

    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        if revision == "head":
            command.upgrade(cfg, revision)
        else:
            command.downgrade(cfg, revision)


def test_0003_moves_the_last_keys_out_of_the_source_row_and_back(engine: Engine) -> None:
    _migrate(engine, "0002")
    source = sa.table(
        "source",
        *(sa.column(c) for c in ("id", "name", "url", "kind", "consecutive_failures", "health")),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("last_keys", sa.JSON()),
    )
    now = datetime.now(UTC)
    common = {"url": "http://127.0.0.1/f.xml", "kind": "rss", "consecutive_failures": 0}
    with engine.begin() as conn:
        for row in (
            {"id": 1, "name": "keys", "last_keys": ["a", "b"]},
            {"id": 2, "name": "json-null", "last_keys": None},  # JSON null, as Core writes None
            {"id": 3, "name": "sql-null", "last_keys": sa.null()},
        ):
            conn.execute(sa.insert(source).values(**row, **common, health="ok", created_at=now))
    _migrate(engine, "head")
    with engine.connect() as conn:
        assert "last_keys" not in {c["name"] for c in sa.inspect(conn).get_columns("source")}
        assert source_store.last_keys(conn, 1) == ["a", "b"]
        assert source_store.last_keys(conn, 2) is None
        assert source_store.last_keys(conn, 3) is None
    _migrate(engine, "0002")
    with engine.connect() as conn:
        got = dict(conn.execute(sa.select(source.c.id, source.c.last_keys)).all())
    assert got[1] == ["a", "b"]
    assert not got[2] and not got[3]
    _migrate(engine, "head")
