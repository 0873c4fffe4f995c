"""A source's last entry keys in their own table (source_keys), out of the source row.

Every check of a source rewrites its row; SQLite rewrites a row whole, so with the keys of a
feed in it (~2 KB) a cycle of 1,000 304s wrote ~2.5 MB. The keys change only with a new body.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The two tables as this migration sees them (copies go through the JSON type).
OLD = sa.table("source", sa.column("id", sa.Integer()), sa.column("last_keys", sa.JSON()))
NEW = sa.table("source_keys", sa.column("source_id", sa.Integer()), sa.column("keys", sa.JSON()))


def upgrade() -> None:
    op.create_table(
        "source_keys",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("source_id"),
    )
    # Copied through Python: a None written through the JSON type is JSON null, not SQL NULL.
    conn = op.get_bind()
    rows = [
        {"source_id": source_id, "keys": keys}
        for source_id, keys in conn.execute(sa.select(OLD.c.id, OLD.c.last_keys))
        if keys
    ]
    if rows:
        conn.execute(sa.insert(NEW), rows)
    # A plain ALTER TABLE (SQLite 3.35+): the batch mode's copy of the table would have to drop
    # `source`, which items reference.
    op.drop_column("source", "last_keys")


def downgrade() -> None:
    op.add_column("source", sa.Column("last_keys", sa.JSON(), nullable=True))
    conn = op.get_bind()
    for source_id, keys in conn.execute(sa.select(NEW.c.source_id, NEW.c["keys"])).all():
        conn.execute(sa.update(OLD).where(OLD.c.id == source_id).values(last_keys=keys))
    op.drop_table("source_keys")
