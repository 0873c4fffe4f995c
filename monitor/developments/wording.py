"""The words a reader sees: an alert drafted from a development (a claim that changed, a ruling,
a rule's match) and the note of a thread update. Input: the story and its reports; output:
AlertDraft values and notes. Reads the story's items; writes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from monitor.developments.facts import Change
from monitor.domain import AlertDraft, Link, Observation
from monitor.storage import findings as q
from monitor.storage.models import Story

MAX_LINKS = 10


def outlet_name(extra: Mapping[str, Any] | None, source: str) -> str:
    """Who reported an item: the court, the outlet a news search names, or the source."""
    extra = extra or {}
    docket = extra.get("docket")
    if isinstance(docket, dict):
        return f"court record ({docket.get('court') or 'docket'})"
    return str(extra.get("outlet") or source)


def document_url(extra: Mapping[str, Any] | None) -> str | None:
    """The court document of a docket item."""
    docket = (extra or {}).get("docket")
    if isinstance(docket, dict) and docket.get("document_url"):
        return str(docket["document_url"])
    return None


def link_json(link: Link) -> dict[str, Any]:
    return {"outlet": link.outlet, "title": link.title, "url": link.url, "language": link.language}


def story_links(session: Session, story: Story) -> tuple[Link, ...]:
    out: list[Link] = []
    seen: set[str] = set()
    for extra, source, title, url, published, language in q.story_item_links(
        session, story.id or 0, limit=50
    ):
        outlet = outlet_name(extra, source)
        if outlet in seen:
            continue
        seen.add(outlet)
        doc = document_url(extra)
        out.append(
            Link(outlet=outlet, title=title, url=doc or url, published=published, language=language)
        )
        if len(out) >= MAX_LINKS:
            break
    return tuple(out)


def _common(session: Session, obs: Observation, story: Story) -> dict[str, Any]:
    links = story_links(session, story)
    return {
        "severity": obs.severity,
        "topic": obs.topic,
        "rule": obs.rule,
        "evidence": obs.evidence,
        "links": links,
        "first_reported_by": links[0].outlet if links else None,
        "first_reported_at": (links[0].published if links else None) or story.first_seen_at,
        "confirmed_by": len(story.outlets),
        "from_court": story.from_court,
        "document_url": next(
            (lk.url for lk in links if lk.outlet.startswith("court record")), None
        ),
        "story_id": story.id,
    }


def claim_alert(session: Session, obs: Observation, change: Change, story: Story) -> AlertDraft:
    fact = change.fact
    common = _common(session, obs, story)
    provenance = f"first reported by {common['first_reported_by'] or fact.first_source}, confirmed by {len(fact.outlets)} outlets"
    if change.previous is None:
        headline = f"Claim amount: {fact.display}"
        summary = f"First reported claim in {obs.topic}: {fact.display}, {provenance}."
        kind = "claim"
    else:
        headline = f"Claim amount: {change.previous.display} → {fact.display}"
        summary = f"The claimed amount changed from {change.previous.display} to {fact.display}; {provenance}."
        kind = "claim_change"
    return AlertDraft(
        kind=kind,
        headline=headline,
        summary=summary,
        old_value=change.previous.display if change.previous else None,
        new_value=fact.display,
        **common,
    )


def ruling_alert(session: Session, obs: Observation, story: Story) -> AlertDraft:
    kind = str(obs.value.get("kind", "other")).replace("_", " ")
    outcome = str(obs.value.get("outcome") or obs.display)
    where = (
        "from the court record" if story.from_court else f"reported by {len(story.outlets)} outlets"
    )
    return AlertDraft(
        kind="ruling",
        headline=f"Ruling ({kind}): {outcome}",
        summary=f"{outcome[:1].upper() + outcome[1:]} ({where}).",
        new_value=outcome,
        **_common(session, obs, story),
    )


def match_alert(session: Session, obs: Observation, story: Story) -> AlertDraft:
    return AlertDraft(
        kind=obs.kind,
        headline=f"{obs.rule}: {story.title}",
        summary=f"Rule {obs.rule} matched: {obs.display}",
        new_value=obs.display,
        **_common(session, obs, story),
    )


def update_note(outlet: str, story: Story, *, court: bool) -> str:
    """What a thread update says of the report it adds."""
    if court:
        return "confirmed by the court record"
    languages = len(story.languages)
    return f"also reported by {outlet} ({len(story.outlets)} outlets" + (
        f" in {languages} languages)" if languages > 1 else ")"
    )
