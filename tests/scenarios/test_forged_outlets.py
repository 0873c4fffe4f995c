"""One feed cannot confirm itself: a blog whose items name other outlets in `<source>` counts as
one outlet, and only a court source kind speaks for the court; a news search's items do name
their outlets."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO
from feedserver import FeedServer, Route
from support import cli, count

CLAIM = "Elon Musk asks for as much as $134 billion in damages from OpenAI and Microsoft, a court filing in his lawsuit shows."


def _feed(sources: list[str], *, link_host: str = "blog.example") -> bytes:
    items = "".join(
        f"<item><guid>g{i}</guid><title>Musk seeks up to $134 billion ({i})</title>"
        f"<link>https://{link_host}/{i}</link><description>{CLAIM}</description>"
        f"<pubDate>Mon, 18 May 2026 10:0{i}:00 GMT</pubDate><source url='https://{s}/'>{s}</source></item>"
        for i, s in enumerate(sources)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>blog</title>'
        f"<link>https://blog.example/</link><description>d</description><language>en</language>{items}"
        "</channel></rss>"
    ).encode()


def _setup(feed_server: FeedServer, config_dir: Path, body: bytes, extra: str = "") -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    url = feed_server.add("/blog.xml", Route(body=body))
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: blog\n    url: {url}\n{extra}")


def test_a_blog_naming_two_wire_services_is_one_outlet_and_raises_nothing(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    _setup(feed_server, config_dir, _feed(["Reuters", "Associated Press", "court record (cand)"]))
    code, _, err = cli("poll")
    assert code == 0, err
    assert count(db_url, "select count(*) from alert where severity = 'alert'") == 0
    assert count(db_url, "select count(*) from story where from_court") == 0


def test_a_news_search_names_its_outlets_and_they_corroborate(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    _setup(
        feed_server,
        config_dir,
        _feed(["Reuters", "Associated Press"], link_host="news.example"),
        "    names_outlets: true\n",
    )
    code, _, err = cli("poll")
    assert code == 0, err
    assert count(db_url, "select count(*) from alert where severity = 'alert'") == 1
