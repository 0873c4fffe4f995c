"""The tables the developments stage handles as objects: observations, facts, stories and the
alerts they raise, as SQLModel classes. They are on the same `METADATA` as the tables SQL
handles as rows (`monitor.storage.tables`: sources, items, cycles, deliveries, digest runs),
which they refer to; importing this module imports those.

Unique keys make repeats harmless: observation(item_id, rule, subject, value_key),
fact(subject, value_key), story_item(story_id, item_id), alert(dedup_key).
Datetimes are aware UTC (sqlmodel >= 0.0.45 rejects naive ones).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from monitor.storage.tables import METADATA, DateTime


class _Row(SQLModel, registry=registry(metadata=METADATA)):
    """The base of these tables, registered on the schema's one `METADATA`. Their pydantic
    validators are built on first use, not at import: rows are read and written through
    SQLAlchemy, and building them for every table took 20 ms of each command's start-up."""

    # SQLModel types its config as its own subclass of ConfigDict, which only adds keys.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index),
    )


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


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for bulk statements (SQLModel does not type `__table__`)."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table
