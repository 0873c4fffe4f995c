"""A topic (one dispute): its parties, case numbers, judges and relevance query, as written in
`rules/<topic>.yaml` under `topic:`. Compiled once into term ids and party regexes; answers
"is this item about the dispute?" and "is this sentence about another case?"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from monitor.parse.textnorm import fold_str
from monitor.rules.base import Document
from monitor.rules.lexicon import alternation
from monitor.rules.lexicon.claims import FROM_ONE_DEFENDANT, ONE_DEFENDANT_OWES, PER_DEFENDANT
from monitor.rules.lexicon.rulings import PLAINTIFF_MOTION
from monitor.rules.query import CompiledQuery, Query, TermIndex, compile_query


class Party(BaseModel):
    """A party and the names the press uses for it (any language or script)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    aliases: list[str] = Field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Parties(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    plaintiffs: list[Party] = Field(min_length=1)
    defendants: list[Party] = Field(min_length=1)


class Topic(BaseModel):
    """One dispute: who is suing whom, the case numbers, and when an item is about it.

    `relevance` is a query over the title, the text and the words of the link (`none` terms
    read the title and text only); groups `@plaintiffs`, `@defendants`, `@case_numbers`,
    `@judges` and your own `groups` can be used in it. Sentences holding a `none` term of the
    relevance query are skipped by the claim and ruling rules (another case mentioned in passing).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    # How alerts name the court that decides ("N.D. Cal."); empty: not named.
    court: str = ""
    case_numbers: list[str] = Field(default_factory=list)
    case_names: list[str] = Field(default_factory=list)
    parties: Parties
    judges: list[str] = Field(default_factory=list)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    relevance: Query
    read_url: bool = True


def case_key(number: str) -> str:
    """The comparable form of a docket number: "4:24-cv-04722-YGR" and "4:24-cv-4722" give
    "4:24-cv-04722" (judge initials and zero padding dropped)."""
    m = re.search(r"(\d+):(\d{2})-([a-z]{2})-0*(\d+)", number.lower())
    if not m:
        return re.sub(r"[^0-9a-z:]+", "-", number.lower()).strip("-")
    return f"{m.group(1)}:{m.group(2)}-{m.group(3)}-{int(m.group(4)):05d}"


def _names_re(names: list[str]) -> str:
    folded = [fold_str(n).strip() for n in names if n.strip()]
    return "(?:" + alternation(folded) + ")"


@dataclass(frozen=True)
class CompiledTopic:
    slug: str
    name: str
    court: str
    relevance: CompiledQuery
    strong_ids: frozenset[int]
    exclusion_ids: frozenset[int]
    read_url: bool
    case_keys: frozenset[str]
    plaintiff_re: re.Pattern[str]
    defendant_res: tuple[re.Pattern[str], ...]
    judge_re: re.Pattern[str] | None
    per_defendant: tuple[re.Pattern[str], ...]
    # Per defendant: (figure "from <this defendant>", this defendant owes / pays a figure).
    payer_res: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]
    plaintiff_motion: tuple[re.Pattern[str], ...]
    groups: dict[str, list[str]]

    def relevant(self, doc: Document) -> tuple[bool, str]:
        """Whether the item is about the topic, and why."""
        docket = doc.item.extra.get("docket") if doc.item.extra else None
        if isinstance(docket, dict) and docket.get("case_number"):
            key = case_key(str(docket["case_number"]))
            if key in self.case_keys:
                return True, f"docket case {docket['case_number']}"
            return False, f"docket case {docket['case_number']} is not one of this topic's"
        text_hits = doc.text_hits
        hits = text_hits | doc.url_hits if self.read_url else text_hits
        strong = hits & self.strong_ids
        if strong:
            return True, "case number or case name found"
        return self.relevance.why(hits, text_hits, doc.lang)

    def sentence_excluded(self, doc: Document, i: int) -> bool:
        """A sentence about another case ("the Tesla pay package ...") for claims and rulings."""
        hits = doc.hits(i)
        return bool(hits & self.exclusion_ids) and not (hits & self.strong_ids)

    def payer_after(self, folded: str) -> int | None:
        """Which single defendant a figure is asked from ("... from OpenAI, while ..."), if any."""
        for k, (from_re, _) in enumerate(self.payer_res):
            if from_re.search(folded):
                return k
        return None

    def payers_in(self, folded: str) -> set[int]:
        """The defendants a text makes pay a figure on their own ("Microsoft would owe ...")."""
        return {
            k
            for k, (from_re, owes_re) in enumerate(self.payer_res)
            if from_re.search(folded) or owes_re.search(folded)
        }

    def defendants_in(self, folded: str) -> int:
        """How many distinct defendants a (folded) text names."""
        return sum(1 for r in self.defendant_res if r.search(folded))


def compile_topic(topic: Topic, index: TermIndex) -> CompiledTopic:
    plaintiffs = [n for p in topic.parties.plaintiffs for n in p.names]
    defendants = [n for p in topic.parties.defendants for n in p.names]
    groups: dict[str, list[str]] = {
        "plaintiffs": plaintiffs,
        "defendants": defendants,
        "case_numbers": list(topic.case_numbers),
        "case_names": list(topic.case_names),
        "judges": list(topic.judges),
        **topic.groups,
    }
    groups = {k: v for k, v in groups.items() if v}
    relevance = compile_query(topic.relevance, index, groups=groups)
    strong = frozenset(index.add(n) for n in [*topic.case_numbers, *topic.case_names])
    def_re = _names_re(defendants)
    pl_re = _names_re(plaintiffs)
    return CompiledTopic(
        slug=topic.slug,
        name=topic.name,
        court=topic.court,
        relevance=relevance,
        strong_ids=strong,
        exclusion_ids=relevance.none_ids(),
        read_url=topic.read_url,
        case_keys=frozenset(case_key(n) for n in topic.case_numbers),
        plaintiff_re=re.compile(pl_re),
        defendant_res=tuple(re.compile(_names_re(p.names)) for p in topic.parties.defendants),
        judge_re=re.compile(_names_re(topic.judges)) if topic.judges else None,
        per_defendant=tuple(re.compile(p.format(DEF=def_re)) for p in PER_DEFENDANT),
        payer_res=tuple(
            (
                re.compile(FROM_ONE_DEFENDANT.format(DEF=_names_re(p.names))),
                re.compile(ONE_DEFENDANT_OWES.format(DEF=_names_re(p.names))),
            )
            for p in topic.parties.defendants
        ),
        plaintiff_motion=tuple(re.compile(p.format(PL=pl_re)) for p in PLAINTIFF_MOTION),
        groups=groups,
    )
