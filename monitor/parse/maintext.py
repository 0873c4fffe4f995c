"""The main text of a web page (HTML → plain text without its navigation, header, footer,
sidebars and forms), for `monitor rules test --url`: evidence quoted from an article, not
from its menu."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from monitor.parse.htmltext import fold_whitespace, html_to_text

# Elements that hold a page's furniture, not its article.
_FURNITURE = frozenset(
    {"nav", "header", "footer", "aside", "form", "script", "style", "noscript", "svg", "button"}
)
# ...and the class or id names sites give to such blocks when they use plain <div>s.
_FURNITURE_NAMES = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|header|sidebar|cookie|consent|share|social|related|"
    r"newsletter|breadcrumb|promo|advert|ad|subscribe)([\s_-]|$)",
    re.I,
)
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "figcaption"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_MAIN = frozenset({"article", "main"})


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip: list[str] = []  # the furniture elements we are inside of (by tag)
        self.skip_depth = 0
        self.main_depth = 0
        self.block: list[str] | None = None
        self.block_in_main = False
        self.blocks: list[tuple[bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if self.skip:
            if tag == self.skip[-1]:
                self.skip_depth += 1
            return
        names = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
        if tag in _FURNITURE or (tag not in _MAIN and _FURNITURE_NAMES.search(names)):
            self._flush()
            self.skip.append(tag)
            self.skip_depth = 1
            return
        if tag in _MAIN:
            self.main_depth += 1
        if tag in _BLOCKS:
            self._flush()
            self.block = []
            self.block_in_main = self.main_depth > 0

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip.pop()
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in _MAIN and self.main_depth:
            self.main_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and self.block is not None:
            self.block.append(data)

    def _flush(self) -> None:
        if self.block is not None:
            text = fold_whitespace("".join(self.block)).strip()
            if text:
                self.blocks.append((self.block_in_main, text))
        self.block = None


def main_text(html: str) -> str:
    """The page's article: the paragraphs and headings inside <article>/<main> when it has one,
    else every paragraph outside the page's furniture; the whole text when neither is found."""
    parser = _MainText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser gives up on some broken markup: the plain text will do
        return html_to_text(html)
    parser._flush()
    in_main = [text for inside, text in parser.blocks if inside]
    chosen = in_main or [text for _, text in parser.blocks]
    return "\n\n".join(chosen) if chosen else html_to_text(html)
