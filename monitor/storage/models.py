"""The tables. All SQL lives in monitor/storage; other modules call its query functions.

Unique keys make repeats harmless: item(source_id, key), observation(item_id, rule, subject),
alert(dedup_key), delivery(alert_id, channel, seq), digest_run(day, recipient).
Datetimes are aware UTC (sqlmodel >= 0.0.45 rejects naive ones).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint
from sqlalchemy import DateTime as _SADateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from monitor.domain import as_utc


def utcnow() -> datetime:
    return datetime.now(UTC)


class DateTime(TypeDecorator[datetime]):
    """TIMESTAMP WITH TIME ZONE that always comes back aware UTC (SQLite drops the zone)."""

    impl = _SADateTime
    cache_ok = True

    def __init__(self, timezone: bool = True) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)


class _Row(SQLModel):
    """The base of the tables. Their pydantic validators are built on first use, not at import:
    rows are read and written through SQLAlchemy, and building them for every table took
    20 ms of each command's start-up, `monitor poll` included."""

    # SQLModel types its config as its own subclass of ConfigDict, which only adds keys.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index),
    )


class Source(_Row, table=True):
    """Health and polling state of one source of sources.yaml (matched by name)."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    url: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default="rss", max_length=40)
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, max_length=200)
    body_hash: str | None = Field(default=None, max_length=64)
    last_checked_at: datetime | None = _ts()
    last_success_at: datetime | None = _ts()
    last_new_item_at: datetime | None = _ts()
    last_status: str | None = Field(default=None, max_length=20)  # ok | not_modified | error
    last_http_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_warning: str | None = Field(default=None, sa_column=Column(Text))
    consecutive_failures: int = 0
    next_check_at: datetime | None = _ts(index=True)
    health: str = Field(default="ok", max_length=20)  # ok | down | silent
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = _ts()
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class SourceKeys(_Row, table=True):
    """The entry keys of a source's last feed, to warn when two polls do not overlap.

    Apart from `source`: every check rewrites the source's row, and SQLite rewrites a row
    whole; with a feed's keys in it (~2 KB), a cycle of 1,000 304s wrote ~2.5 MB (~90 ms)."""

    __tablename__ = "source_keys"

    source_id: int = Field(foreign_key="source.id", primary_key=True)
    keys: list[str] = Field(sa_column=Column(JSON, nullable=False))


class Item(_Row, table=True):
    """One entry of a source, stored once per (source, key)."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("source_id", "key", name="uq_item_source_key"),
        Index("ix_item_published_at", "published_at"),
        Index("ix_item_first_seen_at", "first_seen_at"),
        # The rules' backlog, found without scanning the table: partial in the database, on
        # the rows with `matched_hash IS NULL` (migration 0002, held by a test). Its condition
        # is not repeated here: SQLAlchemy checks a `postgresql_where` by importing the
        # PostgreSQL dialect, 40 ms of every command on SQLite, `monitor poll` included.
        Index("ix_item_unmatched", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    key: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text))
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    author: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, max_length=10)
    published_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_guessed: bool = False
    first_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    content_hash: str = Field(max_length=64)
    edit_count: int = 0
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # content_hash at the time rules last ran on the item (None: never matched).
    matched_hash: str | None = Field(default=None, max_length=64)


class Cycle(_Row, table=True):
    """One polling cycle over the due sources."""

    __tablename__ = "cycle"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = _ts()
    sources: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    updated_items: int = 0
    alerts: int = 0


class Observation(_Row, table=True):
    """What a rule saw in an item (the provenance of facts and stories)."""

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint("item_id", "rule", "subject", "value_key", name="uq_observation"),
        Index("ix_observation_subject", "subject", "value_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    rule: str = Field(max_length=200)
    topic: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=300)
    value_key: str = Field(max_length=300)
    value: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    display: str = Field(sa_column=Column(Text, nullable=False))
    severity: str = Field(max_length=20)
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    highlights: list[list[int]] = Field(sa_column=Column(JSON, nullable=False))
    suspect: bool = False
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Fact(_Row, table=True):
    """A tracked value per (subject, value): pending until corroborated, then current or past."""

    __tablename__ = "fact"
    __table_args__ = (UniqueConstraint("subject", "value_key", name="uq_fact_subject_value"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=300, index=True)
    topic: str = Field(max_length=200)
    value_key: str = Field(max_length=300)
    value: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    display: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=20)  # pending | suspect | current | past
    first_item_id: int | None = Field(default=None, foreign_key="item.id")
    first_source: str | None = Field(default=None, max_length=200)
    first_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    confirmed_at: datetime | None = _ts()
    outlets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    from_court: bool = False
    previous_value_key: str | None = Field(default=None, max_length=300)
    previous_display: str | None = Field(default=None, sa_column=Column(Text))


class Story(_Row, table=True):
    """One development, however many outlets report it."""

    __tablename__ = "story"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=40)  # claim | ruling | match | amount | news
    subject: str | None = Field(default=None, max_length=300)
    value_key: str | None = Field(default=None, max_length=300)
    title: str = Field(sa_column=Column(Text, nullable=False))
    norm_title: str = Field(default="", sa_column=Column(Text, nullable=False))
    first_item_id: int | None = Field(default=None, foreign_key="item.id")
    first_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    outlets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    from_court: bool = False


class StoryItem(_Row, table=True):
    __tablename__ = "story_item"
    __table_args__ = (UniqueConstraint("story_id", "item_id", name="uq_story_item"),)

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    added_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Alert(_Row, table=True):
    """A development worth telling; `payload` holds everything a notifier renders (and why)."""

    __tablename__ = "alert"

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=400, unique=True)
    story_id: int | None = Field(default=None, foreign_key="story.id", index=True)
    topic: str | None = Field(default=None, max_length=200)
    kind: str = Field(max_length=40)  # claim | claim_change | ruling | match | source_down | ...
    rule: str | None = Field(default=None, max_length=200)
    severity: str = Field(max_length=20)  # alert | digest
    headline: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


class Delivery(_Row, table=True):
    """One message to one channel (outbox row). seq 0 is the alert, 1.. are thread updates."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "seq", name="uq_delivery"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    channel: str = Field(max_length=100)
    seq: int = 0
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=20)  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = _ts()
    external_ref: str | None = Field(default=None, max_length=200)  # e.g. Slack ts
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    sent_at: datetime | None = _ts()


class DigestRun(_Row, table=True):
    """The daily digest for one day and recipient: claimed once, sent once."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("day", "recipient", name="uq_digest_run"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date
    recipient: str = Field(max_length=320)
    status: str = Field(default="pending", max_length=20)  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = _ts()
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    sent_at: datetime | None = _ts()


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for bulk statements (SQLModel does not type `__table__`)."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table
