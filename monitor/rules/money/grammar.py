"""The money grammar: figures, per-language separators, scale words, currencies, ranges and bounds.
Input: a Folded text and its language; output: MoneyMention values (Decimal, never float)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from monitor.parse.textnorm import Folded
from monitor.rules.money import lexicon as lx

Bound = Literal["exact", "range", "upper", "lower"]

COMMA_DECIMAL = frozenset(
    {"fr", "de", "es", "it", "pt", "nl", "ru", "pl", "sv", "da", "no", "tr", "vi", "id"}
)
CJK_LANGS = frozenset({"zh", "ja", "ko"})


def _alt(words: object) -> str:
    items = sorted(set(words), key=len, reverse=True)  # type: ignore[call-overload]
    return "|".join(re.escape(w) for w in items)


# Korean writes "1천340억" (1,340 × 10^8): the thousands digit and the rest are one figure.
_NUM = r"\d+천\d{0,3}(?=\s?[억만조])|\d{1,3}(?:([.,'\u2009 ])\d{3}(?:\1\d{3})*)(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"
_ATOM = re.compile(
    r"(?P<pre>" + _alt(lx.PREFIX_CURRENCIES) + r"|r(?=\d))?[ ]?"
    r"(?<![a-z0-9.,])(?P<num>" + _NUM + r")(?![\d])"
    r"(?:(?P<sep>[ ]?-?[ ]?)(?P<scale>" + _alt(lx.SCALES) + r")(?![a-z])"
    # ("US$ 134 bi": the Brazilian press puts a space before its "bi" and "mi")
    r"|(?P<short>" + _alt(lx.SHORT_SCALES) + r"|[ ](?:bi|mi))(?![a-z0-9]))?"
    r"(?P<plus>\+)?"
    r"(?:[ ]?-?(?:(?:de|d'|di|of|en|in)[ ])?(?P<post>"
    + _alt(lx.SUFFIX_CURRENCIES)
    # "$79bn-$134bn": a symbol glued to the next figure is that figure's prefix, not a suffix.
    + r")(?![a-z])(?![ ]?(?:\d|[$€£¥]\d)))?"
)
# A noun naming the amount between a bound and its figure ("up to a sum of $134bn").
_AMOUNT_NOUN = (
    r"(?:sum|amount|figure|total|somme|montant|cifra|soma|quantia|montante|valor|importe|"
    r"cantidad|summe|betrag|somma|importo|bedrag|сумм[аыу])\s+(?:of|de|d'|du|von|di|da|do|del|van)?"
)
_CONNECT = re.compile(r"\s*(?:" + lx.RANGE_CONNECTORS + r")\s*")
# "tra i 79 e i 134 miliardi", "entre los 79 y los 134": an article before each end.
_RANGE_ARTICLE = r"(?:(?:i|gli|los|las|os|as|les|the)\s+)?"
_CONNECT_OPENER = re.compile(r"\s*(?:" + lx.RANGE_CONNECTORS_NEED_OPENER + r")\s*" + _RANGE_ARTICLE)
_OPENER_BEFORE = re.compile(
    r"(?:^|[^a-z])(?:"
    + lx.RANGE_OPENERS
    + r")\s*(?:(?:"
    + lx.APPROX
    + r")\s*)?"
    + _RANGE_ARTICLE
    + "$"
)
_QUALIFIER = re.compile(
    r"(?:(?:^|[^a-z\u0430-\u044f])(?:(?P<upper>"
    + lx.UPPER
    + r")|(?P<lower>"
    + lx.LOWER
    + r")|(?P<approx>"
    + lx.APPROX
    + r"))|(?P<cjk>最大で|最高で|高达|高達|最高|最多|至多|最大|逾|超过|超過|约|約|近|大约|大約|최대|최고|최소|약|대략))"
    # "up to the staggering sum of $134bn", "pode chegar à impressionante cifra de US$ 134 bi"
    r"(?:\s+(?:[a-z'-]+\s+){0,3}?" + _AMOUNT_NOUN + r")?"
    # markdown emphasis around the figure ("até **US$ 134 bilhões**")
    r"\s*(?:[*_]{1,3}\s*)?(?:[a-z_]+\(\s*)?$"
)
# "увеличил ... до 150 млрд": after a verb of change, "до" is "to", not "up to".
_RAISED_TO = re.compile(
    r"(?:увелич|повыс|подня|сниз|сократ|измен)[\u0430-\u044f]*\s+(?:\S+\s+){0,8}?до\s*$"
)
_LOWER_SUFFIX = re.compile(r"\s*(?:以上|超|이상|넘는|초과)")
_CJK_UPPER = {"最大で", "最高で", "高达", "高達", "最高", "最多", "至多", "最大", "최대", "최고"}
_CJK_LOWER = {"逾", "超过", "超過", "최소"}


@dataclass(frozen=True, slots=True)
class MoneyMention:
    """One money figure (or range) in a text. Spans index the original text."""

    start: int
    end: int
    value_spans: tuple[tuple[int, int], ...]
    low: Decimal | None
    high: Decimal | None
    currency: str | None
    bound: Bound
    approx: bool = False
    flags: tuple[str, ...] = ()
    text: str = ""
    parenthetical: bool = False
    has_scale: bool = True
    folded_span: tuple[int, int] = (0, 0)

    @property
    def point(self) -> Decimal:
        """One figure standing for the mention (the high end, else the low end)."""
        value = self.high if self.high is not None else self.low
        assert value is not None
        return value


@dataclass
class _Atom:
    start: int  # folded offsets
    end: int
    num_start: int
    num_end: int
    number: Decimal
    scale: Decimal | None
    currency: str | None
    plus: bool
    flags: list[str] = field(default_factory=list)

    @property
    def is_money(self) -> bool:
        return self.scale is not None or self.currency is not None

    @property
    def value(self) -> Decimal:
        return self.number * (self.scale or Decimal(1))


def parse_number(raw: str, lang: str | None) -> tuple[Decimal, bool]:
    """The figure as Decimal and whether its separators read against the language's habit."""
    raw = raw.replace("\u2009", " ")
    if "천" in raw:
        thousands, rest = raw.split("천")
        return Decimal(thousands) * 1000 + Decimal(rest or 0), False
    dec_sep = "," if lang in COMMA_DECIMAL else "."
    seps = [c for c in raw if c in ".,' "]
    if not seps:
        return Decimal(raw), False
    if "." in raw and "," in raw:
        last = max(raw.rfind("."), raw.rfind(","))
        int_part = re.sub(r"[.,' ]", "", raw[:last])
        return Decimal(f"{int_part}.{raw[last + 1 :]}"), raw[last] != dec_sep
    ch = seps[0]
    if ch in "' ":
        return Decimal(re.sub(r"[' ]", "", raw)), False
    groups = raw.split(ch)
    if len(groups) > 2:
        return Decimal("".join(groups)), ch == dec_sep
    head, tail = groups
    # "134,000 millones" (Mexican and US-style Spanish): nobody writes a decimal as ",000".
    if len(tail) == 3 and (ch != dec_sep or tail == "000"):
        return Decimal(head + tail), False
    # "1.340 billion" in English, "1,34 Billionen" (fine) or "1,34 billion" (flag) elsewhere.
    return Decimal(f"{head}.{tail}"), ch != dec_sep or len(tail) == 3


