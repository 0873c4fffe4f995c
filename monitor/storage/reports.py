"""Read-only queries behind the daily digest: the alerts raised in a time window, tracked claim
amounts with their history, the window's stories with outlet counts and languages, rulings the
news reported that no docket entry has shown yet, and sources whose health is not ok."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, Select, select

from monitor.domain import as_utc
from monitor.storage.models import Alert, Fact, Story, StoryItem, table_of
from monitor.storage.tables import ITEM, SOURCE

ALERT = table_of(Alert)
FACT = table_of(Fact)
STORY = table_of(Story)
STORY_ITEM = table_of(StoryItem)
DOCKET_KINDS = ("court-rss", "courtlistener")  # source kinds that read the court record


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return as_utc(dt)


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    kind: str
    severity: str
    topic: str | None
    headline: str
    created_at: datetime
    story_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FactRow:
    subject: str
    topic: str
    display: str
    status: str
    confirmed_at: datetime
    first_source: str | None
    from_court: bool


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    topic: str
    kind: str
    title: str
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    first_seen_at: datetime
    last_seen_at: datetime
    from_court: bool
    url: str | None


@dataclass(frozen=True, slots=True)
class NewsOnlyRulingRow:
    """A ruling story that only the news has reported (no docket entry joined it)."""

    id: int
    topic: str
    ruling: str  # the ruling's kind (summary_judgment, ...), from `ruling:<topic>:<kind>`
    title: str
    outlets: tuple[str, ...]
    first_seen_at: datetime
    url: str | None


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    health: str
    consecutive_failures: int
    last_error: str | None
    last_success_at: datetime | None
    last_new_item_at: datetime | None


def alerts_between(engine: Engine, start: datetime, end: datetime) -> list[AlertRow]:
    stmt = (
        select(ALERT)
        .where(
            ALERT.c.created_at >= start,
            ALERT.c.created_at < end,
            ALERT.c.severity.in_(("alert", "digest")),
        )
        .order_by(ALERT.c.created_at, ALERT.c.id)
    )
    with engine.connect() as conn:
        return [_alert_row(r) for r in conn.execute(stmt)]


def _alert_row(r: Any) -> AlertRow:
    created = cast(datetime, _utc(r.created_at))
    return AlertRow(
        r.id, r.kind, r.severity, r.topic, r.headline, created, r.story_id, dict(r.payload)
    )


def confirmed_facts(engine: Engine, prefix: str, before: datetime) -> list[FactRow]:
    """Facts of subjects starting with `prefix` confirmed before `before`, oldest first."""
    stmt = (
        select(FACT)
        .where(
            FACT.c.subject.startswith(prefix),
            FACT.c.confirmed_at.is_not(None),
            FACT.c.confirmed_at < before,
            FACT.c.status.in_(("current", "past")),
        )
        .order_by(FACT.c.subject, FACT.c.confirmed_at, FACT.c.id)
    )
    with engine.connect() as conn:
        return [
            FactRow(
                r.subject,
                r.topic,
                r.display,
                r.status,
                cast(datetime, _utc(r.confirmed_at)),
                r.first_source,
                bool(r.from_court),
            )
            for r in conn.execute(stmt)
        ]


def stories_between(
    engine: Engine, start: datetime, end: datetime, *, limit: int
) -> list[StoryRow]:
    """Stories seen in the window, most outlets first."""
    stmt = (
        select(STORY, ITEM.c.url.label("first_url"))
        .outerjoin(ITEM, ITEM.c.id == STORY.c.first_item_id)
        .where(STORY.c.last_seen_at >= start, STORY.c.first_seen_at < end)
        # Developments and news; keyword/amount rule stories are listed with their alerts.
        .where(STORY.c.kind.in_(("claim", "ruling", "news")))
        .order_by(STORY.c.last_seen_at.desc())
        .limit(1000)
    )
    with engine.connect() as conn:
        rows = [
            StoryRow(
                r.id,
                r.topic,
                r.kind,
                r.title,
                tuple(r.outlets or ()),
                tuple(r.languages or ()),
                cast(datetime, _utc(r.first_seen_at)),
                cast(datetime, _utc(r.last_seen_at)),
                bool(r.from_court),
                r.first_url,
            )
            for r in conn.execute(stmt)
        ]
    rows.sort(key=lambda s: (-len(s.outlets), s.first_seen_at))
    return rows[:limit]


def has_docket_source(engine: Engine) -> bool:
    """Whether any source reads the court record (court-rss, courtlistener)."""
    stmt = select(SOURCE.c.id).where(SOURCE.c.kind.in_(DOCKET_KINDS)).limit(1)
    with engine.connect() as conn:
        return conn.execute(stmt).first() is not None


def _news_rulings() -> Select[Any]:
    """Ruling stories no docket entry joined, with the link of their first report."""
    return (
        select(STORY, ITEM.c.url.label("first_url"))
        .outerjoin(ITEM, ITEM.c.id == STORY.c.first_item_id)
        .where(STORY.c.kind == "ruling", STORY.c.from_court.is_(False))
    )


def _ruling_rows(engine: Engine, stmt: Select[Any]) -> list[NewsOnlyRulingRow]:
    with engine.connect() as conn:
        return [
            NewsOnlyRulingRow(
                r.id,
                r.topic,
                _ruling_kind(r.subject),
                r.title,
                tuple(r.outlets or ()),
                cast(datetime, _utc(r.first_seen_at)),
                r.first_url,
            )
            for r in conn.execute(stmt)
        ]


def news_only_rulings(
    engine: Engine, *, reported_before: datetime, reported_since: datetime, limit: int = 50
) -> list[NewsOnlyRulingRow]:
    """Ruling stories first reported in [reported_since, reported_before) that no docket entry
    has joined (from_court false), oldest report first."""
    stmt = (
        _news_rulings()
        .where(
            STORY.c.first_seen_at >= reported_since,
            STORY.c.first_seen_at < reported_before,
        )
        .order_by(STORY.c.first_seen_at, STORY.c.id)
        .limit(limit)
    )
    return _ruling_rows(engine, stmt)


def unalerted_rulings(engine: Engine, start: datetime, end: datetime) -> list[NewsOnlyRulingRow]:
    """Ruling stories seen in the window that raised no alert yet: one outlet so far, waiting
    for a second (the court record alone would have raised one)."""
    stmt = (
        _news_rulings()
        .outerjoin(ALERT, ALERT.c.story_id == STORY.c.id)
        .where(
            STORY.c.last_seen_at >= start,
            STORY.c.first_seen_at < end,
            ALERT.c.id.is_(None),
        )
        .order_by(STORY.c.first_seen_at, STORY.c.id)
        .limit(50)
    )
    return _ruling_rows(engine, stmt)


def last_alert_of_kind(engine: Engine, kind: str, before: datetime) -> AlertRow | None:
    """The latest alert of `kind` raised before `before` (where the dispute stands)."""
    stmt = (
        select(ALERT)
        .where(ALERT.c.kind == kind, ALERT.c.created_at < before)
        .order_by(ALERT.c.created_at.desc(), ALERT.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        r = conn.execute(stmt).first()
    return _alert_row(r) if r is not None else None


def story_items(engine: Engine, story_ids: list[int]) -> dict[int, set[int]]:
    """The items of each story."""
    if not story_ids:
        return {}
    stmt = select(STORY_ITEM.c.story_id, STORY_ITEM.c.item_id).where(
        STORY_ITEM.c.story_id.in_(story_ids)
    )
    out: dict[int, set[int]] = {s: set() for s in story_ids}
    with engine.connect() as conn:
        for story_id, item_id in conn.execute(stmt):
            out[story_id].add(item_id)
    return out


def _ruling_kind(subject: str | None) -> str:
    if subject and subject.startswith("ruling:") and subject.count(":") >= 2:
        return subject.rsplit(":", 1)[1] or "other"
    return "other"


def unhealthy_sources(engine: Engine) -> list[SourceRow]:
    stmt = select(SOURCE).where(SOURCE.c.health != "ok").order_by(SOURCE.c.name)
    with engine.connect() as conn:
        return [
            SourceRow(
                r.name,
                r.health,
                r.consecutive_failures,
                r.last_error,
                _utc(r.last_success_at),
                _utc(r.last_new_item_at),
            )
            for r in conn.execute(stmt)
        ]


def sources_checked_since(engine: Engine, since: datetime) -> tuple[int, list[SourceRow]]:
    """How many sources were checked since `since`, and those of them not read once since then
    (still failing): a digest of a day without developments says whether anyone was looking."""
    stmt = select(SOURCE).where(SOURCE.c.last_checked_at >= since).order_by(SOURCE.c.name)
    checked = 0
    unread: list[SourceRow] = []
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            checked += 1
            success = _utc(r.last_success_at)
            if r.last_status == "error" and (success is None or success < since):
                unread.append(
                    SourceRow(
                        r.name,
                        r.health,
                        r.consecutive_failures,
                        r.last_error,
                        success,
                        _utc(r.last_new_item_at),
                    )
                )
    return checked, unread
