"""Stories: the items that report one development, across outlets and languages.

Claim stories are keyed by the fact's value; ruling stories by the decision: the family of the
question decided and the day (`same_decision`), whatever each outlet calls the motion and in
whatever language; other stories by similar titles within 72 hours (rapidfuzz
token_set_ratio on folded titles; it gives 100 whenever one title's words are a subset of the
other's, so short titles must also share most of their words)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz
from sqlmodel import Session

from monitor.parse.textnorm import fold_str
from monitor.storage import findings as q
from monitor.storage.models import Story

TITLE_WINDOW = timedelta(hours=72)
# How far back a ruling story is looked for: reports trail a decision by days, rarely weeks.
RULING_WINDOW = timedelta(days=45)
# Kinds that outlets use for one decision: the January ruling on the defendants' dispositive
# motions is "motion to dismiss denied" in some reports and "summary judgment denied" in others.
FAMILY = {"dismissal": "dispositive", "summary_judgment": "dispositive"}
SIMILAR = 80
SHORT_TITLE_WORDS = 5
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What a story needs to know of an item."""

    id: int
    title: str
    outlet: str
    language: str | None
    published: datetime


@dataclass(frozen=True, slots=True)
class Attached:
    story: Story
    created: bool  # the item started the story
    new_outlet: bool  # the item's outlet had not reported the story yet


def norm_title(title: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold_str(title)).split())


def similar_titles(a: str, b: str) -> bool:
    """Same headline, give or take words, for titles of a few words at least."""
    if not a or not b:
        return False
    if min(len(a.split()), len(b.split())) < SHORT_TITLE_WORDS:
        return fuzz.ratio(a, b) >= 92  # token_set_ratio is 100 for any subset: too loose here
    return fuzz.token_set_ratio(a, b) >= SIMILAR


def attach(
    session: Session,
    item: ItemRef,
    *,
    topic: str,
    kind: str,
    now: datetime,
    subject: str | None = None,
    value_key: str | None = None,
    from_court: bool = False,
) -> Attached:
    """Find the story this item reports (or start one) and link the item to it."""
    title = norm_title(item.title)
    story = _find(
        session, topic=topic, kind=kind, subject=subject, value_key=value_key, title=title, now=now
    )
    return _link(
        session,
        item,
        story,
        topic=topic,
        kind=kind,
        subject=subject,
        value_key=value_key,
        title=title,
        now=now,
        from_court=from_court,
    )


def _link(
    session: Session,
    item: ItemRef,
    story: Story | None,
    *,
    topic: str,
    kind: str,
    subject: str | None,
    value_key: str | None,
    title: str,
    now: datetime,
    from_court: bool,
) -> Attached:
    """Link the item to `story`, or to a new story it starts.

    A new story is inserted as the item leaves it (its outlet and language in); a found one is
    updated by a plain UPDATE of the columns the item changes, its object told the new values
    as stored: the ORM's flush of one changed object cost ~0.4 ms, for every report."""
    if story is None:
        story = Story(
            topic=topic,
            kind=kind,
            subject=subject,
            value_key=value_key,
            title=item.title,
            norm_title=title,
            first_item_id=item.id,
            first_seen_at=now,
            last_seen_at=now,
            outlets=[item.outlet],
            languages=[item.language] if item.language else [],
            from_court=from_court,
        )
        session.add(story)
        session.flush()
        assert story.id is not None
        q.link_item(session, story.id, item.id, now=now)
        return Attached(story, True, True)
    assert story.id is not None
    q.link_item(session, story.id, item.id, now=now)
    changes: dict[str, object] = {}
    new_outlet = item.outlet not in story.outlets
    if new_outlet:
        changes["outlets"] = [*story.outlets, item.outlet]
    if item.language and item.language not in story.languages:
        changes["languages"] = [*story.languages, item.language]
    if from_court and not story.from_court:
        changes["from_court"] = True
        changes["title"] = item.title  # the court's own words lead
    if now > story.last_seen_at:
        changes["last_seen_at"] = now
    q.update_story(session, story, changes)
    return Attached(story, False, new_outlet)


