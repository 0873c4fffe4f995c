"""Generic legal and financial vocabulary per language (claims, distractors, court decisions), in
folded form, compiled to regular expressions. Nothing here names a dispute or a party: those come
from the rule files."""

from __future__ import annotations

import re
from collections.abc import Iterable

from monitor.parse.textnorm import CJK_RE

# Folded letters of the alphabetic scripts read here: Latin (with the Vietnamese đ) and Cyrillic,
# so that a Russian word never matches inside a longer one ("иск" in "риск").
_LETTERS = "[a-z\u0111\u0430-\u044f]"
_WORD_CHAR = "[a-z0-9\u0111\u0430-\u044f]"


def alternation(words: Iterable[str]) -> str:
    """One regex alternative per word, longest first, with word boundaries for Latin words.

    A word may end in `*` (any letters follow), start with `*` (the end of a compound:
    "*schadevergoeding" finds "megaschadevergoeding") and contain `_` (any short gap of up to
    three words, for "asked _ to award") or `~` (a gap of up to ten words, for German verbs whose
    particle closes the clause: "setzte ~ an"). Words are in folded form.
    """
    latin: list[str] = []
    tails: list[str] = []
    cjk: list[str] = []
    for word in sorted(set(words), key=len, reverse=True):
        wild = word.endswith("*")
        lead = word.startswith("*") and len(word) > 1
        core = word.strip("*")
        chunks = re.split(r"([_~])", core)
        body = ""
        for k, piece in enumerate(chunks):
            if k % 2:
                body += r"(?:\s+\S+){0,3}?\s+" if piece == "_" else r"(?:\s+\S+){0,10}?\s+"
            else:
                body += re.escape(piece.strip()).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
        if wild:
            body += _LETTERS + "*"
        (cjk if CJK_RE.search(core) else tails if lead else latin).append(body)
    # One pair of boundaries around all Latin words: far faster than one pair per word.
    parts = [rf"(?<!{_WORD_CHAR})(?:" + "|".join(latin) + rf")(?!{_WORD_CHAR})"] if latin else []
    # Compound ends match inside a word (the match starts where the listed part starts).
    parts += [r"(?:" + "|".join(tails) + rf")(?!{_WORD_CHAR})"] if tails else []
    parts += cjk
    return "|".join(parts)


def compile_words(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(alternation(words))
