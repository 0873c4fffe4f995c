"""The parse pool's forkserver (~110 MB idle on a first poll of 1,000 feeds) stops with the last
pool: it no longer waits for the process to exit, and a later pool starts a new one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from feedserver import FeedServer, Route
from support import cli, count, feed

from monitor.fetch.poller import make_pool


def _forkservers() -> list[int]:
    """This process's children that are multiprocessing forkservers."""
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        parent = stat.rsplit(")", 1)[1].split()[1]
        if parent == me and b"multiprocessing.forkserver import main" in cmdline:
            found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()  # reaped, not a zombie


def test_the_forkserver_stops_with_the_last_pool_and_a_later_pool_starts_another() -> None:
    first = make_pool(1)
    (server,) = _forkservers()
    second = make_pool(1)
    first.shutdown()
    assert _forkservers() == [server]  # the second pool still needs it
    assert second.submit(abs, -2).result() == 2
    second.shutdown()
    assert _forkservers() == [] and _gone(server)

    third = make_pool(1)
    try:
        assert third.submit(abs, -3).result() == 3
        (again,) = _forkservers()
        assert again != server
    finally:
        third.shutdown()
    assert _forkservers() == []


def test_a_pool_that_never_started_a_worker_shuts_down_at_once() -> None:
    pool = make_pool(1, warm=False)  # a cycle of 304s: nothing to parse
    pool.shutdown()
    assert _forkservers() == []


def test_a_cold_pool_is_made_by_its_first_task_and_refuses_tasks_once_shut_down() -> None:
    pool = make_pool(1, warm=False)
    assert _forkservers() == []  # nothing made yet
    assert pool.submit(abs, -4).result() == 4
    (server,) = _forkservers()
    pool.shutdown()
    assert _forkservers() == [] and _gone(server)
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(abs, -5)


def test_after_a_poll_through_the_pool_no_forkserver_is_left_and_the_next_poll_starts_one(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    lines = ["sources:"]
    for n in range(8):  # enough bodies for the cycle to start its own pool
        url = feed_server.add(f"/f{n}.xml", Route(body=feed(f"o{n}", "en", [("a", "A", "a")])))
        lines.append(f"  - name: o{n}\n    url: {url}")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    code, _, err = cli("poll")
    assert code == 0, err
    assert count(db_url, "select count(*) from item") == 8
    assert _forkservers() == []

    for n in range(8):  # every feed changed: a new pool parses them
        feed_server.add(f"/f{n}.xml", Route(body=feed(f"o{n}", "en", [("b", "B", "b")])))
    code, _, err = cli("poll")
    assert code == 0, err
    assert count(db_url, "select count(*) from item") == 16
    assert _forkservers() == []
