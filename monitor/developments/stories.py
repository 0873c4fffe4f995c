"""Stories: the items that report one development, across outlets and languages.

Claim stories are keyed by the fact's value, ruling stories by the ruling's kind within a week
(language does not matter), other stories by similar titles within 72 hours (rapidfuzz
token_set_ratio on folded titles; it gives 100 whenever one title's words are a subset of the
other's, so short titles must also share most of their words)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlmodel import Session

from monitor.parse.textnorm import fold_str
from monitor.storage import findings as q
from monitor.storage.models import Story

TITLE_WINDOW = timedelta(hours=72)
RULING_WINDOW = timedelta(days=7)
SIMILAR = 80
SHORT_TITLE_WORDS = 5
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What a story needs to know of an item."""

    id: int
    title: str
    outlet: str
    language: str | None
    published: datetime


@dataclass(frozen=True, slots=True)
class Attached:
    story: Story
    created: bool  # the item started the story
    new_outlet: bool  # the item's outlet had not reported the story yet


def norm_title(title: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold_str(title)).split())


def similar_titles(a: str, b: str) -> bool:
    """Same headline, give or take words, for titles of a few words at least."""
    if not a or not b:
        return False
    if min(len(a.split()), len(b.split())) < SHORT_TITLE_WORDS:
        return fuzz.ratio(a, b) >= 92  # token_set_ratio is 100 for any subset: too loose here
    return fuzz.token_set_ratio(a, b) >= SIMILAR


def attach(
    session: Session,
    item: ItemRef,
    *,
    topic: str,
    kind: str,
    now: datetime,
    subject: str | None = None,
    value_key: str | None = None,
    from_court: bool = False,
) -> Attached:
    """Find the story this item reports (or start one) and link the item to it."""
    title = norm_title(item.title)
    story = _find(
        session, topic=topic, kind=kind, subject=subject, value_key=value_key, title=title, now=now
    )
    created = story is None
    if story is None:
        story = Story(
            topic=topic,
            kind=kind,
            subject=subject,
            value_key=value_key,
            title=item.title,
            norm_title=title,
            first_item_id=item.id,
            first_seen_at=now,
            last_seen_at=now,
            outlets=[],
            languages=[],
            from_court=from_court,
        )
        session.add(story)
        session.flush()
    assert story.id is not None
    q.link_item(session, story.id, item.id, now=now)
    new_outlet = item.outlet not in story.outlets
    if new_outlet:
        story.outlets = [*story.outlets, item.outlet]
    if item.language and item.language not in story.languages:
        story.languages = [*story.languages, item.language]
    if from_court and not story.from_court:
        story.from_court = True
        story.title = item.title  # the court's own words lead
    story.last_seen_at = max(story.last_seen_at, now)
    session.add(story)
    session.flush()
    return Attached(story, created, new_outlet)


def _find(
    session: Session,
    *,
    topic: str,
    kind: str,
    subject: str | None,
    value_key: str | None,
    title: str,
    now: datetime,
) -> Story | None:
    if value_key is not None and subject is not None:
        return q.story_by_value(session, topic=topic, subject=subject, value_key=value_key)
    if kind == "ruling":
        found = q.recent_stories(
            session, topic=topic, kind=kind, subject=subject, since=now - RULING_WINDOW
        )
        return found[0] if found else None
    for story in q.recent_stories(
        session, topic=topic, kind=kind, subject=subject, since=now - TITLE_WINDOW
    ):
        if similar_titles(title, story.norm_title):
            return story
    return None
