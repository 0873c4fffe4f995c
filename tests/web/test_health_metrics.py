"""/healthz, /readyz and /metrics: what a probe and Prometheus read, from a live heartbeat,
from the last cycle's age when the web runs alone, and from a database that does not answer."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import httpx
from liveweb import LiveWeb
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from monitor.storage.engine import make_engine
from monitor.web.health import Heartbeat, Probe


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _count(db_url: str, sql: str) -> int:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        value = int(conn.execute(text(sql)).scalar_one())
    engine.dispose()
    return value


def test_healthz_is_200_while_the_scheduler_ticks_and_503_with_the_reason_when_it_stops(
    developments: str, live_web: LiveWeb
) -> None:
    beat = Heartbeat(tick_seconds=1, stall=60)
    url = live_web.start(developments, heartbeat=beat)
    ok = httpx.get(url + "/healthz", timeout=30)
    assert (ok.status_code, ok.text) == (200, "ok\n")
    beat.last = time.monotonic() - 100  # no tick for 100 s
    stale = httpx.get(url + "/healthz", timeout=30)
    assert stale.status_code == 503
    assert "the scheduler has not ticked for 100 s" in stale.text
    beat.start()
    assert httpx.get(url + "/healthz", timeout=30).status_code == 200  # a tick is running
    beat.running_since = time.monotonic() - 120
    assert "running for 120 s" in httpx.get(url + "/healthz", timeout=30).text


def test_alone_the_web_judges_the_workers_by_the_age_of_the_last_cycle(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        probe = Probe(engine, max_cycle_age=timedelta(minutes=15))
        assert probe.health() == "no polling cycle recorded yet"
        with engine.begin() as conn:
            conn.execute(
                text(
                    "insert into cycle (started_at, finished_at, sources, ok, not_modified,"
                    " failed, new_items, updated_items, alerts) values (:s, :f, 1, 1, 0, 0, 0, 0, 0)"
                ),
                {"s": "2026-05-18 10:00:00", "f": "2026-05-18 10:00:01"},
            )
        assert (probe.health() or "").startswith("the last polling cycle is ")
        assert Probe(engine, max_cycle_age=timedelta(days=3650)).health() is None
        assert probe.readiness() is None
    finally:
        engine.dispose()


def test_a_database_that_does_not_answer_is_503_on_both_probes_and_0_in_metrics(
    live_web: LiveWeb,
) -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    url = live_web.start("postgresql+psycopg://postgres@127.0.0.1:1/none")
    health = httpx.get(url + "/healthz", timeout=30)
    assert health.status_code == 503
    assert health.text.startswith("unhealthy: database not answering")
    assert httpx.get(url + "/readyz", timeout=30).status_code == 503
    metrics = httpx.get(url + "/metrics", timeout=30)
    assert metrics.status_code == 200
    assert _samples(metrics.text) == {("monitor_database_up", ()): 0.0}


def test_readyz_says_when_the_schema_is_not_the_one_this_version_expects(
    tmp_path: Path, live_web: LiveWeb
) -> None:
    url = live_web.start(f"sqlite:///{tmp_path}/empty.db")
    ready = httpx.get(url + "/readyz", timeout=30)
    assert ready.status_code == 503
    assert "database schema at None" in ready.text and "monitor db upgrade" in ready.text


def test_metrics_count_cycles_fetches_items_alerts_and_deliveries_from_the_database(
    web_url: str, developments: str
) -> None:
    response = httpx.get(web_url + "/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = _samples(response.text)
    assert m[("monitor_database_up", ())] == 1
    assert m[("monitor_cycle_duration_seconds_count", ())] == 3
    assert m[("monitor_cycle_duration_seconds_sum", ())] > 0
    assert m[("monitor_fetches_total", (("outcome", "ok"),))] == _count(
        developments, "select sum(ok) from cycle"
    )
    assert m[("monitor_fetches_total", (("outcome", "failed"),))] == 0
    assert m[("monitor_sources_failing", ())] == 0
    assert m[("monitor_sources", (("health", "ok"),))] == 3
    assert m[("monitor_items_stored", ())] == _count(developments, "select count(*) from item")
    assert m[("monitor_items_unmatched", ())] == 0
    for kind in ("claim", "ruling", "claim_change"):
        assert m[("monitor_alerts_total", (("kind", kind),))] == 1
    sent = m[("monitor_deliveries", (("channel", "console"), ("status", "sent")))]
    assert sent == _count(developments, "select count(*) from delivery where status = 'sent'")
    assert m[("monitor_deliveries", (("channel", "console"), ("status", "failed")))] == 0
    assert ("monitor_digest_runs", (("status", "sent"),)) in m
    last = m[("monitor_last_successful_cycle_timestamp_seconds", ())]
    assert time.time() - 300 < last <= time.time() + 1