def _scale(word: str, original: str, lang: str | None, dollar_prefix: bool) -> tuple[Decimal, str]:
    mult, flag = lx.SCALES[word]
    long_reading = lang == "fr" or (lang == "de" and original[:1].isupper())
    if word in {"billion", "billions"} and not dollar_prefix and long_reading:
        return Decimal(10) ** 12, lx.LONG
    if word.startswith("trillion") and lang not in (None, "en"):
        return mult, "english-scale"
    return mult, flag


def _atoms(folded: Folded, lang: str | None) -> list[_Atom]:
    text = folded.text
    out: list[_Atom] = []
    for m in _ATOM.finditer(text):
        pre, post = m.group("pre"), m.group("post")
        if (
            pre == "r"
            and not folded.original[folded.span(m.start("pre"), m.end("pre"))[0]].isupper()
        ):
            pre = None
        if pre == "r" and m.start() > 0 and text[m.start() - 1].isalpha():
            pre = None
        number, ambiguous = parse_number(m.group("num"), lang)
        flags = ["ambiguous-separator"] if ambiguous else []
        currency = None
        if pre:
            currency = "ZAR" if pre == "r" else lx.PREFIX_CURRENCIES[pre]
        if post and currency is None:
            currency = lx.SUFFIX_CURRENCIES[post]
        scale: Decimal | None = None
        if m.group("scale"):
            word = m.group("scale")
            o_start, o_end = folded.span(m.start("scale"), m.end("scale"))
            scale, flag = _scale(word, folded.original[o_start:o_end], lang, pre in ("$", "us$"))
            if flag:
                flags.append(flag)
        elif m.group("short"):
            if not pre:
                # "38 m" without a currency is not money; keep the bare number only.
                end = m.end("num")
                out.append(
                    _Atom(m.start("num"), end, m.start("num"), end, number, None, None, False)
                )
                continue
            scale = lx.SHORT_SCALES[m.group("short").strip()]
        start = m.start("pre") if pre else m.start("num")
        end = m.end()
        if not post and not m.group("plus"):
            end = max(
                m.end("num"),
                m.end("scale") if m.group("scale") else 0,
                m.end("short") if m.group("short") else 0,
            )
        out.append(
            _Atom(
                start,
                end,
                m.start("num"),
                m.end("num"),
                number,
                scale,
                currency,
                bool(m.group("plus")),
                flags,
            )
        )
    return out


