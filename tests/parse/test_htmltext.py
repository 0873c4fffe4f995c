"""`html_to_text`'s fast path for plain markup gives, byte for byte, what HTMLParser gives.

Differential tests: the fast path (`_simple_markup_text`) against the HTMLParser path
(`_parser_text`) before whitespace folding, and the whole of `html_to_text` against the previous
implementation (`_html_to_text_parser` below), on hand-written cases, on seeded random strings
from a grammar of markup pieces, on every fixture feed of ../shared and on benchmark feeds. Also:
the fast path is really taken for ordinary markup, its regexes stay linear on hostile input, and
`fold_whitespace` matches the regex version it replaced.
"""

from __future__ import annotations

import html
import importlib.util
import random
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import feedparser
import pytest
from conftest import shared_path
from support import fixture_index

from monitor.parse.htmltext import (
    _TAG_HINT,
    _WS,
    _parser_text,
    _simple_markup_text,
    fold_whitespace,
    html_to_text,
)

REPO = Path(__file__).resolve().parents[2]
_NL = re.compile(r"\s*\n\s*")


def _fold_whitespace_regex(text: str) -> str:
    """`fold_whitespace` as it was before it was made faster: the reference."""
    text = _WS.sub(" ", text.replace("\u00ad", ""))
    text = _NL.sub("\n", text)
    return text.strip()


def _html_to_text_parser(value: str | None) -> str:
    """`html_to_text` as it was before the fast path: the reference."""
    if not value:
        return ""
    text = _parser_text(value) if _TAG_HINT.search(value) else html.unescape(value)
    return _fold_whitespace_regex(text)


def _check(value: str) -> bool:
    """Assert the fast path (when it takes `value`) and html_to_text match the reference;
    True when the fast path took it."""
    expected = _html_to_text_parser(value)
    assert html_to_text(value) == expected, value
    fast = _simple_markup_text(value)
    if fast is None:
        return False
    assert fast == _parser_text(value), value
    return True


# ----------------------------------------------------------------------------- hand-written

# Plain markup: the fast path must take every one of these.
TYPICAL = [
    "<p>Hello</p>",
    "<p>Hello <b>world</b></p><p>Second</p>",
    "Title with <em>emphasis</em>",
    "<P>Upper</P><DIV>case</DIV>",
    "<Br>mixed<bR/>case<BR />tags",
    "line<br>break",
    "line<br/>break",
    "line<BR />break",
    "line<br >break",
    "<br></br>",
    "</br>",
    "<p/>",
    "<p />x<div/>",
    "<div><p>nested <span>inline</span></p><ul><li>one</li><li>two</li></ul></div>",
    "<table><tr><td>a</td><th>b</th></tr></table>",
    "<h1>H1</h1><h2>H2</h2><h6>H6</h6><blockquote>q</blockquote>",
    "<section><article><header>h</header><footer>f</footer></article></section>",
    '<a href="http://example.org/?a=1&amp;b=2">link</a>',
    "<a href='single'>quoted</a>",
    "<a href=bare>bare</a>",
    "<a b=\u00e9t\u00e9>non-ASCII bare value</a>",
    "<a href=/path/>slash in bare value</a>",
    "<br class=x/>start tag only",
    "<a href=\"a>b\" title='c>d'>gt inside quotes</a>",
    '<a title="<p>not a tag</p>">lt inside quotes</a>',
    '<a title="x\'y" data-q=\'say "hi"\'>mixed quotes</a>',
    '<img src="x.png" alt="">',
    '<img src="x.png" alt="" />',
    '<img src=x.png alt="" width=100 height=50 hidden>',
    '<span data-x = "1" hidden  >spaces around =</span  >',
    '<a\nhref="x"\tclass="y"\r\ntitle="z">whitespace in tag</a>',
    "<o:p></o:p><dc:creator>ns</dc:creator><x-y>dash</x-y><a.b>dot</a.b>",
    "AT&amp;T &lt;b&gt; &quot;q&quot; &apos;a&apos; &#39;",
    "<p>caf&eacute; na&iuml;ve &copy; 2024 &mdash; &hellip;</p>",
    "<p>a&nbsp;b&nbsp;&nbsp;c\u00a0d</p>",
    "<p>&#150; &#151; &#x2014; &#X2014; &#8217; &#x27; &#0; &#xD800; &#1114112; &#65</p>",
    "<p>bare & ampersand, &; &# &#; &#x; &foo; &foo &ampx &amp</p>",
    "<p>&</p>",
    "<p>end &amp</p>&amp",
    "<p>x</p>&",
    "<b>x</b>&a",
    "&am<br>p;",
    "&amp<br>;",
    "&#<br>65;",
    "&<p>",
    "<p>&notin; &notit; &not &AMP; &AElig &lt</p>",
    "<p>a < b and c > d, x<3, a<=b, <- arrow, 1 << 2, a >> b</p>",
    "<p>trailing lt <</p>",
    "<b>x</b><",
    "<b>x</b> <",
    "<<p>>",
    "< p>not a tag</p>",
    "<p>\u00e9t\u00e9 \u65e5\u672c\u8a9e \U0001f600 \u0645\u0631\u062d\u0628\u0627</p>",
    "<p>soft\u00adhyphen zero\u200bwidth em\u2003space ideo\u3000space</p>",
    "<p>  many   spaces \t tabs \r\n newlines\n\n\n</p>  ",
    "<p>\x0bvt \x0cff \x1cfs \x85nel \u2028ls \u2029ps</p>",
    "  <p>  </p>  <p>\n</p>  ",
    "<span>a</span><span>b</span>",
    "<p>one</p>\n<p>two</p>\n",
    "<a href='x'></a>",
    "<scripts>not script</scripts><styles>x</styles><script-x>y</script-x>",
    "<Scripts>not script</Scripts>",
]

