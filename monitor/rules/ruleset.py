"""The compiled rule set the pipeline calls: `RuleSet.evaluate(item) -> Evaluation`. Input: Items;
output: the topics an item is about, the observations of the rules that fired, and per rule
whether it matched and why (for `monitor rules test`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.domain import Item, Observation
from monitor.errors import ConfigError
from monitor.rules.base import CompiledRule, Document, RuleOptions, url_words
from monitor.rules.query import TermIndex, TermRef
from monitor.rules.topic import CompiledTopic, Topic, compile_topic

# Kinds that read only items about their topic whatever their options (the others say so with
# `scope: relevant`, their default).
_RELEVANT_ONLY_KINDS = frozenset({"claim-amount", "ruling"})


def _reads_only_relevant(rule: RuleOptions) -> bool:
    kind = getattr(rule, "kind", None)
    return kind in _RELEVANT_ONLY_KINDS or getattr(rule, "scope", None) == "relevant"


@dataclass(frozen=True, slots=True)
class RuleExplanation:
    """One rule on one item: matched or not, and why."""

    topic: str
    rule: str
    kind: str
    matched: bool
    reason: str
    observations: tuple[Observation, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicRelevance:
    topic: str
    relevant: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the rule set saw in one item."""

    relevant_topics: tuple[str, ...]
    observations: tuple[Observation, ...]
    matched_rules: tuple[str, ...]
    relevance: tuple[TopicRelevance, ...] = ()
    explanations: tuple[RuleExplanation, ...] = ()
    language: str | None = None

    def explain(self) -> list[str]:
        """Human lines: per topic whether the item is about it, per rule matched or not and why."""
        lines = [f"language: {self.language or 'unknown'}"]
        for rel in self.relevance:
            mark = "relevant" if rel.relevant else "not relevant"
            lines.append(f"topic {rel.topic}: {mark} ({rel.reason})")
        for ex in self.explanations:
            mark = "MATCH" if ex.matched else "no match"
            lines.append(f"  {ex.rule} [{ex.kind}] {mark}: {ex.reason}")
            for obs in ex.observations:
                flag = " (suspect)" if obs.suspect else ""
                lines.append(f"    → {obs.subject} = {obs.display}{flag}")
                if obs.evidence.sentence:
                    lines.append(f"      “{obs.evidence.marked('[', ']')}”")
        return lines


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One validated rule file: its topic and its rules (the pipeline never sees the YAML)."""

    path: Path
    topic: Topic
    rules: tuple[RuleOptions, ...]


@dataclass(frozen=True, slots=True)
class _TopicRules:
    file: RuleFile
    topic: CompiledTopic
    rules: tuple[CompiledRule, ...]


class RuleSet:
    """Every topic and rule of a rules/ folder, compiled once (terms in one google-re2 Set)."""

    def __init__(
        self, files: Sequence[RuleFile], compiled: Sequence[_TopicRules], index: TermIndex
    ):
        self.files = tuple(files)
        self._topics = tuple(compiled)
        self._index = index
        # Whether an item that names no term of any topic can be skipped: true when every rule
        # reads only items about its topic and no topic is about an item without its terms.
        self._prefilter = bool(compiled) and all(
            not entry.topic.relevance.why(frozenset(), frozenset(), None)[0]
            and all(_reads_only_relevant(r) for r in entry.file.rules)
            for entry in compiled
        )
        self._read_url = any(entry.topic.read_url for entry in compiled)
        self._could = _Could(compiled)
        self.prefilter_only = False

    @classmethod
    def build(cls, files: Sequence[RuleFile], *, prefilter_only: bool = False) -> RuleSet:
        """Compile `files`. `prefilter_only`: the topics only, for `could_match` alone (where
        items are parsed): the rules' own terms and grammars cost ~20 MB and ~0.4 s a process,
        and whether an item can be about a topic depends on the topics' terms alone."""
        index = TermIndex()
        compiled = []
        for f in files:
            try:
                topic = compile_topic(f.topic, index)
                rules = () if prefilter_only else tuple(r.compile(topic, index) for r in f.rules)
            except (ValueError, ConfigError) as exc:
                detail = exc.detail if isinstance(exc, ConfigError) else str(exc)
                raise ConfigError(detail, path=str(f.path)) from None
            compiled.append(_TopicRules(f, topic, rules))
        try:
            index.compile()
        except Exception as exc:  # re2.error: a term the Set refuses (should not happen)
            raise ConfigError(f"cannot compile the terms: {exc}") from None
        ruleset = cls(files, compiled, index)
        ruleset.prefilter_only = prefilter_only
        return ruleset

    @property
    def topics(self) -> tuple[Topic, ...]:
        return tuple(f.topic for f in self.files)

    @property
    def rules(self) -> tuple[tuple[Topic, RuleOptions], ...]:
        return tuple((f.topic, r) for f in self.files for r in f.rules)

    @property
    def term_count(self) -> int:
        return len(self._index.labels)

    def could_match(self, item: Item) -> bool:
        """False when no rule can find anything in `item`: every rule reads only items about
        its topic, and the item names no term that can make it about a topic (nor a docket case).
        The full reading (sentences, folding, money) costs ~0.2 ms an item, this check ~20 µs,
        and most items of an outlet's general feed are about something else."""
        if not self._prefilter:
            return True
        docket = item.extra.get("docket") if item.extra else None
        if isinstance(docket, dict) and docket.get("case_number"):
            return True
        parts = [item.title or "", item.text or ""]
        if self._read_url:
            parts.append(url_words(item.url))
        # Every sentence's terms are terms of the whole text: sentences split at spaces.
        hits = self._index.hits_in("\n".join(parts))
        return self._could.verdict(hits)

    def evaluate(self, item: Item) -> Evaluation:
        if self.prefilter_only:
            raise RuntimeError("this rule set was compiled for could_match only")
        doc = Document(item, self._index)
        relevant: list[str] = []
        relevance: list[TopicRelevance] = []
        observations: list[Observation] = []
        matched: list[str] = []
        explanations: list[RuleExplanation] = []
        for entry in self._topics:
            is_relevant, why = entry.topic.relevant(doc)
            relevance.append(TopicRelevance(entry.topic.slug, is_relevant, why))
            if is_relevant:
                relevant.append(entry.topic.slug)
            for rule in entry.rules:
                result = rule.evaluate(doc, is_relevant)
                explanations.append(
                    RuleExplanation(
                        entry.topic.slug,
                        result.rule,
                        result.kind,
                        result.matched,
                        result.reason,
                        result.observations,
                    )
                )
                if result.matched:
                    matched.append(result.rule)
                    observations.extend(result.observations)
        return Evaluation(
            relevant_topics=tuple(relevant),
            observations=tuple(observations),
            matched_rules=tuple(matched),
            relevance=tuple(relevance),
            explanations=tuple(explanations),
            language=doc.lang,
        )


