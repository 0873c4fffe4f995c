"""What a running command holds: the user's paths, the database engine (migrated), fetch
limits, a lease owner id, and the rule set and notification channels (reloaded when their
files change). Opened once per command or per `monitor run`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from monitor.config.settings import Paths, database_url
from monitor.config.sources_file import load_sources
from monitor.errors import ConfigError
from monitor.fetch.types import Limits
from monitor.storage.leases import make_owner

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from monitor.deliver.channels import Channels
    from monitor.prefilter import Prefilter
    from monitor.rules import RuleSet
    from monitor.sources import SourceBase


T = TypeVar("T")


def _stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    """Names and mtimes of a config folder's files: changes when a file is edited or added."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.iterdir() if p.is_file()))


def prefilter_of(paths: Paths, *, local: Callable[[], RuleSet] | None = None) -> Prefilter:
    """The topic pre-filter on the rules of `paths` as they are now (see Context.prefilter)."""
    from monitor.prefilter import Prefilter

    return Prefilter(paths.rules_dir, _stamp(paths.rules_dir), local=local)


@dataclass(slots=True)
class Context:
    paths: Paths
    engine: Engine
    limits: Limits = field(default_factory=Limits.from_env)
    owner: str = field(default_factory=make_owner)
    _sources: tuple[Hashable, list[SourceBase]] | None = None
    _ruleset: tuple[Hashable, RuleSet] | None = None
    _channels: tuple[Hashable, Channels] | None = None
    _broken: dict[str, Hashable] = field(default_factory=dict)  # what, stamp of the bad version

    @classmethod
    def open(cls, paths: Paths, *, limits: Limits | None = None, migrate: bool = True) -> Context:
        # SQLAlchemy (~0.1 s to import) only for the commands that open the database.
        from monitor.storage.engine import make_engine, upgrade

        engine = make_engine(database_url(paths))
        if migrate:
            upgrade(engine)
        return cls(paths=paths, engine=engine, limits=limits or Limits.from_env())

    def sources(self) -> list[SourceBase]:
        """sources.yaml, read again only when the file changed (each tick of `monitor run`)."""
        path = self.paths.sources_file
        try:
            st = path.stat()
            stamp: Hashable = (st.st_mtime, st.st_size)
        except OSError:
            stamp = (0.0, -1)  # missing: load_sources says so
        self._sources = self._reload(
            "sources.yaml", self._sources, stamp, lambda: load_sources(path)
        )
        return self._sources[1]

    def ruleset(self) -> RuleSet:
        """The rules of rules/*.yaml, compiled once and again when a file changes."""
        from monitor.rules import RuleSet, load_ruleset

        def load() -> RuleSet:
            # No rules/ folder: items are stored and nothing is matched (a plain archive).
            if self.paths.rules_dir.is_dir():
                return load_ruleset(self.paths.rules_dir)
            return RuleSet.build([])

        stamp = _stamp(self.paths.rules_dir)
        self._ruleset = self._reload("rules/", self._ruleset, stamp, load)
        return self._ruleset[1]

    def prefilter(self) -> Prefilter:
        """The topic pre-filter on the rules as they are now, for where items are parsed:
        this process's rule set when parsed here, compiled from the folder in a parse worker."""
        return prefilter_of(self.paths, local=self.ruleset)

    def channels(self) -> Channels:
        """Notification channels from notifiers/*.yaml, else the environment (console always)."""
        from monitor.deliver.channels import load_channels

        stamp = _stamp(self.paths.notifiers_dir)
        self._channels = self._reload(
            "notifiers/", self._channels, stamp, lambda: load_channels(self.paths)
        )
        return self._channels[1]

    def _reload(
        self,
        what: str,
        cached: tuple[Hashable, T] | None,
        stamp: Hashable,
        load: Callable[[], T],
    ) -> tuple[Hashable, T]:
        """`cached` while its files are unchanged, else loaded again. A broken edit while
        running keeps the last good version (polling goes on) and is logged once."""
        if cached is not None and cached[0] == stamp:
            return cached
        try:
            value = load()
        except ConfigError as exc:
            if cached is None:
                raise  # nothing good to fall back on (`monitor poll`, a first start)
            if self._broken.get(what) != stamp:
                self._broken[what] = stamp
                log.error("%s has an error; still using the last good version: %s", what, exc)
            return cached
        if cached is not None:
            log.info("%s changed, reloaded", what)
        self._broken.pop(what, None)
        return stamp, value

    def close(self) -> None:
        self.engine.dispose()
