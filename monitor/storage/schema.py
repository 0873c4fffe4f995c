"""The schema's revision as the migration files give it, read without Alembic or SQLAlchemy:
a command that finds its database at this revision has nothing to migrate."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")


_REVISION = re.compile(r"""^revision\s*(?::[^=\n]*)?=\s*["']([^"'\n]+)["']\s*$""", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)
_QUOTED = re.compile(r"""["']([^"'\n]+)["']""")


def head_from_files() -> str | None:
    """The head revision read from the migration files, without importing Alembic (60 ms of
    every command's start-up). None when in doubt (a file it cannot read plainly, several
    heads): the caller then asks Alembic. A test holds it equal to Alembic's own
    (`monitor.storage.engine.head_revision`)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(found) != 1 or len(down) != 1:
            return None
        revisions.add(found[0])
        if down[0] != "None":
            named = _QUOTED.findall(down[0])
            if not named:
                return None
            parents.update(named)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None
