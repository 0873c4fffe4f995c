"""Each command imports what it uses (issue 15: start-up was most of a short command). Commands
that need no engine load no HTTP client, ORM, parser or template engine; `monitor sources list`
reads a SQLite database at the current schema through the driver alone; a `monitor poll` with
nothing to parse loads no parser, template engine or rule machinery, and one with nothing to
raise or deliver no ORM."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from feedserver import FeedServer, Route
from support import cli, feed, modules_loaded

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "aiohttp",
    "httpx",
    "asyncio",  # ~10 ms; only the commands that fetch, serve or poll run an event loop
    "ssl",  # ~5 ms, with socket: loaded by what connects (HTTP, SMTP, Slack)
    "smtplib",
    "http.client",
    "feedparser",
    "jinja2",
    "ruamel.yaml",
    "rapidfuzz",
    "monitor.fetch.client",
    "monitor.pipeline",
    "monitor.storage.models",
    "monitor.developments",
    "monitor.rules",
)


def _heavy(loaded: set[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in heavy))


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped sources and rules with a migrated SQLite database, each file read once
    (the parsed YAML is then in the cache, as for every run after the first)."""
    folder = tmp_path / "cfg"
    folder.mkdir()
    shutil.copy(REPO / "sources.yaml", folder / "sources.yaml")
    shutil.copytree(REPO / "rules", folder / "rules")
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(folder))
    monkeypatch.delenv("MONITOR_DATABASE_URL", raising=False)
    assert cli("db", "upgrade")[0] == 0
    assert cli("sources", "list")[0] == 0
    return folder


@pytest.mark.parametrize("command", [["version"], ["--help"], ["sources", "--help"]])
def test_a_command_that_needs_no_engine_imports_none(command: list[str]) -> None:
    assert _heavy(modules_loaded(command=command)) == []


def test_sources_list_reads_a_current_sqlite_database_without_sqlalchemy(cfg: Path) -> None:
    assert _heavy(modules_loaded(command=["sources", "list"])) == []


def test_sources_list_goes_through_sqlalchemy_for_a_database_to_create(cfg: Path) -> None:
    (cfg / "storage" / "monitor.db").unlink()
    loaded = modules_loaded(command=["sources", "list"])
    assert "sqlalchemy" in loaded and "alembic" in loaded  # created and migrated, as before
    assert (cfg / "storage" / "monitor.db").is_file()


def test_a_poll_with_nothing_to_parse_imports_no_parser_templates_or_rules(cfg: Path) -> None:
    (cfg / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    assert cli("poll")[0] == 0
    loaded = modules_loaded(command=["poll"])
    assert "monitor.pipeline" in loaded
    later = ("feedparser", "jinja2", "ruamel.yaml", "rapidfuzz", "monitor.developments")
    later += ("monitor.deliver.digest",)  # sent by `monitor run` and `monitor digest send`
    assert _heavy(loaded, (*later, "monitor.rules")) == []


def test_a_poll_of_unchanged_feeds_imports_no_orm(cfg: Path, feed_server: FeedServer) -> None:
    body = feed("Reuters", "en", [("g1", "Markets today", "Nothing about the case.")])
    urls = [feed_server.add(f"/f{i}.xml", Route(body=body)) for i in range(3)]
    sources = "".join(f"  - name: feed-{i}\n    url: {url}\n" for i, url in enumerate(urls))
    (cfg / "sources.yaml").write_text(f"sources:\n{sources}", encoding="utf-8")
    assert cli("poll")[0] == 0  # stores the items: the rules read them (the ORM is loaded)
    loaded = modules_loaded(command=["poll"])  # every feed answers 304 now
    assert len([r for r in feed_server.requests if "if-none-match" in r.headers]) == 3
    assert {"monitor.pipeline", "sqlalchemy", "aiohttp"} <= loaded
    assert _heavy(loaded, ("sqlalchemy.orm", "sqlmodel", "monitor.storage.models")) == []


def test_the_fetcher_leaves_out_httpx_s_command_line_client() -> None:
    """httpx would import its command-line client (click, rich, pygments) with itself wherever
    click is installed, as in a development venv: never run, and ~40 ms of every poll."""
    loaded = modules_loaded("import click, monitor.fetch.client")
    assert "httpx" in loaded
    assert _heavy(loaded, ("httpx._main", "rich", "pygments")) == []