# Not plain markup: the fast path must decline, HTMLParser decides.
SPECIAL = [
    "<script>var a = '<p>';</script>after",
    "<SCRIPT>x</SCRIPT>after",
    "<style>p { color: red }</style>text",
    "<noscript>enable js</noscript>text",
    "<template><p>t</p></template>text",
    "<script/>self-closed script",
    "</script>",
    "<title>t</title>",
    "<textarea>x<p>y</textarea>",
    "<xmp><p></xmp>",
    "<iframe>x</iframe>",
    "<plaintext><p>",
    "a<!-- comment <p> -->b",
    "a<!-- unclosed comment",
    "a<!---->b",
    "<![CDATA[x<p>y]]>z",
    "<!DOCTYPE html><p>x</p>",
    "<?xml version='1.0'?><p>x</p>",
    "<!x>bogus comment",
    "</>empty end tag",
    "</ p>space after </",
    "</p x>attribute on end tag",
    "</p/>",
    "<p",
    "text <p",
    '<a href="x',
    "<a href='x>",
    '<a href="x"c>no space between attributes',
    "<a =x>",
    "<a b==c>",
    "<a b=c=d>",
    "<a b=`x`>",
    "<a b=>",
    "<a b= >",
    "<a/b>",
    "<p/ >",
    "<a / b>",
    "<1>digit</1>",
    "<a\x00>",
    "<a\x0bb>",
    "<a\u00a0b=c>",
    "<a b=c\u00a0>",
    "<a href=x></a><p",
    "<p>ok</p><!-- then a comment -->",
    "<br/ >",
    "</p",
    "<a b='x'/c>",
]

ODD = [
    "",
    "plain text",
    "no tag but entities &amp; &lt;p&gt; &#150;",
    "x < y",
    "<",
    "&",
    "<>",
    "< >",
    "<3 <3 <3",
    "a<?b",
    "a<!b",
    "a</",
    "</",
    "<a",
    "<a ",
    "<a b",
    '<a b="',
    "<a b='",
    "</a",
    "</a ",
    "<!--",
    "<!-",
    "<![",
    "<!DOCTYPE",
    "<?",
    "&#x",
    "&#",
    "&amp",
    "text &" + "a" * 40,
    "<p>text &" + "a" * 40,
]


@pytest.mark.parametrize("value", TYPICAL)
def test_typical_markup_takes_the_fast_path(value: str) -> None:
    assert _simple_markup_text(value) is not None, value
    assert _check(value)


@pytest.mark.parametrize("value", SPECIAL)
def test_special_markup_is_left_to_htmlparser(value: str) -> None:
    assert _simple_markup_text(value) is None, value
    assert not _check(value)


@pytest.mark.parametrize("value", ODD)
def test_odd_inputs_match(value: str) -> None:
    _check(value)


def test_expected_text_of_some_cases() -> None:
    """Not only equal to the reference: what a reader should see."""
    assert html_to_text("<p>Hello <b>world</b></p><p>Second</p>") == "Hello world\nSecond"
    assert html_to_text("a<br/>b") == "a\nb"
    assert _simple_markup_text("a<br/>b") == "a\n\nb"  # handle_startendtag: start + end
    assert _simple_markup_text("a<br>b") == "a\nb"
    assert _simple_markup_text("a<br class=x/>b") == "a\nb"  # "x/" is the value
    assert _simple_markup_text("&am<br>p;") == "&am\np;"  # each run unescaped on its own
    assert html_to_text("&#150; &#x2014; a&nbsp;b") == "\u2013 \u2014 a b"
    assert html_to_text("<p>AT&amp;T</p>") == "AT&T"
    assert html_to_text(None) == ""


# ----------------------------------------------------------------------------- random grammar

