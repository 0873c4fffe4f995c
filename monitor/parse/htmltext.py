"""Text as people read it: HTML removed, entities decoded, whitespace folded.

`html_to_text` runs for every title, summary and author of every feed item, so the common case
is kept cheap: markup made only of plain start/end tags (``<p>``, ``<a href="…">``, ``</b>``,
``<br/>``) is converted by one linear regex split (`_simple_markup_text`) that emits exactly what
the `html.parser.HTMLParser` path (`_parser_text`) would; anything else (comments, ``<!``/``<?``,
script/style and other elements the parser treats specially, odd attribute syntax) goes through
HTMLParser; tests/parse/test_htmltext.py holds the two paths to each other.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    [
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_TAG_HINT = re.compile(r"<[a-zA-Z/!]")

# ----------------------------------------------------------------------------- the fast path

# Tag names the fast path leaves to HTMLParser: the skipped elements, and every element some
# Python version's HTMLParser parses specially (CDATA/RCDATA content, plaintext).
_SPECIAL_TAGS = (
    _SKIP_TAGS
    | frozenset(HTMLParser.CDATA_CONTENT_ELEMENTS)
    | frozenset(getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()))
    | frozenset({"xmp", "iframe", "noembed", "noframes", "plaintext", "textarea", "title"})
)
# A plain tag: `<name attr attr=v attr="v" attr='v'>`, `<name/>`, `<name />` or `</name>`, with
# ASCII names and ASCII whitespace only. Groups: "/" for an end tag (else None); the name; for a
# start tag "/" when self-closing, else "" (None for an end tag). Every quantifier is possessive
# and every alternative is chosen by its next character, so nothing backtracks: an attempt is
# linear in what it reads, and it reads past another "<" only inside a quoted value.
# An unquoted value takes "/" as HTMLParser does (`<br class=x/>` is a start tag only).
_SIMPLE_TAG = re.compile(
    r"<(/)?([a-zA-Z][-.a-zA-Z0-9:_]*+)"
    r"(?(1)[ \t\n\r\f]*+"  # end tag: nothing but space after the name
    r"|(?:[ \t\n\r\f]++[a-zA-Z_:][-.a-zA-Z0-9:_]*+"
    r"(?:[ \t\n\r\f]*+=[ \t\n\r\f]*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`]++))?+)*+"
    r"[ \t\n\r\f]*+(/?))>"
)
# Between plain tags, a "<" is text only when HTMLParser takes it as text: not followed by a
# letter (start tag), "/" (end tag), "!" (comment, declaration, CDATA) or "?" (processing
# instruction). At the very end of the input it is text too.
_NOT_TEXT = re.compile(r"<[a-zA-Z/!?]")


def _simple_markup_text(value: str) -> str | None:
    """The text `_parser_text` gives for `value`, or None when `value` is not simple markup.

    Simple markup is text plus plain tags (`_SIMPLE_TAG`) none of which is in `_SPECIAL_TAGS`.
    HTMLParser (convert_charrefs=True) then calls, in order: handle_data(unescape(run)) for each
    run of text between tags, and handle_starttag or handle_endtag for each tag (for `<x/>`,
    handle_startendtag, which calls both). `_TextExtractor` turns each of those calls for a
    block tag into "\\n" and keeps the data.
    """
    pieces = _SIMPLE_TAG.split(value)  # text, end "/", name, self-closing "/", text, ...
    parts: list[str] = []
    append = parts.append
    entities = "&" in value
    last = len(pieces) - 1
    i = 0
    while True:
        text = pieces[i]
        if text:
            if "<" in text and _NOT_TEXT.search(text):
                return None  # a tag that is not plain, a comment, a declaration, ...
            append(html.unescape(text) if entities else text)  # each run on its own
        if i == last:
            return "".join(parts)
        name = pieces[i + 2]
        if name not in _BLOCK_TAGS:  # block tag names are lower case: the common case
            name = name.lower()
            if name in _SPECIAL_TAGS:
                return None
        if name in _BLOCK_TAGS:
            append("\n")
            if pieces[i + 3]:  # <br/>: a start tag and an end tag
                append("\n")
        i += 4


# ----------------------------------------------------------------------------- HTMLParser path


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


# Where a tag, a comment or a declaration can start and end nearby; tested on at most
# _TAG_REACH characters from each "<", so that testing one costs a bounded time.
_TAG_SHAPE = re.compile(
    r"""<(?:/?[A-Za-z][^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+>|![A-Za-z\[][^>]*+>|\?[^>]*+>)"""
)
_TAG_REACH = 2048
# HTML longer than this is cut before it is read (news text is kept to 20,000 characters):
# together with _TAG_REACH, it bounds the worst case of `_defuse` to ~0.1 s.
MAX_HTML_CHARS = 200_000


def _defuse(value: str) -> str:
    """`value` with every "<" that starts no tag nearby written as "&lt;" (which is how HTMLParser
    reads such a "<" anyway: as text).

    HTMLParser before Python 3.11.13 (CVE-2025-6069) scans to the end of the input for each
    unfinished construct: 24 KB of "<a " took 5 s, a 10 MB feed body would have taken days.
    A comment counts as finished when a "-->" follows somewhere.
    """
    if value.count("<") < 2:
        return value
    last_close = value.rfind("-->")
    out: list[str] = []
    pos = 0
    start = value.find("<")
    while start != -1:
        if value.startswith("<!--", start):
            ok = start < last_close
        else:
            ok = _TAG_SHAPE.match(value, start, start + _TAG_REACH) is not None
        if not ok:
            out.append(value[pos:start])
            out.append("&lt;")
            pos = start + 1
        start = value.find("<", start + 1)
    if not out:
        return value
    out.append(value[pos:])
    return "".join(out)


def _parser_text(value: str) -> str:
    """Text of an HTML fragment by HTMLParser, before whitespace folding."""
    parser = _TextExtractor()
    value = _defuse(value)
    try:
        parser.feed(value)
        parser.close()
        return "".join(parser.parts)
    except (AssertionError, ValueError):  # malformed markup: fall back to unescaping only
        text = re.sub(r"<[^>]*>", " ", value)
        return html.unescape(text)


def html_to_text(value: str | None) -> str:
    """Plain text from an HTML (or plain) fragment, entities decoded, whitespace folded."""
    if not value:
        return ""
    value = value[:MAX_HTML_CHARS]
    if _TAG_HINT.search(value):
        text = _simple_markup_text(value)
        if text is None:
            text = _parser_text(value)
    else:
        text = html.unescape(value)
    return fold_whitespace(text)


# ----------------------------------------------------------------------------- whitespace

# Whitespace that `_WS` folds, except the plain space: when none of these and no double space
# occurs, every `_WS` run is a single " " and the substitution would change nothing.
_WS_OTHER = re.compile(r"[\t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]")


def _needs_ws_fold(text: str) -> bool:
    if "  " in text:
        return True
    if text.isascii():  # O(1); then only the four ASCII ones can occur
        return "\t" in text or "\r" in text or "\f" in text or "\v" in text
    return _WS_OTHER.search(text) is not None


def fold_whitespace(text: str) -> str:
    """Soft hyphens dropped, each run of horizontal space made one " ", each run of whitespace
    that holds a newline made one "\\n", ends stripped."""
    if "\u00ad" in text:
        text = text.replace("\u00ad", "")
    if _needs_ws_fold(text):
        text = _WS.sub(" ", text)
    if "\n" in text:
        # Each maximal run of whitespace that holds a "\n" becomes one "\n". Split on
        # "\n": the whitespace at the inner ends of the lines belongs to those runs, and a line
        # of whitespace only merges the runs on either side of it into one.
        lines = text.split("\n")
        inner = [line.strip() for line in lines[1:-1]]
        text = "\n".join([lines[0].rstrip(), *[line for line in inner if line], lines[-1].lstrip()])
    return text.strip()


def one_line(text: str, limit: int | None = None) -> str:
    flat = " ".join(text.split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)].rstrip() + "…"
    return flat


# Terminal escape sequences whole (CSI `ESC [ ... final`, OSC `ESC ] ... BEL or ESC \` such as a
# window title or an OSC 8 link, and two-character escapes), then any control left: C0 but tab
# and newline, DEL, C1 (8-bit CSI and OSC), and the bidi marks, embeddings, overrides and
# isolates that reorder what is shown.
_ESCAPE_SEQ = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\?)?|[PX^_][^\x1b]*(?:\x1b\\?)?|[ -~]?)"
    r"|\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x1b\x9c]*[\x07\x9c]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def without_controls(text: str, *, zero_width: bool = False) -> str:
    """`text` without terminal escape sequences and control characters (tab and newline kept):
    what a feed, a server or a config file says must not drive the terminal that shows it.
    `zero_width=True` also removes zero-width spaces and joiners (invisible in a message, they
    split words and hide text from the eye)."""
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", _ESCAPE_SEQ.sub("", text))
    if zero_width:
        text = _ZERO_WIDTH.sub("", text)
    return text
