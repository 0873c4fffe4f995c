"""/feed.atom: the alerts as an Atom 1.0 feed (RFC 4287). Input: alert rows, newest first;
output: XML bytes built with ElementTree, which escapes every text and attribute."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from monitor.domain import AlertDraft, as_utc
from monitor.notifiers.base import clean, cut, one_line, safe_url

ATOM = "http://www.w3.org/2005/Atom"
RELATED_LINKS = 5  # the first outlets; the story's page lists them all


def _stamp(value: datetime) -> str:
    return as_utc(value).isoformat().replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def why(draft: AlertDraft) -> str:
    """The summary of an entry: what happened and why it fired (the sentence that matched,
    who reported it first, how many outlets)."""
    parts = [one_line(draft.summary or draft.headline)]
    if draft.evidence is not None:
        parts.append(f"“{cut(one_line(draft.evidence.sentence), 600)}”")
    if draft.first_reported_by:
        parts.append(f"First reported by {one_line(draft.first_reported_by)}.")
    if draft.confirmed_by:
        parts.append(f"Confirmed by {draft.confirmed_by} outlet(s).")
    if draft.rule:
        parts.append(f"Rule: {one_line(draft.rule)}.")
    return " ".join(p for p in parts if p)


def feed(
    rows: Sequence[Mapping[str, Any]],
    *,
    base_url: str,
    feed_id: str,
    title: str,
    now: datetime,
) -> bytes:
    """One entry per alert. `base_url` is where the dashboard is (the entries link to their
    story page when they have one, else to the first outlet's http(s) link)."""
    # Unqualified tags under a default namespace declared on the root: the feed reads as
    # plain Atom, without the ns0: prefixes ElementTree would invent.
    root = ET.Element("feed", xmlns=ATOM)
    ns = ""
    _sub(root, ns + "id", feed_id)
    _sub(root, ns + "title", title)
    updated = max((as_utc(r["created_at"]) for r in rows), default=as_utc(now))
    _sub(root, ns + "updated", _stamp(updated))
    _sub(root, ns + "link", rel="self", href=f"{base_url}/feed.atom", type="application/atom+xml")
    _sub(root, ns + "link", rel="alternate", href=f"{base_url}/", type="text/html")
    author = _sub(root, ns + "author")
    _sub(author, ns + "name", "dispute-monitor")
    _sub(root, ns + "generator", "dispute-monitor")
    for row in rows:
        draft = AlertDraft.from_json(row["payload"])
        entry = _sub(root, ns + "entry")
        _sub(entry, ns + "id", f"{feed_id}:alert:{row['id']}")
        _sub(entry, ns + "title", cut(one_line(row["headline"]), 300) or row["kind"])
        stamp = _stamp(row["created_at"])
        _sub(entry, ns + "updated", stamp)
        _sub(entry, ns + "published", stamp)
        # Atom wants an alternate link on an entry without content: the story's page, else
        # the alert on the dashboard.
        if row.get("story_id") is not None:
            page = f"{base_url}/story/{int(row['story_id'])}"
        else:
            page = f"{base_url}/#alert-{int(row['id'])}"
        _sub(entry, ns + "link", rel="alternate", href=page, type="text/html")
        for link in draft.links[:RELATED_LINKS]:
            url = safe_url(link.url)
            if url:
                _sub(entry, ns + "link", rel="related", href=url, title=clean(link.outlet))
        url = safe_url(draft.document_url)
        if url:
            _sub(entry, ns + "link", rel="related", href=url, title="court document")
        _sub(entry, ns + "category", term=clean(row["kind"]))
        _sub(entry, ns + "summary", cut(why(draft), 2000), type="text")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
