"""A SQLite database that cannot be written: `monitor poll` says so in one line naming the
files to fix (exit 2), `monitor status` says it too, and `monitor run` logs it once."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from feedserver import FeedServer, Route, rss
from support import cli

from monitor import scheduler
from monitor.config.settings import resolve_paths
from monitor.context import Context
from monitor.storage.engine import read_only_files

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@contextmanager
def read_only(*files: Path) -> Iterator[None]:
    """Files this process cannot write: immutable for root (who ignores permissions), else
    mode 444."""
    root = os.geteuid() == 0
    for f in files:
        if root:
            if subprocess.run(["chattr", "+i", str(f)], capture_output=True).returncode:
                pytest.skip("chattr +i is not available here")
        else:
            f.chmod(0o444)
    try:
        yield
    finally:
        for f in files:
            if root:
                subprocess.run(["chattr", "-i", str(f)], check=True)
            else:
                f.chmod(0o644)


def _database(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def _one_source(config_dir: Path, feed_server: FeedServer) -> None:
    url = feed_server.add("/a.xml", Route(body=rss([("a1", "Secret-ish item text")])))
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: a\n    url: {url}\n")


@SQLITE_ONLY
def test_poll_on_a_read_only_database_is_one_line_naming_the_file_and_status_says_so(
    config_dir: Path, feed_server: FeedServer, db_url: str
) -> None:
    _one_source(config_dir, feed_server)
    db = _database(db_url)
    with read_only(db):
        code, out, err = cli("poll")
        status_code, status_out, _ = cli("status")

    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: database ") and "is read-only" in lines[0]
    assert str(db) in lines[0] and "-wal" in lines[0] and "-shm" in lines[0]
    assert "INSERT" not in err and "Secret-ish" not in err and "Traceback" not in err
    assert status_code == 1
    assert f"problem: database {db} is read-only" in status_out

    code, out, err = cli("poll")  # fixed: the item was not lost, it is fetched again
    assert code == 0 and "1 new items" in out
    assert cli("status")[0] == 0


def test_the_files_named_are_the_ones_that_are_read_only(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    wal, shm = tmp_path / "monitor.db-wal", tmp_path / "monitor.db-shm"
    for f in (db, wal, shm):
        f.touch()
    with read_only(wal, shm):
        named = read_only_files(str(db))
    assert named == f"{wal}, {shm}"


@SQLITE_ONLY
def test_run_logs_a_read_only_database_once_per_episode(
    config_dir: Path,
    feed_server: FeedServer,
    db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _one_source(config_dir, feed_server)
    ctx = Context.open(resolve_paths(config_dir))
    watch = scheduler.DatabaseWatch(ctx.engine.url)
    jobs = scheduler.jobs(ctx, None, watch)
    poll, deliver = jobs["poll"][0], jobs["deliver"][0]
    caplog.set_level(logging.INFO)
    try:
        with read_only(_database(db_url)):
            ctx.engine.dispose()  # a file is opened read-only when it is opened
            for _ in range(3):
                asyncio.run(poll())
        ctx.engine.dispose()
        asyncio.run(deliver())
    finally:
        ctx.close()

    messages = [r.getMessage() for r in caplog.records]
    down = [m for m in messages if m.startswith("database_down")]
    assert len(down) == 1 and "kind=read-only" in down[0] and "monitor.db" in down[0]
    assert [m for m in messages if m.startswith("database_back")]
    assert not [r for r in caplog.records if r.exc_info] and "Traceback" not in caplog.text
