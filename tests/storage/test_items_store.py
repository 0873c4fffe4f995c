"""Items of several sources stored in one pass: each source gets its own new and edited ids,
keys are per source, and items the pre-filter named unread are stored as read."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, text

from monitor.domain import Item
from monitor.storage import items as item_store
from monitor.storage import sources as source_store

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)


def _item(source: str, key: str, title: str) -> Item:
    return Item(source=source, key=key, title=title, text="", url=None, published=NOW)


def test_a_batch_of_sources_keeps_each_sources_items_apart(engine: Engine) -> None:
    with engine.begin() as conn:
        rows = source_store.sync(
            conn, [("a", "http://a.example/f", "rss"), ("b", "http://b.example/f", "rss")], now=NOW
        )
    a, b = rows["a"].id, rows["b"].id
    first_a = [_item("a", "k1", "one"), _item("a", "k2", "two")]
    first_b = [_item("b", "k1", "same key, other source")]
    with engine.begin() as conn:
        stored = item_store.store(
            conn, [(a, first_a, frozenset({"k2"})), (b, first_b, frozenset())], now=NOW
        )
    assert [len(s.new) for s in stored] == [2, 1] and not any(s.edited for s in stored)
    assert len({*stored[0].new, *stored[1].new}) == 3

    # again: b's item edited, a's unchanged, a new item for a
    again_a = [*first_a, _item("a", "k3", "three")]
    again_b = [_item("b", "k1", "same key, edited")]
    with engine.begin() as conn:
        stored2 = item_store.store(
            conn, [(b, again_b, frozenset({"k1"})), (a, again_a, frozenset())], now=NOW
        )
    assert stored2[0].new == [] and stored2[0].edited == stored[1].new
    assert len(stored2[1].new) == 1 and stored2[1].edited == []

    with engine.connect() as conn:
        unread = conn.execute(
            text("select source_id, key from item where matched_hash is null order by id")
        ).all()
        read = conn.execute(
            text("select source_id, key from item where matched_hash = content_hash order by id")
        ).all()
    assert [tuple(r) for r in unread] == [(a, "k1"), (a, "k3")]
    assert sorted(tuple(r) for r in read) == sorted([(a, "k2"), (b, "k1")])


def test_the_feed_keys_of_several_sources_are_replaced_together(engine: Engine) -> None:
    with engine.begin() as conn:
        rows = source_store.sync(
            conn, [("a", "http://a.example/f", "rss"), ("b", "http://b.example/f", "rss")], now=NOW
        )
        a, b = rows["a"].id, rows["b"].id
        source_store.remember_keys(conn, [(a, ["x", "y"]), (b, ["z"])])
        source_store.remember_keys(conn, [(a, ["y", "w"])])
        assert source_store.last_keys(conn, a) == ["y", "w"]
        assert source_store.last_keys(conn, b) == ["z"]
