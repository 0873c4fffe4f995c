"""Queries for facts, stories and observations (the provenance behind alerts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from monitor.domain import Observation as ObservationValue
from monitor.storage.dialect import insert_ignore
from monitor.storage.models import Alert, Fact, Observation, Story, StoryItem, table_of

OBSERVATION = table_of(Observation)
FACT = table_of(Fact)
STORY_ITEM = table_of(StoryItem)


def record_observation(
    session: Session, item_id: int, obs: ObservationValue, *, now: datetime
) -> None:
    session.execute(
        insert_ignore(session, OBSERVATION).values(
            item_id=item_id,
            rule=obs.rule,
            topic=obs.topic,
            kind=obs.kind,
            subject=obs.subject,
            value_key=obs.value_key[:300],
            value=dict(obs.value),
            display=obs.display,
            severity=obs.severity,
            sentence=obs.evidence.sentence,
            highlights=[list(h) for h in obs.evidence.highlights],
            suspect=obs.suspect,
            created_at=now,
        )
    )


def get_or_create_fact(session: Session, values: dict[str, Any]) -> Fact:
    """The fact row for (subject, value_key); created with `values` when new (race-safe)."""
    session.execute(insert_ignore(session, FACT).values(**values))
    fact = session.scalars(
        select(Fact).where(Fact.subject == values["subject"], Fact.value_key == values["value_key"])
    ).one()
    return fact


def current_fact(session: Session, subject: str) -> Fact | None:
    return session.scalars(
        select(Fact).where(col(Fact.subject) == subject, col(Fact.status) == "current")
    ).first()


def facts_of(session: Session, subject: str) -> list[Fact]:
    return list(
        session.scalars(
            select(Fact).where(col(Fact.subject) == subject).order_by(col(Fact.first_seen_at))
        )
    )


def recent_stories(
    session: Session, *, topic: str, kind: str, subject: str | None, since: datetime
) -> list[Story]:
    query = select(Story).where(
        col(Story.topic) == topic,
        col(Story.kind) == kind,
        col(Story.last_seen_at) >= since,
    )
    if subject is not None:
        query = query.where(col(Story.subject) == subject)
    return list(session.scalars(query.order_by(col(Story.last_seen_at).desc()).limit(500)))


def story_by_value(session: Session, *, topic: str, subject: str, value_key: str) -> Story | None:
    return session.scalars(
        select(Story).where(
            col(Story.topic) == topic,
            col(Story.subject) == subject,
            col(Story.value_key) == value_key,
        )
    ).first()


def link_item(session: Session, story_id: int, item_id: int, *, now: datetime) -> bool:
    """Attach an item to a story; False when it was attached already."""
    result = session.execute(
        insert_ignore(session, STORY_ITEM)
        .values(story_id=story_id, item_id=item_id, added_at=now)
        .returning(STORY_ITEM.c.id)
    )
    return result.first() is not None


def alert_of_story(session: Session, story_id: int) -> Alert | None:
    return session.scalars(
        select(Alert).where(col(Alert.story_id) == story_id).order_by(col(Alert.id))
    ).first()


def story_item_links(session: Session, story_id: int, limit: int = 20) -> Sequence[Any]:
    """(outlet, title, url, published, language) of a story's items, first reporter first."""
    from monitor.storage.models import Item, Source

    rows = session.execute(
        select(
            col(Item.extra),
            col(Source.name),
            col(Item.title),
            col(Item.url),
            col(Item.published_at),
            col(Item.language),
        )
        .join(StoryItem, col(StoryItem.item_id) == col(Item.id))
        .join(Source, col(Source.id) == col(Item.source_id))
        .where(col(StoryItem.story_id) == story_id)
        # first reporter first
        .order_by(col(Item.published_at), col(StoryItem.added_at), col(StoryItem.id))
        .limit(limit)
    )
    return list(rows)


def story_values(session: Session, story_id: int, *, kind: str) -> list[dict[str, Any]]:
    """The values the rules read in a story's reports, for observations of `kind`, first
    report first."""
    rows = session.execute(
        select(col(Observation.value))
        .join(StoryItem, col(StoryItem.item_id) == col(Observation.item_id))
        .where(col(StoryItem.story_id) == story_id, col(Observation.kind) == kind)
        .order_by(col(StoryItem.added_at), col(StoryItem.id))
    )
    return [dict(value) for (value,) in rows]
