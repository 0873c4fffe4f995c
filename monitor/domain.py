"""Frozen values passed between stages: Item (fetch/parse → store → rules), Observation (rules →
facts/stories), Evidence (why a rule fired). No I/O here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Severity = Literal["alert", "digest"]
ObservationKind = Literal["match", "claim", "ruling", "amount"]


def as_utc(dt: datetime) -> datetime:
    """Aware UTC. A naive datetime is taken as UTC already: SQLite hands back the UTC values we
    stored without their zone, and feeds and command lines often give none."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Item:
    """One normalised entry of a source: what is stored and what rules read.

    `key` is stable per source (guid, else link, else a hash of title and date); `content_hash`
    changes when the publisher edits title, text or link. `extra` carries kind-specific fields
    (for court dockets: case number, entry number, entry type, document link).
    """

    source: str
    key: str
    title: str
    text: str
    url: str | None
    published: datetime
    published_guessed: bool = False
    language: str | None = None
    author: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Derived once (parse, store and match all compare it): not an argument.
    content_hash: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "content_hash", content_hash(self.title, self.text, self.url, self.extra)
        )


def content_hash(title: str, text: str, url: str | None, extra: Mapping[str, Any]) -> str:
    """Hash of what a reader sees; an edit to any of it is an edit of the item."""
    h = hashlib.blake2b(digest_size=16)
    # Most items have no extra: json.dumps of {} is "{}" and costs ~2 µs an item of a cold poll.
    fields = json.dumps(dict(extra), sort_keys=True, default=str) if extra else "{}"
    for part in (title, text, url or "", fields):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence that made a rule fire, with the character spans to highlight in it."""

    sentence: str
    highlights: tuple[tuple[int, int], ...] = ()

    def marked(self, left: str = "*", right: str = "*") -> str:
        """The sentence with each highlight wrapped in `left`/`right` (no escaping: callers do)."""
        out: list[str] = []
        pos = 0
        for start, end in sorted(self.highlights):
            if start < pos:
                continue
            out.append(self.sentence[pos:start])
            out.append(left + self.sentence[start:end] + right)
            pos = end
        out.append(self.sentence[pos:])
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Observation:
    """What one rule saw in one item.

    `subject` names the tracked thing (`claim:<topic>`, `ruling:<topic>:<kind>`,
    `match:<rule>`); `value` is JSON-able and normalised, `value_key` compares values (two
    observations with the same subject and value_key say the same thing); `display` is how a
    person reads the value ("up to $134bn").
    """

    rule: str
    topic: str
    kind: ObservationKind
    subject: str
    value: Mapping[str, Any]
    value_key: str
    display: str
    severity: Severity
    evidence: Evidence
    # How many independent outlets must report the value before it becomes a fact
    # (a court document counts as enough on its own).
    corroboration: int = 1
    # The detector found the value doubtful (e.g. a 10x jump that looks like a mistranslation).
    suspect: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """One outlet's report of a development."""

    outlet: str
    title: str
    url: str | None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class AlertDraft:
    """Everything a notifier needs to tell one development and why it fired.

    kind: claim (first value) | claim_change | ruling | match | amount | source_down |
    source_recovered | source_silent. `headline` is what happened ("Claimed amount: up to $134bn
    → $150bn"); `evidence` is the sentence that matched, with the value highlighted; `links`
    are the outlets (first reporter first). Stored as JSON in alert.payload (`to_json`).
    """

    kind: str
    headline: str
    severity: Severity
    topic: str | None = None
    rule: str | None = None
    summary: str = ""
    old_value: str | None = None
    new_value: str | None = None
    evidence: Evidence | None = None
    links: tuple[Link, ...] = ()
    first_reported_by: str | None = None
    first_reported_at: datetime | None = None
    confirmed_by: int = 0
    from_court: bool = False
    document_url: str | None = None
    story_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "headline": self.headline,
            "severity": self.severity,
            "topic": self.topic,
            "rule": self.rule,
            "summary": self.summary,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "evidence": None
            if self.evidence is None
            else {
                "sentence": self.evidence.sentence,
                "highlights": [list(h) for h in self.evidence.highlights],
            },
            "links": [
                {
                    "outlet": link.outlet,
                    "title": link.title,
                    "url": link.url,
                    "published": link.published.isoformat() if link.published else None,
                    "language": link.language,
                }
                for link in self.links
            ],
            "first_reported_by": self.first_reported_by,
            "first_reported_at": self.first_reported_at.isoformat()
            if self.first_reported_at
            else None,
            "confirmed_by": self.confirmed_by,
            "from_court": self.from_court,
            "document_url": self.document_url,
            "story_id": self.story_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AlertDraft:
        ev = data.get("evidence")
        return cls(
            kind=data["kind"],
            headline=data["headline"],
            severity=data.get("severity", "alert"),
            topic=data.get("topic"),
            rule=data.get("rule"),
            summary=data.get("summary", ""),
            old_value=data.get("old_value"),
            new_value=data.get("new_value"),
            evidence=None
            if not ev
            else Evidence(ev["sentence"], tuple((int(a), int(b)) for a, b in ev["highlights"])),
            links=tuple(
                Link(
                    outlet=link["outlet"],
                    title=link["title"],
                    url=link.get("url"),
                    published=datetime.fromisoformat(link["published"])
                    if link.get("published")
                    else None,
                    language=link.get("language"),
                )
                for link in data.get("links", [])
            ),
            first_reported_by=data.get("first_reported_by"),
            first_reported_at=datetime.fromisoformat(data["first_reported_at"])
            if data.get("first_reported_at")
            else None,
            confirmed_by=int(data.get("confirmed_by", 0)),
            from_court=bool(data.get("from_court", False)),
            document_url=data.get("document_url"),
            story_id=data.get("story_id"),
        )
