"""Rule kind `claim-amount`: the total amount the plaintiff claims in the dispute. Input: an item
relevant to the topic; output: one `claim:<topic>` Observation ({low, high, currency} as
decimal strings) or nothing, with the reason for every figure it looked at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field

from monitor.domain import Observation
from monitor.rules.base import CompiledRule, Document, Reasons, RuleOptions, RuleResult, evidence
from monitor.rules.lexicon import claims as cl
from monitor.rules.money import MoneyMention, decimal_str, format_range
from monitor.rules.query import TermIndex
from monitor.rules.topic import CompiledTopic

# Words of the alphabetic scripts (Latin with the Vietnamese đ, Cyrillic), one token per CJK
# character, one per Korean word (its syllables are written together).
_TOKEN = re.compile(r"[a-z0-9\u0111\u0430-\u044f]+(?:'[a-z]+)?|[\u3040-\u9fff]|[\uac00-\ud7af]+")
_CLAUSE_END = re.compile(r";|\(|（|，|,|\. ")
# The rest of a CJK clause after a figure (up to 、。, or ;), and parentheses to skip.
_VERB_FINAL_CLAUSE = re.compile(r"[^、。，,;；]{0,30}")
_PAREN = re.compile(r"[（(][^）)]{0,40}[）)]")
# The figure restated in won after it ("1천340억 달러, 우리 돈 198조 원을 요구했다"): an aside.
_WON_ASIDE = re.compile(
    r"^\s*,\s*(?:우리\s?돈|한화|원화)(?:로)?\s*(?:약\s*)?[\d.,]+\s*[조억만천]*\s*원"
)
# The defendant named just before "is worth" closes "against OpenAI (and Microsoft)": it is the
# claim's object, not the subject whose worth the figure is.
_AND_LAST = re.compile(
    r"(?<![a-z])(?:and|und|et|y|e|against|contro|contre|gegen|contra|vs\.?|v\.)\s+\S+\s+"
    r"(?:(?:is|are|was|could be|would be)\s+)?\S+\s*$"
)
# Unambiguous "from" words (the Romance "de"/"da" are everywhere and prove nothing alone).
_FROM_WORD = re.compile(r"(?<![a-z])(?:from|von)\s")
# The end of judge()'s reason when a figure has neither a claiming nor a distracting cue: only
# such a figure may take its cue from a neighbouring sentence.
_NO_CUE = "no claiming word near it"
_CJK_CHAR = re.compile(r"[\u3040-\u9fff]")
_WON_SCALE = re.compile(r"[조억만]")
_BOUND_RANK = {"range": 0, "upper": 1, "exact": 2, "lower": 3}
SUSPECT_FLAGS = frozenset({"long-scale", "english-scale", "ambiguous-separator"})


class ClaimAmountRule(RuleOptions):
    """The amount the plaintiff claims in total ("seeks up to $134bn", "réclame entre 79 et 134
    milliards de dollars", "134-Milliarden-Dollar-Klage"). Valuations, investments, bids,
    fortunes, funding rounds and one defendant's share are told apart and ignored. Emits
    `claim:<topic>` with {low, high, currency}; `corroboration` outlets must agree before the
    value becomes a fact; values above `suspect_above` (or read through a false friend such as
    "1,34 Billionen") are marked suspect."""

    kind: Literal["claim-amount"] = "claim-amount"
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    min_amount: Decimal = Field(default=Decimal(1_000_000), ge=0)
    suspect_above: Decimal | None = None
    assume_currency: bool = True
    corroboration: int = Field(default=2, ge=1)

    def compile(self, topic: CompiledTopic, index: TermIndex) -> CompiledRule:
        return ClaimAmountMatcher(self, topic)


@dataclass(frozen=True, slots=True)
class Claim:
    low: Decimal | None
    high: Decimal | None
    currency: str
    mention: MoneyMention
    segment: int
    strong: bool
    suspect: bool
    assumed: bool


def _tokens_between(text: str) -> int:
    return len(_TOKEN.findall(text))


def _last_tokens(text: str, n: int) -> str:
    """The tail of `text` holding its last `n` tokens."""
    starts = [m.start() for m in _TOKEN.finditer(text)]
    if len(starts) <= n:
        return text
    return text[starts[-n] :]


def _first_tokens(text: str, n: int) -> str:
    ends = [m.end() for m in _TOKEN.finditer(text)]
    if len(ends) <= n:
        return text
    return text[: ends[n - 1]]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _drop_overlapped(
    spans: list[tuple[int, int]], by: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Distractor spans that a longer claim cue covers ("to pay him" covers "pay")."""
    out = []
    for s, e in spans:
        if any(bs <= s and e <= be and (be - bs) > (e - s) for bs, be in by):
            continue
        out.append((s, e))
    return out


class ClaimAmountMatcher:
    kind = "claim-amount"

    def __init__(self, options: ClaimAmountRule, topic: CompiledTopic) -> None:
        self.options = options
        self.topic = topic
        self.name = options.name
        self.severity = options.severity

    def judge(
        self, doc: Document, i: int, mentions: list[MoneyMention], j: int
    ) -> tuple[bool, bool, str]:
        """(is a claim, strong cue, reason) for mention j of segment i."""
        m = mentions[j]
        text = doc.segments[i].folded.text
        start, end = m.folded_span
        left_bound = mentions[j - 1].folded_span[1] if j > 0 else 0
        right_bound = mentions[j + 1].folded_span[0] if j + 1 < len(mentions) else len(text)
        left = _last_tokens(text[left_bound:start], 16)
        for sep in (";", "•"):
            if sep in left:
                left = left.rsplit(sep, 1)[1]
        right = text[end:right_bound]
        cut = _CLAUSE_END.search(right)
        if cut:
            right = right[: cut.start()]
        right = _first_tokens(right, 8)

        claim_left = _spans(cl.CLAIM_BEFORE_RE, left)
        claim_right = [
            s for s in _spans(cl.CLAIM_AFTER_RE, right) if _tokens_between(right[: s[0]]) <= 3
        ]
        distract_left = _drop_overlapped(_spans(cl.DISTRACTOR_RE, left), claim_left)
        adjacent = [
            s for s in _spans(cl.DISTRACTOR_AFTER_RE, right) if _tokens_between(right[: s[0]]) <= 2
        ]
        if adjacent and not (claim_right and claim_right[0][0] < adjacent[0][0]):
            return False, False, f"{m.text!r} is followed by {right[slice(*adjacent[0])]!r}"
        # Read each side on its own: a pattern must not bridge the figure itself.
        for pattern in self.topic.per_defendant:
            hit = pattern.search(left) or pattern.search(right)
            if hit and self.topic.defendants_in(left) < 2:
                return (
                    False,
                    False,
                    f"{m.text!r} is one defendant's share ({hit.group().strip()!r})",
                )
        opener = cl.PAYER_FIRST_RE.match(text)
        if opener and left_bound == 0 and start - len(left) <= 0:
            head = _first_tokens(text[opener.end() :], 3)
            if self.topic.defendants_in(head) == 1 and self.topic.defendants_in(text[:start]) == 1:
                return (
                    False,
                    False,
                    f"{m.text!r} is asked from the one defendant the sentence opens with",
                )
        payer = self.topic.payer_after(right)
        if payer is not None and self._other_payer(text, mentions, j, payer):
            return False, False, f"{m.text!r} is asked from one defendant, another from another"
        worth = cl.CLAIM_WORTH_RE.search(left)
        # "In the case OpenAI is worth $500bn": a defendant right before the verb is the subject,
        # unless it closes the claim's "against OpenAI" or "against OpenAI and Microsoft".
        if worth and (
            not self.topic.defendants_in(_last_tokens(worth.group(), 4))
            or _AND_LAST.search(worth.group())
        ):
            return True, True, f"{m.text!r} is what the claim is worth ({worth.group().strip()!r})"
        # Next to the figure: one word, or a few CJK characters ("1300亿美元的天价赔偿").
        near_right = [
            c
            for c in claim_right
            if _tokens_between(right[: c[0]]) <= (3 if _CJK_CHAR.search(right[: c[0]]) else 1)
        ]
        if (
            claim_left
            and distract_left
            and distract_left[-1][1] > claim_left[-1][1]
            and not near_right
        ):
            word = left[slice(*distract_left[-1])]
            return (
                False,
                False,
                f"{m.text!r}: {word!r} is closer than {left[slice(*claim_left[-1])]!r}",
            )
        # "raise $40bn while the lawsuit goes on": a distracting verb right before the figure
        # wins over a claim noun a few words after it ("a $40bn lawsuit" stays a claim).
        if distract_left and not claim_left and claim_right and not near_right:
            return (
                False,
                False,
                f"{m.text!r}: {left[slice(*distract_left[-1])]!r} is closer than "
                f"{right[slice(*claim_right[0])]!r}",
            )
        if not claim_left and not claim_right and not distract_left:
            tail = _VERB_FINAL_CLAUSE.match(_WON_ASIDE.sub("", _PAREN.sub("", text[end:])))
            if tail and not cl.DISTRACTOR_RE.search(tail.group()):
                end_cue = cl.CLAIM_CLAUSE_END_RE.search(tail.group())
                if end_cue:
                    return True, True, f"{m.text!r} claimed ({end_cue.group()!r} ends its clause)"
        if claim_left or claim_right:
            cue = left[slice(*claim_left[-1])] if claim_left else right[slice(*claim_right[0])]
            return True, True, f"{m.text!r} claimed ({cue!r})"
        total = [s for s in _spans(cl.CLAIM_TOTAL_RE, left) if _tokens_between(left[s[1] :]) <= 4]
        if total and not distract_left and cl.CLAIM_CONTEXT_RE.search(text):
            return True, False, f"{m.text!r} is a total in a sentence about the claim"
        return False, False, f"{m.text!r}: {_NO_CUE}"

    def _other_payer(self, text: str, mentions: list[MoneyMention], j: int, payer: int) -> bool:
        """Whether another figure of the sentence is owed by another single defendant, or the
        sentence asks another sum from another one ("... with a smaller sum sought from
        Microsoft")."""
        for hit in _FROM_WORD.finditer(text, mentions[j].folded_span[1]):
            other_payer = self.topic.payer_after(text[hit.start() :])
            if other_payer is not None and other_payer != payer:
                return True
        for k, other in enumerate(mentions):
            if k == j:
                continue
            start, end = other.folded_span
            left = _last_tokens(text[max(0, start - 120) : start], 8)
            right = _first_tokens(text[end : end + 80], 6)
            # "... and $13bn from Microsoft": the payer follows the other figure (the "from"
            # pattern is anchored at the figure's end), or it "owes" it on either side.
            payers = self.topic.payers_in(left + " | " + right)
            after = self.topic.payer_after(right)
            if after is not None:
                payers.add(after)
            if payers - {payer}:
                return True
        return False

    def _context_cue(self, doc: Document, i: int, m: MoneyMention) -> str | None:
        """A claim told across two sentences: the figure answers a question about the claim
        ("How much does Musk want? Up to $134bn."), or the next sentence says what it is
        ("... $134bn. That is the sum Musk demanded."). Only for a figure whose own sentence has
        no distracting word at all."""
        text = doc.segments[i].folded.text
        if doc.segments[i].where != "text" or cl.DISTRACTOR_RE.search(text):
            return None
        if i + 1 < len(doc.segments) and not doc.money(i + 1):
            after = doc.segments[i + 1].folded.text
            back = cl.BACK_REFERENCE_RE.match(after)
            cue = cl.CLAIM_BEFORE_RE.search(after)
            if back and cue and not cl.DISTRACTOR_RE.search(after):
                return f"the next sentence: {back.group().strip()!r} ... {cue.group()!r}"
        if i > 0 and doc.segments[i - 1].where == "text" and not doc.money(i - 1):
            before = doc.segments[i - 1].folded.text.rstrip()
            cue = cl.CLAIM_BEFORE_RE.search(before)
            if (
                before.endswith(("?", "\uff1f"))
                and cue
                and _tokens_between(text[: m.folded_span[0]]) <= 3
            ):
                return f"answers the question before it ({cue.group()!r})"
        return None

    def claims(self, doc: Document, reasons: Reasons) -> list[Claim]:
        found: list[Claim] = []
        shares: set[Decimal] = set()
        opts = self.options
        for i, segment in enumerate(doc.segments):
            mentions = doc.money(i)
            if not mentions:
                continue
            if self.topic.sentence_excluded(doc, i):
                reasons.add(segment, "skipped: names another case")
                continue
            for j, m in enumerate(mentions):
                if m.parenthetical:
                    continue
                currency, assumed = m.currency, False
                if currency is None:
                    if not (opts.assume_currency and m.has_scale) or doc.has_foreign_currency:
                        continue
                    if _WON_SCALE.search(m.text):
                        # Korean news writes dollars with 달러 every time: a bare 조/억 is won.
                        reasons.add(segment, f"{m.text!r}: a Korean figure without 달러 is in won")
                        continue
                    currency, assumed = opts.currency, True
                if currency != opts.currency or m.point < opts.min_amount:
                    continue
                ok, strong, why = self.judge(doc, i, mentions, j)
                if not ok and "one defendant" in why:
                    shares.add(m.point)
                if not ok and why.endswith(_NO_CUE):
                    context = self._context_cue(doc, i, m)
                    if context:
                        ok, why = True, f"{m.text!r} claimed ({context})"
                reasons.add(segment, why)
                if not ok:
                    continue
                suspect = bool(SUSPECT_FLAGS & set(m.flags)) or (
                    opts.suspect_above is not None and m.point > opts.suspect_above
                )
                found.append(Claim(m.low, m.high, currency, m, i, strong, suspect, assumed))
        # A figure the item shows to be one defendant's share is that share wherever it appears
        # (the headline "Musk seeks up to $109bn from OpenAI" over a text that splits the claim).
        kept = [c for c in found if c.mention.point not in shares]
        for c in found:
            if c.mention.point in shares:
                reasons.add(
                    doc.segments[c.segment],
                    f"{c.mention.text!r} is a share elsewhere in the item",
                )
        return kept

    def evaluate(self, doc: Document, relevant: bool) -> RuleResult:
        if not relevant:
            return RuleResult(
                self.name, self.kind, self.topic.slug, False, "item not about the topic"
            )
        reasons = Reasons()
        found = self.claims(doc, reasons)
        if not found:
            return RuleResult(
                self.name, self.kind, self.topic.slug, False, reasons.text("no money figure")
            )
        best = min(
            enumerate(found),
            key=lambda p: (not p[1].strong, p[1].suspect, _BOUND_RANK[p[1].mention.bound], p[0]),
        )[1]
        # A range or bound that ends where the chosen figure ends says more about the same claim
        # ("a claim for $134bn ... $79bn to $134bn in total").
        refined = [
            c
            for c in found
            if c.high is not None
            and c.high == best.high
            and _BOUND_RANK[c.mention.bound] < _BOUND_RANK[best.mention.bound]
        ]
        if refined:
            best = min(refined, key=lambda c: _BOUND_RANK[c.mention.bound])
        return RuleResult(
            self.name,
            self.kind,
            self.topic.slug,
            True,
            reasons.text(""),
            (self.observation(doc, best),),
        )

    def observation(self, doc: Document, claim: Claim) -> Observation:
        low = decimal_str(claim.low) if claim.low is not None else None
        high = decimal_str(claim.high) if claim.high is not None else None
        value: dict[str, object] = {"low": low, "high": high, "currency": claim.currency}
        value["case"] = self.topic.name  # how alerts name the dispute
        if claim.mention.approx:
            value["approx"] = True
        if claim.assumed:
            value["currency_assumed"] = True
        if claim.mention.flags:
            value["flags"] = list(claim.mention.flags)
        segment = doc.segments[claim.segment]
        spans = [(claim.mention.start, claim.mention.end)]
        return Observation(
            rule=self.name,
            topic=self.topic.slug,
            kind="claim",
            subject=f"claim:{self.topic.slug}",
            value=value,
            value_key=f"{low or ''}-{high or ''}",
            display=format_range(claim.low, claim.high, claim.currency),
            severity=self.severity,
            evidence=evidence(segment, spans),
            corroboration=self.options.corroboration,
            suspect=claim.suspect,
        )
