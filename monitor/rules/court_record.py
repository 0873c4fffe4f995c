"""Rulings from the court record: is a docket entry a ruling, and of which kind. Input: an Item
whose `extra["docket"]` holds a docket entry (kinds court-rss, courtlistener). Output: (kind,
short outcome) in the vocabulary of the news rulings, or None. Generic CM/ECF vocabulary only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from monitor.domain import Item

KINDS: Final = (
    "injunction",
    "dismissal",
    "summary_judgment",
    "trial_schedule",
    "verdict",
    "appeal",
    "discovery",
    "other",
)

# Filings by parties, clerk's notices and housekeeping: never rulings, whatever they mention
# ("Response to Order to Show Cause", "[Proposed] Order", "Stipulation and Order"). The one
# stipulation that counts is the so-ordered dismissal: it ends the case.
_NOT_RULING = re.compile(
    r"^\W*(?:\[?proposed\]?|joint|stipulation(?! and order of (?:voluntary )?dismissal)|"
    r"(?:letter |administrative |ex parte )?motions?(?! order)|"
    r"notice(?! of (?:interlocutory |cross[- ])?appeal)|clerk'?s notice|transcript|brief|"
    r"memorandum (?:of (?:points|law)|in support|in opposition)|opposition|reply|response|"
    r"declaration|affidavit|affirmation|exhibit|letter|certificate|summons|complaint|"
    r"amended complaint|answer|appearance|application|request|objection|errata|subpoena|"
    r"civil cover sheet|consent|statement|report|witness list|exhibit list|jury instructions|"
    r"~?util|pro hac vice|receipt|filing fee|set/reset|set deadlines|set hearings|"
    r"electronic filing error|transmission)(?!\w)",
)
# Bankruptcy courts spell it "Notice, Appeal"; "USCA Case Number" is the appeal docketed.
_NOTICE_OF_APPEAL = re.compile(
    r"^\W*(?:amended |corrected )?notice(?: of|,) (?:interlocutory |cross[- ])?appeal|"
    r"^\W*usca case number"
)
_RULING_NOUN = re.compile(
    r"\b(?:order(?:ed|s)?|judgment|opinion|verdict|decree|ruling|mandate|injunction|"
    r"so[- ]ordered|endorsement|memorandum disposition|findings of fact|case termination)\b"
)
_MINUTES = re.compile(r"^\W*minute (?:entry|order)|^\W*minutes\b")
_DECIDED = re.compile(
    r"\b(?:grant\w*|den(?:y|ies|ied|ying)|dismiss\w*|verdict|rul(?:ed|ing)|so ordered|"
    r"judgment (?:is |shall be )?entered|trial (?:is )?(?:set|reset|continued|vacated))\b"
)
# A decision of the court of appeals docketed in the district court (not one merely cited).
_FROM_APPEALS_COURT = re.compile(
    r"^\W*(?:usca|mandate)\b|\busca (?:mandate|judgment|opinion|order)\b|"
    r"\b(?:mandate|judgment|opinion|order|memorandum(?: disposition)?) (?:of|from) (?:the )?"
    r"(?:usca|court of appeals|(?:\w+ )?circuit)\b"
)
_APPEAL_DECISION = re.compile(
    r"\b(?:opinion|judgment|mandate|case termination|ruling|affirm\w*|revers\w*|vacat\w*|"
    r"remand\w*|dismiss\w*)\b"
)
_APPELLATE_COURT = re.compile(r"^ca(?:\d{1,2}|dc|fc)$")

# The first motion an order decides: "granting 50 motion for extension of time re 45 motion for
# summary judgment" is about the extension, not the summary judgment.
_MOTION = re.compile(
    r"\bmotions? ((?:for|to|in)\b.*?)(?=\s+(?:re|as to|filed by|by|signed|with(?:out)? "
    r"(?:leave|prejudice)|motions? (?:for|to|in)|and (?:grant|deny)|is|are|was|were|shall|will)"
    r"\b|[.;()\[\]]|$)"
)
_DOCKET_REF = re.compile(r"\b\d+\s+(?=[a-z])")
# Names are no decisions: "Judge Ann Grant", "filed by Grant Industries". Names are in Title
# Case or capitals; the words that end them are lower case or a decision ("is GRANTED").
_NAME_WORD = (
    r"(?!(?:GRANT|DENY|GRANTS|DENIES|GRANTED|DENIED|GRANTING|DENYING)\b)"
    r"(?:[A-Z][\w'’&.,-]*|of|and|the|&)"
)
_JUDGE_NAME = re.compile(r"\b(?:Judge|Justice|Clerk)\s+(?:(?:[A-Z][a-z'’-]+|[A-Z]\.)\s*){1,4}")
_FILED_BY = re.compile(rf"\b(?:filed|signed|submitted) by (?:{_NAME_WORD}\s*)+")
_INJUNCTION = re.compile(
    r"\b(?:preliminary|permanent) injunction|temporary restraining order|\btro\b|"
    r"injunctive relief|injunction pending appeal|\benjoin"
)
# Checked in this order against the subject of the order (its first motion, else its text).
_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("injunction", _INJUNCTION),
    ("summary_judgment", re.compile(r"\bsummary (?:judgment|adjudication)")),
    ("dismissal", re.compile(r"\bdismiss|\bdismissal|judgment on the pleadings")),
    ("verdict", re.compile(r"\bverdict\b|findings of fact and conclusions of law")),
    (
        "trial_schedule",
        re.compile(
            r"\btrial\b[^.]*?\b(?:continu|set|reset|date|schedul|vacat|advanc)|"
            r"\b(?:continu\w*|set|setting|reset|schedul\w*|vacat\w*) (?:the )?(?:jury |bench )?"
            r"trial|scheduling order|pre-?trial order|case management (?:and pretrial )?order"
        ),
    ),
    (
        "discovery",
        re.compile(
            r"discovery|protective order|\bto compel|deposition|subpoena|interrogator|"
            r"requests? for (?:production|admission)|privilege|in camera|\bto quash|spoliation"
        ),
    ),
)


def classify_docket_entry(item: Item) -> tuple[str, str] | None:
    """(kind, outcome) when the entry is a ruling or an appeal event, else None.

    Orders, judgments, verdicts, opinions, mandates, minute entries that record a decision and
    notices of appeal count; proposed orders, stipulations, motions, other notices, transcripts,
    briefs, declarations and exhibits do not. The kind is the one of the motion the order
    decides (an extension of time for a summary-judgment brief is "other"). Outcome examples:
    "motion for summary judgment denied", "case dismissed, with prejudice", "notice of appeal
    filed".
    """
    docket = item.extra.get("docket")
    if not isinstance(docket, Mapping):
        return None
    return classify_text(
        str(docket.get("entry_type") or ""),
        str(docket.get("description") or ""),
        appellate=bool(_APPELLATE_COURT.match(str(docket.get("court") or "").lower())),
    )


def classify_text(entry_type: str, description: str, *, appellate: bool) -> tuple[str, str] | None:
    """The same from the entry's two texts; `appellate` for a court of appeals' own docket."""
    head = _norm(entry_type or description)
    body = _norm(_FILED_BY.sub("; ", _JUDGE_NAME.sub("judge ", description)))
    body = "" if body == head else body
    text = f"{head}. {body}" if body else head
    if _NOTICE_OF_APPEAL.match(head):
        return "appeal", "appeal docketed" if "usca" in head[:20] else "notice of appeal filed"
    if _NOT_RULING.match(head):
        return None
    if _MINUTES.match(head):
        if not _DECIDED.search(text):
            return None  # a hearing held, a matter taken under submission: nothing decided
    elif not _RULING_NOUN.search(text):
        return None
    # The first motion of the docket text is more precise ("motion to continue trial date")
    # than the one of the entry type ("order on motion to continue").
    motion = (_MOTION.search(body) if body else None) or _MOTION.search(head)
    subject = motion.group(1).strip() if motion else None
    # The decision is the verb before the motion ("ORDER DENYING 12 MOTION to Dismiss"), else
    # the one after it ("the motion is GRANTED").
    before = text[: text.find(motion.group(0))] if motion else text
    decision = _decision(before) or _decision(text)
    if appellate or _FROM_APPEALS_COURT.search(text):
        if subject is not None and _INJUNCTION.search(subject):
            return _by_subject(text, subject, entry_type, decision)  # pending appeal
        if _APPEAL_DECISION.search(text):
            return "appeal", _appeal_outcome(text)
        if appellate:
            return "other", _short(entry_type or text)
    return _by_subject(text, subject, entry_type, decision)


def _appeal_outcome(text: str) -> str:
    found = [
        word
        for word, pattern in (
            ("affirmed", r"\baffirm"),
            ("reversed", r"\brevers"),
            ("vacated", r"\bvacat"),
            ("remanded", r"\bremand"),
        )
        if re.search(pattern, text)
    ]
    if found:
        return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]
    if re.search(r"\bdismiss", text):
        return "appeal dismissed"
    if "case termination" in text:
        return "appeal decided"
    for noun, outcome in (
        ("opinion", "opinion issued"),
        ("mandate", "mandate issued"),
        ("judgment", "judgment entered"),
    ):
        if noun in text:
            return outcome
    return "ruling issued"


def _by_subject(text: str, subject: str | None, entry_type: str, decision: str) -> tuple[str, str]:
    kind = next((k for k, pattern in _FAMILIES if pattern.search(subject or text)), "other")
    if subject is not None:
        motion = f"motion {_short(subject, 60)}"
        outcome = f"{motion} {decision}" if decision else f"order on {motion}"
        return kind, outcome + _qualifiers(text)
    return kind, _outcome_without_motion(kind, text, entry_type, decision)


def _outcome_without_motion(kind: str, text: str, entry_type: str, decision: str) -> str:
    if kind == "dismissal":
        if text.startswith("stipulation"):
            what = "case dismissed by stipulation"
        elif re.search(r"\b(?:case|action|complaint)\b", text):
            what = "case dismissed"
        else:
            what = "dismissed"
        return what + _qualifiers(text)
    if kind == "verdict":
        side = re.search(r"\b(?:in favor of|for) (?:the )?(plaintiffs?|defendants?)\b", text)
        return f"verdict for {side.group(1)}" if side else "verdict returned"
    if kind == "trial_schedule":
        for pattern, outcome in (
            (r"\bvacat", "trial date vacated"),
            (r"\bcontinu|\breset\b", "trial continued"),
            (r"scheduling order", "scheduling order entered"),
            (r"pre-?trial order", "pretrial order entered"),
            (r"case management", "case management order entered"),
        ):
            if re.search(pattern, text):
                return outcome
        return "trial date set"
    if kind == "injunction":
        m = _INJUNCTION.search(text)
        name = m.group(0) if m else "injunction"
        return f"{name} {decision or 'entered'}"
    if kind == "discovery":
        return f"discovery order{' — ' + decision if decision else ''}"
    if re.search(r"\bjudgment\b", text):
        return "judgment entered"
    if re.search(r"\bopinion\b", text):
        return "opinion issued"
    return _short(entry_type or text)


def _decision(text: str) -> str:
    if re.search(
        r"\bgrant\w* in part\b.*\bden\w* in part|\bden\w* in part\b.*\bgrant\w* in part", text
    ):
        return "granted in part and denied in part"
    if re.search(r"\bgrant\w* in part\b", text):
        return "granted in part"
    if re.search(r"\b(?:den(?:y|ies|ied|ying)|terminat\w*) (?:\w+ )?as moot\b", text):
        return "denied as moot"
    if re.search(r"\bgrant(?:s|ed|ing)?\b", text):
        return "granted"
    if re.search(r"\bden(?:y|ies|ied|ying)\b", text):
        return "denied"
    return ""


def _qualifiers(text: str) -> str:
    phrases = (
        "with prejudice",
        "without prejudice",
        "with leave to amend",
        "without leave to amend",
    )
    return "".join(f", {p}" for p in phrases if p in text)


def _norm(text: str) -> str:
    """Lower case, one space, docket references ("granting 45 motion") dropped."""
    return _DOCKET_REF.sub("", " ".join(text.lower().replace("&", " and ").split()))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.lower().split()).strip(" .;:")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
