"""`monitor sources ...`, `items list`, `status`: good input works and keeps the user's file;
bad input gives one clear line (file, line, problem), exit 2, no traceback, file unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feedserver import FeedServer, Route, rss
from support import cli, count, runner

from monitor.cli import app

COMMENTED = """\
# my sources
sources:
  # the first one
  - name: first   # keep me
    url: https://example.com/first.xml
    interval: 15m
"""


def _error_line(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    assert isinstance(result.exception, SystemExit) or result.exception is None
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr.strip()


def test_sources_add_fetches_once_and_appends_keeping_comments(
    feed_server: FeedServer, config_dir: Path
) -> None:
    (config_dir / "sources.yaml").write_text(COMMENTED)
    url = feed_server.add("/feed.xml", Route(body=rss([("a", "One"), ("b", "Two")])))
    code, out, err = cli(
        "sources",
        "add",
        url,
        "--name",
        "second",
        "--interval",
        "5m",
        "--tag",
        "news",
        "--tag",
        "en",
    )
    assert code == 0, err
    assert "2 items" in out
    text = (config_dir / "sources.yaml").read_text()
    assert text.startswith(COMMENTED.rstrip("\n").split("\n")[0])
    assert "# the first one" in text and "# keep me" in text
    assert "name: second" in text and "interval: 5m" in text and "- news" in text
    assert len(feed_server.hits("/feed.xml")) == 1


def test_sources_add_rejects_an_invalid_url_and_leaves_the_file(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(COMMENTED)
    code, err = _error_line(["sources", "add", "not a url", "--name", "x", "--no-check"])
    assert code == 2
    assert err.count("\n") == 0 and "url" in err and "not an http(s) URL" in err
    assert (config_dir / "sources.yaml").read_text() == COMMENTED


def test_sources_add_rejects_a_duplicate_name(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(COMMENTED)
    code, err = _error_line(
        ["sources", "add", "https://example.com/x.xml", "--name", "first", "--no-check"]
    )
    assert code == 2
    assert "sources.yaml" in err and "already exists" in err
    assert (config_dir / "sources.yaml").read_text() == COMMENTED


def test_sources_add_rejects_an_interval_below_one_minute(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(COMMENTED)
    code, err = _error_line(
        ["sources", "add", "https://example.com/x.xml", "--interval", "30s", "--no-check"]
    )
    assert code == 2 and "1 minute" in err


def test_sources_add_reports_an_unreachable_feed_without_writing(
    feed_server: FeedServer, config_dir: Path
) -> None:
    (config_dir / "sources.yaml").write_text(COMMENTED)
    code, err = _error_line(["sources", "add", feed_server.url("/nothing.xml"), "--name", "n"])
    assert code == 2 and "HTTP 404" in err and "--no-check" in err
    assert (config_dir / "sources.yaml").read_text() == COMMENTED


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("sources:\n  - name: a\n    url: [unclosed\n", "sources.yaml:4: YAML syntax error"),
        (
            "sources:\n  - name: a\n    interval: 5m\n",
            "sources.yaml:2: sources[0]: missing key 'url'",
        ),
        (
            "sources:\n  - name: a\n    url: https://example.com/a.xml\n    colour: red\n",
            "sources.yaml:4: sources[0].colour: unknown key 'colour'",
        ),
        (
            "sources:\n  - name: a\n    url: https://example.com/a.xml\n    interval: soon\n",
            "sources.yaml:4: sources[0].interval: not a duration: 'soon'",
        ),
        (
            "sources:\n  - name: a\n    url: https://example.com/a.xml\n    interval: .inf\n",
            "sources.yaml:4: sources[0].interval: not a duration: inf (at most 365d)",
        ),
        (
            "sources:\n  - name: a\n    url: https://example.com/a.xml\n    interval: 99999999999d\n",
            "sources.yaml:4: sources[0].interval: not a duration: '99999999999d' (at most 365d)",
        ),
        (
            "sources:\n  - name: a\n    url: https://example.com/a.xml\n  - name: a\n    url: https://example.com/b.xml\n",
            "sources.yaml:4: sources[1].name: duplicate name 'a'",
        ),
        (
            "sources:\n  - name: a\n    url: https://example.com/a.xml\n    kind: tv\n",
            "sources.yaml:4: sources[0].kind: unknown kind 'tv'",
        ),
    ],
)
def test_a_bad_sources_file_names_file_line_and_problem(
    config_dir: Path, db_url: str, content: str, expected: str
) -> None:
    path = config_dir / "sources.yaml"
    path.write_text(content)
    for args in (
        ["poll"],
        ["sources", "list"],
        ["sources", "add", "https://example.com/z.xml", "--no-check"],
    ):
        code, err = _error_line(args)
        assert code == 2, args
        assert expected in err, (args, err)
        assert err.count("\n") == 0
    assert path.read_text() == content
    assert count(db_url, "select count(*) from item") == 0


def test_sources_remove_and_list(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(COMMENTED)
    code, out, _ = cli("sources", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["name"] == "first" and rows[0]["last_status"] is None
    assert set(rows[0]) >= {
        "name",
        "url",
        "enabled",
        "last_checked_at",
        "last_status",
        "last_error",
        "consecutive_failures",
        "items",
        "next_check_at",
    }
    assert cli("sources", "remove", "first")[0] == 0
    assert "name: first" not in (config_dir / "sources.yaml").read_text()
    code, err = _error_line(["sources", "remove", "first"])
    assert code == 2 and "no source named 'first'" in err


def test_sources_test_prints_items_and_stores_nothing(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    url = feed_server.add("/feed.xml", Route(body=rss([("a", "Ruling &amp; more")])))
    code, out, _ = cli("sources", "test", url, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["items"][0]["title"] == "Ruling & more"
    assert data["items"][0]["language"] == "en"
    assert count(db_url, "select count(*) from item") == 0


def test_items_list_and_status_after_a_poll(feed_server: FeedServer, config_dir: Path) -> None:
    url = feed_server.add(
        "/feed.xml", Route(body=rss([("a", "First story"), ("b", "Second story")]))
    )
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: news\n    url: {url}\n")
    assert cli("poll")[0] == 0
    code, out, _ = cli("items", "list", "--source", "news", "--json")
    assert code == 0 and {r["title"] for r in json.loads(out)} == {"First story", "Second story"}
    code, out, _ = cli("items", "list", "--since", "2030-01-01")
    assert code == 0 and out == ""
    code, out, _ = cli("status", "--json")
    data = json.loads(out)
    assert data["items"] == 2 and data["sources_ok"] == 1 and data["last_cycle"]["new_items"] == 2
    assert "password" not in out


def test_an_unreachable_database_is_named_without_its_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv(
        "MONITOR_DATABASE_URL",
        "postgresql+psycopg://postgres:userinfo-s3cret@127.0.0.1:1/x?password=query-s3cret",
    )
    code, out, err = cli("status")
    assert code != 0 and "unreachable" in err
    assert "s3cret" not in out + err


def test_sources_add_keeps_the_comments_of_a_file_holding_only_comments(config_dir: Path) -> None:
    path = config_dir / "sources.yaml"
    path.write_text("# our sources, see the wiki\n# (none yet)\n")
    code, _, err = cli("sources", "add", "https://example.com/a.xml", "--name", "a", "--no-check")
    assert code == 0, err
    text = path.read_text()
    assert text.startswith("# our sources, see the wiki\n# (none yet)\nsources:\n")
    assert "name: a" in text


def test_a_sources_file_that_is_not_utf8_names_its_line(config_dir: Path) -> None:
    path = config_dir / "sources.yaml"
    content = b"sources:\n  - name: caf\xe9\n    url: https://example.com/a.xml\n"
    path.write_bytes(content)
    code, err = _error_line(["sources", "list"])
    assert code == 2
    assert "sources.yaml:2: not UTF-8 text: byte 0xe9 at column 14" in err
    assert path.read_bytes() == content


def test_status_counts_items_in_languages_the_rules_do_not_read(
    feed_server: FeedServer, config_dir: Path
) -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>k</title><link>https://k.example/</link>'
        "<description>d</description><language>ko</language>"
        "<item><guid>1</guid><title>머스크 오픈AI 소송</title><link>https://k.example/1</link></item>"
        "<item><guid>2</guid><title>법원 판결</title><link>https://k.example/2</link></item>"
        "</channel></rss>"
    ).encode()
    url = feed_server.add("/ko.xml", Route(body=body))
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: korean\n    url: {url}\n")
    assert cli("poll")[0] == 0
    code, out, _ = cli("status")
    assert code == 0
    assert "items in languages the rules do not fully read: ko 2" in out
    code, out, _ = cli("status", "--json")
    assert json.loads(out)["unread_languages"] == {"ko": 2}
