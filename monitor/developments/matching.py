"""Stored items → rules → observations → facts and stories → alerts in the outbox.

One transaction per item that says something: its observations, the facts and stories they
move, the alert and its deliveries are written together (or not at all). Items whose content
did not change since the rules last ran are not matched again."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session

from monitor.deliver import outbox
from monitor.developments import wording
from monitor.developments.facts import observe
from monitor.developments.stories import (
    Attached,
    DecisionKey,
    ItemRef,
    attach,
    attach_ruling,
    decision_key,
)
from monitor.domain import AlertDraft, Item, Link, Observation
from monitor.storage import findings as q
from monitor.storage import items as item_store
from monitor.storage.models import Alert as AlertRow
from monitor.storage.models import Story

if TYPE_CHECKING:
    from monitor.rules import Evaluation, RuleSet

log = logging.getLogger(__name__)

Route = Callable[[AlertDraft], Sequence[str]]


@dataclass(slots=True)
class Result:
    alerts: list[int] = field(default_factory=list)
    updates: int = 0
    matched_items: int = 0
    # Rulings reported by too few outlets so far: what they would say, and by whom.
    waiting: list[str] = field(default_factory=list)


def process(
    engine: Engine,
    item_ids: Sequence[int],
    *,
    ruleset: RuleSet,
    route: Route,
    now: datetime,
    language: str = "en",
) -> Result:
    """Run the rules over the given stored items and raise what they find, worded in
    `language` (the readers')."""
    result = Result()
    with engine.connect() as conn:
        loaded = item_store.load(conn, item_ids)
    quiet: list[tuple[int, str]] = []
    for item_id, item, matched_hash in loaded:
        content_hash = item.content_hash
        if matched_hash == content_hash:  # read already in this version (another worker)
            continue
        result.matched_items += 1
        if not ruleset.could_match(item):
            quiet.append((item_id, content_hash))
            continue
        evaluation = ruleset.evaluate(item)
        if not evaluation.observations and not evaluation.relevant_topics:
            quiet.append((item_id, content_hash))
            continue
        with Session(engine) as session, session.begin():
            _one_item(session, item_id, item, evaluation, route, now, result, language)
            item_store.mark_matched(session.connection(), [(item_id, content_hash)])
    if quiet:
        with engine.begin() as conn:
            item_store.mark_matched(conn, quiet)
    return result


@dataclass(frozen=True, slots=True)
class Replayed:
    """An alert a backtest would have raised, at the time its item was published."""

    at: datetime
    draft: AlertDraft


def replay(
    engine: Engine, *, ruleset: RuleSet, since: datetime | None = None, language: str = "en"
) -> list[Replayed]:
    """Replay stored items (oldest first) through `ruleset` on an empty slate of facts, stories
    and alerts, and return the alerts that would have been raised. Everything is rolled back:
    nothing is stored and nothing is sent."""
    drafts: list[Replayed] = []
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            item_store.forget_signals(conn)
            loaded = item_store.load(conn, item_store.ids_since(conn, since))
            loaded.sort(key=lambda row: (row[1].published, row[0]))
            with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
                for item_id, item, _ in loaded:
                    evaluation = ruleset.evaluate(item)
                    if not evaluation.observations:
                        continue
                    result = Result()
                    _one_item(
                        session,
                        item_id,
                        item,
                        evaluation,
                        _nowhere,
                        item.published,
                        result,
                        language,
                    )
                    session.flush()
                    for alert_id in result.alerts:
                        alert = session.get(AlertRow, alert_id)
                        if alert is not None:
                            drafts.append(
                                Replayed(item.published, AlertDraft.from_json(alert.payload))
                            )
        finally:
            trans.rollback()
    return drafts


def _nowhere(_draft: AlertDraft) -> list[str]:
    return []


def _one_item(
    session: Session,
    item_id: int,
    item: Item,
    evaluation: Evaluation,
    route: Route,
    now: datetime,
    result: Result,
    language: str,
) -> None:
    ctx = _ItemContext(session, item_id, item, route, now, result, language)
    told: set[str] = set()
    for obs in evaluation.observations:
        q.record_observation(session, item_id, obs, now=now)
        if obs.kind == "claim":
            _on_claim(ctx, obs)
        elif obs.kind == "ruling":
            _on_ruling(ctx, obs)
        else:
            _on_match(ctx, obs)
        told.add(obs.topic)
    for topic in evaluation.relevant_topics:
        if topic not in told:
            attach(session, ctx.ref, topic=topic, kind="news", now=now)


@dataclass(slots=True)
class _ItemContext:
    """One item being processed, and where its alerts go."""

    session: Session
    item_id: int
    item: Item
    route: Route
    now: datetime
    result: Result
    language: str
    outlet: str = ""
    from_court: bool = False
    ref: ItemRef = field(init=False)

    def __post_init__(self) -> None:
        self.outlet = wording.outlet_name(self.item.extra, self.item.source)
        self.from_court = isinstance(self.item.extra.get("docket"), dict)
        title = self.item.title or self.item.text[:120]
        self.ref = ItemRef(
            self.item_id, title, self.outlet, self.item.language, self.item.published
        )

    def attach(self, obs: Observation, kind: str, value_key: str | None = None) -> Attached:
        return attach(
            self.session,
            self.ref,
            topic=obs.topic,
            kind=kind,
            subject=obs.subject,
            value_key=value_key,
            now=self.now,
            from_court=self.from_court,
        )

    def raise_alert(self, draft: AlertDraft, dedup_key: str, story: Story) -> None:
        _raise(self.session, draft, dedup_key, story, self.route, self.now, self.result)

    def update(self, att: Attached) -> None:
        _update(
            self.session,
            att,
            self.item,
            self.outlet,
            self.result,
            self.now,
            court=self.from_court,
            language=self.language,
        )


def _on_claim(ctx: _ItemContext, obs: Observation) -> None:
    """A claimed amount: a change of the fact is an alert; a repeat goes to the thread."""
    fact, change = observe(
        ctx.session,
        obs,
        item_id=ctx.item_id,
        outlet=ctx.outlet,
        from_court=ctx.from_court,
        now=ctx.now,
    )
    att = ctx.attach(obs, "claim", value_key=fact.value_key)
    if change is not None:
        draft = wording.claim_alert(ctx.session, obs, change, att.story, language=ctx.language)
        ctx.raise_alert(draft, f"{obs.subject}:{fact.value_key}", att.story)
    else:
        ctx.update(att)


def _on_ruling(ctx: _ItemContext, obs: Observation) -> None:
    """A ruling: the reports of one decision form one story, whatever each calls the motion;
    the alert goes out once the court record or enough outlets report it, then the thread."""
    value = obs.value
    key = decision_key(
        str(value.get("kind") or "other"),
        value.get("decided_on"),
        min(ctx.item.published, ctx.now),
    )
    att = attach_ruling(
        ctx.session,
        ctx.ref,
        topic=obs.topic,
        key=key,
        weak=value.get("question") == "other",
        now=ctx.now,
        from_court=ctx.from_court,
        undated=ctx.item.published_guessed and not value.get("decided_on"),
    )
    # The story's kind is what its reports say (the court record first), not the first one's.
    reading = wording.story_ruling(q.story_values(ctx.session, att.story.id or 0, kind="ruling"))
    att.story.subject = f"ruling:{obs.topic}:{reading.get('kind') or value.get('kind') or 'other'}"
    ctx.session.add(att.story)
    alert = q.alert_id_of_story(ctx.session, att.story.id or 0)
    corroborated = att.story.from_court or len(att.story.outlets) >= max(1, obs.corroboration)
    # A story whose reports could not tell what was decided waits for one that can.
    told = reading.get("question") not in (None, "other") or reading.get("kind") != "other"
    if alert is None and corroborated and told:
        draft = wording.ruling_alert(
            ctx.session, obs, att.story, reading=reading, language=ctx.language
        )
        ctx.raise_alert(draft, f"ruling:{att.story.id}", att.story)
    elif alert is None and not corroborated:
        headline = wording.ruling_headline(
            reading, DecisionKey.parse(att.story.value_key), ctx.language
        )
        outlets = ", ".join(att.story.outlets)
        ctx.result.waiting.append(f"{headline} — {wording.pending_note(ctx.language)}: {outlets}")
    else:
        ctx.update(att)


def _on_match(ctx: _ItemContext, obs: Observation) -> None:
    """A keywords or regex rule: one alert per story of similar titles; an amount rule: one per
    figure, in whatever language it is reported."""
    att = ctx.attach(obs, obs.kind, value_key=obs.value_key if obs.kind == "amount" else None)
    if att.created:
        ctx.raise_alert(
            wording.match_alert(ctx.session, obs, att.story, language=ctx.language),
            f"{obs.subject}:{att.story.id}",
            att.story,
        )
    else:
        ctx.update(att)


def _raise(
    session: Session,
    draft: AlertDraft,
    dedup_key: str,
    story: Story,
    route: Route,
    now: datetime,
    result: Result,
) -> None:
    alert = outbox.raise_alert(
        session, draft, dedup_key=dedup_key, story_id=story.id, channels=list(route(draft)), now=now
    )
    if alert is not None and alert.id is not None:
        result.alerts.append(alert.id)


def _update(
    session: Session,
    att: Attached,
    item: Item,
    outlet: str,
    result: Result,
    now: datetime,
    *,
    court: bool = False,
    language: str = "en",
) -> None:
    """Later copies of an alerted story go into the alert's thread, once per new outlet."""
    if att.created or not (att.new_outlet or court):
        return
    alert_id = q.alert_id_of_story(session, att.story.id or 0)
    if alert_id is None:
        return
    link = Link(
        outlet=outlet,
        title=item.title,
        url=wording.document_url(item.extra) or item.url,
        published=item.published,
        language=item.language,
    )
    note = wording.update_note(outlet, att.story, court=court, language=language)
    outbox.add_update(
        session,
        alert_id,
        {"links": [wording.link_json(link)], "confirmed_by": len(att.story.outlets), "note": note},
        now=now,
    )
    result.updates += 1
