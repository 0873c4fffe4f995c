"""The read-only queries of the web pages: the cycle totals of /metrics are kept up to date
from the rows written since the last scrape, and always equal a sum over every row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from monitor.storage import dashboard as q
from monitor.storage.tables import CYCLE

NOW = datetime(2026, 5, 18, 12, tzinfo=UTC)


def _cycle(engine: Engine, *, ago: timedelta, seconds: float, ok: int, failed: int) -> None:
    finished = NOW - ago
    with engine.begin() as conn:
        conn.execute(
            insert(CYCLE).values(
                started_at=finished - timedelta(seconds=seconds),
                finished_at=finished,
                sources=ok + failed,
                ok=ok,
                not_modified=0,
                failed=failed,
            )
        )


def test_cycle_totals_settle_old_rows_and_count_new_ones_each_time(engine: Engine) -> None:
    _cycle(engine, ago=timedelta(hours=3), seconds=2, ok=3, failed=0)
    _cycle(engine, ago=timedelta(hours=2), seconds=4, ok=0, failed=2)  # every source failed
    _cycle(engine, ago=timedelta(seconds=30), seconds=1, ok=1, failed=1)
    settle_before = NOW - timedelta(minutes=2)
    with engine.connect() as conn:
        settled, total = q.cycle_totals(conn, q.CycleTotals(), settle_before=settle_before)
    assert (settled.count, settled.ok, settled.failed) == (2, 3, 2)
    assert abs(settled.seconds - 6) < 0.01
    assert settled.last_success_at == NOW - timedelta(hours=3)
    assert (total.count, total.ok, total.failed) == (3, 4, 3)
    assert abs(total.seconds - 7) < 0.01
    assert total.last_success_at == NOW - timedelta(seconds=30)
    # The next scrape starts from the settled rows: the unsettled one and a new one are read.
    _cycle(engine, ago=timedelta(seconds=5), seconds=3, ok=2, failed=0)
    with engine.connect() as conn:
        again, total = q.cycle_totals(conn, settled, settle_before=settle_before)
    assert again == settled
    assert (total.count, total.ok, total.failed) == (4, 6, 3)
    assert abs(total.seconds - 10) < 0.01
    # Later, everything has settled: the same totals from the watermark or from nothing.
    later = NOW + timedelta(hours=1)
    with engine.connect() as conn:
        settled_later, from_watermark = q.cycle_totals(conn, settled, settle_before=later)
        _, from_scratch = q.cycle_totals(conn, q.CycleTotals(), settle_before=later)
    assert from_watermark == from_scratch == settled_later
    assert from_scratch.count == 4


def test_numbers_of_an_empty_database_are_zeros(engine: Engine) -> None:
    with engine.connect() as conn:
        n = q.numbers(conn)
        _, cycles = q.cycle_totals(conn, q.CycleTotals(), settle_before=NOW)
    assert (n.items, n.items_unmatched, n.sources_failing, n.last_cycle_seconds) == (0, 0, 0, None)
    assert cycles == q.CycleTotals()
