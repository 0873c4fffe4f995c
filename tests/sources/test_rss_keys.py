"""An entry keeps its key from poll to poll, whatever its date says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.domain import Item
from monitor.fetch.types import Response
from monitor.sources.rss import RssSource

URL = "https://news.example.org/feed.xml"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

# No guid and no link: the key is made of the title and the date.
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Trial date set in the founders' dispute</title>
<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>"""


def _items(now: datetime) -> list[Item]:
    source = RssSource(name="wire", url=URL)
    response = Response(url=URL, final_url=URL, status=200, headers={}, body=FEED)
    return source.parse(response, now=now).items


def test_an_entry_dated_in_the_future_keeps_its_key_from_poll_to_poll() -> None:
    first, later = _items(NOW), _items(NOW + timedelta(minutes=15))
    assert len(first) == len(later) == 1
    assert first[0].key == later[0].key
    assert first[0].content_hash == later[0].content_hash  # nor is it an edit
    assert first[0].published == NOW  # stored as now: a publisher's clock error
    assert later[0].published == NOW + timedelta(minutes=15)
