"""Helpers shared by tests: run the real CLI, write sources.yaml, read the database."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from monitor.cli import app
from monitor.storage.engine import make_engine

runner = CliRunner()


def add_row(db: Connection | Session, table: Table, **values: Any) -> int:
    """Insert one row through Core, as the code writes these tables; its id."""
    return int(db.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def modules_loaded(code: str = "", *, command: Sequence[str] = ()) -> set[str]:
    """The modules a fresh interpreter holds (not those marked absent) after running `code`, then `monitor COMMAND...`
    if given (in that process, as the console script runs it), in the test's environment:
    start-up guards check that a command imports only what it uses."""
    probe = f"""
import json, sys
{code}
if {list(command)!r}:
    from monitor.cli import main
    sys.argv = ["monitor", *{list(command)!r}]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise
print("MODULES " + json.dumps(sorted(k for k, m in sys.modules.items() if m is not None)))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def write_sources(cfg: Path, entries: list[dict[str, str]]) -> None:
    lines = ["sources:"]
    for e in entries:
        lines.append(f"  - name: {e['name']}")
        for k, v in e.items():
            if k != "name":
                lines.append(f"    {k}: '{v}'")
    (cfg / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def count(db_url: str, sql: str) -> int:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return int(value)


def fixture_index(feeds: Path) -> list[dict[str, str]]:
    with (feeds / "INDEX.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def feed(
    outlet: str,
    lang: str | None,
    entries: list[tuple[str, str, str]],
    *,
    hour: int = 10,
    day: str = "Mon, 18 May 2026",
) -> bytes:
    """RSS of (guid, title, text) published by `outlet` (links on the outlet's own host) at
    `hour` o'clock on `day`; in language `lang` (None: the feed declares none)."""
    items = "".join(
        f"<item><guid>{outlet}-{g}</guid><title>{t}</title><link>https://{outlet}/{g}</link>"
        f"<description>{d}</description><pubDate>{day} {hour:02d}:00:00 GMT</pubDate></item>"
        for g, t, d in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<link>https://{outlet}/</link><description>news</description>"
        f"{f'<language>{lang}</language>' if lang else ''}"
        f"{items}</channel></rss>"
    ).encode()
