"""`monitor run` when the database fails: an outage is one line when it goes and one when it
is back (no traceback), and a database down at start is waited for."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dbproxy import PgProxy
from feedserver import FeedServer, Route, rss

from monitor import scheduler
from monitor.config.settings import resolve_paths
from monitor.context import Context

PG_ONLY = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def proxy(db_url: str) -> object:
    p = PgProxy(db_url)
    yield p
    p.stop()


@PG_ONLY
def test_a_database_outage_is_one_line_when_it_goes_and_one_when_it_is_back(
    proxy: PgProxy,
    config_dir: Path,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = feed_server.add("/a.xml", Route(body=rss([("a1", "Alpha one")])))
    (config_dir / "sources.yaml").write_text(
        f"sources:\n  - name: a\n    url: {url}\n    interval: 1m\n"
    )
    monkeypatch.setenv("MONITOR_DATABASE_URL", proxy.start().url)
    ctx = Context.open(resolve_paths(config_dir))
    watch = scheduler.DatabaseWatch(ctx.engine.url)
    jobs = {name: job for name, (job, _) in scheduler.jobs(ctx, None, watch).items()}

    async def every_job(times: int) -> None:
        for _ in range(times):
            for job in jobs.values():
                await job()

    try:
        caplog.set_level(logging.INFO)
        asyncio.run(every_job(1))
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        caplog.clear()

        proxy.stop()  # the server goes away, the pool's connections with it
        asyncio.run(every_job(5))
        proxy.start()
        asyncio.run(every_job(1))
    finally:
        ctx.close()

    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    down = [m for m in lines if m.startswith("database_down")]
    back = [m for m in lines if m.startswith("database_back")]
    assert len(down) == 1 and "unreachable" in down[0]
    # poll and deliver, 5 times each (no digest is configured: that job needs no database)
    assert len(back) == 1 and "jobs_skipped=10" in back[0]
    assert not [r for r in caplog.records if r.exc_info]
    assert "Traceback" not in caplog.text
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.getMessage() not in down
    ]


@PG_ONLY
def test_run_waits_for_a_database_that_is_down_at_start(
    proxy: PgProxy, config_dir: Path, tmp_path: Path
) -> None:
    (config_dir / "sources.yaml").write_text("sources: []\n")
    env = {**os.environ, "MONITOR_DATABASE_URL": proxy.url, "MONITOR_TICK_SECONDS": "1"}
    log_file = tmp_path / "run.log"
    with log_file.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )

    def wait_for(text: str, timeout: float = 40.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in log_file.read_text():
            assert proc.poll() is None, log_file.read_text()
            assert time.monotonic() < deadline, log_file.read_text()
            time.sleep(0.2)

    try:
        wait_for("database_unreachable")
        time.sleep(4)  # a few more tries, said once
        assert proc.poll() is None
        proxy.start()
        wait_for("monitor running")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log_file.read_text()
    assert text.count("database_unreachable") == 1
    assert "database_reachable" in text and "Traceback" not in text