class _Could:
    """`could_match` on term hits, flat: the topics' terms as bits, a verdict per set of bits.

    An item names a handful of the terms (news words: "court", "claim"...) and the verdict
    depends only on which of the topics' terms (groups, each a set of term ids) it names: the
    recursion over the queries, ~12 µs an item, runs once per combination seen."""

    _CACHE_MAX = 1 << 14

    def __init__(self, compiled: Sequence[_TopicRules]) -> None:
        bits: dict[frozenset[int], int] = {}  # the ids of a term (all its languages) → its bit

        def bit(ids: frozenset[int]) -> int:
            return bits.setdefault(ids, 1 << len(bits))

        self._strong = tuple(bit(e.topic.strong_ids) if e.topic.strong_ids else 0 for e in compiled)
        self._queries = tuple(e.topic.relevance for e in compiled)
        for query in self._queries:
            for ref in query.refs():
                bit(ref.ids_for(None))
        self._bits: dict[int, int] = {}  # term id → the bits of the terms it is one of
        for ids, b in bits.items():
            for i in ids:
                self._bits[i] = self._bits.get(i, 0) | b
        self._bit_of = bits
        self._verdicts: dict[int, bool] = {}

    def verdict(self, hits: frozenset[int]) -> bool:
        found = 0
        get = self._bits.get
        for i in hits:
            found |= get(i, 0)
        verdict = self._verdicts.get(found)
        if verdict is None:
            if len(self._verdicts) >= self._CACHE_MAX:
                self._verdicts.clear()
            verdict = self._verdicts[found] = self._decide(found)
        return verdict

    def _decide(self, found: int) -> bool:
        def matched(ref: TermRef) -> bool:
            return bool(found & self._bit_of[ref.ids_for(None)])

        return any(
            bool(found & strong) or query.could_match_refs(matched)
            for strong, query in zip(self._strong, self._queries, strict=True)
        )
