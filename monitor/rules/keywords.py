"""Rule kind `keywords`: a boolean query of words and phrases (all / any / none), case- and
accent-insensitive, on word boundaries, with synonyms per language. Input: an item's title and
text; output: a `match:<rule>` Observation naming the terms found."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from monitor.domain import Evidence, Observation
from monitor.rules.base import CompiledRule, Document, RuleOptions, RuleResult, evidence
from monitor.rules.query import CompiledQuery, Query, TermIndex, TermRef, compile_query
from monitor.rules.topic import CompiledTopic

Scope = Literal["relevant", "all"]


class KeywordsRule(RuleOptions):
    """Words and phrases: `all` must appear, at least one of `any`, none of `none` (title and
    text, case and accents ignored, whole words; "dismiss*" is a prefix; "@defendants" a topic
    group; a nested {any: [...]} groups terms). `synonyms` maps a term to other words per
    language (`{settlement: {fr: [accord amiable], de: [Vergleich]}}`): those of the item's
    language count as the term. `scope: relevant` (default) reads only items about the topic."""

    kind: Literal["keywords"] = "keywords"
    all: list[str | Query] = Field(default_factory=list)
    any: list[str | Query] = Field(default_factory=list)
    none: list[str | Query] = Field(default_factory=list)
    synonyms: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    scope: Scope = "relevant"

    @model_validator(mode="after")
    def _has_terms(self) -> KeywordsRule:
        if not self.all and not self.any:
            raise ValueError("a keywords rule needs 'all' or 'any' terms")
        return self

    def compile(self, topic: CompiledTopic, index: TermIndex) -> CompiledRule:
        query = Query(all=self.all, any=self.any, none=self.none)
        return KeywordsMatcher(
            self, topic, compile_query(query, index, groups=topic.groups, synonyms=self.synonyms)
        )


def positive_ids(query: CompiledQuery, lang: str | None) -> set[int]:
    out: set[int] = set()
    for node in (*query.all, *query.any):
        if isinstance(node, TermRef):
            out |= node.ids_for(lang)
        else:
            out |= positive_ids(node, lang)
    return out


class KeywordsMatcher:
    kind = "keywords"

    def __init__(self, options: KeywordsRule, topic: CompiledTopic, query: CompiledQuery) -> None:
        self.options = options
        self.topic = topic
        self.query = query
        self.name = options.name
        self.severity = options.severity

    def evaluate(self, doc: Document, relevant: bool) -> RuleResult:
        slug = self.topic.slug
        if self.options.scope == "relevant" and not relevant:
            return RuleResult(self.name, self.kind, slug, False, "item not about the topic")
        hits = doc.text_hits
        ok, why = self.query.why(hits, hits, doc.lang, doc.index.labels)
        if not ok:
            return RuleResult(self.name, self.kind, slug, False, why)
        wanted = positive_ids(self.query, doc.lang) & hits
        terms = sorted({doc.index.labels[t] for t in wanted})
        best = 0
        spans: list[tuple[int, int]] = []
        for i, segment in enumerate(doc.segments):
            found = doc.hits(i) & wanted
            if found:
                best = i
                for t in found:
                    spans += [
                        segment.folded.span(s, e)
                        for s, e in doc.index.spans(t, segment.folded.text)
                    ]
                break
        obs = Observation(
            rule=self.name,
            topic=slug,
            kind="match",
            subject=f"match:{self.name}",
            value={"terms": terms},
            value_key="|".join(terms),
            display=", ".join(terms),
            severity=self.severity,
            evidence=evidence(doc.segments[best], spans) if doc.segments else Evidence(""),
        )
        return RuleResult(self.name, self.kind, slug, True, why, (obs,))
