"""The outbox under crashes and concurrency: a delivering process killed with SIGKILL loses
nothing and repeats at most one message; two workers at once never send a row twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from notifyservers import T0, FakeSlack, draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.config.settings import Paths
from monitor.deliver import channels as notify
from monitor.deliver import outbox

TOKEN = "xoxb-crash-test"


def _raise_many(engine: Engine, n: int) -> list[int]:
    ids = []
    with Session(engine) as s, s.begin():
        for i in range(1, n + 1):
            alert = outbox.raise_alert(
                s, draft(i), dedup_key=f"a{i}", story_id=None, channels=["slack"], now=T0
            )
            assert alert is not None and alert.id is not None
            ids.append(alert.id)
    return ids


def _slack_channels(cfg: Path, slack: FakeSlack) -> notify.Channels:
    """The bot-token Slack channel, posting to the fake Slack server."""
    return notify.load_channels(
        Paths(cfg),
        environ={
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_CHANNEL": "#legal",
            "SLACK_API_URL": slack.api_url,
        },
    )


def _alert_no(req_body: dict[str, Any]) -> int:
    """Which of the raised alerts (1..n) a request carries, read from its header block."""
    header: str = req_body["blocks"][0]["text"]["text"]
    return int(header.rsplit("$", 1)[1].removesuffix("bn")) - 130


def test_a_process_killed_while_delivering_loses_nothing_and_repeats_at_most_one(
    engine: Engine, db_url: str, slack: FakeSlack, cfg: Path
) -> None:
    _raise_many(engine, 8)
    slack.delay = 0.4
    env = {
        **os.environ,
        "MONITOR_DATABASE_URL": db_url,
        "MONITOR_CONFIG_DIR": str(cfg),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": "#legal",
        "SLACK_API_URL": slack.api_url,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "outbox", "deliver"],
        env=env,
        cwd=cfg,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while len(slack.requests) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert len(slack.requests) >= 4, proc.stderr.read().decode() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)  # the 4th message is in flight: received, unanswered
    finally:
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    statuses = Counter(r["status"] for r in outbox.list_deliveries(engine))
    assert statuses["sent"] >= 3 and statuses["sent"] < 8

    # Restart after the dead worker's lease ran out.
    slack.delay = 0.0
    channels = _slack_channels(cfg, slack)
    later = datetime.now(UTC) + outbox.LEASE + timedelta(seconds=5)
    report = notify.deliver(engine, channels, now=later, owner="restarted")

    assert report.failed == 0
    received = [_alert_no(r.body) for r in slack.requests]
    counts = Counter(received)
    assert set(counts) == set(range(1, 9))  # nothing lost
    assert sum(c - 1 for c in counts.values()) <= 1  # at most one repeat
    firsts = list(dict.fromkeys(received))
    assert firsts == sorted(firsts)  # still in order
    assert all(r["status"] == "sent" for r in outbox.list_deliveries(engine))


def test_two_workers_delivering_at_once_never_send_a_row_twice(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    ids = _raise_many(engine, 12)
    slack.delay = 0.03
    channels = _slack_channels(cfg, slack)
    errors: list[BaseException] = []

    def worker(owner: str) -> None:
        try:
            for _ in range(40):
                notify.deliver(engine, channels, now=T0, owner=owner, limit=3)
                if len(slack.posted()) >= len(ids):
                    return
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors
    received = [_alert_no(r.body) for r in slack.posted()]
    assert received == list(range(1, 13))  # each once, in order


def test_two_deliveries_of_one_process_at_once_never_send_a_row_twice(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    """`monitor run` delivers after each poll and from its deliver job, in two threads of one
    process, neither naming an owner."""
    ids = _raise_many(engine, 6)
    slack.delay = 0.1
    channels = _slack_channels(cfg, slack)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            notify.deliver(engine, channels, now=T0)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # the second starts while the first is sending
    for t in threads:
        t.join(timeout=60)
    notify.deliver(engine, channels, now=T0 + timedelta(hours=1))  # whatever is left

    assert not errors
    received = [_alert_no(r.body) for r in slack.posted()]
    assert received == list(range(1, len(ids) + 1))  # each once, in order
