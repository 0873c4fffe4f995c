"""Overlap detection between two polls of a CM/ECF feed (it lists about a day of entries)."""

from __future__ import annotations

from datetime import datetime

from monitor.fetch.types import Response
from monitor.sources.base import Parsed
from monitor.sources.court_rss import CourtRssSource

URL = "https://ecf.cand.uscourts.gov/cgi-bin/rss_outside.pl"


def feed(*numbers: int) -> bytes:
    """A CM/ECF-style feed whose entries are numbered docket entries of two cases."""
    items = "".join(
        f"""<item>
<title>{"4:25-cv-00321-ABC Orchard v. Lattice Inc." if n % 2 else "3:25-cv-07777-XYZ Doe v. Roe"}</title>
<link>https://ecf.cand.uscourts.gov/cgi-bin/DktRpt.pl?40{n % 2}</link>
<description>[Order] (&#x3C;a href=&#x22;https://ecf.cand.uscourts.gov/doc1/0351{n:04d}&#x22;&#x3E;{n}&#x3C;/a&#x3E;)</description>
<guid isPermaLink="true">https://ecf.cand.uscourts.gov/cgi-bin/DktRpt.pl?40{n % 2}</guid>
<pubDate>Tue, 03 Mar 2026 {n // 60 % 24:02d}:{n % 60:02d}:00 GMT</pubDate>
</item>"""
        for n in sorted(numbers, reverse=True)
    )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>Northern District of California - Recent Entries</title>"
        f"<link>https://ecf.cand.uscourts.gov</link>{items}</channel></rss>"
    ).encode("iso-8859-1")


def poll(source: CourtRssSource, body: bytes, now: datetime) -> Parsed:
    return source.parse(
        Response(url=URL, final_url=URL, status=200, headers={}, body=body), now=now
    )


def stored_keys(parsed: Parsed) -> list[str]:
    """What the pipeline stores as `last_keys` (the whole feed's keys when the kind gives them)."""
    return list(getattr(parsed, "entry_keys", None) or [i.key for i in parsed.items])


def test_it_does_not_warn_when_two_polls_overlap(now: datetime) -> None:
    src = CourtRssSource(name="cand", url=URL)
    first = poll(src, feed(1, 2, 3, 4, 5), now)
    second = poll(src, feed(4, 5, 6, 7, 8), now)
    assert src.overlap_warning(stored_keys(first), second) is None


def test_it_warns_when_a_poll_shares_no_entry_with_the_previous_one(now: datetime) -> None:
    src = CourtRssSource(name="cand", url=URL)
    first = poll(src, feed(1, 2, 3), now)
    later = poll(src, feed(10, 11, 12), now)
    warning = src.overlap_warning(stored_keys(first), later)
    assert warning is not None
    assert "entries may have been missed" in warning


def test_it_does_not_warn_on_the_first_poll_or_an_empty_feed(now: datetime) -> None:
    src = CourtRssSource(name="cand", url=URL)
    parsed = poll(src, feed(1, 2), now)
    assert src.overlap_warning(None, parsed) is None
    assert src.overlap_warning([], parsed) is None
    assert src.overlap_warning(stored_keys(parsed), poll(src, feed(), now)) is None


def test_overlap_is_judged_on_the_whole_feed_not_on_the_tracked_case(now: datetime) -> None:
    # The tracked case (odd entries) has nothing in common between the polls; the feed does.
    src = CourtRssSource(name="cand", url=URL, cases=["4:25-cv-00321"])
    first = poll(src, feed(1, 2, 3, 4), now)
    second = poll(src, feed(4, 5, 6), now)
    assert {i.key for i in first.items}.isdisjoint(i.key for i in second.items)
    assert src.overlap_warning(stored_keys(first), second) is None


def test_a_repeated_poll_keeps_the_same_keys(now: datetime) -> None:
    src = CourtRssSource(name="cand", url=URL)
    body = feed(1, 2, 3)
    assert [i.key for i in poll(src, body, now).items] == [
        i.key for i in poll(src, body, now).items
    ]
