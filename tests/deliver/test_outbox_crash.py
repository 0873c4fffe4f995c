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

import pytest
from dbproxy import PgProxy
from notifyservers import T0, FakeSlack, draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.config.settings import Paths
from monitor.deliver import channels as notify
from monitor.deliver import outbox
from monitor.errors import StorageError
from monitor.storage.engine import make_engine
from monitor.storage.leases import make_owner

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
    # The 4th message is in flight when the process dies: received, unanswered.
    _kill_while_sending(db_url, cfg, slack, in_flight=4)
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
        # Until every alert is out, not a number of calls: a call finds the channel taken while
        # the other worker claims or sends (it returns at once), and two workers calling without
        # pause could each spend a fixed number of calls on the other's turn.
        deadline = time.monotonic() + 60
        try:
            while len(slack.posted()) < len(ids) and time.monotonic() < deadline:
                notify.deliver(engine, channels, now=T0, owner=owner, limit=3)
                time.sleep(0.005)
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


def _kill_while_sending(db_url: str, cfg: Path, slack: FakeSlack, *, in_flight: int) -> None:
    """`monitor outbox deliver` in a child process, SIGKILLed while Slack holds message
    number `in_flight` unanswered."""
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
        while len(slack.requests) < in_flight and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        assert len(slack.requests) >= in_flight, proc.stderr.read().decode() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()


def test_a_restarted_process_takes_a_killed_ones_queue_back_at_once(
    engine: Engine, db_url: str, slack: FakeSlack, cfg: Path
) -> None:
    _raise_many(engine, 15)
    slack.delay = 1.0
    _kill_while_sending(db_url, cfg, slack, in_flight=3)
    rows = outbox.list_deliveries(engine)
    assert sum(r["status"] == "sending" for r in rows) <= 1  # one row held, not the batch

    # Restarted at once (no waiting for the lease), Slack healthy again.
    slack.delay = 0.0
    report = notify.deliver(engine, _slack_channels(cfg, slack), now=datetime.now(UTC))

    assert report.failed == 0 and report.lost_leases == 0
    received = [_alert_no(r.body) for r in slack.requests]
    counts = Counter(received)
    assert set(counts) == set(range(1, 16))
    assert sum(c - 1 for c in counts.values()) <= 1
    firsts = list(dict.fromkeys(received))
    assert firsts == sorted(firsts)
    assert all(r["status"] == "sent" for r in outbox.list_deliveries(engine))


def test_a_worker_on_another_host_that_died_holds_its_channel_less_than_a_minute(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    from monitor.storage import notifications as q

    _raise_many(engine, 3)
    channels = _slack_channels(cfg, slack)
    # How `deliver` claims, by a worker on another machine that then dies mid-send.
    head = q.claim_channel(
        engine,
        "slack",
        now=T0,
        owner="elsewhere:4242:0badf00d",
        lease_until=T0 + outbox.LEASE,
        limit=1,
    )
    assert len(head) == 1

    # Its lease is respected while it may still be sending...
    assert notify.deliver(engine, channels, now=T0 + timedelta(seconds=1)).sent == 0
    # ... and the queue moves again well within a minute (the deliver job runs every 10 s).
    assert notify.deliver(engine, channels, now=T0 + timedelta(seconds=50)).sent == 3
    assert [_alert_no(r.body) for r in slack.posted()] == [1, 2, 3]


def test_a_send_slower_than_the_lease_keeps_its_row(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    """The lease is renewed while the channel takes its time: nobody else sends the row."""
    _raise_many(engine, 1)
    slack.delay = 2.0
    notifiers = _slack_channels(cfg, slack).notifiers
    lease = timedelta(seconds=1)
    first = threading.Thread(
        target=outbox.deliver_due,
        args=(engine, notifiers),
        kwargs={"now": datetime.now(UTC), "owner": "slow", "lease": lease},
    )
    first.start()
    try:
        time.sleep(1.5)  # past the lease the slow sender took when it started
        other = outbox.deliver_due(
            engine, notifiers, now=datetime.now(UTC), owner="other", lease=lease
        )
    finally:
        first.join(timeout=30)

    assert other.sent == 0 and other.lost_leases == 0
    assert len(slack.requests) == 1
    assert [r["status"] for r in outbox.list_deliveries(engine)] == ["sent"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_database_restart_mid_send_costs_a_live_process_one_repeat_not_a_lease(
    db_url: str, slack: FakeSlack, cfg: Path
) -> None:
    proxy = PgProxy(db_url).start()
    engine = make_engine(proxy.url)
    try:
        _raise_many(engine, 3)
        notifiers = _slack_channels(cfg, slack).notifiers
        slack.delay = 1.0
        errors: list[BaseException] = []

        def deliver() -> None:
            try:
                outbox.deliver_due(engine, notifiers, now=datetime.now(UTC), owner=make_owner())
            except StorageError as exc:
                errors.append(exc)

        owner_thread = threading.Thread(target=deliver)
        owner_thread.start()
        deadline = time.monotonic() + 30
        while not slack.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        proxy.stop()  # the database restarts while message 1 is in flight
        owner_thread.join(timeout=30)
        proxy.start()
        assert errors and "unreachable" in str(errors[0])  # "sent" could not be written

        slack.delay = 0.0
        report = notify.deliver(engine, _slack_channels(cfg, slack), now=datetime.now(UTC))
    finally:
        engine.dispose()
        proxy.stop()

    assert report.sent == 3  # at once: not after the process's own lease ran out
    assert [_alert_no(r.body) for r in slack.requests] == [1, 1, 2, 3]
