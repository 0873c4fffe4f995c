"""Source-health alerts from the `source` table: one "down" or "silent" per episode, one
"recovered" when it ends, never a repeat in between."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from notifyservers import T0
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from sqlmodel import col
from support import add_row

from monitor.config.settings import Paths
from monitor.deliver import channels as notify
from monitor.deliver import health
from monitor.storage.models import Alert
from monitor.storage.tables import DELIVERY, SOURCE


def _source(engine: Engine, **values: Any) -> int:
    with engine.begin() as conn:
        return add_row(
            conn,
            SOURCE,
            name="reuters",
            url="https://www.reuters.com/feed",
            created_at=T0 - timedelta(days=9),
            last_success_at=T0 - timedelta(hours=1),
            last_new_item_at=T0 - timedelta(hours=1),
            **values,
        )


def _poll(engine: Engine, source_id: int, **values: object) -> None:
    """What the pipeline does after a poll: update the source row."""
    with engine.begin() as conn:
        conn.execute(update(SOURCE).where(SOURCE.c.id == source_id).values(**values))


def _check(engine: Engine, minutes: int, silence: dict[str, timedelta] | None = None) -> list[str]:
    with Session(engine) as s, s.begin():
        now = T0 + timedelta(minutes=minutes)
        alerts = health.check_sources(
            s, now=now, channels=["console"], failure_threshold=3, silence=silence
        )
        return [a.headline for a in alerts]


def test_a_source_down_alerts_once_and_recovered_once(engine: Engine) -> None:
    sid = _source(engine)
    _poll(engine, sid, consecutive_failures=2, last_error="HTTP 503")
    assert _check(engine, 10) == []
    _poll(engine, sid, consecutive_failures=3)
    assert _check(engine, 20) == ["Source down: reuters (3 failed polls: HTTP 503)"]
    for failures in (4, 5, 9):  # still down: never a repeat
        _poll(engine, sid, consecutive_failures=failures)
        assert _check(engine, 30 + failures) == []
    _poll(
        engine,
        sid,
        consecutive_failures=0,
        last_error=None,
        last_success_at=T0 + timedelta(hours=2),
    )
    assert _check(engine, 130) == ["Source recovered: reuters"]
    assert _check(engine, 140) == []

    # A second episode alerts again.
    _poll(engine, sid, consecutive_failures=3, last_error="timeout")
    assert _check(engine, 200) == ["Source down: reuters (3 failed polls: timeout)"]

    with Session(engine) as s:
        kinds = [a.kind for a in s.execute(select(Alert).order_by(col(Alert.id))).scalars()]
        deliveries = s.execute(select(DELIVERY)).all()
    assert kinds == ["source_down", "source_recovered", "source_down"]
    assert len(deliveries) == 3 and {d.channel for d in deliveries} == {"console"}


def test_a_silent_source_alerts_once_then_recovers_when_items_arrive(engine: Engine) -> None:
    sid = _source(engine)
    silence = {"reuters": timedelta(hours=6)}
    assert _check(engine, 60, silence=silence) == []
    headlines = _check(engine, 6 * 60 + 1, silence=silence)
    assert headlines == ["Source silent: reuters (no new item since 2026-11-25 08:00 UTC)"]
    assert _check(engine, 12 * 60, silence=silence) == []
    _poll(engine, sid, last_new_item_at=T0 + timedelta(hours=13))
    assert _check(engine, 13 * 60 + 5, silence=silence) == ["Source recovered: reuters"]
    # Without an expected silence a quiet source is fine.
    assert _check(engine, 60 * 48) == []


def test_two_checkers_at_once_raise_one_alert(engine: Engine) -> None:
    sid = _source(engine)
    _poll(engine, sid, consecutive_failures=5, last_error="HTTP 500")
    with Session(engine) as s1, Session(engine) as s2, s2.begin():
        # The second checker read the source as ok before the first one committed "down".
        stale = s2.execute(select(SOURCE)).all()
        assert stale[0].health == "ok"
        with s1.begin():
            first = health.check_sources(s1, now=T0, channels=["console"])
        second = health.check_sources(s2, now=T0, channels=["console"])
    assert len(first) == 1 and second == []


def test_health_alerts_go_to_the_channels_whose_filters_want_them(
    engine: Engine, cfg: Path
) -> None:
    (cfg / "notifiers" / "n.yaml").write_text(
        "channels:\n  - {name: ops, kind: slack, webhook_url_env: HOOK, kinds: [source_down]}\n",
        encoding="utf-8",
    )
    channels = notify.load_channels(Paths(cfg), environ={"HOOK": "https://hooks.example/x"})
    sid = _source(engine, consecutive_failures=3, last_error="HTTP 500")
    notify.check_health(engine, channels, now=T0, silence={"reuters": None})
    _poll(engine, sid, consecutive_failures=0)
    notify.check_health(engine, channels, now=T0 + timedelta(hours=1))
    with engine.connect() as conn:
        rows = conn.execute(select(DELIVERY).order_by(DELIVERY.c.id)).all()
    assert [(d.alert_id, d.channel) for d in rows] == [(1, "console"), (1, "ops"), (2, "console")]


def test_a_silent_source_not_polled_this_cycle_does_not_recover_by_omission(engine: Engine) -> None:
    _source(engine)
    silence = {"reuters": timedelta(hours=6)}
    assert _check(engine, 7 * 60, silence=silence) != []
    assert _check(engine, 8 * 60, silence={}) == []  # not in this cycle: no "recovered"
    assert _check(engine, 9 * 60, silence={"reuters": None}) == ["Source recovered: reuters"]
