"""The fast reader of plain RSS 2.0 feeds agrees with feedparser wherever it answers.

Each feed is read twice through the `rss` source, once with `plainfeed` and once by feedparser
alone, and the items, warnings and titles must be equal. The fixture corpus gives the real feeds
(Google News, Bing, BBC...), the generated feeds below the awkward cases one by one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pytest
from conftest import shared_path
from support import fixture_index

from monitor.errors import ParseError
from monitor.fetch.types import Response
from monitor.parse import plainfeed
from monitor.parse.feed import neutralise_entities, parse_feed
from monitor.sources.base import Parsed
from monitor.sources.rss import RssSource

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
URL = "https://news.example.org/world/feed.xml"
SOURCE = RssSource(name="wire", url=URL)
CONTENT_TYPES = ("application/rss+xml; charset=utf-8", "text/xml", "text/html", None)


def _both(
    body: bytes, content_type: str | None, extra: dict[str, str] | None = None
) -> tuple[Parsed | None, Parsed]:
    """(plainfeed's reading or None when it declines, feedparser's)."""
    headers = ({"content-type": content_type} if content_type else {}) | (extra or {})
    given = {**{k.lower(): v for k, v in headers.items()}, "content-location": URL}
    safe, safe_headers = neutralise_entities(body, given)
    fast = plainfeed.read(safe, headers=safe_headers)
    try:
        result = parse_feed(body, url=URL, headers=headers, keep_html=False, plain_reader=False)
    except ParseError:
        assert fast is None, "the fast reader read what feedparser finds is no feed"
        raise
    slow = SOURCE.read_result(result, now=NOW)
    if fast is None:
        return None, slow
    resp = Response(url=URL, final_url=URL, status=200, headers=headers, body=body)
    return SOURCE.parse(resp, now=NOW), slow


def _same(fast: Parsed, slow: Parsed, what: str) -> None:
    assert fast.title == slow.title, what
    assert fast.warnings == slow.warnings, what
    assert len(fast.items) == len(slow.items), what
    for a, b in zip(fast.items, slow.items, strict=True):
        assert a == b, f"{what}: {a.key}"


def test_every_fixture_feed_the_reader_accepts_reads_as_feedparser_does() -> None:
    feeds = shared_path("fixtures", "feeds")
    accepted: set[str] = set()
    for row in fixture_index(feeds):
        body = (feeds / row["path"]).read_bytes()
        for content_type in CONTENT_TYPES:
            try:
                fast, slow = _both(body, content_type)
            except ParseError:
                continue
            if fast is not None:
                _same(fast, slow, f"{row['path']} as {content_type}")
                accepted.add(row["path"].rsplit("/", 1)[-1])
    # Not vacuous: the news searches and outlets we poll most are read by the fast reader.
    for name in (
        "google_news_search_en-US_bears_ears_monument.xml",
        "google_news_top_stories_fr-BE_2020.xml",
        "bing_news_search_madrid.xml",
        "bbc_news_front_page_2026-04.xml",
        "golem_de_iso-8859-1.xml",
        "tagesschau_de_rss2.xml",
        "heise_de_atom.xml",
    ):
        assert name in accepted
    assert len(accepted) >= 40


def _feed(items: list[str], *, namespaces: str = "", channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:content="http://purl.org/rss/1.0/modules/content/" {namespaces}>\n'
        f"<channel>\n<title>Wire &amp; Co</title>\n<link>https://news.example.org/</link>\n"
        f"{channel}" + "".join(f"<item>{item}</item>\n" for item in items) + "</channel>\n</rss>\n"
    ).encode()


def _item(
    title: str = "Court hears the founders' dispute",
    link: str = "https://news.example.org/2026/11/26/hearing?utm_source=rss&amp;id=7",
    extra: str = "",
    description: str | None = "&lt;p&gt;The judge heard both sides on Tuesday.&lt;/p&gt;",
) -> str:
    out = f"<title>{title}</title><link>{link}</link>"
    out += "<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>"
    if description is not None:
        out += f"<description>{description}</description>"
    return out + extra


# Each case: items that exercise one rule of feedparser's; the fast reader must accept them.
AGREES = {
    "plain": [_item(), _item(title="Second story", link="https://news.example.org/b")],
    "relative link": [_item(link="/2026/11/26/relative-story")],
    "relative guid as link": [
        _item(link="", extra="<guid>/stories/42</guid>").replace("<link></link>", "")
    ],
    "guid not a permalink": [_item(extra='<guid isPermaLink="false">tag:wire,2026:42</guid>')],
    "guid permalink, no link": [
        "<title>Only a guid</title><guid>https://news.example.org/g/1</guid>"
    ],
    "guid permalink false, no link": [
        '<title>Only an id</title><guid isPermaLink="false">abc-1</guid>'
    ],
    "guid with TRUE": [_item(extra='<guid isPermaLink="True">https://x.example/1</guid>')],
    "entities in title": [_item(title="Q&amp;A: what &#8220;wrongful gains&#8221; means")],
    "html in title": [_item(title="&lt;b&gt;Breaking&lt;/b&gt; verdict &amp;amp; more")],
    "unknown entity in title": [_item(title="Tom &amp;jerry; &amp;amp;foo; trial")],
    "html title with script": [
        _item(title="&lt;b&gt;A&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt; B")
    ],
    "mojibake": [_item(title="Ã‰lon Musk, dÃ©cision du juge", description="cafÃ© crÃ¨me")],
    "cp1252 controls": [_item(title="\u0093quoted\u0094 \u0096 dash")],
    "cdata": [_item(description="<![CDATA[<p>Musk &amp; OpenAI <b>trial</b></p>]]>")],
    "script and style": [
        _item(description=escape("<p>Text</p><script>var x = '<b>';</script><style>p{}</style>End"))
    ],
    "comments and odd markup": [
        _item(description=escape("<p>One<!-- hidden --> two</p><p class=x>three</p><br/>four"))
    ],
    "unclosed quote": [_item(description=escape('<a href="x>broken</a> rest <img src="y">'))],
    "nbsp and unknown entities": [
        _item(description=escape("<p>a&nbsp;b &copy; &unknownthing; &#150; &#x2014;</p>"))
    ],
    "bare ampersand": [_item(description=escape("<p>AT&T and R&D & more</p>"))],
    "whitespace": [_item(title="\n   Spaced   title \t", description="\n\n  ")],
    "empty title": [_item(title="")],
    "no description": [_item(description=None)],
    "content before description": [
        _item(
            description=None,
            extra="<content:encoded>&lt;p&gt;Full text, longer than the summary, with more "
            "words.&lt;/p&gt;</content:encoded><description>Short</description>",
        )
    ],
    "content after description": [
        _item(extra="<content:encoded>&lt;p&gt;Full text here.&lt;/p&gt;</content:encoded>")
    ],
    "content only": [
        _item(description=None, extra="<content:encoded>Only content</content:encoded>")
    ],
    "dc creator and date": [
        _item(
            extra="<dc:creator>Jane Roe</dc:creator><dc:date>2026-11-25T09:00:00Z</dc:date>"
        ).replace("<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>", "")
    ],
    "author with email": [_item(extra="<author>jane@example.org (Jane Roe)</author>")],
    "odd dates": [
        _item().replace("Wed, 25 Nov 2026 10:00:00 GMT", "25 Nov 2026 10:00 CET"),
        _item(link="https://n.example/2").replace(
            "Wed, 25 Nov 2026 10:00:00 GMT", "mer. 25 nov. 2026 10:00"
        ),
        _item(link="https://n.example/3").replace("Wed, 25 Nov 2026 10:00:00 GMT", ""),
    ],
    "news search source": [
        _item(
            title="Musk seeks up to $134 billion - Reuters",
            extra='<source url="https://www.reuters.com">Reuters</source>',
        ),
        _item(
            title="No name", link="https://n.example/2", extra='<source url="https://x.example"/>'
        ),
    ],
    "google news redirect": [
        _item(link="https://news.google.com/rss/articles/CBMiX2h0dHBzOi8vd3d3LmV4YW1wbGUub3JnL2E")
    ],
    "inert children": [
        _item(
            extra='<category>Law</category><comments>/c/1</comments><enclosure url="/a.mp3" '
            'length="1" type="audio/mpeg"/><media:content url="https://x.example/i.jpg"/>'
            '<media:thumbnail url="https://x.example/t.jpg"/><slash:comments>3</slash:comments>'
            "<foo:bar>baz</foo:bar>"
        )
    ],
    "duplicate guids": [
        _item(extra="<guid>https://n.example/same</guid>"),
        _item(title="Other", extra="<guid>https://n.example/same</guid>"),
        _item(extra="<guid>https://n.example/same</guid>"),
    ],
    "no title, no link": ["<description>Only a description</description>"],
    "empty item": [""],
}
AGREES_NAMESPACES = (
    'xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:foo="https://foo.example/ns"'
)
CHANNEL = (
    '<atom:link href="https://news.example.org/feed" rel="self" type="application/rss+xml"/>'
    "<language>fr-FR</language><lastBuildDate>Wed, 25 Nov 2026 10:00:00 GMT</lastBuildDate>"
    "<image><title>Logo</title><url>https://news.example.org/logo.png</url>"
    "<link>https://news.example.org/</link></image>"
)


@pytest.mark.parametrize("case", sorted(AGREES))
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_awkward_cases_read_as_feedparser_does(case: str, content_type: str | None) -> None:
    body = _feed(AGREES[case], namespaces=AGREES_NAMESPACES, channel=CHANNEL)
    fast, slow = _both(body, content_type)
    assert fast is not None, f"{case}: the fast reader declined"
    _same(fast, slow, case)


# Each case: something feedparser reads in its own way; the fast reader must decline it.
DECLINES = {
    "media title": _feed(
        [_item(extra="<media:title>Other</media:title>")], namespaces=AGREES_NAMESPACES
    ),
    "atom link in item": _feed(
        [_item(extra='<atom:link rel="alternate" href="https://x.example/"/>')],
        namespaces=AGREES_NAMESPACES,
    ),
    "two titles": _feed([_item(extra="<title>Again</title>")]),
    "typed description": _feed(
        [_item(description=None, extra='<description type="text">x</description>')]
    ),
    "xml:base": _feed([_item()]).replace(b"<channel>", b'<channel xml:base="https://b.example/">'),
    "doctype": _feed([_item()]).replace(
        b"<rss", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x">\n<rss'
    ),
    "rss 0.91": _feed([_item()]).replace(b'version="2.0"', b'version="0.91"'),
    "prefix remapped": _feed(
        [_item(extra="<dc:creator>A</dc:creator>")],
        namespaces='xmlns:media="http://purl.org/dc/terms/"',
    ),
    "unknown namespace named like a known one": _feed(
        [_item(extra="<m:title>x</m:title>")], namespaces='xmlns:m="https://m.example/"'
    )
    .replace(b'xmlns:m="https://m.example/"', b'xmlns:media="https://m.example/"')
    .replace(b"m:title", b"media:title"),
    "element in description": _feed([_item(description="<p>raw xhtml</p>")]),
    "undefined entity": _feed([_item(title="a &nbsp; b")]),
    "dc language in channel": _feed(
        [_item()], channel="<language>en-us</language><dc:language>en</dc:language>"
    ),
}


@pytest.mark.parametrize("case", sorted(DECLINES))
def test_what_feedparser_reads_its_own_way_is_left_to_it(case: str) -> None:
    body = DECLINES[case]
    fast, slow = _both(body, "application/rss+xml")
    if case == "dc language in channel":
        # Read the same way (feedparser takes dc:language as the feed's language).
        assert fast is not None
        _same(fast, slow, case)
        return
    assert fast is None, f"{case}: the fast reader should have declined"


# ----------------------------------------------------------------------------- Atom 1.0


def _atom(entries: list[str], *, feed_attrs: str = 'xml:lang="en-GB"') -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:media="http://search.yahoo.com/mrss/" {feed_attrs}>\n'
        '<title type="text">Wire &amp; Co</title><id>tag:news.example.org,2026:feed</id>\n'
        "<updated>2026-11-25T10:00:00Z</updated>"
        '<link rel="self" href="https://news.example.org/atom.xml"/>'
        '<link rel="alternate" href="https://news.example.org/"/>'
        "<author><name>Desk</name></author>\n"
        + "".join(f"<entry>{e}</entry>\n" for e in entries)
        + "</feed>\n"
    ).encode()


def _aentry(
    title: str = "<title>Court hears the founders&apos; dispute</title>",
    link: str = '<link rel="alternate" type="text/html" href="https://news.example.org/a?utm_source=x&amp;id=1"/>',
    summary: str = '<summary type="html">&lt;p&gt;The judge heard both sides.&lt;/p&gt;</summary>',
    extra: str = "",
    uid: str = "1",
) -> str:
    return (
        f"{title}{link}<id>tag:news.example.org,2026:{uid}</id>"
        "<published>2026-11-25T09:00:00+01:00</published><updated>2026-11-25T10:00:00Z</updated>"
        f"{summary}{extra}"
    )


ATOM_AGREES = {
    "plain": [_aentry(), _aentry(uid="2", title="<title>Second</title>")],
    "html title": [
        _aentry(
            title='<title type="html">&lt;b&gt;Breaking&lt;/b&gt; ruling &amp;amp; more</title>'
        )
    ],
    "text title with markup characters": [
        _aentry(title='<title type="text">a &lt; b &amp; c &lt;/p&gt;</title>')
    ],
    "relative link": [_aentry(link='<link href="/2026/11/25/story"/>')],
    "several links": [
        _aentry(
            link='<link rel="enclosure" href="https://x.example/a.mp3" length="12" type="audio/mpeg"/>'
            '<link rel="alternate" href="https://news.example.org/first"/>'
            '<link rel="related" href="https://x.example/related"/>'
            '<link rel="alternate" type="text/html" hreflang="fr" href="https://news.example.org/fr"/>'
        )
    ],
    "alternate that is not html": [
        _aentry(
            link='<link rel="alternate" type="application/pdf" href="https://x.example/a.pdf"/>'
        )
    ],
    "no link": [_aentry(link="")],
    "author with email": [
        _aentry(
            extra="<author><name>Jane Roe</name><email>jane@example.org</email><uri>https://x.example</uri></author>"
        )
    ],
    "author with email only": [_aentry(extra="<author><email>desk@example.org</email></author>")],
    "content after summary": [
        _aentry(
            extra='<content type="html">&lt;p&gt;The full text, longer than the summary.&lt;/p&gt;</content>'
        )
    ],
    "content before summary": [
        _aentry(summary="")
        + '<content type="html">&lt;p&gt;Full text first, longer than the summary.&lt;/p&gt;</content>'
        + '<summary type="text">Short &amp; plain</summary>'
    ],
    "content only": [
        _aentry(summary="", extra='<content type="text">Only content &lt;here&gt;</content>')
    ],
    "categories": [
        _aentry(
            extra='<category term="law" scheme="https://x.example/s" label="Law"/><category term="tech"/>'
            "<dc:subject>Courts</dc:subject>"
        )
    ],
    "no language": [_aentry()],
    "mojibake and cp1252": [_aentry(title="<title>Ã‰lon \u0093quoted\u0094</title>")],
    "media and unknown": [_aentry(extra='<media:thumbnail url="https://x.example/t.jpg"/>')],
    "dates only updated": [
        _aentry().replace("<published>2026-11-25T09:00:00+01:00</published>", "")
    ],
}


@pytest.mark.parametrize("case", sorted(ATOM_AGREES))
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_atom_cases_read_as_feedparser_does(case: str, content_type: str | None) -> None:
    attrs = "" if case == "no language" else 'xml:lang="en-GB"'
    fast, slow = _both(_atom(ATOM_AGREES[case], feed_attrs=attrs), content_type)
    assert fast is not None, f"{case}: the fast reader declined"
    _same(fast, slow, case)


ATOM_DECLINES = {
    "xhtml content": [
        _aentry(
            extra='<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></content>'
        )
    ],
    "xml:base": [_aentry().replace("<id>", '<id xml:base="https://b.example/">')],
    "source": [_aentry(extra="<source><title>Other</title><id>tag:x,1</id></source>")],
    "title twice": [_aentry(extra="<title>Again</title>")],
    "link without href": [_aentry(link="<link>https://x.example/</link>")],
    "media title": [_aentry(extra="<media:title>Other</media:title>")],
}


@pytest.mark.parametrize("case", sorted(ATOM_DECLINES))
def test_atom_read_its_own_way_is_left_to_feedparser(case: str) -> None:
    fast, _slow = _both(_atom(ATOM_DECLINES[case]), "application/atom+xml")
    assert fast is None, f"{case}: the fast reader should have declined"


def test_atom_0_3_is_left_to_feedparser() -> None:
    body = _atom([_aentry()]).replace(b"http://www.w3.org/2005/Atom", b"http://purl.org/atom/ns#")
    fast, _slow = _both(body, "application/atom+xml")
    assert fast is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_feed([_item()]), "de-AT"),  # no <language>: the header's
        (_feed([_item()], channel="<language>fr-FR</language>"), "fr"),  # the feed's own
        (_atom([_aentry()], feed_attrs=""), "de-AT"),
        (_atom([_aentry()]), "en"),  # xml:lang="en-GB"
    ],
    ids=["rss", "rss with language", "atom", "atom with xml:lang"],
)
def test_a_content_language_header_reads_as_feedparser_reads_it(body: bytes, expected: str) -> None:
    fast, slow = _both(body, "application/rss+xml", {"Content-Language": "de_AT"})
    assert fast is not None, "the fast reader declined"
    _same(fast, slow, "content-language")
    assert {i.language for i in fast.items} == {expected.split("-")[0]}


@pytest.mark.parametrize(
    "text",
    [
        b'<rss xml:base="http://a/">',
        b"<feed base =\n'x'>",
        b"<item\txml:lang='fr'>",
        b"<a lang\f=x>",
        b"<a\vxml:base=x>",
        b"database=1 and xlang=2",
        b"base=x at the start",
        b"lang= at the start",
        b"<p>the base is = to the lang</p>",
        b"<a xml: base=x>",
        b"<a :xml:lang=x>",
        b" xml:lang",
        b"no attribute at all",
    ],
)
def test_an_xml_base_or_lang_attribute_is_seen_as_the_regex_sees_it(text: bytes) -> None:
    for name in (b"base", b"lang"):
        expected = re.search(rb"\s(?:xml:)?" + name + rb"\s*=", text) is not None
        assert plainfeed._has_attribute(text, re.compile(name + rb"\s*=")) is expected
