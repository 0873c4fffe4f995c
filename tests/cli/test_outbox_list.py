"""`monitor outbox list` says why each row still to deliver waits: a retry time and the last
error, the row ahead of it in its channel, a live lease, or a sender that is gone."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from notifyservers import T0, draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from support import cli

from monitor.deliver import outbox
from monitor.storage import notifications as q


def _raise(engine: Engine, n: int, channel: str) -> None:
    with Session(engine) as s, s.begin():
        outbox.raise_alert(s, draft(n), dedup_key=f"{channel}{n}", channels=[channel], now=T0)


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _line(out: str, delivery_id: int) -> str:
    found = [line for line in out.splitlines() if re.match(rf"\s*{delivery_id}\s", line)]
    assert len(found) == 1, out
    return found[0]


def test_outbox_list_says_why_each_row_waits(config_dir: Path, engine: Engine) -> None:
    now = datetime.now(UTC)
    for n in (1, 2):
        _raise(engine, n, "slack")
    _raise(engine, 3, "gone")
    _raise(engine, 4, "busy")
    ids = {r["alert_id"]: r["id"] for r in outbox.list_deliveries(engine)}

    # slack: its head failed and waits for a retry; the row behind it waits for the head.
    [head] = q.claim_channel(engine, "slack", now=now, owner="w", lease_until=now, limit=1)
    q.mark_retry(engine, head.id, "w", at=now + timedelta(minutes=5), error="HTTP 500 from Slack")
    # gone: its sender on this machine was killed mid-send.
    dead = f"{socket.gethostname()[:60]}:{_dead_pid()}:deadbeef"
    q.claim_channel(
        engine, "gone", now=now, owner=dead, lease_until=now + timedelta(seconds=30), limit=1
    )
    # busy: being sent by a worker on another machine.
    until = now + timedelta(seconds=30)
    q.claim_channel(engine, "busy", now=now, owner="elsewhere:7:a", lease_until=until, limit=1)

    code, out, _ = cli("outbox", "list")
    assert code == 0
    first = _line(out, ids[1])
    assert "pending" in first and "retry at" in first and "(in 4m" in first
    assert "last error: HTTP 500 from Slack" in first
    assert f"waits for delivery {ids[1]}" in _line(out, ids[2])
    assert "owner gone" in _line(out, ids[3])
    assert f"lease until {until:%Y-%m-%d %H:%M:%S} UTC" in _line(out, ids[4])

    code, out, _ = cli("outbox", "list", "--json")
    by_id = {r["id"]: r for r in json.loads(out)}
    assert by_id[ids[3]]["owner_gone"] is True and by_id[ids[4]]["owner_gone"] is False
    assert by_id[ids[4]]["lease_until"].startswith(f"{until:%Y-%m-%dT%H:%M:%S}")
    assert "waits for delivery" in by_id[ids[2]]["waiting"]
    assert "lease_owner" not in by_id[ids[3]]
