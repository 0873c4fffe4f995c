"""The tables that SQL reads and writes as rows: sources and their polling state, items, cycles,
the outbox's deliveries and the digest's runs, in SQLAlchemy Core. The tables the developments
stage handles as objects (observations, facts, stories, alerts) are SQLModel classes in
`monitor.storage.models`, on the same `METADATA`: the database has one schema, which the
migrations build and a test holds equal to these two modules.

Apart because a poll needs no ORM until the rules have items to read or an alert is raised or
sent: a cycle of 1,000 304s reads and writes only these tables, and importing SQLAlchemy's ORM,
SQLModel and the model classes took 0.12 s of that command's 1.2 s on a 2-core machine.

Unique keys make repeats harmless: item(source_id, key), delivery(alert_id, channel, seq),
digest_run(day, recipient). Datetimes are aware UTC (`DateTime`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import DateTime as _SADateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from monitor.domain import as_utc

METADATA = MetaData()


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


def _when(name: str, *, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(name, DateTime(), nullable=nullable, index=index)


def _claimed_and_retried() -> list[Column[Any]]:
    """The columns by which a row to send (an outbox delivery, a digest run) is claimed under a
    lease, sent once, and retried with backoff."""
    return [
        Column("status", String(20), nullable=False, default="pending"),  # sending, sent, failed
        Column("attempts", Integer, nullable=False, default=0),
        _when("next_attempt_at", nullable=False),
        Column("last_error", Text),
        Column("lease_owner", String(100)),
        _when("lease_until"),
    ]


# Health and polling state of one source of sources.yaml (matched by name).
SOURCE = Table(
    "source",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, index=True, unique=True),
    Column("url", Text, nullable=False),
    Column("kind", String(40), nullable=False, default="rss"),
    Column("etag", Text),
    Column("last_modified", String(200)),
    Column("body_hash", String(64)),
    _when("last_checked_at"),
    _when("last_success_at"),
    _when("last_new_item_at"),
    Column("last_status", String(20)),  # ok | not_modified | error
    Column("last_http_status", Integer),
    Column("last_error", Text),
    Column("last_warning", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    _when("next_check_at", index=True),
    Column("health", String(20), nullable=False, default="ok"),  # ok | down | silent
    Column("lease_owner", String(100)),
    _when("lease_until"),
    Column("created_at", DateTime(), nullable=False, default=utcnow),
)

# The entry keys of a source's last feed, to warn when two polls do not overlap. Apart from
# `source`: every check rewrites the source's row, and SQLite rewrites a row whole; with a
# feed's keys in it (~2 KB), a cycle of 1,000 304s wrote ~2.5 MB (~90 ms).
SOURCE_KEYS = Table(
    "source_keys",
    METADATA,
    Column("source_id", Integer, ForeignKey("source.id"), primary_key=True),
    Column("keys", JSON, nullable=False),
)

# One entry of a source, stored once per (source, key).
ITEM = Table(
    "item",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("source.id"), nullable=False, index=True),
    Column("key", Text, nullable=False),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("author", Text),
    Column("language", String(10)),
    _when("published_at", nullable=False),
    Column("published_guessed", Boolean, nullable=False, default=False),
    _when("first_seen_at", nullable=False),
    _when("updated_at", nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("edit_count", Integer, nullable=False, default=0),
    Column("extra", JSON),
    # content_hash at the time rules last ran on the item (None: never matched).
    Column("matched_hash", String(64)),
    UniqueConstraint("source_id", "key", name="uq_item_source_key"),
    Index("ix_item_published_at", "published_at"),
    Index("ix_item_first_seen_at", "first_seen_at"),
    # The rules' backlog, found without scanning the table: partial in the database, on the
    # rows with `matched_hash IS NULL` (migration 0002, held by a test). Its condition is not
    # repeated here: SQLAlchemy checks a `postgresql_where` by importing the PostgreSQL
    # dialect, 40 ms of every command on SQLite, `monitor poll` included.
    Index("ix_item_unmatched", "id"),
)

# One polling cycle over the due sources.
CYCLE = Table(
    "cycle",
    METADATA,
    Column("id", Integer, primary_key=True),
    _when("started_at", nullable=False),
    _when("finished_at"),
    *(
        Column(name, Integer, nullable=False, default=0)
        for name in (
            "sources",
            "ok",
            "not_modified",
            "failed",
            "new_items",
            "updated_items",
            "alerts",
        )
    ),
)

# One message to one channel (an outbox row); seq 0 is the alert, 1.. are thread updates.
DELIVERY = Table(
    "delivery",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alert.id"), nullable=False, index=True),
    Column("channel", String(100), nullable=False),
    Column("seq", Integer, nullable=False, default=0),
    Column("payload", JSON, nullable=False),
    *_claimed_and_retried(),
    Column("external_ref", String(200)),  # e.g. Slack ts
    _when("created_at", nullable=False),
    _when("sent_at"),
    UniqueConstraint("alert_id", "channel", "seq", name="uq_delivery"),
    Index("ix_delivery_due", "status", "next_attempt_at"),
)

# The daily digest for one day and recipient: claimed once, sent once.
DIGEST_RUN = Table(
    "digest_run",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("recipient", String(320), nullable=False),
    *_claimed_and_retried(),
    _when("created_at", nullable=False),
    _when("sent_at"),
    UniqueConstraint("day", "recipient", name="uq_digest_run"),
)
