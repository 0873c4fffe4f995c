"""The kind registry imports a kind's module only when its class is asked for, and otherwise
behaves as the mapping it was."""

from __future__ import annotations

import subprocess
import sys

import pytest

from monitor.config.sources_file import parse_sources, validate_source
from monitor.errors import ConfigError
from monitor.sources import SOURCE_KINDS, SourceBase
from monitor.sources.court_rss import CourtRssSource
from monitor.sources.courtlistener import CourtListenerSource
from monitor.sources.rss import RssSource


def test_registry_maps_every_kind_to_its_class() -> None:
    assert dict(SOURCE_KINDS) == {
        "rss": RssSource,
        "court-rss": CourtRssSource,
        "courtlistener": CourtListenerSource,
    }
    assert sorted(SOURCE_KINDS) == ["court-rss", "courtlistener", "rss"]
    assert len(SOURCE_KINDS) == 3
    assert "rss" in SOURCE_KINDS and "atom" not in SOURCE_KINDS
    assert SOURCE_KINDS.get("atom") is None
    with pytest.raises(KeyError):
        SOURCE_KINDS["atom"]
    assert all(issubclass(cls, SourceBase) for cls in SOURCE_KINDS.values())


def test_unknown_kind_still_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"known: court-rss, courtlistener, rss"):
        validate_source({"name": "x", "url": "https://example.com/f.xml", "kind": "atom"})
    with pytest.raises(ConfigError, match=r"known: court-rss, courtlistener, rss"):
        parse_sources(
            {"sources": [{"name": "x", "url": "https://example.com/f.xml", "kind": "atom"}]},
            path="sources.yaml",
        )


def test_reading_rss_sources_imports_no_other_kind() -> None:
    code = (
        "import sys\n"
        "from monitor.config.sources_file import parse_sources\n"
        "import monitor.cli\n"
        "parse_sources({'sources': [{'name': 'a', 'url': 'https://example.com/f.xml'}]},"
        " path='sources.yaml')\n"
        "print(sorted(m for m in sys.modules if m.startswith('monitor.sources.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "['monitor.sources.base', 'monitor.sources.rss']"
