"""What a fetch is bounded by, which URLs it takes and what it gives back: `Limits`,
`check_url`, `Response`. Plain data without an HTTP client, so that reading sources.yaml, or a
parse worker handed a response, imports neither aiohttp nor httpx (`monitor.fetch.client`
fetches)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from urllib.parse import urlsplit

from monitor.errors import ConfigError, FetchError


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one fetch. Defaults suit news feeds; tests shrink them."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024  # what goes over the wire
    max_decompressed_bytes: int = 20 * 1024 * 1024  # what it inflates to
    max_redirects: int = 5
    max_in_flight: int = 64
    max_per_host: int = 8

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by MONITOR_FETCH_<FIELD> (e.g. MONITOR_FETCH_TOTAL_TIMEOUT=30)."""
        values: dict[str, float | int] = {}
        for f in fields(cls):
            raw = os.environ.get(f"MONITOR_FETCH_{f.name.upper()}")
            if raw is None or not raw.strip():
                continue
            try:
                values[f.name] = float(raw) if f.type == "float" else int(raw)
            except ValueError:
                raise ConfigError(
                    f"MONITOR_FETCH_{f.name.upper()}: not a number: {raw!r}"
                ) from None
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def body_hash(self) -> str:
        return hashlib.blake2b(self.body, digest_size=16).hexdigest()


_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f]")


@functools.lru_cache(maxsize=16_384)
def check_url(url: str) -> str:
    """Only absolute http(s) URLs with a host and a port that exists are fetched (never file://
    or a local path). A URL that passes is checked once a process: when sources.yaml is read,
    and not again by its fetch (one that fails is checked, and fails, again)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"not an http(s) URL: {_shown(url)!r}", transient=False)
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or not parts.hostname:
        raise FetchError(f"no host or no valid port (1-65535) in {_shown(url)!r}", transient=False)
    return url


def check_source_url(url: str) -> str:
    """A source's URL, as configured: `check_url`, and without spaces or controls (percent-
    encode them) nor credentials: a URL is shown and stored, a password in it would be too."""
    check_url(url)
    if _URL_FORBIDDEN.search(url):
        raise FetchError(
            f"a space or control character in the URL {_shown(url)!r} (percent-encode it)",
            transient=False,
        )
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise FetchError(
            "the URL holds credentials (user:password@host): give them as a header whose value"
            " comes from the environment (headers_env), not in the URL",
            transient=False,
        )
    return url


def _shown(url: str) -> str:
    """The URL as it may be shown: without what stands before an '@' in its authority."""
    scheme, sep, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    return scheme + sep + authority + slash + path
