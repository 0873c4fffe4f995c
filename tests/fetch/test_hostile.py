"""Hostile sources in the same cycle as good ones: each ends within its limits, is reported in
`sources list`, and the good sources are stored; the process stays under 300 MB. And each
hostile case alone: entity bombs in any encoding, a parse past the worker's memory bound, a
feed of too many entries, terminal escapes in what feeds and servers say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from feedserver import FeedServer, Route, gzip_bomb, rss
from support import cli, count, write_sources

MONITOR = [sys.executable, "-m", "monitor"]


def _nested_entity_bomb() -> bytes:
    ents = ['<!ENTITY a0 "lollollollollollollollollollol">']
    for i in range(1, 10):
        ents.append(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">')
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(ents) + "]>"
        '<rss version="2.0"><channel><title>&a9;</title><item><guid>1</guid>'
        "<title>&a9;</title><description>&a9;</description></item></channel></rss>"
    ).encode()


def _large_entity_repeated() -> bytes:
    big = "x" * 100_000
    refs = "&big;" * 10_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>bomb</title>'
        f"<description>{refs}</description></item></channel></rss>"
    ).encode()


def test_hostile_sources_are_bounded_reported_and_do_not_stop_good_ones(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    s = feed_server
    good1 = s.add("/good1.xml", Route(body=rss([("a1", "Good one"), ("a2", "Good two")])))
    good2 = s.add("/good2.xml", Route(body=rss([("b1", "Good three")]), gzip=True))
    hostile = {
        "nested-entities": s.add("/bomb1.xml", Route(body=_nested_entity_bomb())),
        "large-entity": s.add("/bomb2.xml", Route(body=_large_entity_repeated())),
        "gzip-bomb": s.add("/gz.xml", Route(raw_gzip=gzip_bomb())),
        "endless": s.add("/endless.xml", Route(endless=True)),
        "trickle": s.add("/slow.xml", Route(body=rss([("s", "slow")]), trickle=1.0)),
        "redirect-loop": s.add("/loop.xml", Route(redirect_to=s.url("/loop2.xml"))),
        "html": s.add(
            "/page.html",
            Route(body=b"<html><body><p>Hello</p></body></html>", content_type="text/html"),
        ),
        "not-found": s.url("/missing.xml"),
        "server-error": s.add("/500.xml", Route(status=500)),
        "rate-limited": s.add("/429.xml", Route(status=429, headers={"Retry-After": "120"})),
    }
    s.add("/loop2.xml", Route(redirect_to=s.url("/loop.xml")))
    entries = [{"name": "good1", "url": good1}, {"name": "good2", "url": good2}]
    entries += [{"name": n, "url": u} for n, u in hostile.items()]
    write_sources(config_dir, entries)

    env = {
        **os.environ,
        "MONITOR_FETCH_TOTAL_TIMEOUT": "6",
        "MONITOR_FETCH_READ_TIMEOUT": "3",
        "MONITOR_FETCH_MAX_BODY_BYTES": str(4 * 1024 * 1024),
        "MONITOR_FETCH_MAX_DECOMPRESSED_BYTES": str(8 * 1024 * 1024),
    }
    started = time.monotonic()
    proc, peak_mb = run_measured([*MONITOR, "poll"], env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert elapsed < 40, f"cycle took {elapsed:.1f}s"
    assert peak_mb < 300, f"peak RSS {peak_mb:.0f} MB"

    assert count(db_url, "select count(*) from item") >= 3
    listing = subprocess.run(
        [*MONITOR, "sources", "list", "--json"], env=env, capture_output=True, text=True, check=True
    )
    by_name = {r["name"]: r for r in json.loads(listing.stdout)}
    assert by_name["good1"]["last_status"] == "ok" and by_name["good1"]["items"] == 2
    assert by_name["good2"]["last_status"] == "ok" and by_name["good2"]["items"] == 1
    errors = {n: (by_name[n]["last_status"], by_name[n]["last_error"] or "") for n in hostile}
    assert "cap" in errors["gzip-bomb"][1]
    assert "cap" in errors["endless"][1] or "longer than" in errors["endless"][1]
    assert "longer than 6s" in errors["trickle"][1]
    assert "redirect loop" in errors["redirect-loop"][1]
    assert "not a feed" in errors["html"][1]
    assert "HTTP 404" in errors["not-found"][1]
    assert "HTTP 500" in errors["server-error"][1]
    assert (
        "HTTP 429" in errors["rate-limited"][1] and "retry after 120s" in errors["rate-limited"][1]
    )
    for name in (
        "gzip-bomb",
        "endless",
        "trickle",
        "redirect-loop",
        "html",
        "not-found",
        "server-error",
        "rate-limited",
    ):
        assert errors[name][0] == "error", name
    # Entity bombs are read without expanding anything: the entities are simply undefined.
    for name in ("nested-entities", "large-entity"):
        assert by_name[name]["last_status"] in ("ok", "error"), name
    # Retry-After is honoured: the next check is not before two minutes from now.
    from datetime import UTC, datetime, timedelta

    next_check = datetime.fromisoformat(by_name["rate-limited"]["next_check_at"])
    assert next_check >= datetime.now(UTC) + timedelta(seconds=100)


# Measured from a small launcher: a child of pytest itself would start from pytest's own peak
# (Linux carries the high-water mark of the memory a process replaces at exec).
_LAUNCHER = """
import json, resource, subprocess, sys
proc = subprocess.run(json.loads(sys.argv[1]))
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\\npeak-kb={peak}\\n")
sys.exit(proc.returncode)
"""


def run_measured(
    argv: list[str], *, env: dict[str, str], timeout: float
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run a command; return it and the peak RSS in MB of it and its children alone."""
    launcher = [sys.executable, "-c", _LAUNCHER, json.dumps(argv)]
    proc = subprocess.run(launcher, env=env, capture_output=True, text=True, timeout=timeout)
    stderr, _, peak = proc.stderr.rpartition("\npeak-kb=")
    proc.stderr = stderr
    return proc, int(peak.strip()) / 1024


