"""Source kinds: one module each, one line in the registry below."""

from __future__ import annotations

from monitor.sources.base import Parsed, SourceBase, Validators
from monitor.sources.court_rss import CourtRssSource
from monitor.sources.courtlistener import CourtListenerSource
from monitor.sources.rss import RssSource

# kind → class. The `kind` key of a source in sources.yaml picks one (default: rss).
SOURCE_KINDS: dict[str, type[SourceBase]] = {
    "rss": RssSource,
    "court-rss": CourtRssSource,
    "courtlistener": CourtListenerSource,
}

__all__ = ["SOURCE_KINDS", "Parsed", "SourceBase", "Validators"]
