"""What the docket source kinds (court-rss, courtlistener) share: case numbers and the `cases`
filter, the stable key of a docket entry, the Item it becomes, and overlap detection between
two polls. Input: fields of one docket entry. Output: Items with `extra["docket"]`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.domain import Item
from monitor.sources.base import Parsed

MAX_TEXT_CHARS = 20_000

# District and bankruptcy: `4:24-cv-04722-YGR`, `1:12-cv-04402-PKC-CLP`, `16-10992-smb`;
# appellate: `25-1234`. Office, year, case type, number, then judges' initials (ignored).
_CASE = re.compile(
    r"^(?:(?P<office>\d{1,2}):)?(?P<year>\d{2}|\d{4})-(?:(?P<type>[a-z]{1,4})-)?"
    r"(?P<number>\d{1,7})(?:-[a-z0-9]+)*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CaseNumber:
    """A case number reduced to what identifies the case (judges' initials dropped)."""

    office: str | None
    year: str
    type: str | None
    number: int

    @classmethod
    def parse(cls, text: str) -> CaseNumber | None:
        m = _CASE.match(text.strip())
        if not m:
            return None
        office = m.group("office")
        kind = m.group("type")
        return cls(
            office=str(int(office)) if office else None,
            year=m.group("year")[-2:],
            type=kind.lower() if kind else None,
            number=int(m.group("number")),
        )

    def matches(self, other: CaseNumber) -> bool:
        """`self` is a filter: an office left out matches any office."""
        return (
            self.year == other.year
            and self.number == other.number
            and self.type == other.type
            and (self.office is None or other.office is None or self.office == other.office)
        )

    def __str__(self) -> str:
        office = f"{self.office}:" if self.office else ""
        kind = f"{self.type}-" if self.type else ""
        width = 5 if self.type else 0
        return f"{office}{self.year}-{kind}{self.number:0{width}d}"


def case_key(case_number: str) -> str:
    """The case part of an entry key: initials dropped, so a reassignment keeps keys stable."""
    parsed = CaseNumber.parse(case_number)
    return str(parsed) if parsed else case_number.strip().lower()


def parse_case_filters(values: list[str]) -> list[CaseNumber]:
    out: list[CaseNumber] = []
    for value in values:
        parsed = CaseNumber.parse(value)
        if parsed is None:
            raise ValueError(
                f"not a case number: {value!r} (use e.g. 4:24-cv-04722 or, for an appeal, 25-1234)"
            )
        out.append(parsed)
    return out


def case_selected(case_number: str, filters: list[CaseNumber]) -> bool:
    if not filters:
        return True
    parsed = CaseNumber.parse(case_number)
    return parsed is not None and any(f.matches(parsed) for f in filters)


@dataclass(frozen=True, slots=True)
class DocketEntry:
    """One row of a docket, whatever the source. `entry_type` is CM/ECF's short description
    (the bracketed text in RSS feeds, e.g. `Order on Motion for Summary Judgment`);
    `description` the docket text when the source has it, else the entry type."""

    case_number: str
    case_name: str
    court: str
    entry_number: str | None
    entry_type: str
    description: str
    document_url: str | None
    filed: datetime
    filed_guessed: bool = False

    def key(self) -> str:
        """Stable per entry across polls, and independent of the order of the feed. Feeds reuse
        GUIDs across distinct entries, so the GUID is not used; the full case number keeps the
        defendants of a criminal case apart (`1:12-cr-00120-1`, `-2`), the document link the
        entries that differ only by it. Two entries equal in all of this are one entry listed
        twice (E.D.N.Y. does that)."""
        # A date we made up (none in the entry) would change at every poll: leave it out.
        filed = "" if self.filed_guessed else self.filed.isoformat()
        basis = "\x00".join(
            (self.case_number, self.entry_type, self.description, filed, self.document_url or "")
        )
        digest = hashlib.blake2b(basis.encode(), digest_size=8).hexdigest()
        return f"{self.court}:{case_key(self.case_number)}:{self.entry_number or '-'}:{digest}"

    def to_item(self, source: str, *, key: str | None = None, url: str | None = None) -> Item:
        name = self.case_name or self.case_number
        title = f"{name} — {self.entry_type}" if self.entry_type else name
        return Item(
            source=source,
            key=key or self.key(),
            title=title[:1000],
            text=self.description[:MAX_TEXT_CHARS],
            url=self.document_url or url,
            published=self.filed,
            published_guessed=self.filed_guessed,
            language="en",
            extra={"docket": self.as_extra()},
        )

    def as_extra(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number,
            "case_name": self.case_name,
            "court": self.court,
            "entry_number": self.entry_number,
            "entry_type": self.entry_type,
            "document_url": self.document_url,
            "description": self.description,
            "filed": self.filed.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class DocketParsed(Parsed):
    """Parsed, plus the key of every entry the response held before the `cases` filter: what
    the pipeline stores as `last_keys`, so that overlap is judged on the whole feed."""

    entry_keys: list[str] = field(default_factory=list)


def overlap_warning(previous_keys: list[str] | None, current: Parsed) -> str | None:
    """A warning when this poll shares no entry with the previous one: the feed only lists
    recent entries (about a day, or the last 100 of the chosen types), so entries filed in
    between may have been missed. None on a first poll or when either poll was empty."""
    current_keys = (
        current.entry_keys if isinstance(current, DocketParsed) else [i.key for i in current.items]
    )
    if not previous_keys or not current_keys:
        return None
    if not set(previous_keys).isdisjoint(current_keys):
        return None
    return (
        f"no overlap with the previous poll ({len(previous_keys)} entries then, "
        f"{len(current_keys)} now): entries may have been missed; poll more often"
    )
