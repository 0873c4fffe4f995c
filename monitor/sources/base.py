"""What every source kind shares: its options (validated, unknown keys rejected) and the two
steps the pipeline calls: `fetch` (async, network) then `parse` (pure, may run in a worker
process, so it must be picklable and touch nothing but its arguments)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.config.durations import MIN_INTERVAL, Duration, format_duration
from monitor.domain import Item
from monitor.fetch.client import Fetcher, Response, check_url


@dataclass(frozen=True, slots=True)
class Validators:
    """What we remember between two polls of a source."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """Items read from one response, with what was odd about it."""

    items: list[Item]
    warnings: list[str] = field(default_factory=list)
    title: str | None = None
    # Keys of the items no rule can find anything in (the topic pre-filter): stored as read.
    unread: frozenset[str] = frozenset()


class SourceBase(BaseModel):
    """Options every source has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    url: str
    kind: str
    interval: Duration = timedelta(minutes=10)
    tags: tuple[str, ...] = ()
    language: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True
    # No new item for longer than this makes the source "silent" (a source-health alert).
    expected_silence: Duration | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[\w .:@/+-]+", v):
            raise ValueError(f"invalid name {v!r}: use letters, digits, spaces and . : @ / + -")
        return v.strip()

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        try:
            return check_url(v.strip())
        except Exception as exc:  # FetchError: same message, but a config problem here
            raise ValueError(str(exc)) from None

    @field_validator("interval")
    @classmethod
    def _interval(cls, v: timedelta) -> timedelta:
        if v < MIN_INTERVAL:
            raise ValueError(f"interval {format_duration(v)} is below the 1 minute minimum")
        return v

    @field_validator("language")
    @classmethod
    def _language(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", v):
            raise ValueError(f"language {v!r} is not a language code such as en, fr, de-AT")
        return v.split("-")[0] if v else v

    async def fetch(self, fetcher: Fetcher, validators: Validators) -> Response:
        """One conditional GET. Kinds that page through an API override this."""
        return await fetcher.get(
            self.url,
            headers=self.headers,
            etag=validators.etag,
            last_modified=validators.last_modified,
        )

    def parse(self, response: Response, *, now: datetime) -> Parsed:
        raise NotImplementedError

    def describe(self) -> Mapping[str, Any]:
        return {"name": self.name, "kind": self.kind, "url": self.url}
