"""Rule kind `regex`: patterns on google-re2 (linear time, so no pattern can hang the service).
Input: an item's title and sentences as written; output: a `match:<rule>` Observation with the
matched text highlighted."""

from __future__ import annotations

from typing import Any, Literal

import re2
from pydantic import Field, field_validator

from monitor.domain import Observation
from monitor.rules.base import CompiledRule, Document, RuleOptions, RuleResult, evidence
from monitor.rules.query import TermIndex, re2_options
from monitor.rules.topic import CompiledTopic

MAX_PATTERN_CHARS = 2000
# The patterns of one rule are matched as one RE2 Set, which refuses to compile past its memory
# (`SET_MAX_MEM`): 300 patterns of `\p{L}{1,100}` are 36 million instructions. Their compiled
# size is bounded here, well within what the Set takes.
MAX_RULE_PROGRAM = 4_000_000


def compile_pattern(pattern: str, *, case_sensitive: bool = False) -> Any:
    """Compile with RE2; unsupported syntax (backreferences, lookaround) raises ValueError."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise ValueError(f"pattern longer than {MAX_PATTERN_CHARS} characters")
    source = pattern if case_sensitive else f"(?i){pattern}"
    try:
        return re2.compile(source, re2_options(max_mem=32 << 20))
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        hint = ""
        if "invalid perl operator" in detail or "invalid escape" in detail:
            hint = " (RE2 has no backreferences or lookaround: they can take exponential time)"
        raise ValueError(f"RE2 cannot run {pattern!r}: {detail}{hint}") from None


class RegexRule(RuleOptions):
    """Regular expressions in RE2 syntax (https://github.com/google/re2/wiki/Syntax), matched on
    the title and each sentence as written; case-insensitive unless `case_sensitive`. The rule
    fires when any of `patterns` matches and none of `none`. Backreferences and lookaround are
    refused; `\\p{L}` is a letter in any script (`\\w` is ASCII only)."""

    kind: Literal["regex"] = "regex"
    patterns: list[str] = Field(min_length=1)
    none: list[str] = Field(default_factory=list)
    case_sensitive: bool = False
    scope: Literal["relevant", "all"] = "relevant"

    @field_validator("patterns", "none")
    @classmethod
    def _re2(cls, value: list[str]) -> list[str]:
        size = 0
        for pattern in value:
            compiled = compile_pattern(pattern)
            if compiled.search("") is not None:
                raise ValueError(f"{pattern!r} matches an empty text, so it would match every item")
            size += compiled.programsize
            if size > MAX_RULE_PROGRAM:
                raise ValueError(
                    f"the patterns are too large together for RE2 (at {pattern[:60]!r}: over"
                    f" {MAX_RULE_PROGRAM:,} instructions): shorten their repetitions and"
                    " character classes, or split them across rules"
                )
        return value

    def compile(self, topic: CompiledTopic, index: TermIndex) -> CompiledRule:
        return RegexMatcher(self, topic)


class RegexMatcher:
    kind = "regex"

    def __init__(self, options: RegexRule, topic: CompiledTopic) -> None:
        self.options = options
        self.topic = topic
        self.name = options.name
        self.severity = options.severity
        cs = options.case_sensitive
        self.patterns = [compile_pattern(p, case_sensitive=cs) for p in options.patterns]
        self.none = [compile_pattern(p, case_sensitive=cs) for p in options.none]
        self.set: Any = None
        if len(self.patterns) > 1:
            s = re2.Set.SearchSet(re2_options())
            for p in options.patterns:
                s.Add(p if cs else f"(?i){p}")
            try:
                s.Compile()
            except re2.error:
                raise ValueError(
                    f"rule {options.name}: its patterns are too large together for RE2:"
                    " shorten them or split them across rules"
                ) from None
            self.set = s

    def evaluate(self, doc: Document, relevant: bool) -> RuleResult:
        slug = self.topic.slug
        if self.options.scope == "relevant" and not relevant:
            return RuleResult(self.name, self.kind, slug, False, "item not about the topic")
        for segment in doc.segments:
            for pattern in self.none:
                m = pattern.search(segment.text)
                if m:
                    why = f"found {m.group()!r}, which a `none` pattern rules out"
                    return RuleResult(self.name, self.kind, slug, False, why)
        for segment in doc.segments:
            if self.set is not None:
                ids = self.set.Match(segment.text)
                if not ids:
                    continue
                candidates = [self.patterns[k] for k in sorted(ids)]
            else:
                candidates = self.patterns
            spans = [m.span() for p in candidates for m in p.finditer(segment.text)]
            if not spans:
                continue
            matched = sorted({segment.text[s:e] for s, e in spans})
            obs = Observation(
                rule=self.name,
                topic=slug,
                kind="match",
                subject=f"match:{self.name}",
                value={"matches": matched},
                value_key="|".join(m.lower() for m in matched),
                display=", ".join(matched),
                severity=self.severity,
                evidence=evidence(segment, spans),
            )
            why = f"found {matched[0]!r}"
            return RuleResult(self.name, self.kind, slug, True, why, (obs,))
        return RuleResult(self.name, self.kind, slug, False, "no pattern found in the text")