def find_money(folded: Folded, lang: str | None = None) -> list[MoneyMention]:
    """Every money mention of the text, ranges and bounds resolved, in order."""
    text = folded.text
    atoms = _atoms(folded, lang)
    mentions: list[MoneyMention] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if i + 1 < len(atoms):
            b = atoms[i + 1]
            gap = text[a.end : b.start]
            joined = _CONNECT.fullmatch(gap) is not None or (
                _CONNECT_OPENER.fullmatch(gap) is not None
                and _OPENER_BEFORE.search(text[max(0, a.start - 40) : a.start]) is not None
            )
            if joined and (a.is_money or b.is_money):
                rng = _range(folded, a, b)
                if rng is not None:
                    mentions.append(rng)
                    i += 2
                    continue
        if a.is_money:
            mentions.append(_single(folded, a))
        i += 1
    mentions = _join_bounds(folded, mentions)
    return [_mark_parenthetical(folded, m, mentions) for m in mentions]


# "at least $79bn, and perhaps as much as $134bn": a lower and an upper bound close together.
_BOUND_GAP = re.compile(
    r"[\s,;]*(?:(?:and|but|or|et|mais|und|aber|y|pero|e|ma|mas)\s+)?(?:[a-z]+\s+){0,2}?$"
)


def _join_bounds(folded: Folded, mentions: list[MoneyMention]) -> list[MoneyMention]:
    out: list[MoneyMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.bound == "lower"
            and m.bound == "upper"
            and prev.currency == m.currency
            and prev.low is not None
            and m.high is not None
            and prev.low < m.high
            and _BOUND_GAP.fullmatch(folded.text[prev.folded_span[1] : m.folded_span[0]])
        ):
            o_start, o_end = prev.start, m.end
            out[-1] = replace(
                prev,
                end=o_end,
                value_spans=prev.value_spans + m.value_spans,
                high=m.high,
                bound="range",
                flags=tuple(dict.fromkeys(prev.flags + m.flags)),
                text=folded.original[o_start:o_end],
                folded_span=(prev.folded_span[0], m.folded_span[1]),
            )
            continue
        out.append(m)
    return out