_WORDS = [
    "a",
    "Bc",
    "word",
    "x1",
    "\u00e9t\u00e9",
    "\u65e5\u672c",
    "\U0001f600",
    "Stra\u00dfe",
    "-",
]
_SPACES = [
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u00a0",
    "\u00ad",
    "\u1680",
    "\u2003",
    "\u200b",
    "\u2028",
    "\u202f",
    "\u3000",
]
_ENTITIES = [
    "&amp;",
    "&amp",
    "&lt;",
    "&gt;",
    "&quot;",
    "&nbsp;",
    "&nbsp",
    "&eacute;",
    "&notin;",
    "&notit;",
    "&AElig",
    "&#150;",
    "&#151",
    "&#x2014;",
    "&#X2014;",
    "&#8217;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&#65",
    "&#x41",
    "&#;",
    "&#x;",
    "&foo;",
    "&",
    "&#",
    "&a",
    "&am",
    "p;",
    ";",
    "#",
    "x20",
]
_TEXTY = ["<", "< ", "<3", "<=", "<<", ">", ">>", "=", '"', "'", "/", "`", "!", "?", "-->"]
_NAMES = [
    "p",
    "P",
    "br",
    "BR",
    "Br",
    "div",
    "li",
    "td",
    "h2",
    "blockquote",
    "a",
    "A",
    "b",
    "em",
    "span",
    "img",
    "o:p",
    "x-y",
    "a.b",
    "my_tag",
    "h7",
]
_SPECIAL_NAMES = [
    "script",
    "style",
    "noscript",
    "Template",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "plaintext",
]
_FIXED_MARKUP = [
    "<!-- c -->",
    "<!--",
    "-->",
    "<!---->",
    "<![CDATA[x<p>y]]>",
    "<!DOCTYPE html>",
    "<?pi x?>",
    "<!x>",
    "</>",
    "</ p>",
    "</p x>",
    "<p",
    "</p",
    "<a/b>",
    "<p/ >",
    "<1>",
    "<a\x00>",
    "<a b=`x`>",
]
_ATTR_NAMES = ["href", "class", "data-x", "a:b", "_u", "HIDDEN", "x.y"]
_ATTR_VALUES = [
    "x",
    "",
    "a>b",
    "a<b",
    "<p>",
    "&amp;",
    "a b",
    "/",
    "x/",
    "=",
    "'",
    '"',
    "\n",
    "\u00e9",
    "\u00a0",
    "-->",
]


def _random_ws(rng: random.Random, weird: bool) -> str:
    pool = [" ", "\t", "\n", "\r", "\x0c"] + (["\x0b", "\u00a0", "\u2003", "\x00"] if weird else [])
    return "".join(rng.choice(pool) for _ in range(rng.randint(1, 2)))


def _random_tag(rng: random.Random) -> str:
    weird = rng.random() < 0.1  # now and then something the fast path must decline
    name = rng.choice(_SPECIAL_NAMES if rng.random() < 0.05 else _NAMES)
    if rng.random() < 0.35:
        return "</" + name + (_random_ws(rng, weird) if rng.random() < 0.2 else "") + ">"
    parts = ["<", name]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        parts.append(_random_ws(rng, weird) if rng.random() < 0.95 else "")
        parts.append(rng.choice(_ATTR_NAMES))
        kind = rng.random()
        if kind < 0.2:
            continue  # no value
        if rng.random() < 0.2:
            parts.append(_random_ws(rng, weird))
        parts.append("==" if weird and rng.random() < 0.3 else "=")
        if rng.random() < 0.2:
            parts.append(_random_ws(rng, weird))
        value = rng.choice(_ATTR_VALUES)
        if kind < 0.55:
            parts.append('"' + value.replace('"', "") + '"')
        elif kind < 0.8:
            parts.append("'" + value.replace("'", "") + "'")
        else:
            parts.append(value if weird else (value.strip() or "v").replace('"', "q"))
    if rng.random() < 0.3:
        parts.append(_random_ws(rng, weird))
    if rng.random() < 0.25:
        parts.append("/")
    if not (weird and rng.random() < 0.3):
        parts.append(">")
    return "".join(parts)


def _random_value(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 14)):
        r = rng.random()
        if r < 0.35:
            out.append(_random_tag(rng))
        elif r < 0.55:
            out.append(rng.choice(_WORDS))
        elif r < 0.7:
            out.append(rng.choice(_SPACES))
        elif r < 0.85:
            out.append(rng.choice(_ENTITIES))
        elif r < 0.95:
            out.append(rng.choice(_TEXTY))
        else:
            out.append(rng.choice(_FIXED_MARKUP))
    return "".join(out)