def _find(
    session: Session,
    *,
    topic: str,
    kind: str,
    subject: str | None,
    value_key: str | None,
    title: str,
    now: datetime,
) -> Story | None:
    if value_key is not None and subject is not None:
        return q.story_by_value(session, topic=topic, subject=subject, value_key=value_key)
    for story_id, norm in q.recent_titles(
        session, topic=topic, kind=kind, subject=subject, since=now - TITLE_WINDOW
    ):
        if similar_titles(title, norm):
            return q.story_by_id(session, story_id)
    return None


@dataclass(frozen=True, slots=True)
class DecisionKey:
    """What places a decision: the family of its question and its day, exact (the report says
    "on Tuesday", "January 7", or it is the court record) or estimated (the report's date)."""

    family: str
    day: date
    exact: bool

    def text(self) -> str:
        return f"{self.family}{'@' if self.exact else '~'}{self.day.isoformat()}"

    @classmethod
    def parse(cls, text: str | None) -> DecisionKey | None:
        m = re.fullmatch(r"([a-z_]+)([@~])(\d{4}-\d{2}-\d{2})", text or "")
        if m is None:
            return None
        return cls(m.group(1), date.fromisoformat(m.group(3)), m.group(2) == "@")


def decision_key(kind: str, decided_on: str | None, reported: datetime) -> DecisionKey:
    day = date.fromisoformat(decided_on) if decided_on else None
    return DecisionKey(FAMILY.get(kind, kind), day or reported.date(), day is not None)


def same_decision(report: DecisionKey, story: DecisionKey, *, weak: bool = False) -> int | None:
    """How far apart (days) a report and a story's decision are when the report tells of the
    story's decision, else None. Families must agree, unless the report could not tell what
    was decided (`weak`). Exact days agree within 10 days (a decision from the bench, then the
    written order); a report's own date may trail the decision by three weeks (and precede it
    by a day: time zones); an estimated story day is the date of its first report, so the
    decision is at most two weeks before it; two reports' dates, a month apart at most."""
    if report.family != story.family and not weak:
        return None
    gap = (report.day - story.day).days
    if report.exact and story.exact:  # an order from the bench, then its written form
        ok = abs(gap) <= 10
    elif report.exact:  # the story's day is when it was first reported
        ok = -14 <= gap <= 10
    elif story.exact:  # the report's day is when it was published
        ok = -1 <= gap <= 21
    else:
        ok = -7 <= gap <= 30
    if weak:  # no family to go by: only a decision of the same days
        ok = ok and abs(gap) <= 3
    return abs(gap) if ok else None


def attach_ruling(
    session: Session,
    item: ItemRef,
    *,
    topic: str,
    key: DecisionKey,
    weak: bool,
    now: datetime,
    from_court: bool = False,
    undated: bool = False,
) -> Attached:
    """Find the story of the decision this item reports (or start one) and link the item.
    An `undated` report (its feed gave no date, its text names no day) joins the story of its
    family seen last, if any was seen within RULING_WINDOW."""
    subject = f"ruling:{topic}:{key.family}"  # the kind its reports settle on replaces it
    best: tuple[int, Story] | None = None
    for candidate in q.recent_stories(
        session, topic=topic, kind="ruling", subject=None, since=now - RULING_WINDOW
    ):
        known = DecisionKey.parse(candidate.value_key)
        if known is None:
            continue
        if undated:
            if known.family == key.family or weak:
                best = (0, candidate)  # the most recently seen comes first
                break
            continue
        gap = same_decision(key, known, weak=weak)
        if gap is not None and (best is None or gap < best[0]):
            best = (gap, candidate)
    story = best[1] if best is not None else None
    if story is not None:
        known = DecisionKey.parse(story.value_key)
        if key.exact and known is not None and not known.exact and not weak:
            story.value_key = key.text()  # the first report to say the day places the story
    return _link(
        session,
        item,
        story,
        topic=topic,
        kind="ruling",
        subject=subject,
        value_key=story.value_key if story is not None else key.text(),
        title=story.norm_title if story is not None else norm_title(item.title),
        now=now,
        from_court=from_court,
    )
