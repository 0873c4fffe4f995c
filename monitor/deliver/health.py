"""Source health: the `source` table (updated by each poll) → at most one "source down" or
"source silent" alert per episode and one "recovered" when it ends, raised through the outbox.

`source.health` (ok | down | silent) is the state; a transition is a compare-and-set, so two
workers checking at once alert once, and the dedup key names the episode (the last success or
the last new item before it) as a second guard."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row

from monitor.deliver import outbox
from monitor.domain import AlertDraft, as_utc
from monitor.notifiers.base import cut, one_line
from monitor.storage import notifications as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from monitor.storage.models import Alert

log = logging.getLogger(__name__)

DEFAULT_FAILURE_THRESHOLD = 3


def desired_state(
    src: q.HealthFacts, *, now: datetime, failure_threshold: int, silence: timedelta | None
) -> str:
    if src.consecutive_failures >= failure_threshold:
        return "down"
    if silence is not None:
        last = src.last_new_item_at or src.created_at
        if last is not None and as_utc(now) - as_utc(last) > silence:
            return "silent"
    return "ok"


def changes(
    conn: Connection | Session,
    *,
    now: datetime,
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
    silence: Mapping[str, timedelta | None] | None = None,
) -> list[tuple[q.HealthFacts, str, str]]:
    """(facts, current state, wanted state) of each source whose health changes now: one query,
    which a poll runs before anything is raised (most polls change nothing).

    `silence` maps a source name to its `expected_silence` (sources.yaml); sources without one are
    never "silent"; a source absent from `silence` (not polled this cycle) keeps its silent state
    rather than "recovering" for want of information."""
    found: list[tuple[q.HealthFacts, str, str]] = []
    for facts in q.health_facts(conn):
        current = facts.health or "ok"
        expected = (silence or {}).get(facts.name)
        wanted = desired_state(
            facts, now=now, failure_threshold=failure_threshold, silence=expected
        )
        unknown = silence is None or facts.name not in silence
        if wanted == current or (unknown and current == "silent" and wanted == "ok"):
            continue
        found.append((facts, current, wanted))
    return found


def check_sources(
    session: Session,
    *,
    now: datetime,
    channels: Sequence[str] | Callable[[AlertDraft], Sequence[str]],
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
    silence: Mapping[str, timedelta | None] | None = None,
) -> list[Alert]:
    """Raise the health alerts due now (see `changes`), in the caller's transaction.

    `channels`: channel names, or a function of the draft that picks them (routing filters).
    Returns the alerts raised."""
    raised: list[Alert] = []
    due = changes(session, now=now, failure_threshold=failure_threshold, silence=silence)
    for facts, current, wanted in due:
        src = q.source_row(session, facts.id)
        if src is None or not q.set_health(session, facts.id, old=current, new=wanted):
            continue  # removed, or another worker made this transition (and raised its alert)
        expected = (silence or {}).get(facts.name)
        draft, key = _draft(src, old=current, new=wanted, now=now, silence=expected)
        names = channels(draft) if callable(channels) else channels
        alert = outbox.raise_alert(
            session, draft, dedup_key=key, story_id=None, channels=names, now=now
        )
        log.info("source_health source=%s from=%s to=%s", src.name, current, wanted)
        if alert is not None:
            raised.append(alert)
    return raised


def _episode(src: Row[Any], state: str) -> str:
    mark = src.last_success_at if state == "down" else src.last_new_item_at or src.created_at
    return as_utc(mark).isoformat() if mark else "never"


def _draft(
    src: Row[Any], *, old: str, new: str, now: datetime, silence: timedelta | None
) -> tuple[AlertDraft, str]:
    name = one_line(src.name)
    if new == "down":
        error = cut(one_line(src.last_error), 300) if src.last_error else "unknown error"
        headline = f"Source down: {name} ({src.consecutive_failures} failed polls: {error})"
        summary = f"{name} failed {src.consecutive_failures} times in a row. Last error: {error}."
        if src.last_success_at:
            summary += f" Last success: {as_utc(src.last_success_at):%Y-%m-%d %H:%M} UTC."
        kind = "source_down"
    elif new == "silent":
        last = src.last_new_item_at
        since = f"since {as_utc(last):%Y-%m-%d %H:%M} UTC" if last else "ever"
        headline = f"Source silent: {name} (no new item {since})"
        summary = f"{name} is reachable but published nothing new {since}"
        if silence is not None:
            summary += f", longer than its expected silence of {silence}"
        summary += "."
        kind = "source_silent"
    else:
        headline = f"Source recovered: {name}"
        summary = f"{name} works again (was {old})."
        kind = "source_recovered"
    episode = _episode(src, old if new == "ok" else new)
    key = f"health:{src.name}:{new if new != 'ok' else 'recovered-from-' + old}:{episode}"
    draft = AlertDraft(kind=kind, headline=headline, severity="alert", summary=summary)
    return draft, key
