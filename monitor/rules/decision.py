"""What a reported decision decided: the question before the court (the motion), the result
(granted, denied, in part) and the day it was decided, resolved against the report's date ("on
Thursday", "am Dienstag", "este jueves 01 de mayo"). Input: the folded sentence that reports the
decision, its kind and the report's publication time; output: plain values for the ruling's
observation. Generic legal vocabulary only: names come from the rule files."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from monitor.rules.lexicon import compile_words

# The questions read from a ruling's kind and words; "other" when none is told. A ruling of kind
# "other" is told apart by its words (counterclaims, defences struck, evidence, fees, post-trial);
# the kinds that are one question each keep their own name.
OWN_QUESTION_KINDS = frozenset({"summary_judgment", "dismissal", "verdict", "appeal", "discovery"})
# fmt: off
_QUESTION_CUES: dict[str, list[str]] = {
    "counterclaims": [
        "counterclaim", "counterclaims", "counter-claims", "countersuit", "counter-suit",
        "harassment", "harcelement", "belastigung", "acoso", "molestie", "assedio",
        "must answer", "doit repondre", "muss sich ~ verantworten", "debe responder",
        "demande reconventionnelle", "demandes reconventionnelles", "widerklage", "widerklagen",
        "demanda reconvencional", "contrademanda", "domanda riconvenzionale", "reconvencao",
        "反诉", "反訴", "맞소송",
    ],
    "strike_defences": [
        "affirmative defenses", "affirmative defences", "motion to strike", "defenses", "defences",
        "moyens de defense", "einreden", "verteidigungsargumente", "defensas afirmativas",
        "difese", "defesas",
    ],
    "evidence": [
        "expert", "experts", "testimony", "testify", "evidence", "inadmissible", "admissible",
        "exhibit", "witness", "expert witness", "damages expert", "temoignage", "expertise",
        "gutachter", "sachverstandige", "zeugenaussage", "perito", "testimonio", "testimonianza",
        "testemunho", "专家", "專家", "証言", "証拠",
    ],
    "fees": ["attorneys' fees", "attorney fees", "legal fees", "frais de justice", "anwaltskosten"],
    "post_trial": ["new trial", "post-trial", "posttrial", "judgment as a matter of law"],
}
# fmt: on
_QUESTION_RES = {q: compile_words(words) for q, words in _QUESTION_CUES.items()}
_IN_PART = compile_words([
    "in part", "partially", "partly", "en partie", "partiellement", "teilweise", "en parte",
    "parcialmente", "in parte", "parzialmente", "部分", "一部",
])  # fmt: skip
_GRANT = compile_words([
    "granted", "grants", "granting", "allowed", "allows", "allowing", "approved", "approves",
    "cleared the way", "clears the way", "clearing the way", "green-lit", "greenlit",
    "gave the green light", "gives the green light", "kept alive", "keeps alive", "upheld",
    "a accorde", "a autorise", "autorise", "feu vert", "a accepte", "a valide",
    "stattgegeben", "gab _ statt", "erlaubte", "zugelassen", "grunes licht", "liess ~ zu",
    "lasst ~ zu", "concedio", "otorgo", "admitio", "permitio", "permite", "dio luz verde",
    "da luz verde", "ha accolto", "accolto", "accoglie", "ha concesso", "via libera",
    "ha ammesso", "concedeu", "acatou", "deferiu", "sinal verde", "批准", "准许", "准許", "認め",
])  # fmt: skip
_DENY = compile_words([
    "denied", "denies", "denying", "rejected", "rejects", "rejecting", "refused", "refuses",
    "refusing", "turned down", "turns down", "declined", "declines", "threw out", "throws out",
    "tossed", "tosses", "nixed", "dismissed", "dismisses", "dismissing",
    "a rejete", "rejette", "a refuse", "refuse", "a deboute", "deboute", "a ecarte", "ecarte",
    "wies", "weist", "zuruckgewiesen", "lehnte", "lehnt", "abgelehnt", "verwarf", "verworfen",
    "scheitert", "gescheitert", "denego", "deniega", "nego", "niega", "rechazo", "rechaza",
    "desestimo", "desestima", "ha respinto", "respinto", "respinge", "ha rigettato",
    "rigettato", "rigetta", "ha negato", "negou", "rejeitou", "rejeita", "indeferiu",
    "rejeitaram", "驳回", "駁回", "否决", "否決", "拒绝", "拒絕", "退け", "却下", "棄却",
    "未獲法院采納", "未获法院采纳", "未獲采納", "未获采纳", "기각했", "거부했",
    "받아들이지 않았", "bac bo", "tu choi",
])  # fmt: skip
# A failed motion reads as a loss of its mover: "Musk loses bid", "X scheitert mit Antrag".
_LOSES = compile_words([
    "loses", "lost", "fails", "failed", "defeat", "setback", "perd", "echoue", "verliert",
    "scheitert", "pierde", "perde", "fracassa", "败诉", "敗訴",
])  # fmt: skip

# The case goes on: the motion to end it before trial failed.
_GOES_ON = compile_words([
    "cleared the way", "clears the way", "clearing the way", "go to trial", "goes to trial",
    "go to a jury", "goes to a jury", "head to trial", "heads to trial", "proceed to trial",
    "must face", "face a jury", "face trial", "sent the case", "sends the case", "survive",
    "survives", "survived", "can proceed", "may proceed", "to proceed", "feu vert",
    "grunes licht", "luz verde", "via libera", "sinal verde",
])  # fmt: skip
_TIME_BARRED = compile_words([
    "time-barred", "statute of limitations", "too late", "waited too long", "prescrit",
    "prescrits", "prescrites", "prescription", "verjahrt", "verjahrung", "prescrito",
    "prescritos", "prescripcion", "prescritto", "prescrizione", "prescricao", "诉讼时效",
    "訴訟時效", "時効",
])  # fmt: skip

_MONTHS: dict[str, int] = {}
for _names in (
    "january february march april may june july august september october november december",
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "januar februar marz april mai juni juli august september oktober november dezember",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
):
    for _i, _name in enumerate(_names.split(), start=1):
        _MONTHS.setdefault(_name, _i)
for _abbr, _i in (("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7),
                  ("aug", 8), ("sep", 9), ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12)):  # fmt: skip
    _MONTHS.setdefault(_abbr, _i)
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "January 7", "Jan. 7, 2026" / "7 janvier", "7. Januar", "7 de enero de 2026" / "1月7日"
_MONTH_DAY = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:er|\.|º)?\s+(?:de\s+)?({_MONTH_ALT})\b(?:\s+(?:de\s+)?(\d{{4}}))?"
)
_CJK_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")

_WEEKDAYS: dict[str, int] = {}
for _names in (
    "monday tuesday wednesday thursday friday saturday sunday",
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "lunes martes miercoles jueves viernes sabado domingo",
    "lunedi martedi mercoledi giovedi venerdi sabato domenica",
    "segunda-feira terca-feira quarta-feira quinta-feira sexta-feira sabado domingo",
    "月曜日 火曜日 水曜日 木曜日 金曜日 土曜日 日曜日",
    "星期一 星期二 星期三 星期四 星期五 星期六 星期日",
    "周一 周二 周三 周四 周五 周六 周日",
    "週一 週二 週三 週四 週五 週六 週日",
):
    for _i, _name in enumerate(_names.split()):
        _WEEKDAYS.setdefault(_name, _i)
_WEEKDAY = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True)) + r")"
)
_YESTERDAY = compile_words(
    ["yesterday", "hier", "gestern", "ayer", "ieri", "ontem", "昨日", "昨天"]
)
_TODAY = compile_words(["today", "aujourd'hui", "heute", "hoy", "oggi", "hoje", "今日", "今天"])
# A decision is reported within weeks; a date further back is background, a later one a plan.
_MAX_REPORT_LAG = timedelta(days=60)


def question(kind: str, text: str) -> str:
    """The question the decision answers, from its kind and the words of its sentence."""
    if kind == "injunction":
        return "preliminary_injunction"
    if kind == "trial_schedule":
        return "trial_date"
    if kind == "other":
        for name in ("counterclaims", "strike_defences", "post_trial", "fees", "evidence"):
            if _QUESTION_RES[name].search(text):
                return name
        return "other"
    return kind if kind in OWN_QUESTION_KINDS else "other"


def result(text: str, verb_at: int, kind: str) -> str | None:
    """granted, denied, granted_in_part (for the motion it decides), time_barred (a verdict on
    the statute of limitations), or None when the sentence does not say. A suit "dismissed"
    grants the motion to dismiss it; a case sent on to trial denies the motion to end it."""
    if kind == "verdict":
        return "time_barred" if _TIME_BARRED.search(text) else None
    if kind in ("trial_schedule", "appeal"):
        return None
    window = text[max(0, verb_at - 60) : verb_at + 90]
    if _IN_PART.search(window) and (_GRANT.search(window) or _DENY.search(window)):
        return "granted_in_part"
    head = text[verb_at : verb_at + 40]
    if kind == "dismissal" and re.match(r"(?:dismiss|toss|threw out|throws out)", head):
        return "granted"
    if _DENY.match(head) or (_LOSES.search(window) and not _GRANT.match(head)):
        return "denied"
    if kind in ("summary_judgment", "dismissal") and _GOES_ON.search(window):
        return "denied"
    if _GRANT.match(head):
        return "granted"
    return None


def decided_on(text: str, published: datetime) -> date | None:
    """The day a decision was taken, when its sentence says ("on Thursday", "January 7",
    "gestern"): resolved against the publication date, never after it, at most 60 days before
    (an older date is background; a later one is a date set, not the day of the decision)."""
    day = published.date()
    found = _calendar_dates(text, day, ahead=False)
    for m in _WEEKDAY.finditer(text):
        back = (day.weekday() - _WEEKDAYS[m.group(1)]) % 7
        found.append((m.start(), day - timedelta(days=back)))
    if (yesterday := _YESTERDAY.search(text)) is not None:
        found.append((yesterday.start(), day - timedelta(days=1)))
    if (today := _TODAY.search(text)) is not None:
        found.append((today.start(), day))
    for _, when in sorted(found):
        if day - _MAX_REPORT_LAG <= when <= day + timedelta(days=1):
            return when
    return None


def trial_on(text: str, published: datetime) -> date | None:
    """The day a trial is set for: the first date of the sentence after its publication."""
    day = published.date()
    return next(
        (when for _, when in sorted(_calendar_dates(text, day, ahead=True)) if when > day), None
    )


def _calendar_dates(text: str, day: date, *, ahead: bool) -> list[tuple[int, date]]:
    """(offset, date) of each "January 7" / "7 janvier" / "1月7日" of `text`; a date without a
    year is the nearest one before `day` (or, `ahead`, after it)."""
    found: list[tuple[int, date]] = []
    for m in _MONTH_DAY.finditer(text):
        found += _dated(m.start(), _MONTHS[m.group(1)], m.group(2), m.group(3), day, ahead=ahead)
    for m in _DAY_MONTH.finditer(text):
        found += _dated(m.start(), _MONTHS[m.group(2)], m.group(1), m.group(3), day, ahead=ahead)
    for m in _CJK_DATE.finditer(text):
        found += _dated(m.start(), int(m.group(2)), m.group(3), m.group(1), day, ahead=ahead)
    return found


def _dated(
    at: int,
    month: int,
    day_text: str,
    year_text: str | None,
    published: date,
    *,
    ahead: bool = False,
) -> list[tuple[int, date]]:
    """The date a mention names; without a year, the one nearest before the publication (or,
    `ahead`, the next one after it)."""
    try:
        day = int(day_text)
        if year_text:
            return [(at, date(int(year_text), month, day))]
        when = date(published.year, month, day)
    except ValueError:  # "31 February", a figure that only looked like a day
        return []
    if ahead:
        if when <= published:
            try:
                when = when.replace(year=when.year + 1)
            except ValueError:
                return []
        return [(at, when)]
    if when > published + timedelta(days=1):  # "December 30" read in the January after it
        try:
            when = when.replace(year=when.year - 1)
        except ValueError:  # 29 February
            return []
    return [(at, when)]