def _range(folded: Folded, a: _Atom, b: _Atom) -> MoneyMention | None:
    scale_a = a.scale if a.scale is not None else b.scale
    scale_b = b.scale if b.scale is not None else a.scale
    currency = b.currency or a.currency
    if a.currency and b.currency and a.currency != b.currency:
        return None
    low = a.number * (scale_a or Decimal(1))
    high = b.number * (scale_b or Decimal(1))
    if low <= 0 or high <= low or high / low > 100:
        return None
    if scale_a is None and currency is None:
        return None
    start, end = _with_qualifier(folded, a.start, b.end)
    qual = _qualifier(folded, a.start)
    o_start, o_end = folded.span(start, end)
    spans = (folded.span(a.num_start, a.num_end), folded.span(b.num_start, b.num_end))
    return MoneyMention(
        start=o_start,
        end=o_end,
        value_spans=spans,
        low=low,
        high=high,
        currency=currency,
        bound="range",
        approx=qual == "approx",
        flags=tuple(dict.fromkeys(a.flags + b.flags)),
        text=folded.original[o_start:o_end],
        has_scale=scale_a is not None,
        folded_span=(start, end),
    )


def _single(folded: Folded, a: _Atom) -> MoneyMention:
    qual = _qualifier(folded, a.start)
    value = a.value
    low: Decimal | None = value
    high: Decimal | None = value
    bound: Bound = "exact"
    if qual == "upper":
        low, bound = None, "upper"
    elif qual == "lower" or a.plus or _LOWER_SUFFIX.match(folded.text, a.end):
        high, bound = None, "lower"
    start, end = _with_qualifier(folded, a.start, a.end)
    o_start, o_end = folded.span(start, end)
    return MoneyMention(
        start=o_start,
        end=o_end,
        value_spans=(folded.span(a.num_start, a.num_end),),
        low=low,
        high=high,
        currency=a.currency,
        bound=bound,
        approx=qual == "approx",
        flags=tuple(a.flags),
        text=folded.original[o_start:o_end],
        has_scale=a.scale is not None,
        folded_span=(start, end),
    )


def _qualifier(folded: Folded, start: int) -> str | None:
    m = _QUALIFIER.search(folded.text[max(0, start - 40) : start])
    if m is None:
        return None
    if m.group("upper") == "до" and _RAISED_TO.search(folded.text[max(0, start - 120) : start]):
        return None
    if m.group("cjk"):
        word = m.group("cjk")
        return "upper" if word in _CJK_UPPER else "lower" if word in _CJK_LOWER else "approx"
    return "upper" if m.group("upper") else "lower" if m.group("lower") else "approx"


def _with_qualifier(folded: Folded, start: int, end: int) -> tuple[int, int]:
    window_start = max(0, start - 40)
    m = _QUALIFIER.search(folded.text[window_start:start])
    if m is not None:
        q_start = window_start + m.start()
        while (
            q_start < start
            and not folded.text[q_start].isalnum()
            and folded.text[q_start] not in "逾约約近高最至超大"
        ):
            q_start += 1
        start = q_start
    return start, end


def _mark_parenthetical(folded: Folded, m: MoneyMention, all_: list[MoneyMention]) -> MoneyMention:
    """A figure in brackets right after another one is a conversion: "$25bn (€23bn)"."""
    before = folded.original[max(0, m.start - 14) : m.start]
    if not re.search(r"[(（]\s*(?:\w{1,6}\.?\s*)?$", before):
        return m
    for other in all_:
        if other.end <= m.start and m.start - other.end <= 16:
            return replace(m, parenthetical=True)
    return m
