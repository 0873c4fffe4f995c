"""Text normalisation shared by the rules and the stories: fold (case- and accent-insensitive) with a map back to
the original offsets, split sentences, guess the language cheaply. Input: str; output: Folded,
spans, language codes. No I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# The languages the rules' vocabularies (money, claims, court decisions) are all written for.
# In others, items are matched on names and case numbers, claimed amounts are read in Korean,
# Dutch, Russian, Vietnamese and Indonesian, and court decisions go unread: `monitor status`
# counts those items so that this is seen, not silent.
RULE_LANGUAGES = frozenset({"en", "fr", "de", "es", "it", "pt", "zh", "ja"})

CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
KANA_RE = re.compile(r"[\u3040-\u30ff]")
HANGUL_RE = re.compile(r"[\uac00-\ud7af]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    o = ord(ch)
    if 0x3000 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF:
        return ch  # CJK, kana (keep the dakuten), hangul: nothing to fold
    if 0xFF00 <= o <= 0xFFEF:
        # Full-width digits and letters become ASCII; full-width punctuation stays, so that
        # "，" (a list comma in Chinese) is never read as a thousands separator.
        return unicodedata.normalize("NFKC", ch).lower() if ch.isalnum() else ch
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Typographic apostrophes and dashes fold to ASCII so one pattern covers them all.
    base = base.replace("\u2019", "'").replace("\u2018", "'")
    if base in {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"}:
        base = "-"
    if base in {"\u00a0", "\u202f", "\u2009", "\u2007"}:
        base = " "
    folded = base.casefold()
    return folded or ch


class _FoldTable(dict[int, str]):
    """`str.translate` table: code point -> `_fold_char` of it, computed on first sight."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _FOLD_TABLE_MAX:
            self.clear()  # a bound on memory for feeds that cycle through many scripts
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE_MAX = 1 << 16
_FOLD_TABLE = _FoldTable()


