"""Stories in the database: a found story is updated by a plain UPDATE and its object agrees
with its row (nothing left for the ORM to flush); stories are looked up by title in the order
of their last report; a new story is stored as its first report leaves it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session

from monitor.developments.stories import ItemRef, attach
from monitor.domain import Item
from monitor.storage import findings as q
from monitor.storage import items as item_store
from monitor.storage import sources as source_store
from monitor.storage.models import Story, StoryItem

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
TITLE = "Judge sets March trial date in Musk lawsuit against OpenAI"


def _items(engine: Engine, count: int) -> list[int]:
    """`count` stored items of one source (the stories' rows refer to them)."""
    with engine.begin() as conn:
        rows = source_store.sync(conn, [("wire", "http://127.0.0.1/feed", "rss")], now=NOW)
        items = [
            Item(
                source="wire",
                key=f"k{i}",
                title=f"{TITLE} {i}",
                text="text",
                url=None,
                published=NOW,
            )
            for i in range(count)
        ]
        (stored,) = item_store.store(conn, [(rows["wire"].id, items, frozenset())], now=NOW)
    return stored.new


def _noise(size: int) -> str:
    """Text PostgreSQL does not compress: a row of it fills its share of a page."""
    return "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(size // 64))


def _ref(item_id: int, outlet: str, language: str | None, title: str = TITLE) -> ItemRef:
    return ItemRef(item_id, title, outlet, language, NOW)


def _row(engine: Engine, story_id: int) -> Story:
    with Session(engine) as session:
        story = session.get(Story, story_id)
        assert story is not None
        session.expunge(story)
        return story


def test_a_found_story_is_updated_in_its_row_and_its_object(engine: Engine) -> None:
    first, second, court = _items(engine, 3)
    with Session(engine) as session, session.begin():
        started = attach(session, _ref(first, "Reuters", "en"), topic="t", kind="match", now=NOW)
        story_id = started.story.id or 0
    assert started.created and started.new_outlet
    row = _row(engine, story_id)
    # Stored as its first report leaves it: its outlet and language in.
    assert (row.outlets, row.languages, row.last_seen_at) == (["Reuters"], ["en"], NOW)

    later = NOW + timedelta(hours=1)
    with Session(engine) as session, session.begin():
        joined = attach(session, _ref(second, "Le Monde", "fr"), topic="t", kind="match", now=later)
        assert not session.dirty  # the object already says what its row says
        seen = (joined.story.outlets, joined.story.languages, joined.story.last_seen_at)
        assert joined.story.id == story_id
    assert not joined.created and joined.new_outlet
    assert seen == (["Reuters", "Le Monde"], ["en", "fr"], later)
    row = _row(engine, story_id)
    assert (row.outlets, row.languages, row.last_seen_at) == seen

    # The same outlet again, earlier: nothing of the story changes; the court record leads.
    with Session(engine) as session, session.begin():
        again = attach(
            session,
            _ref(court, "Reuters", "en", title=f"{TITLE} (order)"),
            topic="t",
            kind="match",
            now=NOW,
            from_court=True,
        )
        assert not session.dirty
    assert not again.new_outlet
    row = _row(engine, story_id)
    assert (row.outlets, row.languages, row.last_seen_at) == seen
    assert row.from_court and row.title == f"{TITLE} (order)"
    with Session(engine) as session:
        linked = session.scalars(
            select(StoryItem.item_id).where(StoryItem.story_id == story_id)
        ).all()
    assert sorted(linked) == sorted([first, second, court])


def test_titles_are_looked_up_in_the_order_of_the_stories(engine: Engine) -> None:
    (item,) = _items(engine, 1)
    with Session(engine) as session, session.begin():
        for i in range(6):
            session.add(
                Story(
                    topic="t",
                    kind="match",
                    subject=f"s{i % 2}",
                    title=f"story {i}",
                    norm_title=f"story {i}",
                    first_item_id=item,
                    first_seen_at=NOW,
                    # Out of id order; the oldest is outside the window.
                    last_seen_at=NOW - timedelta(hours=(i * 5) % 6 * 20),
                    outlets=[],
                    languages=[],
                )
            )
    since = NOW - timedelta(hours=72)
    with Session(engine) as session:
        for subject in (None, "s0", "s1"):
            stories = q.recent_stories(
                session, topic="t", kind="match", subject=subject, since=since
            )
            titles = q.recent_titles(session, topic="t", kind="match", subject=subject, since=since)
            assert titles == [(s.id, s.norm_title) for s in stories]
            assert titles and len(titles) < 6


def test_stories_last_seen_at_once_come_oldest_first(engine: Engine) -> None:
    """Every story a cycle touches is last seen at its time: which of them an item joins does
    not depend on where the database keeps their rows (PostgreSQL moves an updated row)."""
    (item,) = _items(engine, 1)
    with Session(engine) as session, session.begin():
        stories = [
            Story(
                topic="t",
                kind="match",
                # Four rows a page (not TOASTed): an update cannot stay in its page, the row moves.
                title=f"story {i} " + _noise(1900),
                norm_title=f"story {i}",
                first_item_id=item,
                first_seen_at=NOW,
                last_seen_at=NOW,
                outlets=[],
                languages=[],
            )
            for i in range(5)
        ]
        session.add_all(stories)
        session.flush()
        ids = [s.id for s in stories]
    for story_id in reversed(ids):  # rewritten newest first
        with Session(engine) as session, session.begin():
            story = session.get(Story, story_id)
            assert story is not None
            q.update_story(session, story, {"outlets": ["wire"]})
    with Session(engine) as session:
        titles = q.recent_titles(session, topic="t", kind="match", subject=None, since=NOW)
        stories = q.recent_stories(session, topic="t", kind="match", subject=None, since=NOW)
    assert [story_id for story_id, _ in titles] == ids
    assert [s.id for s in stories] == ids
