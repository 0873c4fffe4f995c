"""Literal terms and boolean queries (all / any / none), case- and accent-insensitive with word
boundaries. Every term of a rule set goes into one google-re2 Set, matched once per sentence.
Input: rule-file strings; output: term ids per sentence and query verdicts with reasons."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import re2
from pydantic import BaseModel, ConfigDict, Field, model_validator

from monitor.errors import ConfigError
from monitor.parse.textnorm import CJK_RE, fold_str
from monitor.rules import termtext

# RE2's default 8 MiB budget silently matches nothing with a few hundred patterns in one Set
# (it logs "DFA out of memory" and goes on); 256 MiB holds thousands.
SET_MAX_MEM = 256 << 20
_SPLIT = re.compile(r"[\s\-\u2010\u2011\u2013_]+")


def re2_options(*, max_mem: int = SET_MAX_MEM) -> Any:
    options = re2.Options()
    options.max_mem = max_mem
    options.log_errors = False
    return options


def _words(term: str) -> tuple[str, list[tuple[str, bool]]]:
    """The folded term and its words, each with whether it ends in `*` (a prefix)."""
    folded = fold_str(term).strip()
    if not folded:
        raise ConfigError(f"empty term {term!r}")
    return folded, [(w.rstrip("*"), w.endswith("*")) for w in _SPLIT.split(folded) if w]


def term_pattern(term: str) -> str:
    """RE2 pattern (on folded text) for a word or phrase; `*` ends a prefix ("dismiss*")."""
    folded, words = _words(term)
    parts = []
    for word, star in words:
        piece = re2.escape(word)
        if star:
            piece += r"[\p{L}\p{N}]*"
        parts.append(piece)
    body = r"[\s\-]+".join(parts)
    if CJK_RE.search(folded):
        return f"({body})"
    # Boundaries are "not a letter of an alphabetic script": "OpenAI" is a word in "创立OpenAI时".
    edge = r"[^\p{Latin}\p{Greek}\p{Cyrillic}\p{N}]"
    return rf"(?:^|{edge})({body}(?:'s|'|s)?)(?:$|{edge})"


def _set_pattern(term: str) -> tuple[str, bool]:
    """`term_pattern(term)` for the term text (`termtext`), and whether it can match there
    where the term is not: when the term holds a character the term text replaces."""
    folded, words = _words(term)
    lossy = False
    parts = []
    for word, star in words:
        reduced = termtext.reduce(word)
        lossy = lossy or reduced != word
        piece = "".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}" for c in reduced)
        if star:
            piece += f"{termtext.LETTER}*"
        parts.append(piece)
    body = r"[\s\-]+".join(parts)
    if CJK_RE.search(folded):
        return body, lossy
    edge = termtext.EDGE
    return rf"(?:^|{edge}){body}(?:'s|'|s)?(?:$|{edge})", lossy


class TermIndex:
    """All literal terms of a rule set, matched in one pass with a google-re2 Set. The Set reads
    the term text of `termtext` (its boundaries are small classes there); a term whose own
    characters that text replaces is confirmed with its own regex on the folded text."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.labels: list[str] = []
        self._patterns: list[str] = []
        self._set_patterns: list[str] = []
        self._lossy: set[int] = set()
        self._single: dict[int, Any] = {}  # term id → its own regex, made on first use
        self._set: Any = None

    def add(self, term: str) -> int:
        pattern = term_pattern(term)
        if pattern in self._ids:
            return self._ids[pattern]
        term_id = self._ids[pattern] = len(self._patterns)
        set_pattern, lossy = _set_pattern(term)
        self._patterns.append(pattern)
        self._set_patterns.append(set_pattern)
        if lossy:
            self._lossy.add(term_id)
        self.labels.append(term)
        return term_id

    def compile(self) -> None:
        options = re2_options()
        compiled = re2.Set.SearchSet(options)
        for pattern in self._set_patterns:
            compiled.Add(pattern)
        if self._patterns:
            compiled.Compile()
            self._set = compiled

    def hits(self, folded_text: str) -> frozenset[int]:
        """The ids of the terms in a folded text."""
        if self._set is None or not folded_text:
            return frozenset()
        return self._found(termtext.reduce(folded_text), lambda: folded_text)

    def hits_in(self, text: str) -> frozenset[int]:
        """`hits(fold_str(text))`, folding and reducing the text in one pass."""
        if self._set is None or not text:
            return frozenset()
        return self._found(termtext.fold_reduce(text), lambda: fold_str(text))

    def _found(self, term_text: str, folded: Callable[[], str]) -> frozenset[int]:
        found = self._set.Match(term_text)
        if not found:
            return frozenset()
        out = frozenset(found)
        if self._lossy and not out.isdisjoint(self._lossy):
            text = folded()
            out -= {i for i in out & self._lossy if self._regex(i).search(text) is None}
        return out

    def _regex(self, term_id: int) -> Any:
        # Each term's own regex is only needed to highlight it where it was found (and to
        # confirm the few terms the term text cannot hold): compiling all of them up front cost
        # ~40 MB and ~0.3 s in every process that loads the rules.
        regex = self._single.get(term_id)
        if regex is None:
            regex = self._single[term_id] = re2.compile(
                self._patterns[term_id], re2_options(max_mem=8 << 20)
            )
        return regex

    def spans(self, term_id: int, folded_text: str) -> list[tuple[int, int]]:
        return [m.span(1) for m in self._regex(term_id).finditer(folded_text)]


