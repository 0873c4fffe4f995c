"""/metrics: Prometheus text made at scrape time from the database, so a web process alone
(`monitor serve`) reports what every worker sharing the database did. Input: an engine;
output: the exposition format of prometheus-client."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from monitor.errors import StorageError
from monitor.storage import dashboard as q

log = logging.getLogger(__name__)

DELIVERY_STATUSES = ("pending", "sending", "sent", "failed")
FETCH_OUTCOMES = ("ok", "not_modified", "failed")
SOURCE_HEALTH = ("ok", "down", "silent")
# Cycle rows older than this are folded into the running totals (see q.cycle_totals).
SETTLE = timedelta(minutes=2)


class DatabaseCollector(Collector):
    """Reads the numbers once per scrape; a database that does not answer gives
    monitor_database_up 0 and nothing else (a scrape never fails on it)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settled = q.CycleTotals()
        self.lock = threading.Lock()  # scrapes run in worker threads

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("monitor_database_up", "1 when the database answered this scrape.")
        try:
            with self.lock, self.engine.connect() as conn:
                n = q.numbers(conn)
                settle_before = datetime.now(UTC) - SETTLE
                self.settled, cycles = q.cycle_totals(
                    conn, self.settled, settle_before=settle_before
                )
        except (SQLAlchemyError, StorageError) as exc:
            log.warning("metrics database error=%s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up

        yield SummaryMetricFamily(
            "monitor_cycle_duration_seconds",
            "Time each polling cycle took (cycles that checked at least one source).",
            count_value=cycles.count,
            sum_value=cycles.seconds,
        )
        last = GaugeMetricFamily(
            "monitor_last_cycle_duration_seconds", "Time the last polling cycle took."
        )
        if n.last_cycle_seconds is not None:
            last.add_metric([], n.last_cycle_seconds)
        yield last
        success = GaugeMetricFamily(
            "monitor_last_successful_cycle_timestamp_seconds",
            "Unix time the last cycle in which at least one source answered finished.",
        )
        if cycles.last_success_at is not None:
            success.add_metric([], cycles.last_success_at.timestamp())
        yield success

        fetches = CounterMetricFamily(
            "monitor_fetches", "Source checks by outcome.", labels=["outcome"]
        )
        for outcome in FETCH_OUTCOMES:
            fetches.add_metric([outcome], getattr(cycles, outcome))
        yield fetches

        failing = GaugeMetricFamily("monitor_sources_failing", "Sources whose last check failed.")
        failing.add_metric([], n.sources_failing)
        yield failing
        health = GaugeMetricFamily("monitor_sources", "Sources by health.", labels=["health"])
        for name in sorted(set(SOURCE_HEALTH) | set(n.sources_by_health)):
            health.add_metric([name], n.sources_by_health.get(name, 0))
        yield health

        items = GaugeMetricFamily("monitor_items_stored", "Items in the database.")
        items.add_metric([], n.items)
        yield items
        backlog = GaugeMetricFamily(
            "monitor_items_unmatched", "Items the rules have not read yet (the backlog)."
        )
        backlog.add_metric([], n.items_unmatched)
        yield backlog

        alerts = CounterMetricFamily("monitor_alerts", "Alerts raised, by kind.", labels=["kind"])
        for kind, count in sorted(n.alerts_by_kind.items()):
            alerts.add_metric([kind], count)
        yield alerts

        deliveries = GaugeMetricFamily(
            "monitor_deliveries",
            "Outbox messages by channel and status.",
            labels=["channel", "status"],
        )
        by_channel: dict[str, dict[str, int]] = {}
        for channel, status, count in n.deliveries:
            by_channel.setdefault(channel, {})[status] = count
        for channel, counts in sorted(by_channel.items()):
            for status in sorted(set(DELIVERY_STATUSES) | set(counts)):
                deliveries.add_metric([channel, status], counts.get(status, 0))
        yield deliveries

        digests = GaugeMetricFamily(
            "monitor_digest_runs", "Daily digest runs by status.", labels=["status"]
        )
        for status in sorted(set(DELIVERY_STATUSES) | set(n.digest_runs)):
            digests.add_metric([status], n.digest_runs.get(status, 0))
        yield digests


def make_registry(engine: Engine) -> CollectorRegistry:
    """A registry of its own: the default one would add this process's Python and process
    metrics, which describe the web process rather than the monitor."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(engine))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
