"""The words a reader sees: an alert drafted from a development (a claim that changed, a ruling,
a rule's match) and the note of a thread update, in the readers' language (en, fr). Input: the
story and its reports; output: AlertDraft values and notes. Reads the story; writes nothing.

Headlines are written from what was read, never cut from a sentence: "Ruling: preliminary
injunction denied (N.D. Cal., 4 Mar 2025)", "Claimed amount: up to $134bn → $150bn"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from monitor.developments.facts import Change
from monitor.developments.stories import DecisionKey
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


def story_links(session: Session, story: Story) -> tuple[tuple[Link, ...], str | None]:
    """The story's outlets with a link each (first reporter first, at most MAX_LINKS), and its
    court document: only a docket item's (a news item cannot name one, whatever its feed says)."""
    out: list[Link] = []
    seen: set[str] = set()
    court_doc: str | None = None
    for extra, source, title, url, published, language in q.story_item_links(
        session, story.id or 0, limit=50
    ):
        doc = document_url(extra)
        court_doc = court_doc or doc
        outlet = outlet_name(extra, source)
        if outlet in seen or len(out) >= MAX_LINKS:
            continue
        seen.add(outlet)
        out.append(
            Link(outlet=outlet, title=title, url=doc or url, published=published, language=language)
        )
    return tuple(out), court_doc


def _common(session: Session, obs: Observation, story: Story) -> dict[str, Any]:
    links, court_doc = story_links(session, story)
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
        "document_url": court_doc,
        "story_id": story.id,
    }


# --- words per language ----------------------------------------------------------------------

_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
}
# question → (English noun phrase, French noun phrase, French gender)
_QUESTIONS: dict[str, tuple[str, str, str]] = {
    "preliminary_injunction": ("preliminary injunction", "injonction préliminaire", "f"),
    "dismissal": ("motion to dismiss", "requête en irrecevabilité", "f"),
    "summary_judgment": ("summary judgment", "jugement sommaire", "m"),
    "strike_defences": ("motion to strike defences", "requête en rejet de moyens de défense", "f"),
    "counterclaims": ("counterclaims", "demandes reconventionnelles", "fp"),
    "evidence": ("evidence and expert testimony", "preuves et expertise", "fp"),
    "fees": ("legal fees", "frais de justice", "mp"),
    "post_trial": ("post-trial motion", "requête après procès", "f"),
    "discovery": ("discovery", "communication de pièces", "f"),
    "trial_date": ("trial date", "date du procès", "f"),
}
# What a result means for the counterclaims: the motion decided is the plaintiff's, to dismiss them.
_COUNTERCLAIMS = {
    "en": {"denied": "counterclaims allowed to proceed", "granted": "counterclaims dismissed",
           "granted_in_part": "counterclaims dismissed in part"},
    "fr": {"denied": "demandes reconventionnelles maintenues",
           "granted": "demandes reconventionnelles rejetées",
           "granted_in_part": "demandes reconventionnelles rejetées en partie"},
}  # fmt: skip
_RESULTS: dict[str, dict[str, str]] = {
    "en": {"granted": "granted", "denied": "denied", "granted_in_part": "granted in part"},
    "fr": {"granted": "accordé", "denied": "rejeté", "granted_in_part": "accordé en partie"},
}
_WORDS = {
    "en": {
        "ruling": "Ruling",
        "ruling_on": "Ruling on the {q}",
        "verdict": "Verdict",
        "verdict_barred": "claims found time-barred",
        "verdict_returned": "verdict returned",
        "appeal": "Appeal",
        "trial_set": "trial date set",
        "trial_set_for": "trial set for {d}",
        "trial_moved": "trial date moved",
        "reported": "reported {d}",
        "claim": "Claimed amount",
        "claim_first": "The first claimed amount reported in {case}.",
        "claim_change": "A new claimed amount in {case}.",
        "langs": " in {k} languages",
        "court_record": "From the court record.",
        "also": "also reported by {outlet} ({n} outlets{langs})",
        "confirmed_court": "confirmed by the court record",
        "quote": "“{title}” ({outlet}).",
        "matched": "{rule}: {title}",
        "pending": "waiting for a second outlet",
    },
    "fr": {
        "ruling": "Décision",
        "ruling_on": "Décision sur {q}",
        "verdict": "Verdict",
        "verdict_barred": "demandes jugées prescrites",
        "verdict_returned": "verdict rendu",
        "appeal": "Appel",
        "trial_set": "date du procès fixée",
        "trial_set_for": "procès fixé au {d}",
        "trial_moved": "date du procès reportée",
        "reported": "annoncée le {d}",
        "claim": "Montant réclamé",
        "claim_first": "Premier montant réclamé annoncé dans {case}.",
        "claim_change": "Nouveau montant réclamé dans {case}.",
        "langs": " en {k} langues",
        "court_record": "Selon le dossier du tribunal.",
        "also": "également rapporté par {outlet} ({n} médias{langs})",
        "confirmed_court": "confirmé par le dossier du tribunal",
        "quote": "« {title} » ({outlet}).",
        "matched": "{rule} : {title}",
        "pending": "en attente d'un second média",
    },
}
_APPEAL = {
    "en": {
        "appeal docketed": "appeal docketed",
        "notice of appeal filed": "notice of appeal filed",
    },
    "fr": {
        "appeal docketed": "appel enregistré",
        "notice of appeal filed": "déclaration d'appel déposée",
    },
}
# Words of an outcome that moved a trial date ("reporté", not "reported").
_MOVED = ("moved", "postpon", "pushed", "delay", "continued", "reporté", "repoussé", "verschob",
          "aplaz", "pospus", "rinvi", "adiou", "延")  # fmt: skip
