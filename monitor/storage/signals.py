"""Queries for facts, stories and observations (the provenance behind alerts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from monitor.domain import Observation as ObservationValue
from monitor.storage.dialect import insert_ignore
from monitor.storage.models import Alert, Fact, Observation, Story, StoryItem

OBSERVATION = Observation.__table__  # type: ignore[attr-defined]
FACT = Fact.__table__  # type: ignore[attr-defined]
STORY_ITEM = StoryItem.__table__  # type: ignore[attr-defined]


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
        select(Fact).where(Fact.subject == subject, Fact.status == "current")  # type: ignore[arg-type]
    ).first()


def facts_of(session: Session, subject: str) -> list[Fact]:
    return list(
        session.scalars(select(Fact).where(Fact.subject == subject).order_by(Fact.first_seen_at))  # type: ignore[arg-type]
    )


def recent_stories(
    session: Session, *, topic: str, kind: str, subject: str | None, since: datetime
) -> list[Story]:
    query = select(Story).where(
        Story.topic == topic,  # type: ignore[arg-type]
        Story.kind == kind,  # type: ignore[arg-type]
        Story.last_seen_at >= since,  # type: ignore[arg-type]
    )
    if subject is not None:
        query = query.where(Story.subject == subject)  # type: ignore[arg-type]
    return list(session.scalars(query.order_by(Story.last_seen_at.desc()).limit(500)))  # type: ignore[attr-defined]


def story_by_value(session: Session, *, topic: str, subject: str, value_key: str) -> Story | None:
    return session.scalars(
        select(Story).where(
            Story.topic == topic,  # type: ignore[arg-type]
            Story.subject == subject,  # type: ignore[arg-type]
            Story.value_key == value_key,  # type: ignore[arg-type]
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
        select(Alert).where(Alert.story_id == story_id).order_by(Alert.id)  # type: ignore[arg-type]
    ).first()


def story_item_links(session: Session, story_id: int, limit: int = 20) -> Sequence[Any]:
    """(outlet, title, url, published, language) of a story's items, first reporter first."""
    from monitor.storage.models import Item, Source

    rows = session.execute(
        select(Item.extra, Source.name, Item.title, Item.url, Item.published_at, Item.language)  # type: ignore[call-overload]
        .join(StoryItem, StoryItem.item_id == Item.id)
        .join(Source, Source.id == Item.source_id)
        .where(StoryItem.story_id == story_id)
        .order_by(Item.published_at, StoryItem.added_at, StoryItem.id)  # first reporter first
        .limit(limit)
    )
    return list(rows)
