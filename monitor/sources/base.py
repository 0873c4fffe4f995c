"""What every source kind shares: its options (validated, unknown keys rejected) and the two
steps the pipeline calls: `fetch` (async, network) then `parse` (pure, may run in a worker
process, so it must be picklable and touch nothing but its arguments)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from monitor.domain import Item
from monitor.fetch import Fetcher, Response, check_url

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, None: 60}
MIN_INTERVAL = timedelta(minutes=1)


MAX_DURATION = timedelta(days=365)


def parse_duration(value: Any) -> timedelta:
    """`90s`, `10m`, `2h`, `1d`, or a bare number of minutes; a year at most."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) * 60
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 10m, 2h, 1d)")
        unit = m.group(2).lower() if m.group(2) else None
        seconds = float(m.group(1)) * _UNIT[unit]
    # .inf or 99999999999d would overflow timedelta (a traceback, not a message).
    if not math.isfinite(seconds) or abs(seconds) > MAX_DURATION.total_seconds():
        raise ValueError(f"not a duration: {value!r} (at most {format_duration(MAX_DURATION)})")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    secs = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs % size == 0:
            return f"{secs // size}{unit}"
    return f"{secs}s"


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


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