@dataclass(frozen=True, slots=True)
class Folded:
    """`text` folded (lower case, no accents, ASCII quotes/dashes) and `index[i]`: the offset in
    the original string of folded character i (plus one sentinel at the end). When every character
    folds to exactly one (the usual case), `index` is `range(len(text) + 1)`."""

    original: str
    text: str
    index: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span back to the original string."""
        if start >= len(self.text):
            return len(self.original), len(self.original)
        o_start = self.index[start]
        o_end = self.index[end] if end < len(self.index) else len(self.original)
        if end > start and o_end <= o_start:
            o_end = o_start + 1
        return o_start, o_end


def fold(text: str) -> Folded:
    # Fast paths (the rules fold every sentence of every new item: 50,000 items on a first
    # poll of 1,000 feeds): ASCII, or every character folding to exactly one. Every character
    # folds to at least one, so equal lengths prove the one-to-one case.
    if text.isascii():
        return Folded(text, text.lower(), range(len(text) + 1))
    table = _FOLD_TABLE
    folded = text.translate(table)
    if len(folded) == len(text):
        return Folded(text, folded, range(len(text) + 1))
    index: list[int] = []
    for i, ch in enumerate(text):
        index.extend([i] * len(table[ord(ch)]))
    index.append(len(text))
    return Folded(text, folded, tuple(index))


def fold_str(text: str) -> str:
    return text.translate(_FOLD_TABLE)


# --- sentences -------------------------------------------------------------------------------

# fmt: off
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "sra", "inc", "corp", "co", "ltd", "calif", "cal",
    "del", "tex", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "nr", "vs", "v", "mrd", "mio", "mia", "md", "mds", "bzw", "ca", "etc", "prof", "gen", "gov",
    "sen", "rep", "approx", "est", "ee", "uu", "av", "dept", "fig", "art", "abs", "mme", "mlle",
    "cf", "p", "pp", "u.s", "e.g", "i.e", "z.b", "usw", "ggf", "sig", "n.d", "d.c",
}
# fmt: on
# Month names that follow a German ordinal day ("16. März", "1. Jänner").
_MONTHS_AFTER_ORDINAL = {
    "januar",
    "jänner",
    "janner",
    "februar",
    "feber",
    "märz",
    "marz",
    "maerz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
}
_NEXT_WORD = re.compile(r"\s+(\w+)")
# The leading lookahead changes no match (both branches start with one of those characters) but
# lets the regex engine skip ahead to candidates: about a third faster on news text.
_SENT_END = re.compile(
    r"(?=[.!?\u3002\uff01\uff1f])"
    r"(?:[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z\u00c0-\u00de0-9])|[\u3002\uff01\uff1f])"
)
_HARD_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-\u2022*\u25cf\u25aa]|\d+\.)\s)|\s\u2022\s")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of `text` (headline-friendly: bullets and blank lines split too)."""
    spans: list[tuple[int, int]] = []
    blocks: list[tuple[int, int]] = []
    pos = 0
    # Every hard break holds a newline or a bullet: most texts have neither.
    if "\n" in text or "\u2022" in text:
        for m in _HARD_BREAK.finditer(text):
            blocks.append((pos, m.start()))
            pos = m.end()
    blocks.append((pos, len(text)))
    for b_start, b_end in blocks:
        start = b_start
        block = text if b_start == 0 and b_end == len(text) else text[b_start:b_end]
        for m in _SENT_END.finditer(block):
            if block[m.start()] == "." and not _real_stop(block, m.start()):
                continue
            end = b_start + m.end()
            spans.append((start, end))
            start = end
        spans.append((start, b_end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s] in " \t\r\n-\u2022*":
            s += 1
        while e > s and text[e - 1] in " \t\r\n":
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _real_stop(block: str, dot: int) -> bool:
    """False when the period ends an abbreviation or an initial ("U.S.", "Calif.", "C.P.")."""
    j = dot
    while j > 0 and (block[j - 1].isalpha() or block[j - 1] == "."):
        j -= 1
    word = block[j:dot].strip(".").lower()
    if not word:
        # A German ordinal ("am 16. März", "vom 8. Januar"): one or two digits, then a month.
        k = dot
        while k > 0 and block[k - 1].isdigit():
            k -= 1
        if 0 < dot - k <= 2 and (k == 0 or not block[k - 1].isalnum()):
            nxt = _NEXT_WORD.match(block, dot + 1)
            if nxt and nxt.group(1).lower() in _MONTHS_AFTER_ORDINAL:
                return False
        return True
    if len(word) == 1 and word.isalpha():
        return False
    return word not in _ABBREV


# --- language ----------------------------------------------------------------------------------

# fmt: off
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(["the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "has", "his", "from", "by", "as", "on", "are", "it", "its"]),
    "fr": frozenset(["le", "la", "les", "des", "est", "une", "qui", "dans", "pour", "par", "sur", "du", "au", "aux", "que", "avec", "son", "ses", "a"]),
    "de": frozenset(["der", "die", "das", "und", "ist", "nicht", "mit", "von", "den", "dem", "ein", "eine", "auf", "sich", "zu", "des", "hat", "im"]),
    "es": frozenset(["el", "los", "las", "del", "que", "una", "por", "con", "para", "se", "su", "sus", "como", "es", "al", "lo", "ha"]),
    "it": frozenset(["il", "lo", "gli", "della", "che", "di", "una", "per", "con", "del", "non", "sono", "alla", "nel", "ha", "le", "dei"]),
    "pt": frozenset(["o", "os", "as", "da", "do", "que", "uma", "por", "com", "para", "não", "dos", "das", "se", "ao", "na", "no", "em"]),
    "nl": frozenset(["het", "een", "van", "niet", "zijn", "wordt", "werd", "voor", "ook", "naar", "bij", "dat", "met", "heeft", "op", "uit"]),
    "id": frozenset(["yang", "dan", "dari", "untuk", "dengan", "ini", "itu", "dalam", "tidak", "akan", "pada", "oleh", "telah", "sebagai"]),
    "vi": frozenset(["của", "và", "các", "là", "có", "được", "cho", "với", "không", "này", "trong", "một", "những", "đã", "người", "ông", "khi"]),
}
# fmt: on
# Stop word -> the languages that list it, in the order of _STOPWORDS.
_STOPWORD_LANGS: dict[str, tuple[str, ...]] = {
    w: tuple(lang for lang, sw in _STOPWORDS.items() if w in sw)
    for sw in _STOPWORDS.values()
    for w in sw
}
# Latin letters with the accents of the languages above (Vietnamese uses Latin Extended).
_WORD = re.compile(r"[a-zà-ÿ\u0100-\u024f\u1e00-\u1eff]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def guess_language(text: str) -> str | None:
    """A cheap guess among en/fr/de/es/it/pt/nl/id/vi/ru/zh/ja/ko by script and stop words (None
    if unsure)."""
    if not text:
        return None
    cjk = len(CJK_RE.findall(text))
    if cjk > 0.2 * len(text):
        if KANA_RE.search(text):
            return "ja"
        if HANGUL_RE.search(text):
            return "ko"
        return "zh"
    if len(_CYRILLIC.findall(text)) > 0.3 * len(text):
        return "ru"
    words = _WORD.findall(text.lower())
    if not words:
        return None
    scores = dict.fromkeys(_STOPWORDS, 0)
    for w in filter(_STOPWORD_LANGS.__contains__, words):
        for lang in _STOPWORD_LANGS[w]:
            scores[lang] += 1
    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0:
        return None
    return best


def is_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None
