"""Rule kind `amount-threshold`: any money figure in a sentence that names one of the given words,
at or above a threshold ("settlement" ≥ $1bn). Input: an item's sentences and money mentions;
output: an `amount:<rule>` Observation with the largest such figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from monitor.domain import Observation
from monitor.rules.base import (
    CompiledRule,
    Document,
    RuleOptions,
    RuleResult,
    Segment,
    evidence,
)
from monitor.rules.money import decimal_str, format_amount, format_range
from monitor.rules.query import TermIndex, TermRef
from monitor.rules.topic import CompiledTopic


class AmountThresholdRule(RuleOptions):
    """A money figure of at least `min_amount` (in `currency`) in a sentence holding one of the
    `near` words ("settlement", "@defendants"...). Ranges count by their high end. `scope:
    relevant` (default) reads only items about the topic."""

    kind: Literal["amount-threshold"] = "amount-threshold"
    near: list[str] = Field(min_length=1)
    min_amount: Decimal = Field(gt=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    scope: Literal["relevant", "all"] = "relevant"

    def compile(self, topic: CompiledTopic, index: TermIndex) -> CompiledRule:
        ids: set[int] = set()
        for word in self.near:
            if word.startswith("@"):
                members = topic.groups.get(word[1:])
                if not members:
                    raise ValueError(f"unknown group {word!r}")
                ids |= {index.add(m) for m in members}
            else:
                ids.add(index.add(word))
        return AmountThresholdMatcher(self, topic, TermRef(",".join(self.near), frozenset(ids)))


class AmountThresholdMatcher:
    kind = "amount-threshold"

    def __init__(self, options: AmountThresholdRule, topic: CompiledTopic, near: TermRef) -> None:
        self.options = options
        self.topic = topic
        self.near = near
        self.name = options.name
        self.severity = options.severity

    def evaluate(self, doc: Document, relevant: bool) -> RuleResult:
        slug = self.topic.slug
        opts = self.options
        if opts.scope == "relevant" and not relevant:
            return RuleResult(self.name, self.kind, slug, False, "item not about the topic")
        best = None
        for i, segment in enumerate(doc.segments):
            mentions = [
                m for m in doc.money(i) if m.currency == opts.currency and not m.parenthetical
            ]
            if not mentions or not self.near.matched(doc.hits(i), doc.lang):
                continue
            for m in mentions:
                if m.point >= opts.min_amount and (best is None or m.point > best[1].point):
                    best = (segment, m)
        if best is None:
            words = self.options.near
            near = ", ".join(repr(w) for w in words[:3]) + (" …" if len(words) > 3 else "")
            why = (
                f"no amount of {format_amount(opts.min_amount, opts.currency)} or more in a "
                f"sentence with one of {near}"
            )
            return RuleResult(self.name, self.kind, slug, False, why)
        segment, m = best
        low = decimal_str(m.low) if m.low is not None else None
        high = decimal_str(m.high) if m.high is not None else None
        obs = Observation(
            rule=self.name,
            topic=slug,
            kind="amount",
            subject=f"amount:{self.name}",
            value={"low": low, "high": high, "currency": opts.currency},
            value_key=f"{low or ''}-{high or ''}",
            display=format_range(m.low, m.high, opts.currency),
            severity=self.severity,
            evidence=evidence(segment, [(m.start, m.end)]),
        )
        why = (
            f"found {m.text!r}, at least {format_amount(opts.min_amount, opts.currency)}, in a "
            f"sentence with {_near_word(self.near, doc, segment)}"
        )
        return RuleResult(self.name, self.kind, slug, True, why, (obs,))


def _near_word(near: TermRef, doc: Document, segment: Segment) -> str:
    """The `near` word the sentence holds, as written in the rule."""
    i = doc.segments.index(segment)
    words = sorted(doc.index.labels[t] for t in near.ids & doc.hits(i))
    return repr(words[0]) if words else "a `near` word"
