"""`monitor classify`: run the configured rules on JSON lines ({id, text, title?, lang?, url?,
published?}) and answer one JSON line each: relevant, claimed amount in USD, ruling, rules
matched. It is how the detectors are measured (bench/classify_eval.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from monitor.domain import Item, Observation, as_utc
from monitor.errors import MonitorError
from monitor.rules import Evaluation, RuleSet


class InputLineError(MonitorError):
    """A line of the input is not a record we can classify (names the line)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"input line {line}: {message}")
        self.line = line


def _published(value: Any) -> datetime:
    if isinstance(value, str) and value.strip():
        text = value.strip()
        for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m", "%Y"):
            try:
                parsed = datetime.strptime(text.replace("Z", "+0000"), fmt)
            except ValueError:
                continue
            return as_utc(parsed)
    return datetime.now(UTC)


def item_from_record(record: Mapping[str, Any], line: int) -> Item:
    """An Item from one input record; a missing or mistyped field raises InputLineError."""
    rid = record.get("id")
    text = record.get("text")
    if rid is None or not isinstance(rid, str | int):
        raise InputLineError(line, "'id' is missing or not a string")
    if not isinstance(text, str):
        raise InputLineError(line, "'text' is missing or not a string")
    for key in ("title", "lang", "url", "published"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputLineError(line, f"'{key}' must be a string or null")
    extra = record.get("extra")
    return Item(
        source="classify",
        key=str(rid),
        title=record.get("title") or "",
        text=text,
        url=record.get("url") or record.get("source_url"),
        published=_published(record.get("published")),
        language=record.get("lang") or None,
        extra=extra if isinstance(extra, Mapping) else {},
    )


def _number(value: str | None) -> int | float | None:
    if value is None:
        return None
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def _first(
    observations: Iterable[Observation], kind: str, topics: tuple[str, ...]
) -> Observation | None:
    for topic in topics:
        for obs in observations:
            if obs.kind == kind and obs.topic == topic:
                return obs
    return None


def answer(record_id: str, evaluation: Evaluation) -> dict[str, Any]:
    """The JSON answer for one record."""
    topics = evaluation.relevant_topics
    claim = _first(evaluation.observations, "claim", topics)
    ruling = _first(evaluation.observations, "ruling", topics)
    out: dict[str, Any] = {
        "id": record_id,
        "relevant": bool(topics),
        "claim_amount_usd": None,
        "ruling": None,
        "rules": list(evaluation.matched_rules),
        "topics": list(topics),
        "language": evaluation.language,
    }
    if claim is not None:
        out["claim_amount_usd"] = {
            "low": _number(claim.value.get("low")),
            "high": _number(claim.value.get("high")),
        }
        out["claim_display"] = claim.display
        out["claim_suspect"] = claim.suspect
        out["claim_evidence"] = claim.evidence.marked("[", "]")
    if ruling is not None:
        out["ruling"] = {
            k: ruling.value[k]
            for k in ("kind", "outcome", "question", "result", "decided_on")
            if k in ruling.value
        }
    return out


def classify_lines(ruleset: RuleSet, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One answer per non-blank input line; a bad line raises InputLineError (earlier answers
    have been yielded)."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputLineError(number, f"not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(record, Mapping):
            raise InputLineError(number, "expected a JSON object")
        item = item_from_record(record, number)
        yield answer(item.key, ruleset.evaluate(item))
