"""The topic pre-filter where items are parsed (a parse worker or the cycle itself): parsed
Items → the same Items, the language detected only on those the rules will read further, and
the keys of those they will not (stored as read: the rules pass never loads them)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.domain import Item
from monitor.errors import ConfigError
from monitor.parse.langid import detect

if TYPE_CHECKING:  # imported when compiled: a cycle of 304s never loads the rules' modules
    from monitor.rules import RuleSet

log = logging.getLogger(__name__)
DETECT_CHARS = 500  # of the text after the title: the detector reads a bounded prefix anyway
# The rules folder and stamp for the forkserver to compile before it forks the parse workers.
PRELOAD_ENV = "MONITOR_PREFILTER_PRELOAD"


class Prefilter:
    """The rules of `rules_dir` as of `stamp`, or None when the folder has none. Pickled into
    parse workers as the folder and its stamp only; each worker compiles the rules once per
    stamp. In the cycle's own process `local` gives the rule set it already holds.

    A rules folder that does not load makes every item one to read (and the language of every
    item detected): the cycle reports the error itself when it reads them."""

    def __init__(
        self,
        rules_dir: Path | None,
        stamp: Hashable = None,
        *,
        local: Callable[[], RuleSet] | None = None,
    ) -> None:
        self.rules_dir = rules_dir
        self.stamp = stamp
        self._local = local

    def __getstate__(self) -> tuple[Path | None, Hashable]:
        return (self.rules_dir, self.stamp)

    def __setstate__(self, state: tuple[Path | None, Hashable]) -> None:
        self.rules_dir, self.stamp = state
        self._local = None

    def preload_in_workers(self) -> None:
        """Have the parse pool's forkserver, when it starts, compile these rules once before it
        forks the workers: they share its pages (the compiled topics and the language model)
        instead of loading their own. Read from the environment, which the forkserver
        inherits; a worker whose rules differ (edited since) compiles its own."""
        if self.rules_dir is not None:
            os.environ[PRELOAD_ENV] = json.dumps([str(self.rules_dir), self.stamp])

    def ruleset(self) -> RuleSet | None:
        """The compiled rules; None when they do not load."""
        try:
            if self._local is not None:
                return self._local()
            return _compiled(self.rules_dir, self.stamp)
        except ConfigError as exc:
            log.debug("prefilter off: rules do not load error=%s", exc)
            return None

    def split(self, items: list[Item]) -> tuple[list[Item], frozenset[str]]:
        """The items, those to read with their language detected when their source and feed
        did not say it; and the keys of the items no rule can find anything in."""
        ruleset = self.ruleset()
        out: list[Item] = []
        unread: set[str] = set()
        for item in items:
            wanted = ruleset is None or (bool(ruleset.files) and ruleset.could_match(item))
            if not wanted:
                unread.add(item.key)
            elif item.language is None:
                found = detect(f"{item.title}. {item.text[:DETECT_CHARS]}")
                if found is not None:
                    item = replace(item, language=found)
            out.append(item)
        return out, frozenset(unread)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _preload() -> None:
    """In the forkserver (it imports this module first): compile the rules it was told of.
    Never raises: an exception here would stop the forkserver, and the pool with it."""
    told = os.environ.get(PRELOAD_ENV)
    if not told:
        return
    try:
        rules_dir, stamp = json.loads(told)
        _compiled(Path(rules_dir), _tuples(stamp))
        import monitor.parse.langid as langid

        langid._model()
    except Exception as exc:
        log.debug("prefilter not preloaded error=%s", exc)


@lru_cache(maxsize=2)
def _compiled(rules_dir: Path | None, _stamp: Any) -> RuleSet:
    from monitor.rules import RuleSet, load_ruleset

    if rules_dir is None or not rules_dir.is_dir():
        return RuleSet.build([])
    return load_ruleset(rules_dir, prefilter_only=True)


_preload()
