"""`monitor run`: the scheduler polls, picks up sources.yaml edits, and stops cleanly on SIGINT
or SIGTERM with everything fetched kept."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from feedserver import FeedServer, Route, rss
from support import count

from monitor.config.settings import resolve_paths
from monitor.context import Context
from monitor.pipeline import run_cycle


def _wait_for(predicate: object, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


@contextmanager
def _monitor_run() -> Iterator[subprocess.Popen[str]]:
    """`monitor run` in a child process, ticking every second; killed if a test leaves it
    running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run"],
        env={**os.environ, "MONITOR_TICK_SECONDS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_polls_reloads_sources_and_stops_cleanly(
    feed_server: FeedServer, config_dir: Path, db_url: str, sig: signal.Signals
) -> None:
    a = feed_server.add("/a.xml", Route(body=rss([("a1", "Alpha one"), ("a2", "Alpha two")])))
    b = feed_server.add("/b.xml", Route(body=rss([("b1", "Beta one")])))
    sources = config_dir / "sources.yaml"
    sources.write_text(f"sources:\n  - name: a\n    url: {a}\n    interval: 1m\n")
    with _monitor_run() as proc:
        _wait_for(lambda: count(db_url, "select count(*) from item") == 2)
        sources.write_text(sources.read_text() + f"  - name: b\n    url: {b}\n    interval: 1m\n")
        _wait_for(lambda: count(db_url, "select count(*) from item") == 3)
        # Sources are checked at their interval, not at every tick.
        time.sleep(2)
        assert len(feed_server.hits("/a.xml")) == 1
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped" in err
    assert count(db_url, "select count(*) from item") == 3


def test_a_stop_while_a_poll_is_fetching_lets_it_finish(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    body = rss([("s1", "Slow one"), ("s2", "Slow two")])
    slow = feed_server.add("/slow.xml", Route(body=body, trickle=3.0 / len(body)))  # ~3 s
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: slow\n    url: {slow}\n")
    with _monitor_run() as proc:
        _wait_for(lambda: feed_server.hits("/slow.xml"))
        time.sleep(0.5)  # the body is on its way
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "CancelledError" not in err
    assert count(db_url, "select count(*) from item") == 2  # the poll under way was finished


def test_run_refuses_to_start_on_a_broken_rule_file(config_dir: Path) -> None:
    from support import runner

    from monitor.cli import app

    (config_dir / "sources.yaml").write_text("sources: []\n")
    (config_dir / "rules").mkdir()
    (config_dir / "rules" / "bad.yaml").write_text("topic:\n  name: x\n  colour: red\n")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "rules/bad.yaml:" in result.stderr  # the file and line (messages: tests/rules)
    assert "Traceback" not in result.stderr


def test_a_broken_edit_while_running_keeps_the_last_good_config(
    feed_server: FeedServer, config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`monitor run` reads sources.yaml, rules/ and notifiers/ again when they change: a
    broken edit must not stop the polling (the last good version is used) and is reported
    once, not at every tick."""
    url = feed_server.add("/feed.xml", Route(body=rss([("a", "First story")])))
    sources = config_dir / "sources.yaml"
    sources.write_text(f"sources:\n  - name: news\n    url: {url}\n")
    ctx = Context.open(resolve_paths(config_dir))
    try:
        assert [s.name for s in ctx.sources()] == ["news"]
        sources.write_text(f"sources:\n  - name: news\n   url: {url}\n  bad: [\n")
        os.utime(sources, (time.time() + 5, time.time() + 5))  # another stamp, surely
        with caplog.at_level(logging.ERROR, logger="monitor.context"):
            reports = [asyncio.run(run_cycle(ctx)) for _ in range(3)]
        assert [len(r.sources) for r in reports] == [1, 1, 1]  # still polling "news"
        errors = [r for r in caplog.records if "still using the last good" in r.getMessage()]
        assert len(errors) == 1 and "sources.yaml" in errors[0].getMessage()
        sources.write_text(f"sources:\n  - name: renamed\n    url: {url}\n")
        os.utime(sources, (time.time() + 10, time.time() + 10))
        assert [s.name for s in ctx.sources()] == ["renamed"]
    finally:
        ctx.close()
