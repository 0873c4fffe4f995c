"""The dashboard, a story's page, the Atom feed and the JSON API, read over HTTP from a
database that polled three developments (both backends)."""

from __future__ import annotations

import re

import feedparser
import httpx
from liveweb import LiveWeb


def test_the_dashboard_shows_the_claim_now_its_chart_the_ruling_and_the_stories(
    web_url: str,
) -> None:
    page = httpx.get(web_url + "/", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    standing = html.split('id="standing"')[1].split("</section>")[0]
    assert '<div class="claim">$150bn</div>' in standing
    assert "wire.example" in standing or "daily.example" in standing
    assert "up to $134bn" in standing  # what it was before
    chart = re.search(r"<svg .*?</svg>", standing, re.S)
    assert chart is not None
    assert chart.group(0).count('class="claim-point"') == 2
    assert "$150bn" in chart.group(0) and "up to $134bn" in chart.group(0)
    rulings = html.split('id="rulings"')[1].split("</section>")[0]
    assert "Judge rejects OpenAI bid to avoid trial" in rulings
    stories = html.split('id="stories"')[1].split("</section>")[0]
    assert "Musk now seeks $150 billion" in stories
    assert 'href="https://wire.example/' in stories or 'href="https://daily.example/' in stories
    sources = html.split('id="sources"')[1].split("</section>")[0]
    assert all(name in sources for name in ("wire.example", "daily.example", "lemonde.example"))
    assert "outbox" in html


def test_the_dashboard_speaks_french_when_the_reader_language_is_fr(
    developments: str, live_web: LiveWeb
) -> None:
    url = live_web.start(developments, language="fr")
    html = httpx.get(url + "/", timeout=30).text
    assert '<html lang="fr">' in html
    assert "Où en est le litige" in html and "Montant réclamé" in html


def test_a_story_page_lists_its_reports_and_its_thread(web_url: str) -> None:
    html = httpx.get(web_url + "/", timeout=30).text
    story_ids = re.findall(r'href="/story/(\d+)"', html)
    assert story_ids
    claim_story = None
    for sid in dict.fromkeys(story_ids):
        page = httpx.get(f"{web_url}/story/{sid}", timeout=30)
        assert page.status_code == 200
        if "Musk seeks up to $134 billion" in page.text:
            claim_story = page.text
    assert claim_story is not None
    reports = claim_story.split('id="reports"')[1].split("</section>")[0]
    assert "wire.example" in reports and "daily.example" in reports and "lemonde.example" in reports
    thread = claim_story.split('id="thread"')[1].split("</section>")[0]
    assert "console" in thread
    assert httpx.get(web_url + "/story/999999", timeout=30).status_code == 404
    assert httpx.get(web_url + "/story/abc", timeout=30).status_code == 404


def test_the_atom_feed_is_valid_with_one_entry_per_alert_and_why_it_fired(web_url: str) -> None:
    alerts = httpx.get(web_url + "/api/alerts", timeout=30).json()["alerts"]
    response = httpx.get(web_url + "/feed.atom", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id and parsed.feed.updated
    assert len(parsed.entries) == len(alerts) >= 3
    by_title = {e.title: e for e in parsed.entries}
    change = by_title["Claimed amount: up to $134bn → $150bn"]
    assert change.id and change.updated and change.link.startswith(web_url + "/story/")
    assert "$150 billion" in change.summary  # the sentence that made the rule fire
    assert "First reported by" in change.summary


def test_the_json_api_gives_the_alerts_and_the_facts(web_url: str) -> None:
    alerts = httpx.get(web_url + "/api/alerts", timeout=30).json()["alerts"]
    kinds = [a["kind"] for a in alerts if a["severity"] == "alert"]
    assert sorted(kinds) == ["claim", "claim_change", "ruling"]
    assert all(a["created_at"].endswith("+00:00") for a in alerts)
    facts = httpx.get(web_url + "/api/facts", timeout=30).json()["facts"]
    claims = {f["display"]: f["status"] for f in facts if f["subject"].startswith("claim:")}
    assert claims == {"$150bn": "current", "up to $134bn": "past"}
    assert httpx.get(web_url + "/api/alerts?limit=1", timeout=30).json()["alerts"][0] == alerts[0]
    assert httpx.get(web_url + "/api/alerts?limit=0", timeout=30).status_code == 400
    assert httpx.get(web_url + "/api/alerts?limit=x", timeout=30).status_code == 400


def test_an_empty_database_gives_every_page_with_nothing_to_show(
    db_url: str, live_web: LiveWeb
) -> None:
    url = live_web.start(db_url)
    html = httpx.get(url + "/", timeout=30).text
    for empty in (
        "No claim amount confirmed yet.",
        "No ruling yet.",
        "No story yet.",
        "Nothing waiting",
    ):
        assert empty in html
    assert "<svg" not in html
    parsed = feedparser.parse(httpx.get(url + "/feed.atom", timeout=30).content)
    assert not parsed.bozo and parsed.entries == []
    assert httpx.get(url + "/api/alerts", timeout=30).json() == {"alerts": []}
    assert httpx.get(url + "/api/facts", timeout=30).json() == {"facts": []}
