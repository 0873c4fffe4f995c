"""Source kind `rss`: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 (detected), from news sites and news
searches. Response bytes → normalised Items."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from monitor.domain import Item
from monitor.fetch.types import Response
from monitor.parse.feed import bozo_warning, entry_datetime, parse_feed
from monitor.parse.htmltext import html_to_text, one_line
from monitor.parse.urls import canonical, is_news_search, outlet_of
from monitor.sources.base import Parsed, SourceBase, newest_entries

MAX_TEXT_CHARS = 20_000


class RssSource(SourceBase):
    """An RSS or Atom feed: a news site's feed or a news search (Google News, Bing News...)."""

    kind: Literal["rss"] = "rss"
    # A news search names the outlet of each item (`<source>`, else the link's host) and each
    # counts as its own outlet; a site's own feed is one outlet whatever its items claim (a
    # blog's `<source>Reuters</source>` must not corroborate the blog). Unset: a news search
    # when the feed is on a known news-search host (Google News, Bing News).
    names_outlets: bool | None = None

    @property
    def aggregates(self) -> bool:
        """Whether items name their own outlets (see `names_outlets`)."""
        return self.names_outlets if self.names_outlets is not None else is_news_search(self.url)

    def parse(self, response: Response, *, now: datetime) -> Parsed:
        # Every HTML field becomes text here: feedparser needs not rewrite the links inside it.
        result = parse_feed(
            response.body, url=response.final_url, headers=response.headers, keep_html=False
        )
        return self.read_result(result, now=now)

    def read_result(self, result: Any, *, now: datetime) -> Parsed:
        """Items from a parsed feed (feedparser's result, or plainfeed's in its shape)."""
        warnings = [w for w in [bozo_warning(result)] if w]
        feed_lang = _lang_code(result.get("feed", {}).get("language"))
        items: list[Item] = []
        seen: dict[str, str] = {}
        duplicates = 0
        for entry in newest_entries(result.get("entries", []), self.max_items, warnings):
            item = self.entry_to_item(entry, now=now, feed_language=feed_lang)
            if item is None:
                continue
            previous = seen.get(item.key)
            if previous == item.content_hash:
                duplicates += 1
                continue
            if previous is not None:
                # Same guid for another entry (seen in the wild): keep both, stably keyed.
                item = _rekey(item)
                if item.key in seen:
                    duplicates += 1
                    continue
            seen[item.key] = item.content_hash
            items.append(item)
        if duplicates:
            warnings.append(f"{duplicates} repeated entries skipped")
        title = html_to_text(result.get("feed", {}).get("title")) or None
        return Parsed(items=items, warnings=warnings, title=title)

    def entry_to_item(self, entry: Any, *, now: datetime, feed_language: str | None) -> Item | None:
        title = one_line(html_to_text(entry.get("title")), 1000)
        text = _entry_text(entry)
        link = canonical(entry.get("link"))
        if not title and not text and not link:
            return None
        # Declared by the source or the feed, else detected later, and only for the items the
        # rules will read (monitor.prefilter): detecting every item's language would double the
        # CPU of a first poll.
        language = self.language or feed_language
        given = entry_datetime(entry, language=language)
        guessed = given is None
        # A date in the future is a publisher's clock error: stored as now, but the key is made
        # of the date as given (made of now, it changed at every poll: the entry was new again).
        published = now if given is None or given > now else given
        key = _stable_key(entry, link, title, given)
        author = html_to_text(entry.get("author")) or None
        outlet = _outlet(entry, link) if self.aggregates else None
        if outlet and title.endswith(f" - {outlet}"):
            title = title[: -len(outlet) - 3].rstrip()  # news searches append " - Outlet"
        return Item(
            source=self.name,
            key=key,
            title=title,
            text=text[:MAX_TEXT_CHARS],
            url=link,
            published=published,
            published_guessed=guessed,
            language=language,
            author=author,
            extra={"outlet": outlet} if outlet else {},
        )


def _outlet(entry: Any, link: str | None) -> str | None:
    """Who published the entry: a news search names the outlet in <source>; else the link's host."""
    src = entry.get("source")
    if isinstance(src, dict):
        title = html_to_text(src.get("title")) if src.get("title") else ""
        if title:
            return one_line(title, 100)
        href = src.get("href") or src.get("url")
        if href:
            return outlet_of(href)
    return outlet_of(link) if link else None


def _entry_text(entry: Any) -> str:
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return html_to_text(best if len(best) > len(summary) else summary)


def _stable_key(entry: Any, link: str | None, title: str, published: datetime | None) -> str:
    guid = (entry.get("id") or "").strip()
    if guid:
        return guid[:2000]
    if link:
        return link[:2000]
    basis = f"{title}\x00{published.isoformat() if published else ''}"
    return "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _rekey(item: Item) -> Item:
    return replace(item, key=f"{item.key}#{item.content_hash[:12]}")


def _lang_code(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None
