"""`monitor` decides "schema up to date" without importing Alembic (start-up speed): the head it
reads from the migration files must be Alembic's own."""

from __future__ import annotations

from monitor.storage.engine import head_revision
from monitor.storage.schema import head_from_files


def test_head_read_from_the_files_is_alembics() -> None:
    assert head_from_files() is not None
    assert head_from_files() == head_revision()
