"""All 128 real feeds of ../shared/fixtures/feeds through one `monitor poll`, then again (304)."""

from __future__ import annotations

import io
from pathlib import Path

import feedparser
from conftest import shared_path
from feedserver import FeedServer, Route, rss
from support import cli, count, fixture_index, write_sources


def _headers(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in raw.split("|") if raw else []:
        if ":" in part:
            k, v = part.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def _distinct_entries(body: bytes) -> int:
    """Distinct entries as a reader sees them: same guid and same content is one entry."""
    d = feedparser.parse(io.BytesIO(body))
    seen = set()
    for e in d.entries:
        if not (e.get("title") or e.get("link") or e.get("summary") or e.get("content")):
            continue
        seen.add((e.get("id"), e.get("title"), e.get("link"), e.get("summary")))
    return len(seen)


def test_every_fixture_feed_goes_through_one_poll(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    feeds = shared_path("fixtures", "feeds")
    index = fixture_index(feeds)
    assert len(index) == 128
    entries = []
    expected = 0
    bozo = set()
    for i, row in enumerate(index):
        body = (feeds / row["path"]).read_bytes()
        headers = _headers(row["upstream_test_http_headers"])
        ctype = headers.pop("Content-type", headers.pop("Content-Type", "application/xml"))
        url = feed_server.add(f"/f{i}.xml", Route(body=body, content_type=ctype, headers=headers))
        entries.append({"name": f"f{i}", "url": url})
        expected += _distinct_entries(body)
        if row["bozo"] == "1" and int(row["entries"]) > 0:
            bozo.add(f"f{i}")
    write_sources(config_dir, entries)

    code, out, err = cli("poll")
    assert code == 0, err
    stored = count(db_url, "select count(*) from item")
    assert stored == expected
    # Bozo feeds that still have entries are stored, with a warning naming the problem.
    warned = {
        line.split(":")[1].strip() for line in err.splitlines() if line.startswith("warning:")
    }
    assert bozo <= warned
    failed = {line.split(":")[1].strip() for line in err.splitlines() if line.startswith("failed:")}
    # Only the empty document is not a feed at all.
    assert failed == {
        f"f{i}" for i, row in enumerate(index) if row["path"].endswith("rss_empty_document.xml")
    }

    # Second poll: validators sent, 304 everywhere, nothing stored.
    before = len(feed_server.requests)
    code, out, err = cli("poll")
    assert code == 0
    second = feed_server.requests[before:]
    failed_paths = {f"/{name}.xml" for name in failed}
    assert len(second) == 128
    assert all("if-none-match" in r.headers for r in second if r.path not in failed_paths)
    assert count(db_url, "select count(*) from item") == stored
    assert "0 new items" in out


def test_a_feed_with_two_new_entries_stores_exactly_those(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    first = [(f"g{i}", f"Story {i}") for i in range(5)]
    url = feed_server.add("/news.xml", Route(body=rss(first)))
    write_sources(config_dir, [{"name": "news", "url": url}])
    assert cli("poll")[0] == 0
    assert count(db_url, "select count(*) from item") == 5
    feed_server.routes["/news.xml"] = Route(
        body=rss([("g5", "Story 5"), ("g6", "Story 6"), *first])
    )
    code, out, _ = cli("poll")
    assert code == 0 and "2 new items" in out
    assert count(db_url, "select count(*) from item") == 7
    titles = {t for t in _titles(db_url)}
    assert {"Story 5", "Story 6"} <= titles


def test_an_edited_entry_is_updated_and_marked_edited(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    url = feed_server.add("/news.xml", Route(body=rss([("g1", "Musk seeks $97bn")])))
    write_sources(config_dir, [{"name": "news", "url": url}])
    cli("poll")
    feed_server.routes["/news.xml"] = Route(body=rss([("g1", "Musk seeks $134bn")]))
    code, out, _ = cli("poll")
    assert code == 0 and "1 edited" in out
    assert count(db_url, "select count(*) from item") == 1
    assert count(db_url, "select edit_count from item") == 1
    assert _titles(db_url) == ["Musk seeks $134bn"]


def _titles(db_url: str) -> list[str]:
    from sqlalchemy import text

    from monitor.storage.engine import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("select title from item order by id"))]
    engine.dispose()
    return rows
