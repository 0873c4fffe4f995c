"""What every source kind shares: its options (validated, unknown keys rejected) and the two
steps the pipeline calls: `fetch` (async, network) then `parse` (pure, may run in a worker
process, so it must be picklable and touch nothing but its arguments)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.config.durations import MIN_INTERVAL, Duration, format_duration
from monitor.domain import Item
from monitor.errors import FetchError
from monitor.fetch.types import Response, check_source_url

if TYPE_CHECKING:
    from monitor.fetch.client import Fetcher


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


DEFAULT_MAX_ITEMS = 1000
_DATE_FIELDS = ("published_parsed", "updated_parsed", "created_parsed")


def newest_entries(entries: Sequence[Any], limit: int, warnings: list[str]) -> Sequence[Any]:
    """At most `limit` of a feed's entries, the newest by their parsed date (entries without
    one after those with, in the feed's order), with a warning when some were left out."""
    if len(entries) <= limit:
        return entries

    def when(pair: tuple[int, Any]) -> tuple[bool, tuple[int, ...], int]:
        index, entry = pair
        for name in _DATE_FIELDS:
            value = entry.get(name) if isinstance(entry, Mapping) else None
            if value:
                return True, tuple(value[:6]), -index
        return False, (), -index

    ranked = sorted(enumerate(entries), key=when, reverse=True)[:limit]
    warnings.append(f"{len(entries)} entries in the feed: only the newest {limit} read (max_items)")
    return [entry for _, entry in sorted(ranked, key=lambda pair: pair[0])]


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _check_header_name(name: str) -> None:
    if not _HEADER_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not an HTTP header name")


def check_header_value(name: str, value: str) -> None:
    """A header value that cannot end the header early: no CR, LF or other controls (a value
    holding a line break would add headers of its own) and only Latin-1, as HTTP sends."""
    if re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value):
        raise ValueError(f"header {name}: the value holds a line break or control character")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"header {name}: the value holds characters HTTP headers cannot carry"
        ) from None


class SourceBase(BaseModel):
    """Options every source has."""

    # Each kind's validator is built when a source of that kind is first read, not when its
    # module is imported: a poll of RSS feeds never builds the other kinds' (nor this base's).
    # With the channels' (monitor.notifiers) likewise, `import monitor.cli` ran 9% fewer
    # instructions (~30 ms), a poll of RSS feeds ~4% fewer of its start-up (~12 ms).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(min_length=1, max_length=200)
    url: str
    kind: str
    interval: Duration = timedelta(minutes=10)
    tags: tuple[str, ...] = ()
    language: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    # Header name → the environment variable holding its value (an API key, a password).
    headers_env: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True
    # No new item for longer than this makes the source "silent" (a source-health alert).
    expected_silence: Duration | None = None
    # Entries read per poll, the newest first: a feed of 100,000 entries kept a poll busy for
    # minutes. More than this is said as a warning on the source.
    max_items: int = Field(default=DEFAULT_MAX_ITEMS, ge=1, le=100_000)

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
            return check_source_url(v.strip())
        except Exception as exc:  # FetchError: same message, but a config problem here
            raise ValueError(str(exc)) from None

    @field_validator("headers")
    @classmethod
    def _headers(cls, v: dict[str, str]) -> dict[str, str]:
        for name, value in v.items():
            _check_header_name(name)
            check_header_value(name, str(value))
        return {name: str(value) for name, value in v.items()}

    @field_validator("headers_env")
    @classmethod
    def _headers_env(cls, v: dict[str, str]) -> dict[str, str]:
        for name, env in v.items():
            _check_header_name(name)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(env)):
                raise ValueError(f"headers_env.{name}: {env!r} is not an environment variable name")
        return v

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

    def request_headers(self) -> dict[str, str]:
        """`headers`, with those of `headers_env` read from the environment now (FetchError,
        not retried, when one is unset or holds a line break)."""
        out = dict(self.headers)
        for name, env in self.headers_env.items():
            value = os.environ.get(env, "").strip()
            if not value:
                raise FetchError(
                    f"header {name}: environment variable {env} is not set", transient=False
                )
            try:
                check_header_value(name, value)
            except ValueError as exc:
                raise FetchError(f"{exc} (from {env})", transient=False) from None
            out[name] = value
        return out

    async def fetch(self, fetcher: Fetcher, validators: Validators) -> Response:
        """One conditional GET. Kinds that page through an API override this."""
        return await fetcher.get(
            self.url,
            headers=self.request_headers(),
            etag=validators.etag,
            last_modified=validators.last_modified,
        )

    def parse(self, response: Response, *, now: datetime) -> Parsed:
        raise NotImplementedError

    def setup_warnings(self) -> list[str]:
        """What is missing for this source to work fully (an unset token, say), said once at
        start-up rather than discovered from refusals."""
        return []

    def describe(self) -> Mapping[str, Any]:
        return {"name": self.name, "kind": self.kind, "url": self.url}
