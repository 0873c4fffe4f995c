"""What every rule kind shares: the options model base, the per-item Document (title and sentences,
folded, with term hits and money mentions computed once) and the result of one rule on one item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from monitor.domain import Evidence, Item, Observation, Severity
from monitor.parse.textnorm import Folded, fold, fold_str, guess_language, sentences
from monitor.rules.money import MoneyMention, find_money

if TYPE_CHECKING:
    from monitor.rules.query import TermIndex
    from monitor.rules.topic import CompiledTopic


class RuleOptions(BaseModel):
    """Fields every rule has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)
    severity: Severity = "digest"
    description: str = ""

    def compile(self, topic: CompiledTopic, index: TermIndex) -> CompiledRule:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Segment:
    """The title or one sentence of the text, with its folded form."""

    where: Literal["title", "text"]
    text: str
    folded: Folded
    offset: int = 0


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule on one item: matched or not, why, and what it observed."""

    rule: str
    kind: str
    topic: str
    matched: bool
    reason: str
    observations: tuple[Observation, ...] = ()


class CompiledRule(Protocol):
    name: str
    kind: str
    severity: Severity

    def evaluate(self, doc: Document, relevant: bool) -> RuleResult: ...


_URL_WORDS = re.compile(r"[^0-9a-z\u3040-\u9fff]+")


class Document:
    """An Item prepared for the rules: language, segments, term hits, money mentions."""

    def __init__(self, item: Item, index: TermIndex) -> None:
        self.item = item
        self.index = index
        title = (item.title or "").strip()
        text = item.text or ""
        self.lang = item.language or guess_language(f"{title} {text[:600]}")
        self.segments: list[Segment] = []
        if title:
            self.segments.append(Segment("title", title, fold(title)))
        for start, end in sentences(text):
            piece = text[start:end]
            if title and piece.strip() == title:
                continue
            self.segments.append(Segment("text", piece, fold(piece), start))
        self._hits: list[frozenset[int] | None] = [None] * len(self.segments)
        self._money: list[list[MoneyMention] | None] = [None] * len(self.segments)
        self._url_words: str | None = None
        self._url_hits: frozenset[int] | None = None
        self._foreign: bool | None = None

    def hits(self, i: int) -> frozenset[int]:
        cached = self._hits[i]
        if cached is None:
            cached = self._hits[i] = self.index.hits(self.segments[i].folded.text)
        return cached

    @property
    def text_hits(self) -> frozenset[int]:
        out: set[int] = set()
        for i in range(len(self.segments)):
            out |= self.hits(i)
        return frozenset(out)

    @property
    def url_words(self) -> str:
        """The words of the link (computed on first use: only topics that read the URL need it)."""
        if self._url_words is None:
            self._url_words = url_words(self.item.url)
        return self._url_words

    @property
    def url_hits(self) -> frozenset[int]:
        if self._url_hits is None:
            self._url_hits = self.index.hits(self.url_words) if self.url_words else frozenset()
        return self._url_hits

    def money(self, i: int) -> list[MoneyMention]:
        cached = self._money[i]
        if cached is None:
            cached = self._money[i] = find_money(self.segments[i].folded, self.lang)
        return cached

    @property
    def has_foreign_currency(self) -> bool:
        """Whether any figure of the item is stated in a currency other than USD."""
        if self._foreign is None:
            self._foreign = any(
                m.currency not in (None, "USD") and not m.parenthetical
                for i in range(len(self.segments))
                for m in self.money(i)
            )
        return self._foreign

    @property
    def title(self) -> str:
        return self.item.title or ""


def url_words(url: str | None) -> str:
    """The words of a link's path ("/musk-sues-openai-for-134bn" → "musk sues openai for 134bn")."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    path = unquote(parts.path + " " + parts.query)
    return " ".join(_URL_WORDS.split(fold_str(path))).strip()


def evidence(
    segment: Segment, spans: list[tuple[int, int]] | tuple[tuple[int, int], ...]
) -> Evidence:
    return Evidence(sentence=segment.text, highlights=tuple(sorted(set(spans))))


@dataclass
class Reasons:
    """Collects why a rule did or did not fire, sentence by sentence."""

    lines: list[str] = field(default_factory=list)

    def add(self, segment: Segment, message: str) -> None:
        snippet = segment.text if len(segment.text) <= 90 else segment.text[:87] + "..."
        self.lines.append(f"{message} — “{snippet}”")

    def text(self, default: str) -> str:
        return "; ".join(self.lines[:6]) if self.lines else default
