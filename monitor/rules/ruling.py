"""Rule kind `ruling`: a court, judge or jury decided something in the dispute. Input: an item
relevant to the topic (news, or a docket entry from the court record); output: one
`ruling:<topic>:<kind>` Observation ({kind, outcome}) or nothing, with reasons per sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import Field

from monitor.domain import Evidence, Observation
from monitor.parse.textnorm import fold_str
from monitor.rules import decision
from monitor.rules.base import CompiledRule, Document, Reasons, RuleOptions, RuleResult
from monitor.rules.court_record import classify_docket_entry
from monitor.rules.lexicon import rulings as rl
from monitor.rules.query import TermIndex
from monitor.rules.topic import CompiledTopic

# Two CJK characters weigh about one word (a gap is measured in tokens).
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3040-\u9fff]{1,2}")
_CJK = re.compile(r"[\u3040-\u9fff]")
_RANK = {k: i for i, k in enumerate(rl.KIND_PRIORITY)}
MAX_GAP_TOKENS = 35


_CJK_CLAUSE = re.compile(r"[,;，；、。]")


def _pieces(words: Iterable[str]) -> re.Pattern[str]:
    """What any match of a pattern built from `words` (lexicon.alternation and the actor
    patterns: spaces and hyphens become [\\s-], `_` and `~` gaps, `*` any letters) contains: the
    longest literal piece of one of the words. Python's re tries each of the ~40 words of an
    actor pattern behind its own lookbehind at every offset of a sentence (~50 µs a sentence
    for the courts); this pattern of plain words skips to where a piece starts, and a sentence
    without any is not read by the actor pattern at all (its matches would be none)."""
    found = set()
    for word in words:
        parts = [p for p in re.split(r"[\s\-_~*]+", word) if p]
        found.add(max(parts, key=len))
    return re.compile("|".join(re.escape(p) for p in sorted(found, key=len, reverse=True)))


_JURY_PIECES = _pieces(rl.JURY_ACTORS)
_APPEAL_PIECES = _pieces(rl.APPEAL_ACTORS)
_COURT_PIECES = _pieces(rl.COURT_ACTORS)


def _same_clause(text: str, a: int, b: int) -> bool:
    """Whether two offsets are in one clause: for CJK, no comma or stop between them; a Latin
    sentence is one clause (its commas join a withdrawal and its effect)."""
    lo, hi = min(a, b), max(a, b)
    return not (_CJK.search(text[lo:hi]) and _CJK_CLAUSE.search(text[lo:hi]))


def _precedence(found: Decision, order: int) -> tuple[int, int, int]:
    """Which of an item's decisions sums it up: a verdict or an appeal (the news of its day),
    then the first decision read whose kind the words tell (title first), by kind on a tie."""
    head = 0 if found.kind in ("verdict", "appeal") else 2 if found.kind == "other_weak" else 1
    return (head, found.segment, _RANK.get(found.kind, 99) * 1000 + order)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


class RulingRule(RuleOptions):
    """A decision of the court, judge or jury in the dispute (injunction, dismissal, summary
    judgment, trial schedule, verdict, appeal, discovery, other): "judge denies Musk's request
    for an injunction", "le juge a rejeté", "Richterin wies den Antrag zurück". Filings,
    requests, hearing remarks, predictions, a party's own withdrawal, "will appeal" and rulings
    in other cases do not count. Court docket entries are classified from the record itself
    (corroboration 1). Emits `ruling:<topic>:<kind>` with {kind, outcome}."""

    kind: Literal["ruling"] = "ruling"
    kinds: list[str] = Field(default_factory=lambda: list(rl.KIND_PRIORITY[:-1]))
    corroboration: int = Field(default=2, ge=1)

    def compile(self, topic: CompiledTopic, index: TermIndex) -> CompiledRule:
        return RulingMatcher(self, topic)


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str
    outcome: str
    segment: int
    spans: tuple[tuple[int, int], ...]
    reason: str
    verb_at: int = 0  # where the decision's verb starts in the folded sentence


def _tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def _tail(text: str, n: int) -> str:
    starts = [m.start() for m in _TOKEN.finditer(text)]
    return text if len(starts) <= n else text[starts[-n] :]


def _outcome(original: str, start: int) -> str:
    rest = original[start:]
    cut = re.search(
        r"[.;!?。；]\s|[.;!?。；]$|\n|,\s+(?:while|whereas|but|as|after|and|which|who|mientras|"
        r"alors|tandis|wahrend|mentre|enquanto|pero|mais|aber|ma)\s",
        rest,
    )
    if cut:
        rest = rest[: cut.start()]
    if len(rest) > 110:
        rest = rest[:110].rsplit(" ", 1)[0] + "…"
    return rest.strip().rstrip(",")


def _own_clause(gap: str) -> str:
    """The part of an actor-to-verb gap that belongs to the verb's own clause: when the verb
    opens a coordinated predicate or participle right after a comma or "and" ("the judge said
    Musk had not shown harm and turned down ...", "..., rejecting ..."), the words before the
    boundary are another clause, and their hedges and negations do not scope over the verb."""
    m = rl.CLAUSE_BOUNDARY_RE.search(gap)
    if m is None or rl.DECISION_RE.search(gap[: m.start()]):
        # "will be granted in part and denied in part": coordinated decisions share the modal.
        return gap
    return ""


class RulingMatcher:
    kind = "ruling"

    def __init__(self, options: RulingRule, topic: CompiledTopic) -> None:
        self.options = options
        self.topic = topic
        self.name = options.name
        self.severity = options.severity
        self.kinds = (
            frozenset(options.kinds) | {"other_weak"}
            if "other" in options.kinds
            else frozenset(options.kinds)
        )

    def _actors(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        if _JURY_PIECES.search(text):
            found += [
                (m.start(), m.end(), "jury")
                for m in rl.JURY_RE.finditer(text)
                if not rl.JURY_AS_OBJECT.search(text[max(0, m.start() - 16) : m.start()])
                and not rl.JURY_NOT_YET.match(text[m.end() : m.end() + 16])
            ]
        if _APPEAL_PIECES.search(text):
            found += [(m.start(), m.end(), "appeal") for m in rl.APPEAL_RE.finditer(text)]
        found += [(m.start(), m.end(), "court") for m in rl.ORDER_CITED_RE.finditer(text)]
        # A motion decided in the passive ("the injunction was denied") needs no court named.
        found += [(m.start(), m.start(), "court") for m in rl.DECIDED_SUBJECT_RE.finditer(text)]
        if _COURT_PIECES.search(text):
            found += [(m.start(), m.end(), "court") for m in rl.COURT_RE.finditer(text)]
        if self.topic.judge_re is not None:
            found += [(m.start(), m.end(), "court") for m in self.topic.judge_re.finditer(text)]
        # An appeals court also matches "court": keep the most specific reading of each span.
        found.sort(key=lambda a: (a[0], -(a[1] - a[0])))
        out: list[tuple[int, int, str]] = []
        for a in found:
            if out and a[0] < out[-1][1]:
                if a[2] == "appeal" and out[-1][2] == "court":
                    out[-1] = a
                continue
            out.append(a)
        return out

    def decisions(self, doc: Document, i: int, reasons: Reasons) -> list[Decision]:
        segment = doc.segments[i]
        text = segment.folded.text
        # Cheapest test first: most sentences name no court, judge or jury.
        actors = self._actors(text)
        if not actors:
            return []
        if self.topic.sentence_excluded(doc, i) or rl.OTHER_CASE_RE.search(text):
            reasons.add(segment, "skipped: about another case")
            return []
        verbs = list(rl.DECISION_RE.finditer(text))
        if not verbs:
            return []
        withdrawn = [m.start() for m in rl.VOLUNTARY_RE.finditer(text)]
        out: list[Decision] = []
        for v in verbs:
            # A party's withdrawal in the verb's own clause: no court decision. Chinese and
            # Japanese chronicles list a withdrawal and a ruling in one sentence, clause apart.
            if any(_same_clause(text, w, v.start()) for w in withdrawn):
                reasons.add(segment, "a party withdrew: no court decision")
                continue
            decision = self._decision(doc, i, text, v, actors, reasons)
            if decision is not None:
                out.append(decision)
        return out

    def headline_decision(self, doc: Document, i: int) -> Decision | None:
        """A title that carries the decision in a headline's shorthand ("lawsuit dismissed on
        statute-of-limitations grounds", "Musk loses bid to ..."), when no verb read one."""
        segment = doc.segments[i]
        text = segment.folded.text
        m = rl.HEADLINE_DECISION_RE.search(text)
        if m is None or rl.VOLUNTARY_RE.search(text) or rl.HEDGE_RE.search(text[: m.start()]):
            return None
        if self.topic.sentence_excluded(doc, i) or rl.OTHER_CASE_RE.search(text):
            return None
        kind = self._kind(text, "", "court")
        if kind == "other_weak":
            kind = self._item_kind(doc) or kind
        span = segment.folded.span(m.start(), m.end())
        reason = f"{kind}: headline {m.group()!r}"
        return Decision(kind, segment.text.strip(), i, (span,), reason, m.start())

    def _decision(
        self,
        doc: Document,
        i: int,
        text: str,
        v: re.Match[str],
        actors: list[tuple[int, int, str]],
        reasons: Reasons,
    ) -> Decision | None:
        segment = doc.segments[i]
        verb = v.group()
        cjk = bool(_CJK.search(verb))
        before = [a for a in actors if a[1] <= v.start()]
        actor = before[-1] if before else None
        gap = text[actor[1] : v.start()] if actor else ""
        if actor and _tokens(gap) > MAX_GAP_TOKENS:
            actor, gap = None, ""
        if actor is not None and actor[2] != "appeal" and rl.APPEAL_ONLY_VERBS.fullmatch(verb):
            reasons.add(segment, f"{verb!r} decides only from an appeals court")
            return None
        if actor is None:
            if not rl.PASSIVE_RE.fullmatch(verb):
                reasons.add(segment, f"{verb!r}: no court, judge or jury before it")
                return None
            actor = actors[0]
        gap = _own_clause(gap)
        if rl.HEDGE_RE.search(gap) or rl.IMMEDIATE_HEDGE_RE.search(_tail(text[: v.start()], 2)):
            reasons.add(segment, f"{verb!r} is hedged, negated or future")
            return None
        condition = rl.CONDITION_RE.search(_tail(text[: actor[0]], 3))
        if condition and not (
            condition.group() in rl.TEMPORAL_CONDITIONS and rl.PAST_TENSE_RE.match(verb)
        ):
            reasons.add(segment, f"{verb!r} is a condition or hypothesis")
            return None
        if actor[0] <= v.start() and rl.REQUEST_BEFORE_ACTOR.search(_tail(text[: actor[0]], 4)):
            reasons.add(segment, f"{verb!r}: someone asks the court, no decision yet")
            return None
        if rl.REFLEXIVE_AFTER.match(text[v.end() :]):
            reasons.add(segment, f"{verb!r} is reflexive: no decision")
            return None
        if cjk and rl.JA_NEG_AFTER_RE.match(text[v.end() :]):
            reasons.add(segment, f"{verb!r} is negated or planned")
            return None
        kind = self._kind(text, verb, actor[2])
        if kind == "other_weak":
            kind = self._item_kind(doc) or kind
        f = segment.folded
        spans = (f.span(actor[0], actor[1]), f.span(v.start(), v.end()))
        outcome = _outcome(segment.text, f.span(v.start(), v.end())[0])
        reason = f"{kind}: {text[actor[0] : actor[1]]!r} {verb!r}"
        return Decision(kind, outcome, i, spans, reason, v.start())

    def _kind(self, text: str, verb: str, actor: str) -> str:
        if actor == "jury" or rl.VERDICT_VERB_RE.fullmatch(verb):
            return "verdict"
        if actor == "appeal":
            return "appeal"
        if rl.SCHEDULE_RE.fullmatch(verb):
            return "trial_schedule"
        # "set a jury trial for March" is about the date: its words cue no other kind.
        text = rl.SCHEDULE_RE.sub(" ", text)
        for kind in rl.KIND_PRIORITY:
            if kind in rl.KIND_RES and rl.KIND_RES[kind].search(text):
                if kind == "dismissal" and any(p.search(text) for p in self.topic.plaintiff_motion):
                    return "other"  # the plaintiff's motion: against the counterclaims
                return kind
        return "other_weak"

    def _item_kind(self, doc: Document) -> str | None:
        """For a decision whose sentence names no kind: the kind the rest of the item names."""
        for kind in (
            "other",
            "injunction",
            "dismissal",
            "summary_judgment",
            "discovery",
            "verdict",
        ):
            if any(
                rl.KIND_RES[kind].search(rl.SCHEDULE_RE.sub(" ", s.folded.text))
                for s in doc.segments
            ):
                return kind
        return None

    def evaluate(self, doc: Document, relevant: bool) -> RuleResult:
        slug = self.topic.slug
        if not relevant:
            return RuleResult(self.name, self.kind, slug, False, "item not about the topic")
        docket = doc.item.extra.get("docket") if doc.item.extra else None
        if docket:
            return self._docket(doc)
        reasons = Reasons()
        found: list[Decision] = []
        for i in range(len(doc.segments)):
            found.extend(d for d in self.decisions(doc, i, reasons) if d.kind in self.kinds)
        if not found and doc.segments and doc.segments[0].where == "title":
            headline = self.headline_decision(doc, 0)
            if headline is not None and headline.kind in self.kinds:
                found.append(headline)
        if not found:
            return RuleResult(
                self.name, self.kind, slug, False, reasons.text("no decision reported")
            )
        best = min(enumerate(found), key=lambda p: _precedence(p[1], p[0]))[1]
        kind = "other" if best.kind == "other_weak" else best.kind
        segment = doc.segments[best.segment]
        folded = segment.folded.text
        asked = decision.question(kind, folded)
        if asked == "other":  # the sentence names no question: the rest of the item may
            asked = decision.question(kind, " ".join(s.folded.text for s in doc.segments))
        read = {
            "question": asked,
            "result": decision.result(folded, best.verb_at, kind),
            "decided_on": _iso(decision.decided_on(folded, doc.item.published)),
            "trial_on": _iso(decision.trial_on(folded, doc.item.published))
            if kind == "trial_schedule"
            else None,
        }
        obs = self._observation(kind, best.outcome, Evidence(segment.text, best.spans), False, read)
        return RuleResult(self.name, self.kind, slug, True, best.reason, (obs,))

    def _docket(self, doc: Document) -> RuleResult:
        found = classify_docket_entry(doc.item)
        if found is None:
            return RuleResult(
                self.name, self.kind, self.topic.slug, False, "docket entry is no ruling"
            )
        kind, outcome = found
        text = doc.item.title or doc.item.text[:300]
        folded = fold_str(f"{text} {outcome}")
        read = {
            "question": decision.question(kind, folded),
            "result": decision.result(folded, folded.find(outcome.split()[-1]), kind)
            if " granted" in outcome or " denied" in outcome
            else None,
            "decided_on": _iso(doc.item.published.date()),
        }
        obs = self._observation(kind, outcome, Evidence(text, ()), True, read)
        return RuleResult(
            self.name, self.kind, self.topic.slug, True, f"docket entry: {kind}", (obs,)
        )

    def _observation(
        self,
        kind: str,
        outcome: str,
        ev: Evidence,
        from_court: bool,
        read: dict[str, str | None],
    ) -> Observation:
        value: dict[str, object] = {"kind": kind, "outcome": outcome}
        value.update({k: v for k, v in read.items() if v is not None})
        value["case"] = self.topic.name
        if self.topic.court:
            value["court"] = self.topic.court
        if from_court:
            value["from_court"] = True
        return Observation(
            rule=self.name,
            topic=self.topic.slug,
            kind="ruling",
            subject=f"ruling:{self.topic.slug}:{kind}",
            value=value,
            value_key=kind,
            display=f"{kind.replace('_', ' ')}: {outcome}",
            severity=self.severity,
            evidence=ev,
            corroboration=1 if from_court else self.options.corroboration,
        )