def _ebcdic_entity_bomb() -> bytes:
    """An entity declared in EBCDIC (cp037): no `<!ENTITY` byte sequence anywhere, and each of
    500,000 references would expand to 400 characters (200 MB of title, under expat's
    amplification limit)."""
    text = (
        '<?xml version="1.0" encoding="cp037"?>'
        f'<!DOCTYPE rss [<!ENTITY big "{"x" * 400}">]>'
        '<rss version="2.0"><channel><title>t</title><language>en</language><item>'
        f"<guid>1</guid><title>{'&big;' * 500_000}</title><link>https://example.com/1</link>"
        "<description>d</description></item></channel></rss>"
    )
    return text.encode("cp037")


def test_an_entity_bomb_in_ebcdic_is_read_fast_and_in_bounded_memory(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    import gzip

    wire = gzip.compress(_ebcdic_entity_bomb(), 9)
    assert len(wire) < 5_000
    url = feed_server.add("/ebcdic.xml", Route(raw_gzip=wire))
    write_sources(config_dir, [{"name": "ebcdic", "url": url}])

    started = time.monotonic()
    proc, peak_mb = run_measured([*MONITOR, "poll"], env=dict(os.environ), timeout=60)
    elapsed = time.monotonic() - started

    assert proc.returncode == 0, proc.stderr
    assert elapsed < 20, f"poll took {elapsed:.1f}s"
    assert peak_mb < 300, f"peak RSS {peak_mb:.0f} MB"
    assert count(db_url, "select count(*) from item") == 1
    assert count(db_url, "select max(length(title)) from item") < 1_000_000


def _large_item_feed(size: int) -> bytes:
    text = "<p>word " * (size // 8)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<language>en</language><item><guid>1</guid><title>big</title>"
        f"<description><![CDATA[{text}]]></description></item></channel></rss>"
    ).encode()


def test_a_parse_over_the_worker_memory_bound_fails_its_source_alone(
    feed_server: FeedServer,
) -> None:
    import asyncio
    from datetime import UTC, datetime

    from monitor.fetch.poller import collect, make_pool
    from monitor.fetch.types import Limits
    from monitor.sources import Validators
    from monitor.sources.rss import RssSource

    big = feed_server.add("/big.xml", Route(body=_large_item_feed(10_000_000)))
    small = feed_server.add("/small.xml", Route(body=rss([("a", "Small one")])))
    sources = [RssSource(name="big", url=big), RssSource(name="small", url=small)]
    pool = make_pool(1, memory_mb=32)
    try:
        outcomes = asyncio.run(
            collect(
                sources,
                {s.name: Validators() for s in sources},
                now=datetime.now(UTC),
                limits=Limits(),
                pool=pool,
            )
        )
    finally:
        pool.shutdown()
    by_name = {o.source.name: o for o in outcomes}
    assert by_name["big"].status == "error"
    assert "more than the 32 MB a parse may use" in str(by_name["big"].error)
    assert by_name["small"].status == "ok"
    assert by_name["small"].parsed is not None and len(by_name["small"].parsed.items) == 1


def test_a_feed_of_many_entries_is_read_up_to_its_cap_newest_first(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    start = datetime(2026, 5, 1, tzinfo=UTC)
    # Oldest first in the feed: the cap keeps the newest whatever their place.
    entries = "".join(
        f"<item><guid>g{i}</guid><title>Story {i}</title><link>https://example.com/{i}</link>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate></item>"
        for i in range(3000)
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Many</title>'
        f"<language>en</language>{entries}</channel></rss>"
    ).encode()
    url = feed_server.add("/many.xml", Route(body=body))
    (config_dir / "sources.yaml").write_text(
        f"sources:\n  - name: many\n    url: {url}\n    max_items: 50\n", encoding="utf-8"
    )
    proc = subprocess.run([*MONITOR, "poll"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "3000 entries in the feed: only the newest 50 read (max_items)" in proc.stderr
    assert count(db_url, "select count(*) from item") == 50
    assert count(db_url, "select count(*) from item where title = 'Story 2999'") == 1
    assert count(db_url, "select count(*) from item where title = 'Story 2949'") == 0
    listing = subprocess.run(
        [*MONITOR, "sources", "list", "--json"], capture_output=True, text=True, check=True
    )
    (row,) = json.loads(listing.stdout)
    assert "only the newest 50 read" in (row["last_warning"] or "")


# A window title (OSC 0 ended by BEL), an OSC 8 link, an 8-bit CSI colour and a bidi override.
HOSTILE_TITLE = "&#x1b;]0;pwned&#x7;Judge &#x1b;]8;;https://evil.example/&#x1b;\\rules&#x1b;]8;;&#x1b;\\ \u009b31mtoday\u202e"
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def _feed() -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>a</guid><title>{HOSTILE_TITLE}</title>"
        "<link>https://example.com/a</link><description>d</description>"
        "<pubDate>Mon, 18 May 2026 10:00:00 GMT</pubDate></item></channel></rss>"
    ).encode()


def _clean(text: str) -> None:
    for ch in CONTROLS:
        assert ch not in text, f"{ch!r} reached the terminal: {text!r}"


def test_items_list_and_sources_test_print_feed_text_without_escapes(
    feed_server: FeedServer, config_dir: Path
) -> None:
    url = feed_server.add("/feed.xml", Route(body=_feed()))
    code, out, err = cli("sources", "test", url)
    assert code == 0, err
    assert "Judge" in out and "today" in out and "pwned" not in out
    _clean(out + err)
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: news\n    url: {url}\n")
    assert cli("poll")[0] == 0
    code, out, err = cli("items", "list")
    assert code == 0 and "Judge" in out
    _clean(out + err)
    code, out, err = cli("items", "list", "--json")
    assert code == 0
    _clean(out)  # JSON says the same characters as \u escapes


def _hostile_reason(h: BaseHTTPRequestHandler) -> None:
    body = b"no"
    h.wfile.write(b"HTTP/1.1 503 Busy \x1b]0;pwned\x07\x1b[2J\x9b31m now\r\n")
    h.wfile.write(b"Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n" + body)


def test_a_servers_reason_phrase_is_shown_without_escapes(
    feed_server: FeedServer, config_dir: Path
) -> None:
    url = feed_server.add("/busy.xml", Route(handler=_hostile_reason))
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: busy\n    url: {url}\n")
    code, out, err = cli("poll")
    assert "HTTP 503 Busy" in err
    _clean(out + err)
    code, out, err = cli("sources", "list")
    assert code == 0 and "HTTP 503 Busy" in out
    _clean(out + err)
