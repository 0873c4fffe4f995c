"""What a running command holds: the user's paths, the database engine (migrated), fetch
limits, a lease owner id, and the rule set and notification channels (reloaded when their
files change). Opened once per command or per `monitor run`."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from monitor.config import load_sources
from monitor.fetch import Limits
from monitor.settings import Paths, database_url
from monitor.storage.engine import make_engine, upgrade

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from monitor.notify import Channels
    from monitor.rules import RuleSet
    from monitor.sources import SourceBase


def _stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    """Names and mtimes of a config folder's files: changes when a file is edited or added."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.iterdir() if p.is_file()))


@dataclass(slots=True)
class Context:
    paths: Paths
    engine: Engine
    limits: Limits = field(default_factory=Limits.from_env)
    owner: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )
    _sources: tuple[tuple[float, int], list[SourceBase]] | None = None
    _ruleset: tuple[tuple[tuple[str, float], ...], RuleSet] | None = None
    _channels: tuple[tuple[tuple[str, float], ...], Channels] | None = None

    @classmethod
    def open(cls, paths: Paths, *, limits: Limits | None = None, migrate: bool = True) -> Context:
        engine = make_engine(database_url(paths))
        if migrate:
            upgrade(engine)
        return cls(paths=paths, engine=engine, limits=limits or Limits.from_env())

    def sources(self) -> list[SourceBase]:
        """sources.yaml, read again only when the file changed (each tick of `monitor run`)."""
        path = self.paths.sources_file
        try:
            st = path.stat()
            stamp = (st.st_mtime, st.st_size)
        except OSError:
            stamp = (0.0, -1)  # missing: load_sources says so
        if self._sources is None or self._sources[0] != stamp:
            if self._sources is not None:
                log.info("sources.yaml changed, reloaded path=%s", path)
            self._sources = (stamp, load_sources(path))
        return self._sources[1]

    def ruleset(self) -> RuleSet:
        """The rules of rules/*.yaml, compiled once and again when a file changes."""
        from monitor.rules import RuleSet, load_ruleset

        stamp = _stamp(self.paths.rules_dir)
        if self._ruleset is None or self._ruleset[0] != stamp:
            # No rules/ folder: items are stored and nothing is matched (a plain archive).
            rules = (
                load_ruleset(self.paths.rules_dir)
                if self.paths.rules_dir.is_dir()
                else RuleSet.build([])
            )
            self._ruleset = (stamp, rules)
        return self._ruleset[1]

    def channels(self) -> Channels:
        """Notification channels from notifiers/*.yaml, else the environment (console always)."""
        from monitor.notify import load_channels

        stamp = _stamp(self.paths.notifiers_dir)
        if self._channels is None or self._channels[0] != stamp:
            self._channels = (stamp, load_channels(self.paths))
        return self._channels[1]

    def close(self) -> None:
        self.engine.dispose()
