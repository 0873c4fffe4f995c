"""Who may read the pages and what they can make a browser do: loopback unless a token is set,
then a bearer token on every page but /healthz; hostile text escaped, only http(s) links,
nothing that writes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser
import httpx
import pytest
from liveweb import LiveWeb
from sqlmodel import Session
from support import add_row, runner

from monitor.cli import app
from monitor.config.settings import HttpAddress, Secret, parse_http_addr
from monitor.domain import AlertDraft, Evidence, Link
from monitor.errors import ConfigError
from monitor.storage.engine import make_engine
from monitor.storage.models import Alert, Fact, Story, StoryItem
from monitor.storage.tables import DELIVERY, ITEM, SOURCE
from monitor.web.security import check_bind, is_loopback

TOKEN = "s3cret-token-for-tests"


def test_only_loopback_addresses_count_as_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "example.com"))


def test_binding_beyond_loopback_without_a_token_is_refused() -> None:
    with pytest.raises(ConfigError, match="without MONITOR_HTTP_TOKEN"):
        check_bind(HttpAddress("0.0.0.0", 8080), None)
    check_bind(HttpAddress("0.0.0.0", 8080), Secret(TOKEN))
    check_bind(HttpAddress("127.0.0.1", 8080), None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8080", HttpAddress("127.0.0.1", 8080)),
        ("[::1]:9000", HttpAddress("::1", 9000)),
        ("0.0.0.0:0", HttpAddress("0.0.0.0", 0)),
        ("off", None),
    ],
)
def test_http_addresses_are_read_as_host_and_port(value: str, expected: object) -> None:
    assert parse_http_addr(value) == expected


@pytest.mark.parametrize("value", ["8080", "localhost", "host:99999", ":80", "a:b"])
def test_a_bad_http_address_is_one_clear_error(value: str) -> None:
    with pytest.raises(ConfigError, match="MONITOR_HTTP_ADDR: not an address"):
        parse_http_addr(value)


def test_serve_refuses_0_0_0_0_without_a_token_in_one_line(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(app, ["serve", "--addr", "0.0.0.0:0"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: refusing to listen on 0.0.0.0:0 without MONITOR_HTTP_TOKEN: set a token, or"
        " bind 127.0.0.1"
    ]
    monkeypatch.setenv("MONITOR_HTTP_ADDR", "nonsense")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "MONITOR_HTTP_ADDR" in result.stderr or "--addr" in result.stderr
    assert "Traceback" not in result.stderr


def test_with_a_token_every_page_but_healthz_demands_it(
    developments: str, live_web: LiveWeb
) -> None:
    url = live_web.start(developments, token=TOKEN, host="0.0.0.0")
    local = url.replace("0.0.0.0", "127.0.0.1")
    assert httpx.get(local + "/healthz", timeout=30).status_code == 200
    for path in ("/", "/metrics", "/feed.atom", "/api/alerts", "/api/facts", "/readyz", "/story/1"):
        bare = httpx.get(local + path, timeout=30)
        assert bare.status_code == 401, path
        assert bare.headers["WWW-Authenticate"].startswith("Bearer")
        wrong = httpx.get(local + path, headers={"Authorization": "Bearer nope"}, timeout=30)
        assert wrong.status_code == 401, path
        basic = httpx.get(local + path, headers={"Authorization": f"Basic {TOKEN}"}, timeout=30)
        assert basic.status_code == 401, path
    good = {"Authorization": f"Bearer {TOKEN}"}
    for path in ("/", "/metrics", "/feed.atom", "/api/alerts", "/api/facts"):
        assert httpx.get(local + path, headers=good, timeout=30).status_code == 200, path


def test_nothing_on_the_pages_writes(web_url: str) -> None:
    for path in ("/", "/api/alerts", "/feed.atom", "/metrics"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert httpx.request(method, web_url + path, timeout=30).status_code == 405


def test_every_answer_carries_the_security_headers(web_url: str) -> None:
    page = httpx.get(web_url + "/", timeout=30)
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"


EVIL = "<script>alert(1)</script>"


def _hostile_rows(db_url: str) -> int:
    now = datetime(2026, 5, 18, 10, tzinfo=UTC)
    engine = make_engine(db_url)
    draft = AlertDraft(
        kind="claim",
        headline=f"Claim amount: {EVIL}",
        severity="alert",
        summary=f"summary {EVIL}",
        evidence=Evidence(f"They said {EVIL} today", ((10, 35),)),
        links=(Link(outlet=f"outlet {EVIL}", title=EVIL, url="javascript:alert(2)"),),
        first_reported_by=f"<b>{EVIL}</b>",
        document_url="javascript:alert(3)",
    )
    with Session(engine) as s:
        source_id = add_row(
            s,
            SOURCE,
            name=f"src {EVIL}",
            url="javascript:alert(4)",
            last_status="error",
            last_error=f"HTTP 500 {EVIL}",
            health="down",
        )
        item_id = add_row(
            s,
            ITEM,
            source_id=source_id,
            key="k",
            url="javascript:alert(5)",
            title=f"item {EVIL}",
            text="",
            published_at=now,
            first_seen_at=now,
            updated_at=now,
            content_hash="h",
            extra={"outlet": f"outlet {EVIL}"},
        )
        story = Story(
            topic=f"topic {EVIL}",
            kind="ruling",
            title=f"story {EVIL}",
            first_item_id=item_id,
            first_seen_at=now,
            last_seen_at=now,
            outlets=[f"o {EVIL}"],
            languages=[EVIL],
        )
        s.add(story)
        s.flush()
        assert story.id is not None
        s.add(StoryItem(story_id=story.id, item_id=item_id, added_at=now))
        s.add(
            Fact(
                subject="claim:evil",
                topic=f"topic {EVIL}",
                value_key="1-2",
                value={"low": "1", "high": "2e9", "currency": EVIL},
                display=f"{EVIL}",
                status="current",
                first_source=f"first {EVIL}",
                first_seen_at=now,
                confirmed_at=now,
                outlets=[EVIL],
            )
        )
        alert = Alert(
            dedup_key="evil",
            story_id=story.id,
            kind="claim",
            severity="alert",
            headline=draft.headline,
            payload=draft.to_json(),
            created_at=now,
        )
        s.add(alert)
        s.flush()
        assert alert.id is not None
        add_row(
            s,
            DELIVERY,
            alert_id=alert.id,
            channel=f"ch {EVIL}",
            status="failed",
            last_error=f"refused {EVIL}",
            next_attempt_at=now,
            created_at=now,
            payload={"note": f"note {EVIL}"},
            seq=1,
        )
        s.commit()
        story_id = story.id
    engine.dispose()
    return story_id


def test_hostile_text_is_escaped_and_only_http_links_are_made(
    db_url: str, live_web: LiveWeb
) -> None:
    story_id = _hostile_rows(db_url)
    url = live_web.start(db_url)
    pages = {
        "/": httpx.get(url + "/", timeout=30).text,
        "story": httpx.get(f"{url}/story/{story_id}", timeout=30).text,
    }
    for name, html in pages.items():
        assert "<script>" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
        assert "javascript:" not in html, name
        assert "<b>" not in html, name
    assert "refused &lt;script&gt;" in pages["/"]  # the outbox shows the reason, escaped
    feed = httpx.get(url + "/feed.atom", timeout=30)
    assert b"<script>" not in feed.content and b"javascript:" not in feed.content
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo and len(parsed.entries) == 1
    api = httpx.get(url + "/api/alerts", timeout=30).json()
    assert api["alerts"][0]["headline"] == f"Claim amount: {EVIL}"  # JSON keeps the text as is
