"""Text as people read it: HTML removed, entities decoded, whitespace folded."""

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
_NL = re.compile(r"\s*\n\s*")
_TAG_HINT = re.compile(r"<[a-zA-Z/!]")


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


def html_to_text(value: str | None) -> str:
    """Plain text from an HTML (or plain) fragment, entities decoded, whitespace folded."""
    if not value:
        return ""
    if _TAG_HINT.search(value):
        parser = _TextExtractor()
        try:
            parser.feed(value)
            parser.close()
            text = "".join(parser.parts)
        except (AssertionError, ValueError):  # malformed markup: fall back to unescaping only
            text = re.sub(r"<[^>]*>", " ", value)
            text = html.unescape(text)
    else:
        text = html.unescape(value)
    return fold_whitespace(text)


def fold_whitespace(text: str) -> str:
    text = _WS.sub(" ", text.replace("\u00ad", ""))
    text = _NL.sub("\n", text)
    return text.strip()


def one_line(text: str, limit: int | None = None) -> str:
    flat = " ".join(text.split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)].rstrip() + "…"
    return flat
