"""Source kinds: one module each, one line in the registry below."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from monitor.sources.base import Parsed, SourceBase, Validators


class _Kinds(Mapping[str, type[SourceBase]]):
    """kind → class, each kind's module imported when its class is first asked for: a poll of
    RSS feeds never imports the court kinds (court_rss, courtlistener and their dockets,
    ~25M instructions, ~8 ms of its start-up, callgrind)."""

    def __init__(self, where: dict[str, str]) -> None:
        self._where = where  # kind → "module:Class"
        self._loaded: dict[str, type[SourceBase]] = {}

    def __getitem__(self, kind: str) -> type[SourceBase]:
        found = self._loaded.get(kind)
        if found is None:
            module, _, name = self._where[kind].partition(":")
            found = getattr(importlib.import_module(module), name)
            assert isinstance(found, type) and issubclass(found, SourceBase)
            self._loaded[kind] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


# kind → class. The `kind` key of a source in sources.yaml picks one (default: rss).
SOURCE_KINDS: Mapping[str, type[SourceBase]] = _Kinds(
    {
        "rss": "monitor.sources.rss:RssSource",
        "court-rss": "monitor.sources.court_rss:CourtRssSource",
        "courtlistener": "monitor.sources.courtlistener:CourtListenerSource",
    }
)

__all__ = ["SOURCE_KINDS", "Parsed", "SourceBase", "Validators"]
