"""The text the term set reads: folded text with every character the terms' boundaries cannot
tell from another of its kind replaced by one stand-in for that kind. Input: str; output: str of
the same length (one character for one), and the RE2 classes that read it.

A term's boundary is "not a letter of an alphabetic script nor a digit" (`[^\\p{Latin}\\p{Greek}
\\p{Cyrillic}\\p{N}]`) and a prefix term's tail is `[\\p{L}\\p{N}]*`. Those Unicode classes are
large UTF-8 automata: two of them in each of ~450 patterns made the term set ~60 MB a process
and ~0.2 s to compile. On this text they are ASCII classes, plus the CJK blocks the terms of
Chinese, Japanese and Korean are written in. Each character keeps its membership in both
classes, so a pattern finds a match here exactly where it finds one in the folded text, as long
as its own literal characters are kept as they are (the term index checks the others).
"""

from __future__ import annotations

import re2

from monitor.parse.textnorm import _fold_char

# The blocks of `textnorm.CJK_RE`: their letters are kept (CJK terms are written in them) and
# are boundaries of the other terms ("OpenAI" is a word in "创立OpenAI时").
_CJK_BLOCKS = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
)

# Stand-ins. A boundary that is no letter (punctuation, symbols, spaces outside ASCII) becomes an
# ASCII control character, a boundary class member already; a letter of another script (Arabic,
# Thai...) a boundary that a prefix term's tail also runs over; a character of Latin, Greek or
# Cyrillic that is neither letter nor digit, one that is neither a boundary nor a letter.
OTHER_EDGE = "\x01"
OTHER_LETTER = "\ufffe"
NEITHER = "\uffff"

_CJK_CLASS = "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in _CJK_BLOCKS)
# `[^\p{Latin}\p{Greek}\p{Cyrillic}\p{N}]` on this text.
EDGE = rf"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f{_CJK_CLASS}\x{{fffe}}]"
# `[\p{L}\p{N}]` on this text: every character but ASCII punctuation and NEITHER.
LETTER = r"[0-9A-Za-z\x{80}-\x{fffe}\x{10000}-\x{10ffff}]"

_NOT_EDGE = re2.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{N}]")
_LETTER = re2.compile(r"[\p{L}\p{N}]")


def _in_cjk_block(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in _CJK_BLOCKS)


def reduce_char(ch: str) -> str:
    """The stand-in of one (folded) character, or the character itself."""
    code = ord(ch)
    if code < 0x80 or 0xD800 <= code <= 0xDFFF:
        # ASCII is kept; a lone surrogate too (the term set refuses it as it refused it before).
        return ch
    letter = _LETTER.fullmatch(ch) is not None
    if _NOT_EDGE.fullmatch(ch) is not None:
        # No CJK block holds such a character (a test holds it), so EDGE leaves them all out.
        return ch if letter else NEITHER
    if not letter:
        return OTHER_EDGE
    return ch if _in_cjk_block(code) else OTHER_LETTER


_TABLE_MAX = 1 << 16


class _Table(dict[int, str]):
    """`str.translate` table computed on first sight of each character."""

    def __init__(self, *, folds: bool) -> None:
        super().__init__()
        self._folds = folds

    def __missing__(self, code: int) -> str:
        if len(self) >= _TABLE_MAX:
            self.clear()  # a bound on memory for feeds that cycle through many scripts
        ch = chr(code)
        text = _fold_char(ch) if self._folds else ch
        out = self[code] = "".join(reduce_char(c) for c in text)
        return out


_REDUCE = _Table(folds=False)
_FOLD_REDUCE = _Table(folds=True)


def reduce(folded: str) -> str:
    """The term text of an already folded text (same length, same offsets)."""
    return folded if folded.isascii() else folded.translate(_REDUCE)


def fold_reduce(text: str) -> str:
    """`reduce(fold_str(text))` in one pass."""
    # ASCII folds to its lower case and is kept as it is.
    return text.lower() if text.isascii() else text.translate(_FOLD_REDUCE)
