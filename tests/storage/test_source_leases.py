"""Several workers on one database never check the same source at once (source leases)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from monitor.storage import sources as source_store

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


def _ids(engine: Engine, n: int) -> list[int]:
    with engine.begin() as conn:
        rows = source_store.sync(
            conn, [(f"s{i}", f"https://example.com/{i}.xml", "rss") for i in range(n)], now=NOW
        )
    return [r.id for r in rows.values()]


def test_two_workers_claiming_at_once_get_disjoint_sources(engine: Engine) -> None:
    ids = _ids(engine, 200)
    got: dict[str, set[int]] = {}
    barrier = threading.Barrier(2)

    def worker(owner: str) -> None:
        barrier.wait()
        mine: set[int] = set()
        for start in range(0, len(ids), 20):  # claim in slices, interleaving with the other
            with engine.begin() as conn:
                mine |= source_store.claim_due(
                    conn,
                    ids[start : start + 20],
                    now=NOW,
                    owner=owner,
                    until=NOW + timedelta(minutes=5),
                )
        got[owner] = mine

    threads = [threading.Thread(target=worker, args=(o,)) for o in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got["a"].isdisjoint(got["b"])
    assert got["a"] | got["b"] == set(ids)


def test_a_lease_expires_and_a_source_not_due_is_not_claimed(engine: Engine) -> None:
    ids = _ids(engine, 3)
    with engine.begin() as conn:
        assert source_store.claim_due(
            conn, ids, now=NOW, owner="a", until=NOW + timedelta(minutes=5)
        ) == set(ids)
        source_store.record(conn, ids[0], {"next_check_at": NOW + timedelta(hours=1)})
    later = NOW + timedelta(minutes=10)  # the first worker died: its leases ran out
    with engine.begin() as conn:
        assert source_store.claim_due(
            conn, ids, now=later, owner="b", until=later + timedelta(minutes=5)
        ) == set(ids[1:])
    with engine.begin() as conn:
        assert (
            source_store.claim_due(
                conn, ids, now=later, owner="c", until=later + timedelta(minutes=5)
            )
            == set()
        )


def test_a_corrected_url_is_checked_at_once_not_after_the_old_backoff(engine: Engine) -> None:
    with engine.begin() as conn:
        row = source_store.sync(conn, [("s", "http://old.example/feed", "rss")], now=NOW)["s"]
        source_store.record(
            conn,
            row.id,
            {
                "etag": '"v1"',
                "consecutive_failures": 6,
                "next_check_at": NOW + timedelta(hours=6),
                "last_status": "error",
                "last_error": "HTTP 404 Not Found",
            },
        )
    with engine.begin() as conn:
        new = source_store.sync(conn, [("s", "http://new.example/feed", "rss")], now=NOW)["s"]
        claimed = source_store.claim_due(
            conn, [new.id], now=NOW, owner="w", until=NOW + timedelta(minutes=5)
        )
        health = {r["name"]: r for r in source_store.health_rows(conn)}["s"]
    assert new.url == "http://new.example/feed" and new.etag is None
    assert new.consecutive_failures == 0 and claimed == {new.id}
    assert health["last_error"] is None and health["last_status"] is None
