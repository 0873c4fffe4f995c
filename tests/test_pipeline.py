"""Items stored but not yet read by the rules (the rules failed, or the process died between
storing and matching) are read at the next cycle: nothing is lost."""

from __future__ import annotations

import shutil
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import REPO
from feedserver import FeedServer, Route
from support import cli, count, feed, modules_loaded

CLAIM = (
    "claim",
    "Musk seeks up to $134 billion from OpenAI and Microsoft",
    "Elon Musk asks for as much as $134 billion in damages from OpenAI and Microsoft, a court filing shows.",
)


def test_items_stored_while_the_rules_were_broken_are_matched_once_they_are_fixed(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    rule_file = config_dir / "rules" / "musk-v-openai.yaml"
    good = rule_file.read_text()
    rule_file.write_text(good.replace("kind: claim-amount", "kind: claim-amountz", 1))
    lines = ["sources:"]
    for outlet in ("wire.example", "daily.example"):
        url = feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, "en", [CLAIM])))
        lines.append(f"  - name: {outlet}\n    url: {url}")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    code, _, err = cli("poll")
    assert code == 2 and "musk-v-openai.yaml" in err and "claim-amountz" in err
    assert count(db_url, "select count(*) from item") == 2  # stored before the rules ran
    assert count(db_url, "select count(*) from item where matched_hash is null") == 2
    assert count(db_url, "select count(*) from alert") == 0

    rule_file.write_text(good)
    code, out, err = cli("poll")  # the feeds answer 304: nothing new is fetched
    assert code == 0, err
    assert "0 new items" in out
    assert count(db_url, "select count(*) from item where matched_hash is null") == 0
    assert count(db_url, "select count(*) from alert where kind = 'claim'") == 1


def test_without_rules_items_are_stored_and_read_at_once_as_matching_nothing(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    url = feed_server.add("/wire.xml", Route(body=feed("wire.example", "en", [CLAIM])))
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: wire\n    url: {url}\n")
    assert not (config_dir / "rules").exists()

    code, out, err = cli("poll")
    assert code == 0, err
    assert "1 new items" in out or "1 new item" in out
    assert count(db_url, "select count(*) from item where matched_hash is null") == 0
    assert count(db_url, "select count(*) from item where matched_hash = content_hash") == 1
    assert count(db_url, "select count(*) from alert") == 0


OTHER = [
    ("storm", "Storm closes schools across the county", "Heavy rain closed schools on Monday."),
    ("court", "Judge fines carmaker $2 billion", "A judge ordered the carmaker to pay damages."),
]


def test_through_the_parse_pool_items_about_other_things_are_read_and_the_claim_alerts(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    """Eight feeds (their bodies go to the parse pool), each with items about other things: all
    are read by the rules (most skipped by `could_match`), and the claim reported by two
    outlets makes one alert."""
    shutil.copytree(REPO / "rules", config_dir / "rules")
    lines = ["sources:"]
    for n in range(8):
        outlet = f"outlet{n}.example"
        entries = [(f"{g}-{n}", t, x) for g, t, x in OTHER] + ([CLAIM] if n < 2 else [])
        url = feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, "en", entries)))
        lines.append(f"  - name: {outlet}\n    url: {url}")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    code, _, err = cli("poll")
    assert code == 0, err
    assert count(db_url, "select count(*) from item") == 18
    assert count(db_url, "select count(*) from item where matched_hash is null") == 0
    assert count(db_url, "select count(*) from alert where kind = 'claim'") == 1


def test_the_rules_read_what_is_stored_while_later_feeds_are_still_being_fetched(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    """Through the parse pool, the rules read each batch once it is stored: the claim of the
    fast feeds is read (and alerted) while the last feed has not answered yet, not after it."""
    shutil.copytree(REPO / "rules", config_dir / "rules")
    lines = ["sources:"]
    for n in range(8):
        outlet = f"outlet{n}.example"
        url = feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, "en", [CLAIM])))
        lines.append(f"  - name: {outlet}\n    url: {url}")
    read_before_the_last: list[bool] = []
    late = feed("late.example", "en", OTHER)

    def answer_when_the_claim_was_read(handler: BaseHTTPRequestHandler) -> None:
        claims_read = "select count(*) from alert where kind = 'claim'"
        deadline = time.monotonic() + 30
        while not count(db_url, claims_read) and time.monotonic() < deadline:
            time.sleep(0.05)
        read_before_the_last.append(count(db_url, claims_read) == 1)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(late)))
        handler.end_headers()
        handler.wfile.write(late)

    url = feed_server.add("/late.xml", Route(handler=answer_when_the_claim_was_read))
    lines.append(f"  - name: late.example\n    url: {url}")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    code, _, err = cli("poll")
    assert code == 0, err
    assert read_before_the_last == [True]
    assert count(db_url, "select count(*) from item") == 10
    assert count(db_url, "select count(*) from item where matched_hash is null") == 0
    assert count(db_url, "select count(*) from alert where kind = 'claim'") == 1


GERMAN_CLAIM = (
    "claim-de",
    "Musk fordert von OpenAI bis zu 134 Milliarden Dollar",
    "Elon Musk verlangt von OpenAI und Microsoft Schadenersatz von bis zu 134 Milliarden Dollar.",
)


@pytest.mark.parametrize("feeds", [1, 8], ids=["parsed in the cycle", "parsed in the pool"])
def test_without_a_declared_language_only_items_the_rules_read_have_theirs_detected(
    feed_server: FeedServer, config_dir: Path, db_url: str, feeds: int
) -> None:
    """Feeds that declare no language: the items about the dispute get theirs detected (the
    rules read them in it); items about nothing the rules follow are stored without one, already
    read, so the rules pass never loads them."""
    shutil.copytree(REPO / "rules", config_dir / "rules")
    lines = ["sources:"]
    for n in range(feeds):
        outlet = f"outlet{n}.example"
        entries = [(f"{g}-{n}", t, x) for g, t, x in [*OTHER, GERMAN_CLAIM, CLAIM]]
        url = feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, None, entries)))
        lines.append(f"  - name: {outlet}\n    url: {url}")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    code, _, err = cli("poll")
    assert code == 0, err
    assert count(db_url, "select count(*) from item") == 4 * feeds
    assert count(db_url, "select count(*) from item where matched_hash is null") == 0
    about = "select count(*) from item where key like '%claim%' and language = '{}'"
    assert count(db_url, about.format("de")) == feeds
    assert count(db_url, about.format("en")) == feeds
    others = "select count(*) from item where key not like '%claim%'"
    assert count(db_url, others + " and language is null") == 2 * feeds


def test_the_cli_and_the_cycle_import_no_rule_machinery_until_there_is_work() -> None:
    """Every command and every parse worker imports the pipeline: the rules' machinery (its
    regexes, the money grammar, google-re2) is loaded only once an item waits for it."""
    loaded = modules_loaded("import monitor.cli, monitor.pipeline, monitor.web.app")
    assert sorted(m for m in loaded if m == "monitor.rules" or m.startswith("monitor.rules.")) == []
