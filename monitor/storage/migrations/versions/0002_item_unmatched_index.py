"""Partial index on the items the rules have not read yet (the rules' backlog).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHERE = sa.text("matched_hash IS NULL")


def upgrade() -> None:
    op.create_index("ix_item_unmatched", "item", ["id"], sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_item_unmatched", table_name="item")
