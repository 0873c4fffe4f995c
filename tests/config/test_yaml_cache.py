"""sources.yaml is parsed once per content: later reads take a JSON copy from the user's cache,
and the copy can never change what is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import yamlfile
from monitor.config.sources_file import load_sources
from monitor.errors import ConfigError

SOURCES = """\
sources:
  - name: wire  # a comment
    url: https://wire.example/feed.xml
    interval: 15m
    tags: [news, "en"]
  - name: court
    url: https://court.example/rss
    kind: court-rss
    cases: ['4:24-cv-04722']
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "dispute-monitor" / "yaml"


def test_a_second_read_comes_from_the_cache_and_equals_the_first(
    tmp_path: Path, cache: Path
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    first = yamlfile.load_plain(path)
    assert len(list(cache.glob("*.json"))) == 1
    assert yamlfile.load_plain(path) == first
    assert [s.name for s in load_sources(path)] == ["wire", "court"]


def test_an_edit_is_read_at_once_whatever_the_cache_holds(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    load_sources(path)
    path.write_text(SOURCES.replace("interval: 15m", "interval: 20m"))
    assert load_sources(path)[0].interval.total_seconds() == 1200
    path.write_text(SOURCES.replace("interval: 15m", "intervall: 15m"))
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert err.value.line == 4 and "intervall" in str(err.value)  # located, as without cache


def test_a_damaged_copy_is_ignored(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    expected = yamlfile.load_plain(path)
    for copy in cache.glob("*.json"):
        copy.write_text("{not json")
    assert yamlfile.load_plain(path) == expected


def test_values_json_cannot_give_back_are_not_cached(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text("since: 2026-11-26\n1: one\n")
    data = yamlfile.load_plain(path)
    assert str(data["since"]) == "2026-11-26" and data[1] == "one"
    assert not cache.exists() or not list(cache.glob("*.json"))
