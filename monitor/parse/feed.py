"""Bytes → feedparser result. feedparser never fetches: it gets bytes and the response headers
(given a URL or a path it would read local files and follow file:// links itself), after entity
declarations were neutralised (feedparser's loose parser expands internal entities without limit)."""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from monitor.domain import as_utc
from monitor.errors import ParseError

log = logging.getLogger(__name__)

_ENTITY_DECL = re.compile(rb"<!ENTITY\b[^>]*>", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[(.*?)\]\s*>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL_START = re.compile(rb"<!ENTITY", re.IGNORECASE)

# Zones feedparser knows (RFC 822 and a few US ones). Others (CET, say) it silently reads as UTC.
_KNOWN_ZONES = frozenset(
    [
        "UT",
        "UTC",
        "GMT",
        "Z",
        "EST",
        "EDT",
        "CST",
        "CDT",
        "MST",
        "MDT",
        "PST",
        "PDT",
        "A",
        "M",
        "N",
        "Y",
        "AST",
        "ADT",
        "HST",
        "AKST",
        "AKDT",
    ]
)
_TRAILING_ZONE = re.compile(r"\b([A-Z]{2,5})\s*$")


def neutralise_entities(body: bytes, headers: Mapping[str, str]) -> tuple[bytes, Mapping[str, str]]:
    """The body and headers to parse, with no entity declaration left in them.

    The body is looked at as feedparser will read it: decoded by feedparser's own rules (the
    charset of `headers`, a BOM, the XML declaration: EBCDIC, UTF-16 or UTF-32 with or without
    a BOM, UTF-7...), since a declaration in any of them is expanded all the same. A body that
    declares nothing is given back as it is. Otherwise the DTD internal subset (and any
    <!ENTITY ...>) is dropped from the decoded text, which is then given as UTF-8, with a
    Content-Type that says so. Entity bombs (billion laughs, one large entity repeated) then
    cost nothing: references to the dropped entities stay undefined and the feed is bozo.
    `headers` are lower-case.
    """
    # feedparser (~15 ms to import) is imported by the first parse, not by every command that
    # reads sources.yaml; parse workers have it preloaded (monitor.fetch.poller.make_pool).
    from feedparser.encodings import convert_to_utf8

    scratch: dict[str, Any] = {}
    decoded = convert_to_utf8(dict(headers), body, scratch)
    if not isinstance(decoded, bytes) or not scratch.get("encoding"):
        # No encoding fits: feedparser reads the bytes as they are, so they are cleaned as such.
        return _drop_declarations(body), headers
    if not _ENTITY_DECL_START.search(decoded):
        return body, headers
    media = headers.get("content-type", "").split(";")[0].strip() or "application/xml"
    return _drop_declarations(decoded), {**headers, "content-type": f"{media}; charset=utf-8"}


def _drop_declarations(body: bytes) -> bytes:
    if not _ENTITY_DECL_START.search(body):
        return body
    body = _DOCTYPE_SUBSET.sub(rb"\1>", body)
    return _ENTITY_DECL.sub(b"", body)


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str],
    keep_html: bool = True,
    plain_reader: bool = True,
) -> Any:
    """feedparser's result for a body we fetched. Raises ParseError when it is not a feed.

    A plain RSS 2.0 or Atom 1.0 feed read for its text (`keep_html=False`) goes to `plainfeed`,
    which gives the same fields ~5 times faster (`plain_reader=False` forces feedparser, for
    comparisons).

    `keep_html=False` is for callers that turn every HTML field into plain text themselves: it
    skips feedparser's rewriting of relative links inside that HTML (~15 % of its time). Entry
    links and ids are resolved either way, and the HTML is still sanitized: without it, some
    malformed markup would leak into the text (a tag with an unclosed quote, in our fixtures).
    """
    import feedparser  # see neutralise_entities

    from monitor.parse import plainfeed

    given = {k.lower(): v for k, v in headers.items()}
    given.setdefault("content-location", url)
    # Headers whose values could make feedparser re-decode or re-fetch are ours to set.
    given.pop("content-encoding", None)
    given.pop("content-length", None)
    safe, response_headers = neutralise_entities(body, given)
    if plain_reader and not keep_html:
        fast = plainfeed.read(safe, headers=response_headers)
        if fast is not None:
            return fast
    try:
        result = feedparser.parse(
            io.BytesIO(safe),
            response_headers=dict(response_headers),
            sanitize_html=True,
            resolve_relative_uris=keep_html,
        )
    except Exception as exc:  # feedparser itself is robust; anything here is a parser bug
        raise ParseError(f"feed parser failed: {type(exc).__name__}: {exc}") from exc
    if not result.get("version") and not result.get("entries"):
        kind = headers.get("content-type", "").split(";")[0].strip() or "unknown type"
        problem = result.get("bozo_exception")
        why = f" ({type(problem).__name__}: {str(problem)[:120]})" if problem else ""
        raise ParseError(f"not a feed: {kind}, no RSS or Atom found{why}")
    return result


def bozo_warning(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    return f"malformed feed, read anyway: {type(exc).__name__}: {str(exc)[:160]}"


@lru_cache(maxsize=8)
def _dateparser_settings(tz: str) -> dict[str, Any]:
    return {"TIMEZONE": tz, "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True}


def entry_datetime(entry: Mapping[str, Any], *, language: str | None) -> datetime | None:
    """The entry's date as aware UTC: feedparser's parse, else dateparser in the feed language."""
    for field in ("published", "updated", "created"):
        raw = entry.get(field)
        parsed = entry.get(f"{field}_parsed")
        if parsed and not (raw and _unknown_zone(raw)):
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, TypeError):
                pass
        if raw:
            found = parse_date_text(raw, language=language)
            if found is not None:
                return found
    return None


def _unknown_zone(raw: str) -> bool:
    m = _TRAILING_ZONE.search(raw.strip())
    return m is not None and m.group(1) not in _KNOWN_ZONES


def parse_date_text(raw: str, *, language: str | None) -> datetime | None:
    """A localised or odd date string ('mer., 18 mai 2026 10:00 CET') as aware UTC."""
    import dateparser  # slow to import; only needed for the dates feedparser cannot read

    langs = [language] if language else None
    try:
        found = dateparser.parse(
            raw,
            languages=langs,
            settings=_dateparser_settings("UTC"),
        )
        if found is None and langs:
            found = dateparser.parse(raw, settings=_dateparser_settings("UTC"))
    except Exception:  # dateparser raises assorted errors on garbage; no date is the answer
        return None
    if found is None:
        return None
    return as_utc(found)


def struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)
