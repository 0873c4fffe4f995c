"""Alembic environment: runs on the connection handed over by monitor.storage.engine.upgrade()."""

from __future__ import annotations

from alembic import context

import monitor.storage.models  # noqa: F401  (registers its tables beside those of `tables`)
from monitor.storage.tables import METADATA

config = context.config
connection = config.attributes.get("connection")
target_metadata = METADATA


def run() -> None:
    if connection is None:
        engine = config.attributes["engine"]
        with engine.begin() as conn:
            _configure(conn)
    else:
        _configure(connection)


def _configure(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things (batch mode rebuilds the table instead)
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