_BARRED = ("time-barred", "statute of limitations", "too late", "waited too long", "prescri",
           "verjahr", "verjähr", "时效", "時效", "時効")  # fmt: skip


def _lang(language: str) -> str:
    return language if language in _WORDS else "en"


def _w(language: str, key: str, **values: object) -> str:
    return _WORDS[_lang(language)][key].format(**values)


def day_text(day: date, language: str) -> str:
    """4 Mar 2025 / 4 mars 2025."""
    return f"{day.day} {_MONTHS[_lang(language)][day.month - 1]} {day.year}"


def _result_fr(result: str, gender: str) -> str:
    word = _RESULTS["fr"][result]
    first, _, rest = word.partition(" ")
    suffix = {"f": "e", "fp": "es", "mp": "s"}.get(gender, "")
    return (first + suffix + (" " + rest if rest else "")).strip()


def _punct(language: str) -> str:
    return " : " if _lang(language) == "fr" else ": "


def amount_text(value: Mapping[str, Any], language: str, fallback: str) -> str:
    """A claimed amount as the readers write it: "up to $134bn" / "jusqu'à 134 Md$"."""
    if _lang(language) == "en":
        return fallback  # the rule's own display ("up to $134bn"), kept with the value
    low, high = _dec(value.get("low")), _dec(value.get("high"))
    currency = str(value.get("currency") or "") or None
    if low is None and high is None:
        return fallback

    def fr(v: Decimal) -> str:
        return _fr_amount(v, currency)

    if low is not None and high is not None:
        return fr(low) if low == high else f"de {fr(low)} à {fr(high)}"
    if high is not None:
        return f"jusqu'à {fr(high)}"
    assert low is not None
    return f"plus de {fr(low)}"


def _fr_amount(value: Decimal, currency: str | None) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(
        currency or "", f" {currency}" if currency else ""
    )
    for size, unit in (
        (Decimal(10) ** 12, "Bn"),
        (Decimal(10) ** 9, "Md"),
        (Decimal(10) ** 6, "M"),
    ):
        if abs(value) >= size:
            n = (value / size).quantize(Decimal("0.01")).normalize()
            figure = format(n, "f").replace(".", ",")
            return f"{figure} {unit}{symbol}"
    return f"{format(value.normalize(), 'f').replace('.', ',')}{symbol}"


