"""Tracked facts: observations of one subject (the claimed amount) → the current value with
provenance. A change is raised only when a different value is corroborated by enough outlets
(or one court document); a value that looks like a scale error is held as suspect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Literal, cast

from sqlmodel import Session

from monitor.domain import Observation
from monitor.storage import findings as q
from monitor.storage.models import Fact

# A suspect value needs this many more outlets than the rule asks before it is believed.
SUSPECT_EXTRA_OUTLETS = 2


@dataclass(frozen=True, slots=True)
class Change:
    """A fact became current: the first value of its subject, or a new one replacing `previous`."""

    kind: Literal["first", "change"]
    fact: Fact
    previous: Fact | None


def fact_key(obs: Observation) -> str:
    """What makes two claim values the same development: the upper figure (else the lower).

    "up to $134bn", "$79bn–$134bn" and "a $134bn claim" restate one claim; "$150bn" is new.
    """
    if obs.kind != "claim":
        return obs.value_key
    high, low = obs.value.get("high"), obs.value.get("low")
    return f"high:{_num(high)}" if high is not None else f"low:{_num(low)}"


def _num(value: object) -> str:
    try:
        return str(Decimal(str(value)).normalize())
    except (InvalidOperation, ValueError):
        return str(value)


def _richness(value: dict[str, object]) -> int:
    return sum(1 for k in ("low", "high") if value.get(k) is not None)


FactStatus = Literal["pending", "suspect", "current", "past"]


def decide(
    status: FactStatus,
    *,
    amount: Decimal | None,
    current_amount: Decimal | None,
    outlets: int,
    from_court: bool,
    corroboration: int,
) -> FactStatus:
    """The status a fact takes now that one more report was counted: the whole decision, without
    storage. A value already decided stays so ("current", or "past": an old figure restated is
    not news). A new value is suspect when it is the current one times a power of ten (the
    classic mistranslation of billion/trillion or a misplaced separator), and needs
    SUSPECT_EXTRA_OUTLETS more outlets; it becomes current once the court record or enough
    outlets (`corroboration`, at least 1) report it, else it waits ("pending" or "suspect")."""
    if status in ("current", "past"):
        return status
    if status == "pending" and scale_error(amount, current_amount):
        status = "suspect"
    needed = max(1, corroboration) + (SUSPECT_EXTRA_OUTLETS if status == "suspect" else 0)
    return "current" if from_court or outlets >= needed else status


def scale_error(new: Decimal | None, current: Decimal | None) -> bool:
    """True when `new` is `current` times 10, 100 or 1,000 (either way, within 2 %)."""
    if new is None or current is None or new == 0 or current == 0:
        return False
    ratio = new / current if new > current else current / new
    return any(
        abs(ratio - p) / p < Decimal("0.02") for p in (Decimal(10), Decimal(100), Decimal(1000))
    )


def amount_of(value: Mapping[str, object]) -> Decimal | None:
    """The figure a claim value is compared by: its upper bound, else its lower one."""
    raw = value.get("high") if value.get("high") is not None else value.get("low")
    try:
        return Decimal(str(raw)) if raw is not None else None
    except InvalidOperation:
        return None


def observe(
    session: Session,
    obs: Observation,
    *,
    item_id: int,
    outlet: str,
    from_court: bool,
    now: datetime,
) -> tuple[Fact, Change | None]:
    """Record that `outlet` reported `obs`; return the fact and the change it caused, if any."""
    key = fact_key(obs)
    fact = q.get_or_create_fact(
        session,
        {
            "subject": obs.subject,
            "topic": obs.topic,
            "value_key": key,
            "value": dict(obs.value),
            "display": obs.display,
            "status": "suspect" if obs.suspect else "pending",
            "first_item_id": item_id,
            "first_source": outlet,
            "first_seen_at": now,
            "outlets": [],
            "from_court": from_court,
        },
    )
    if outlet not in fact.outlets:
        fact.outlets = [*fact.outlets, outlet]
    if from_court:
        fact.from_court = True
    if _richness(dict(obs.value)) > _richness(fact.value):
        fact.value, fact.display = dict(obs.value), obs.display  # "up to 134" → "79 to 134"
    if fact.status in ("current", "past"):
        session.add(fact)
        return fact, None

    current = q.current_fact(session, obs.subject)
    fact.status = decide(
        cast(FactStatus, fact.status),
        amount=amount_of(fact.value),
        current_amount=amount_of(current.value) if current is not None else None,
        outlets=len(fact.outlets),
        from_court=fact.from_court,
        corroboration=obs.corroboration,
    )
    if fact.status != "current":
        session.add(fact)
        return fact, None

    fact.status = "current"
    fact.confirmed_at = now
    change = Change("first", fact, None)
    if current is not None and current.id != fact.id:
        current.status = "past"
        fact.previous_value_key, fact.previous_display = current.value_key, current.display
        session.add(current)
        change = Change("change", fact, current)
    session.add(fact)
    session.flush()
    return fact, change