class Query(BaseModel):
    """A boolean query: every `all` term, at least one `any` term, no `none` term.

    A term is a word or phrase ("motion to dismiss"), a prefix ending in `*` ("dismiss*"), a
    group of the topic ("@defendants", "@case_numbers") or a nested query.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    all: list[str | Query] = Field(default_factory=list)
    any: list[str | Query] = Field(default_factory=list)
    none: list[str | Query] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Query:
        if not self.all and not self.any:
            raise ValueError("a query needs 'all' or 'any' terms")
        return self


@dataclass(frozen=True, slots=True)
class TermRef:
    """A term (and its synonyms per language) as term ids."""

    label: str
    ids: frozenset[int]
    by_lang: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def ids_for(self, lang: str | None) -> frozenset[int]:
        if not self.by_lang:
            return self.ids
        if lang is None:
            extra: frozenset[int] = frozenset().union(*self.by_lang.values())
            return self.ids | extra
        return self.ids | self.by_lang.get(lang, frozenset())

    def matched(self, hits: frozenset[int], lang: str | None) -> bool:
        return not self.ids_for(lang).isdisjoint(hits)


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    all: tuple[TermRef | CompiledQuery, ...]
    any: tuple[TermRef | CompiledQuery, ...]
    none: tuple[TermRef | CompiledQuery, ...]

    def matches(self, hits: frozenset[int], neg_hits: frozenset[int], lang: str | None) -> bool:
        if any(_node(n, neg_hits, neg_hits, lang) for n in self.none):
            return False
        if not all(_node(n, hits, neg_hits, lang) for n in self.all):
            return False
        return not self.any or any(_node(n, hits, neg_hits, lang) for n in self.any)

    def why(
        self,
        hits: frozenset[int],
        neg_hits: frozenset[int],
        lang: str | None,
        labels: Sequence[str] = (),
    ) -> tuple[bool, str]:
        """Verdict and a sentence saying, in words, what was found, what was missing and what
        ruled it out (`labels`: the index's terms, to name the words a group matched)."""
        verdict = _verdict(self, hits, neg_hits, lang, labels)
        return verdict.ok, verdict.text()

    def could_match(self, hits: frozenset[int]) -> bool:
        """False when the query is false for any item with these term hits, whatever its
        language and its excluded terms (`why` can still say False when this says True)."""
        # None: the synonyms of every language.
        return self.could_match_refs(lambda ref: ref.matched(hits, None))

    def could_match_refs(self, matched: Callable[[TermRef], bool]) -> bool:
        """`could_match` given which of its terms are found (`matched`)."""

        def one(node: TermRef | CompiledQuery) -> bool:
            return matched(node) if isinstance(node, TermRef) else node.could_match_refs(matched)

        return all(one(n) for n in self.all) and (not self.any or any(one(n) for n in self.any))

    def refs(self) -> Iterable[TermRef]:
        """Every term of the query, `none` terms included."""
        for node in (*self.all, *self.any, *self.none):
            if isinstance(node, TermRef):
                yield node
            else:
                yield from node.refs()

    def term_ids(self) -> frozenset[int]:
        """Ids of the positive terms (for highlighting)."""
        out: set[int] = set()
        for node in (*self.all, *self.any):
            out |= node.ids if isinstance(node, TermRef) else node.term_ids()
        return frozenset(out)

    def none_ids(self) -> frozenset[int]:
        out: set[int] = set()
        for node in self.none:
            out |= node.ids if isinstance(node, TermRef) else node.term_ids()
        return frozenset(out)


def _node(
    node: TermRef | CompiledQuery, hits: frozenset[int], neg: frozenset[int], lang: str | None
) -> bool:
    if isinstance(node, TermRef):
        return node.matched(hits, lang)
    return node.matches(hits, neg, lang)


@dataclass(slots=True)
class _Verdict:
    ok: bool
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    vetoed: list[str] = field(default_factory=list)

    def text(self) -> str:
        found = f"found {_join(self.found)}" if self.found else ""
        if self.ok:
            return found or "matched"
        parts = [found] if found else []
        if self.vetoed:
            parts.append(f"{'but ' if found else ''}{_join(self.vetoed)} rules it out")
        if self.missing:
            but = "but " if found and not self.vetoed else ""
            parts.append(f"{but}missing {_join(self.missing)}")
        return ", ".join(parts)


def _join(phrases: Sequence[str], last: str = "and") -> str:
    unique = list(dict.fromkeys(phrases))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + f" {last} {unique[-1]}"


def _found_words(
    ref: TermRef, hits: frozenset[int], lang: str | None, labels: Sequence[str]
) -> str:
    """`'Musk' (@plaintiffs)`, `'settlement'`: the words of the text that matched the term."""
    words = sorted(
        {labels[i].rstrip("*") for i in ref.ids_for(lang) & hits if i < len(labels)},
        key=lambda w: (-len(w), w),
    )
    if ref.label.startswith("@"):
        shown = ", ".join(repr(w) for w in words[:2]) or "a word"
        return f"{shown} ({ref.label})"
    return repr(words[0]) if words else repr(ref.label.rstrip("*"))


def _wanted(node: TermRef | CompiledQuery) -> str:
    if isinstance(node, TermRef):
        return f"a word of {node.label}" if node.label.startswith("@") else repr(node.label)
    return _label(node)


def _verdict(
    q: CompiledQuery,
    hits: frozenset[int],
    neg: frozenset[int],
    lang: str | None,
    labels: Sequence[str],
) -> _Verdict:
    out = _Verdict(ok=True)
    for node in q.none:
        if _node(node, neg, neg, lang):
            out.vetoed.append(
                _found_words(node, neg, lang, labels)
                if isinstance(node, TermRef)
                else _join(_verdict(node, neg, neg, lang, labels).found)
            )
    for node in q.all:
        _merge(out, _one(node, hits, neg, lang, labels))
    if q.any:
        options = [_one(n, hits, neg, lang, labels) for n in q.any]
        chosen = next((o for o in options if o.ok), None)
        if chosen is None and all(isinstance(n, TermRef) for n in q.any):
            chosen = _Verdict(
                ok=False, missing=["one of " + _join([_wanted(n) for n in q.any], "or")]
            )
        elif chosen is None:
            # The alternative that came closest says most: one only a `none` term ruled out,
            # else the one missing fewest terms (then finding most).
            chosen = min(options, key=lambda o: (bool(o.missing), len(o.missing), -len(o.found)))
        _merge(out, chosen)
    out.ok = out.ok and not out.vetoed and not out.missing
    return out


def _one(
    node: TermRef | CompiledQuery,
    hits: frozenset[int],
    neg: frozenset[int],
    lang: str | None,
    labels: Sequence[str],
) -> _Verdict:
    if isinstance(node, CompiledQuery):
        return _verdict(node, hits, neg, lang, labels)
    if node.matched(hits, lang):
        return _Verdict(ok=True, found=[_found_words(node, hits, lang, labels)])
    return _Verdict(ok=False, missing=[_wanted(node)])


def _merge(into: _Verdict, other: _Verdict) -> None:
    into.ok = into.ok and other.ok
    into.found += other.found
    into.missing += other.missing
    into.vetoed += other.vetoed


def _label(node: TermRef | CompiledQuery) -> str:
    if isinstance(node, TermRef):
        return node.label
    inner = [
        f"{k}: [{', '.join(_label(n) for n in v)}]"
        for k, v in (("all", node.all), ("any", node.any))
        if v
    ]
    return "{" + "; ".join(inner) + "}"


def compile_query(
    query: Query,
    index: TermIndex,
    *,
    groups: Mapping[str, Iterable[str]],
    synonyms: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> CompiledQuery:
    """Turn a Query into term ids; `@name` terms expand to a group, synonyms per language."""

    def term(value: str | Query) -> TermRef | CompiledQuery:
        if isinstance(value, Query):
            return compile_query(value, index, groups=groups, synonyms=synonyms)
        if value.startswith("@"):
            name = value[1:]
            if name not in groups:
                raise ConfigError(
                    f"unknown group {value!r} (known: {', '.join('@' + g for g in groups)})"
                )
            members = list(groups[name])
            if not members:
                raise ConfigError(f"group {value!r} is empty")
            return TermRef(value, frozenset(index.add(m) for m in members))
        by_lang: dict[str, frozenset[int]] = {}
        for lang, words in ((synonyms or {}).get(value) or {}).items():
            by_lang[lang] = frozenset(index.add(w) for w in words)
        return TermRef(value, frozenset({index.add(value)}), by_lang)

    return CompiledQuery(
        all=tuple(term(v) for v in query.all),
        any=tuple(term(v) for v in query.any),
        none=tuple(term(v) for v in query.none),
    )