def test_random_markup_matches_htmlparser() -> None:
    rng = random.Random(20240518)
    total = 20_000
    fast = slow = 0
    for _ in range(total):
        value = _random_value(rng)
        if _check(value) and "<" in value:
            fast += 1
        elif _simple_markup_text(value) is None:
            slow += 1
    # Both paths must be exercised substantially, or the comparison says little.
    assert fast > total * 0.3, (fast, slow, total)
    assert slow > total * 0.2, (fast, slow, total)


# ----------------------------------------------------------------------------- real feeds


def _feed_values(body: bytes) -> list[str]:
    d = feedparser.parse(body)
    values: list[str] = []
    for key in ("title", "subtitle", "description", "rights", "author"):
        if isinstance(d.feed.get(key), str):
            values.append(d.feed[key])
    for entry in d.entries:
        for key in ("title", "summary", "description", "author"):
            if isinstance(entry.get(key), str):
                values.append(entry[key])
        for content in entry.get("content", []):
            if isinstance(content.get("value"), str):
                values.append(content["value"])
    return values


def test_fixture_feeds_match_htmlparser() -> None:
    feeds = shared_path("fixtures", "feeds")
    index = fixture_index(feeds)
    assert len(index) >= 100
    values = [v for row in index for v in _feed_values((feeds / row["path"]).read_bytes())]
    assert len(values) > 1000
    markup = [v for v in values if "<" in v]
    fast = 0
    for value in values:
        fast += _check(value)
    # Nearly all the markup of real feeds is plain: the fast path is what runs.
    assert fast > 0.9 * len(markup), (fast, len(markup))


def _bench_poll() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_poll_for_tests", REPO / "bench" / "poll.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_benchmark_feeds_take_the_fast_path() -> None:
    make_feed = _bench_poll().make_feed
    now = datetime(2026, 5, 18, 12, tzinfo=UTC)
    for i in range(8):
        _, body = make_feed(i, "http://x/", items=50, now=now)
        d = feedparser.parse(body)
        assert len(d.entries) == 50
        for entry in d.entries:
            description = entry["description"]
            assert description.startswith("<p>")
            assert _check(description)
            assert _simple_markup_text(entry["title"]) is not None
            assert html_to_text(entry["title"]) == _html_to_text_parser(entry["title"])


# ----------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    "unit",
    [
        "<a ",
        'a="',
        '<a a="',
        "<a b='",
        '<a b="x" ',
        "<a b=c ",
        "<a b=\"<a b='",
        ' b="<a"',
        "</a ",
        "</a" + " " * 50,
        "<p>",
        "<p/>",
        "&",
        "&#",
        "<",
        "<a" + "\t" * 30,
        "<a b" + " " * 30 + "=" + " " * 30,
    ],
)
def test_fast_path_is_linear_on_hostile_input(unit: str) -> None:
    """300 KB of each: a quadratic scan would take minutes, a linear one milliseconds."""
    value = unit * (300_000 // len(unit))
    start = time.perf_counter()
    _simple_markup_text(value)
    _simple_markup_text(value + ">")
    _simple_markup_text("<p " + value)
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize(
    "unit",
    ["<a ", "<a b=c ", '<a a="', '<a b="x" ', "<!--", "<![CDATA[", '<a "<a "', "<p>x<!-- y"],
)
def test_html_to_text_is_bounded_on_hostile_input(unit: str) -> None:
    """1 MB of unfinished tags: HTMLParser alone rescans to the end for each (5 s for 24 KB of
    "<a ", days for a 10 MB feed body); what reaches it is cut and defused first."""
    value = unit * (1_000_000 // len(unit))
    start = time.perf_counter()
    text = html_to_text(value)
    assert time.perf_counter() - start < 5.0
    assert text  # unfinished tags are text, as HTMLParser reads them


def test_fold_whitespace_is_linear_on_hostile_input() -> None:
    start = time.perf_counter()
    for value in [
        "\u2028" * 300_000 + "x",
        "\x1c " * 150_000 + "x",
        " \n" * 150_000,
        "\u00ad" * 300_000,
    ]:
        fold_whitespace(value)
    assert time.perf_counter() - start < 3.0


# ----------------------------------------------------------------------------- whitespace

_ALL_SPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_fold_whitespace_matches_the_regex_version() -> None:
    rng = random.Random(7)
    pool = [
        *_ALL_SPACE,
        "\u00ad",
        "\u200b",
        "\u205f",
        "a",
        "b",
        "\u00e9",
        "\u65e5",
        "\n",
        "\n",
        " ",
    ]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        assert fold_whitespace(text) == _fold_whitespace_regex(text), repr(text)
    for text in [
        "",
        " ",
        "\n",
        " \n ",
        "a\n \n b",
        "\n\na",
        "a\n\n",
        "a  b",
        "a\u00ad\u00adb",
        "é\u3000é",
    ]:
        assert fold_whitespace(text) == _fold_whitespace_regex(text), repr(text)