def _dec(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _case(obs: Observation, value: Mapping[str, Any] | None = None) -> str:
    return str((value or obs.value).get("case") or obs.topic)


def _court(story: Story, language: str) -> str:
    """The outlets and who reported first are the notifiers' to list; the court record is
    said here, since it is why a ruling needs no second outlet."""
    return " " + _w(language, "court_record") if story.from_court else ""


def _quote(links: Sequence[Link], language: str) -> str:
    """The best original headline: the first report's title (reports come first first)."""
    best = next((lk for lk in links if lk.title), None)
    if best is None or not best.title:
        return ""
    return " " + _w(language, "quote", title=best.title, outlet=best.outlet)


# --- claims ----------------------------------------------------------------------------------


def claim_alert(
    session: Session, obs: Observation, change: Change, story: Story, *, language: str = "en"
) -> AlertDraft:
    fact = change.fact
    common = _common(session, obs, story)
    new = amount_text(fact.value, language, fact.display)
    old = (
        amount_text(change.previous.value, language, change.previous.display)
        if change.previous
        else None
    )
    label = _w(language, "claim")
    if old is None:
        headline = f"{label}{_punct(language)}{new}"
        lead = _w(language, "claim_first", case=_case(obs), value=new)
        kind = "claim"
    else:
        headline = f"{label}{_punct(language)}{old} → {new}"
        lead = _w(language, "claim_change", case=_case(obs), old=old, new=new)
        kind = "claim_change"
    links = common["links"]
    return AlertDraft(
        kind=kind,
        headline=headline,
        summary=f"{lead}{_quote(links, language)}",
        old_value=old,
        new_value=new,
        **common,
    )


# --- rulings ---------------------------------------------------------------------------------


def story_ruling(values: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What a story's reports say was decided: the court record's reading when it has one,
    else the kind most reports give (ties: the first report's), and for that kind the question,
    result and outcome most reports give."""
    if not values:
        return {}
    court = [v for v in values if v.get("from_court")]
    pool = court or list(values)
    named = [str(v.get("kind") or "other") for v in pool]
    kinds = Counter(named)
    decided = {k for k, v in zip(named, pool, strict=True) if v.get("result")}
    # The kind most reports give; on a tie, one whose reports say the result, then the first.
    kind = max(kinds, key=lambda k: (kinds[k], k in decided, -named.index(k)))
    same = [v for v in pool if str(v.get("kind") or "other") == kind]

    def most(key: str) -> Any:
        """The value most reports give; "other" (nothing more precise read) only alone."""
        found = Counter(v[key] for v in same if v.get(key))
        precise = Counter({k: n for k, n in found.items() if k != "other"})
        best = precise or found
        return best.most_common(1)[0][0] if best else None

    out = dict(same[0])
    out.update(
        {
            "kind": kind,
            "question": most("question"),
            "result": most("result"),
            "trial_on": most("trial_on"),
        }
    )
    return out


def ruling_headline(value: Mapping[str, Any], key: DecisionKey | None, language: str) -> str:
    lang = _lang(language)
    kind = str(value.get("kind") or "other")
    question = str(value.get("question") or "")
    result = str(value.get("result") or "")
    outcome = str(value.get("outcome") or "").lower()
    if kind == "verdict":
        barred = result == "time_barred" or any(b in outcome for b in _BARRED)
        what = _w(lang, "verdict_barred" if barred else "verdict_returned")
        head = f"{_w(lang, 'verdict')}{_punct(lang)}{what}"
    elif kind == "appeal":
        what = _APPEAL[lang].get(outcome, _APPEAL[lang]["notice of appeal filed"])
        head = f"{_w(lang, 'appeal')}{_punct(lang)}{what}"
    elif kind == "trial_schedule":
        moved = any(m in outcome for m in _MOVED)
        trial = value.get("trial_on")
        if trial and not moved:
            what = _w(lang, "trial_set_for", d=day_text(date.fromisoformat(str(trial)), lang))
        else:
            what = _w(lang, "trial_moved" if moved else "trial_set")
        head = f"{_w(lang, 'ruling')}{_punct(lang)}{what}"
    elif question == "counterclaims" and result in _COUNTERCLAIMS[lang]:
        head = f"{_w(lang, 'ruling')}{_punct(lang)}{_COUNTERCLAIMS[lang][result]}"
    elif question in _QUESTIONS and result in _RESULTS["en"]:
        en, fr, gender = _QUESTIONS[question]
        what = (
            f"{en} {_RESULTS['en'][result]}"
            if lang == "en"
            else f"{fr} {_result_fr(result, gender)}"
        )
        head = f"{_w(lang, 'ruling')}{_punct(lang)}{what}"
    elif question in _QUESTIONS:
        en, fr, gender = _QUESTIONS[question]
        if lang == "fr":
            article = {
                "f": "l'" if fr[0] in "aeiouéi" else "la ",
                "m": "le ",
                "fp": "les ",
                "mp": "les ",
            }[gender]
            head = _w(lang, "ruling_on", q=article + fr)
        else:
            head = _w(lang, "ruling_on", q=en)
    else:
        head = _w(lang, "ruling")
    where = [str(value["court"])] if value.get("court") else []
    if key is not None:
        day = day_text(key.day, lang)
        where.append(day if key.exact else _w(lang, "reported", d=day))
    return f"{head} ({', '.join(where)})" if where else head


def ruling_alert(
    session: Session,
    obs: Observation,
    story: Story,
    *,
    reading: Mapping[str, Any] | None = None,
    language: str = "en",
) -> AlertDraft:
    """The alert of a ruling story; `reading` is `story_ruling` of its reports when the caller
    has it already."""
    if reading is None:
        reading = story_ruling(q.story_values(session, story.id or 0, kind="ruling"))
    value = reading or dict(obs.value)
    key = DecisionKey.parse(story.value_key)
    headline = ruling_headline(value, key, language)
    common = _common(session, obs, story)
    links = common["links"]
    lead = f"{_case(obs, value)}{_punct(language)}{headline}."
    return AlertDraft(
        kind="ruling",
        headline=headline,
        summary=f"{lead}{_court(story, language)}{_quote(links, language)}",
        new_value=headline,
        **common,
    )


def pending_note(language: str) -> str:
    """How a ruling reported by one outlet only is shown (the digest, `monitor poll`)."""
    return _w(language, "pending")


# --- rule matches ----------------------------------------------------------------------------


def match_alert(
    session: Session, obs: Observation, story: Story, *, language: str = "en"
) -> AlertDraft:
    common = _common(session, obs, story)
    return AlertDraft(
        kind=obs.kind,
        headline=_w(language, "matched", rule=obs.rule, title=story.title),
        summary=f"{obs.display}.",
        new_value=obs.display,
        **common,
    )


def update_note(outlet: str, story: Story, *, court: bool, language: str = "en") -> str:
    """What a thread update says of the report it adds."""
    if court:
        return _w(language, "confirmed_court")
    k = len(story.languages)
    langs = _w(language, "langs", k=k) if k > 1 else ""
    return _w(language, "also", outlet=outlet, n=len(story.outlets), langs=langs)
