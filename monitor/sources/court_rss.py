"""Source kind `court-rss`: CM/ECF RSS feeds of US federal courts (district and bankruptcy
`rss_outside.pl`, appellate NextGen `RSSGenerator`). Response bytes → one Item per docket entry,
with case number, case name, court, entry number, entry type and document link."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from monitor.domain import Item
from monitor.fetch.types import Response
from monitor.parse.feed import bozo_warning, entry_datetime, parse_feed
from monitor.parse.htmltext import fold_whitespace, html_to_text
from monitor.sources.base import Parsed, SourceBase, newest_entries
from monitor.sources.dockets import (
    DocketEntry,
    DocketParsed,
    case_selected,
    overlap_warning,
    parse_case_filters,
)

# `(<a href='https://ecf.x.uscourts.gov/doc1/123'>45</a>)`: the document link, its text the
# entry number (or "Document" on some appellate courts).
_DOC_LINK = re.compile(
    r"\(?\s*<a\b[^>]*?\bhref\s*=\s*([\"'])(?P<href>.*?)\1[^>]*>(?P<text>.*?)</a\s*>\s*\)?",
    re.IGNORECASE | re.DOTALL,
)
_BRACKETED = re.compile(r"\[([^\[\]]+)\]")
_CASE_TOKEN = re.compile(r"^\S*\d\S*-\S*$")
_ECF_HOST = re.compile(r"^ecf\.([a-z0-9]+)\.uscourts\.gov$")


class CourtRssSource(SourceBase):
    """A CM/ECF court RSS feed (district, bankruptcy or appellate). The feed lists only recent
    entries (about a day, or the last 100 of the types the court chose) and ignores conditional
    GET: poll it often, the monitor warns when two polls do not overlap.

    Options: `cases` keeps only these case numbers (`4:24-cv-04722` matches
    `4:24-cv-04722-YGR`; an appeal is `25-1234`); `court` overrides the court id read from the
    feed's host (`cand` for ecf.cand.uscourts.gov).
    """

    kind: Literal["court-rss"] = "court-rss"
    cases: list[str] = Field(default_factory=list)
    court: str | None = None

    @field_validator("cases")
    @classmethod
    def _cases(cls, v: list[str]) -> list[str]:
        parse_case_filters(v)
        return [c.strip() for c in v]

    def parse(self, response: Response, *, now: datetime) -> Parsed:
        result = parse_feed(response.body, url=response.final_url, headers=response.headers)
        warnings = [w for w in [bozo_warning(result)] if w]
        feed = result.get("feed", {})
        court = self.court or _court_of(feed.get("link")) or _court_of(response.final_url) or ""
        filters = parse_case_filters(self.cases)
        items: list[Item] = []
        keys: list[str] = []
        seen: set[str] = set()
        for raw in newest_entries(result.get("entries", []), self.max_items, warnings):
            entry = read_entry(raw, court=court, now=now)
            if entry is None:
                continue
            key = entry.key()
            if key in seen:
                continue  # the same entry listed twice
            seen.add(key)
            keys.append(key)
            if case_selected(entry.case_number, filters):
                items.append(entry.to_item(self.name, key=key, url=_link(raw)))
        title = html_to_text(feed.get("title")) or None
        return DocketParsed(items=items, warnings=warnings, title=title, entry_keys=keys)

    def overlap_warning(self, previous_keys: list[str] | None, current: Parsed) -> str | None:
        """See `dockets.overlap_warning`; the pipeline calls it after each parsed poll."""
        return overlap_warning(previous_keys, current)


def read_entry(raw: Any, *, court: str, now: datetime) -> DocketEntry | None:
    """One feed entry → DocketEntry; None when it has neither a title nor a description."""
    title = fold_whitespace(html_to_text(raw.get("title")))
    summary = raw.get("summary") or raw.get("description") or ""
    if not title and not summary:
        return None
    case_number, _, case_name = title.partition(" ")
    if not _CASE_TOKEN.match(case_number):
        case_number, case_name = "", title
    case_name = case_name.strip()

    document_url = entry_number = None
    m = _DOC_LINK.search(summary)
    if m:
        document_url = html.unescape(m.group("href")).strip() or None
        label = html_to_text(m.group("text"))
        entry_number = label if label.isdigit() else None
        summary = summary[: m.start()] + " " + summary[m.end() :]
    text = html_to_text(summary)

    entry_type, description = "", text
    b = _BRACKETED.search(text)
    if b:
        # What precedes the bracket is bankruptcy boilerplate ("Type: bk Office: 1 Chapter: 11").
        entry_type = fold_whitespace(b.group(1))
        description = text[b.end() :].strip()
    description = _without_case_name(description, case_name)
    if not entry_type:
        entry_type = description[:200]

    published = entry_datetime(raw, language="en")
    guessed = published is None
    if published is None or published > now:
        published = now
    return DocketEntry(
        case_number=case_number,
        case_name=case_name,
        court=court or _court_of(_link(raw)) or "",
        entry_number=entry_number,
        entry_type=entry_type,
        description=description or entry_type,
        document_url=document_url,
        filed=published,
        filed_guessed=guessed,
    )


def _without_case_name(text: str, case_name: str) -> str:
    """E.D.N.Y. repeats the case name after the entry type; it is not docket text."""
    if case_name and text.casefold().startswith(case_name.casefold()):
        return text[len(case_name) :].strip()
    return text


def _link(raw: Any) -> str | None:
    link = raw.get("link")
    return link.strip() if isinstance(link, str) and link.strip() else None


def _court_of(url: Any) -> str | None:
    """`https://ecf.nysd.uscourts.gov/...` → `nysd`."""
    if not isinstance(url, str) or not url:
        return None
    m = _ECF_HOST.match((urlsplit(url).hostname or "").lower())
    return m.group(1) if m else None
