"""What feeds and servers say reaches the terminal as text: no escape sequence (window title,
OSC 8 link, colours) nor control character from `items list`, `sources test`, `sources list`,
the cycle report or the log lines."""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from feedserver import FeedServer, Route
from support import cli

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


def test_log_lines_carry_no_escape_sequences() -> None:
    from monitor.cli.common import TerminalFormatter

    record = logging.LogRecord(
        "monitor.x",
        logging.WARNING,
        __file__,
        1,
        "source failed error=%s",
        ("\x1b]0;t\x07ok",),
        None,
    )
    line = TerminalFormatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING source failed error=ok"
