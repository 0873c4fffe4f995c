"""A fast reader for plain RSS 2.0 and Atom 1.0 feeds, the shapes of nearly every news feed and
news search.

feedparser costs ~20 ms for a feed of 50 items (its SAX handlers run in Python for every
element), which bounds a first poll of 1,000 feeds. This reader gives the same entries as
feedparser for the fields the `rss` source reads (title, link, id, summary, content, dates,
author, source), at a fraction of the cost: the XML is parsed in C (ElementTree), and each value
then goes through feedparser's own steps (encoding detection, URI resolution, the UTF-8 repair,
the cp1252 map, the date parser, and its HTML sanitizer where the markup is not plain).

It answers only when it knows it would agree. Anything else, and it returns None and feedparser
reads the feed: neither RSS 2.0 nor Atom 1.0; a DOCTYPE; xml:base (and xml:lang in RSS); an item
child feedparser handles that is not one of ours (media:title, itunes:summary, atom:link...); a
field given twice; a field with child elements; RSS fields with a `type` or a `mode`; Atom's
xhtml text, `source`, or links without `href`. `tests/parse/test_plainfeed.py` holds it to
feedparser on every fixture feed and on generated variants of the awkward cases.

It calls feedparser's own helpers, some of them private (`_parse_date`, `_sanitize_html`, the
cp1252 map): feedparser is pinned exactly, and the tests fail if an upgrade changes them.
"""

from __future__ import annotations

import contextlib
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import Any, cast

from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8
from feedparser.mixin import _cp1252, _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin, make_safe_absolute_uri

log = logging.getLogger(__name__)
_MIXIN = _FeedParserMixin
_KNOWN_NS = {uri.lower(): prefix for uri, prefix in _MIXIN.namespaces.items()}
_CANONICAL = frozenset(p for p in _KNOWN_NS.values() if p)
_DC = "http://purl.org/dc/elements/1.1/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")

# Item children read here, by (namespace, lower-case local name) → feedparser's field.
_FIELDS: dict[tuple[str, str], str] = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("", "guid"): "id",
    ("", "pubdate"): "published",
    ("", "description"): "summary",
    ("", "author"): "author",
    ("", "source"): "source",
    (_DC, "creator"): "author",
    (_DC, "date"): "updated",
    (_CONTENT, "encoded"): "content",
}
# Item children feedparser handles without touching those fields (attributes only).
_INERT: set[tuple[str, str]] = {
    ("", "category"),
    ("", "comments"),
    ("", "enclosure"),
    (_DC, "subject"),  # a category
    *((ns, "content") for ns in _MEDIA),
    *((ns, "thumbnail") for ns in _MEDIA),
}
_CHANNEL_FIELDS = {"title", "language"}
_OURS = ("title", "language", "item", "entry", "link", "description", "summary")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
# Attributes `base` / `lang` (or `xml:base` / `xml:lang`): after a space, before an "=".
_BASE = re.compile(rb"base\s*=")
_LANG = re.compile(rb"lang\s*=")
_SPACE = frozenset(b" \t\n\r\f\v")  # `\s` of a bytes pattern
_ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{0,31}));")
# Markup whose text any HTML reader takes the same way: simple tags with quoted attributes, and
# entities feedparser's sanitizer keeps as they are. Other markup goes through the sanitizer.
_SIMPLE_MARKUP = re.compile(
    r"(?:[^<&]++|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});"
    r"|</?(?:a|b|i|u|p|br|em|strong|span|div|font|img|ul|ol|li|h[1-6]|small|sub|sup|blockquote)"
    r"""(?:\s+[A-Za-z][A-Za-z0-9_:-]*=(?:"[^"<>]*+"|'[^'<>]*+'))*+\s*+/?>)*+"""
)


class NotPlain(Exception):
    """The feed steps outside what this reader knows: feedparser reads it."""


def read(body: bytes, *, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """feedparser's result (the fields the `rss` source reads) for a plain RSS 2.0 or Atom 1.0
    feed, else None. `headers` are the response headers as given to feedparser (lower-case names, with
    content-location)."""
    if _DOCTYPE.search(body) or _has_attribute(body, _BASE):
        return None
    try:
        return _read(body, headers)
    except (NotPlain, ET.ParseError, ValueError, LookupError):
        return None
    except Exception:  # a bug here must cost speed, not the feed: feedparser reads it
        log.warning("plain reader failed, feedparser reads the feed", exc_info=True)
        return None


def _has_attribute(body: bytes, name: re.Pattern[bytes]) -> bool:
    """Whether `\\s(?:xml:)?NAME\\s*=` occurs in `body`. The regex, which starts with a space,
    tried a match at every space of the feed (~0.35 ms a feed of 50 items); the name is searched
    as a literal, and the few places it is followed by "=" are checked for what comes before."""
    for m in name.finditer(body):
        i = m.start()
        if i > 0 and body[i - 1] in _SPACE:
            return True
        if i >= 5 and body[i - 4 : i] == b"xml:" and body[i - 5] in _SPACE:
            return True
    return False


def _read(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {"bozo": False, "entries": [], "feed": {}, "headers": headers}
    data = convert_to_utf8(dict(headers), body, result)
    if not result.get("encoding"):
        raise NotPlain("encoding")
    spaces = _Namespaces()
    root: ET.Element | None = None
    parser: ET.XMLPullParser[Any] = ET.XMLPullParser(events=("start-ns", "start"))
    parser.feed(data)
    parser.close()
    for _event, value in cast("Iterator[tuple[str, Any]]", parser.read_events()):
        if isinstance(value, tuple):  # start-ns
            prefix, uri = cast(tuple[str, str], value)
            spaces.declare(prefix, uri)
        elif root is None and isinstance(value, ET.Element):
            root = value
    location = headers.get("content-location", "")
    base = make_safe_absolute_uri("", location) or make_safe_absolute_uri(location) or ""
    # feedparser takes a Content-Language header as the feed's language until the feed says.
    said = headers.get("content-language")
    header_lang = said.replace("_", "-") if said else None
    if root is not None and root.tag == f"{{{_ATOM}}}feed":
        result["feed"] = _atom_feed(root, header_lang)
        result["entries"] = _atom_entries(root, base, spaces)
        result["version"] = "atom10"
        return result
    if root is None or root.tag != "rss" or root.attrib.get("version", "").strip() != "2.0":
        raise NotPlain("not RSS 2.0")
    if _has_attribute(body, _LANG):
        raise NotPlain("xml:lang")  # feedparser takes it as the feed's language on <rss>
    if len(root) != 1 or root[0].tag != "channel" or root[0].attrib:
        raise NotPlain("channel")
    channel = root[0]
    feed: dict[str, Any] = {"language": header_lang} if header_lang else {}
    entries: list[dict[str, Any]] = []
    for child in channel:
        uri, local = _split(child.tag)
        name = spaces.name(uri, local)
        if name == "item":
            if uri:
                raise NotPlain("namespaced item")
            entries.append(_entry(child, base, spaces))
        elif (not uri and local in _CHANNEL_FIELDS) or name == "dc_language":
            if len(child) or child.attrib or (local == "title" and "title" in feed):
                raise NotPlain(f"channel {local}")
            value = child.text or ""
            # The last language given is the feed's (<language> and <dc:language> often both).
            feed[local] = _text_field(value) if local == "title" else _repair(value.strip())
        elif local in _CHANNEL_FIELDS or name in ("entry", "channel", "feed"):
            raise NotPlain(f"channel {name}")  # another element feedparser reads as ours
        else:
            # feedparser reads an image's or a text input's title as theirs, not the feed's.
            ours = ("item", "entry", "language") if name in ("image", "textinput") else _OURS
            for sub in child.iter():
                if sub is not child and _split(sub.tag)[1] in ours:
                    raise NotPlain(f"channel {name} holds {sub.tag}")
    result["feed"] = feed
    result["entries"] = entries
    result["version"] = "rss20"
    return result


@dataclass
class _Namespaces:
    """The namespace declarations of a feed, as feedparser reads them."""

    unknown: dict[str, str] = field(default_factory=dict)  # uri → its prefix
    aliases: set[str] = field(default_factory=set)  # other prefixes for namespaces it knows

    def declare(self, prefix: str, uri: str) -> None:
        """Refuse the declarations that would make feedparser read an element otherwise."""
        lower = uri.lower()
        if "backend.userland.com/rss" in lower:
            raise NotPlain("userland namespace")
        known = _KNOWN_NS.get(lower)
        if known is not None:
            if not prefix or prefix == known:
                return
            # feedparser maps a prefix declared for a namespace it knows to its own name
            # (xmlns:atom → ''): harmless, unless that prefix names another namespace.
            if prefix in _CANONICAL or prefix in self.unknown.values():
                raise NotPlain(f"prefix {prefix} for {uri}")
            self.aliases.add(prefix)
            return
        if not prefix:
            raise NotPlain("unknown default namespace")
        if self.unknown.get(uri, prefix) != prefix or (
            uri not in self.unknown
            and (prefix in self.unknown.values() or prefix in _CANONICAL or prefix in self.aliases)
        ):
            raise NotPlain(f"prefix {prefix} reused")
        self.unknown[uri] = prefix

    def name(self, uri: str, local: str) -> str:
        """The handler name feedparser gives an element ('dc_creator', 'link', 'media_title')."""
        if not uri:
            return local
        prefix = _KNOWN_NS.get(uri.lower())
        if prefix is None:
            prefix = self.unknown.get(uri)
            if prefix is None:
                raise NotPlain(f"namespace {uri} without a prefix")
        return f"{prefix}_{local}" if prefix else local


def _split(tag: str) -> tuple[str, str]:
    if tag[0] == "{":
        uri, _, local = tag[1:].partition("}")
        return uri, local.lower()
    return "", tag.lower()


def _entry(item: ET.Element, base: str, spaces: _Namespaces) -> dict[str, Any]:
    if item.attrib:
        raise NotPlain("item attributes")
    entry: dict[str, Any] = {}
    seen: set[str] = set()
    for child in item:
        uri, local = _split(child.tag)
        field = _FIELDS.get((uri, local))
        if len(child):
            raise NotPlain(f"item {local} has children")
        if field is None:
            name = spaces.name(uri, local)
            if (uri, local) not in _INERT and _handled(name):
                raise NotPlain(f"item {name}: feedparser reads it, maybe as one of ours")
            continue
        if field in seen:
            raise NotPlain(f"item {local} twice")
        seen.add(field)
        attrib = child.attrib
        raw = child.text or ""
        if field == "source":
            if set(attrib) - {"url"}:
                raise NotPlain("source attributes")
            source: dict[str, str] = {}
            if "url" in attrib:
                source["href"] = attrib["url"]
            value = _repair(raw.strip())
            if value:
                source["title"] = value
            entry["source"] = source
        elif field == "id":
            if set(attrib) - {"isPermaLink"}:
                raise NotPlain("guid attributes")
            is_link = attrib.get("isPermaLink", "true") == "true"
            value = raw.strip()
            if value and is_link:
                value = _urljoin(base, value)
            entry["id"] = value = _repair(value)
            if is_link:
                entry.setdefault("link", value)
        elif attrib:
            raise NotPlain(f"{local} attributes")
        elif field == "link":
            value = raw.strip()
            if value:
                value = _urljoin(base, value)
            value = _repair(value).replace("&amp;", "&")
            entry["link"] = _LINK_ENTITY.sub(r"&\g<1>", value)
        elif field == "title":
            entry["title"] = _text_field(raw)
        elif field == "summary":
            entry["summary"] = _html_field(raw)
        elif field == "content":
            value = _html_field(raw)
            entry["content"] = [{"type": "text/html", "value": value}]
            entry.setdefault("summary", value)
        elif field in ("published", "updated"):
            entry[field] = value = _repair(raw.strip())
            entry[f"{field}_parsed"] = _parse_date(value)
        else:  # author
            entry[field] = _repair(raw.strip())
    return entry


# ----------------------------------------------------------------------------- Atom 1.0

_ATOM_TEXT = {"title", "summary", "content"}
_ATOM_ATTRIBUTES = {_XML_LANG, "type", "rel", "href", "hreflang", "title", "length"} | {
    "term",
    "scheme",
    "label",
}


def _atom_feed(root: ET.Element, header_lang: str | None) -> dict[str, Any]:
    """The feed's title and language (xml:lang on <feed>, else the Content-Language header,
    as feedparser takes them)."""
    if set(root.attrib) - {_XML_LANG}:
        raise NotPlain("feed attributes")
    feed: dict[str, Any] = {}
    lang = root.attrib.get(_XML_LANG, header_lang)
    if lang:
        feed["language"] = lang.replace("_", "-")
    for child in root:
        uri, local = _split(child.tag)
        if uri == _ATOM and local == "title":
            if "title" in feed or len(child):
                raise NotPlain("feed title")
            feed["title"] = _atom_text(child, "title")
        elif uri == _ATOM and local == "entry":
            continue  # read by _atom_entries
        elif local in ("language", "title"):
            raise NotPlain(f"feed {local}")  # another element feedparser reads as ours
        elif uri == _ATOM and local in ("author", "contributor"):
            continue  # name, email, uri: the feed's author, not ours
        else:
            for sub in child.iter():
                if sub is not child and _split(sub.tag)[1] in _OURS:
                    raise NotPlain(f"feed {local} holds {sub.tag}")
    return feed


def _atom_entries(root: ET.Element, base: str, spaces: _Namespaces) -> list[dict[str, Any]]:
    return [_atom_entry(e, base, spaces) for e in root if e.tag == f"{{{_ATOM}}}entry"]


def _atom_entry(element: ET.Element, base: str, spaces: _Namespaces) -> dict[str, Any]:
    if set(element.attrib) - {_XML_LANG}:
        raise NotPlain("entry attributes")
    entry: dict[str, Any] = {}
    seen: set[str] = set()
    for child in element:
        uri, local = _split(child.tag)
        if uri == _ATOM and set(child.attrib) - _ATOM_ATTRIBUTES:
            raise NotPlain(f"entry {local} attributes")
        if uri != _ATOM:
            if len(child):
                raise NotPlain(f"entry {local} has children")
            name = spaces.name(uri, local)
            if _handled(name) and (uri, local) not in _INERT:
                raise NotPlain(f"entry {name}: feedparser reads it, maybe as one of ours")
            continue
        if local == "link":
            _atom_link(entry, child, base)
            continue
        if local == "category":  # as many as there are; attributes only
            if len(child):
                raise NotPlain("entry category has children")
            continue
        if local in seen:
            raise NotPlain(f"entry {local} twice")
        seen.add(local)
        if local == "author":
            entry["author"] = _atom_author(child)
        elif local in _ATOM_TEXT:
            if len(child):
                raise NotPlain(f"entry {local} has children")
            value = _atom_text(child, local)
            if local == "content":
                entry["content"] = [{"value": value}]
                entry.setdefault("summary", value)
            else:
                entry[local] = value
        elif local == "id":
            if len(child) or child.attrib:
                raise NotPlain("entry id")
            value = (child.text or "").strip()
            if value:
                value = _urljoin(base, value)
            entry["id"] = value = _repair(value)
            entry.setdefault("link", value)
        elif local in ("published", "updated"):
            if len(child) or child.attrib:
                raise NotPlain(f"entry {local}")
            entry[local] = value = _repair((child.text or "").strip())
            entry[f"{local}_parsed"] = _parse_date(value)
        elif local == "rights":
            if len(child):
                raise NotPlain("entry rights has children")
        else:
            raise NotPlain(f"entry {local}")  # source, contributor, ...: feedparser's own ways
    return entry


def _atom_text(child: ET.Element, element: str) -> str:
    """A text construct: type text (as is) or html (sanitized); xhtml is left to feedparser."""
    kind = _MIXIN.map_content_type(child.attrib.get("type", "text"))
    if set(child.attrib) - {"type", _XML_LANG} or len(child):
        raise NotPlain(f"{element} construct")
    raw = child.text or ""
    if kind == "text/plain":
        return _repair(raw.strip())
    if kind == "text/html":
        return _html_field(raw)
    raise NotPlain(f"{element} of type {kind}")


def _atom_link(entry: dict[str, Any], link: ET.Element, base: str) -> None:
    """feedparser: the last link of rel alternate (the default) and an HTML type is the link."""
    href = link.attrib.get("href")
    if href is None or len(link):
        raise NotPlain("link without href")
    rel = link.attrib.get("rel", "alternate").lower()
    kind = link.attrib.get("type", "application/atom+xml" if rel == "self" else "text/html")
    if rel == "alternate" and _MIXIN.map_content_type(kind.lower()) in _MIXIN.html_types:
        entry["link"] = _urljoin(base, href)


def _atom_author(author: ET.Element) -> str:
    """'name (email)', 'name' or 'email', as feedparser gives an entry's author."""
    parts: dict[str, str] = {}
    for child in author:
        uri, local = _split(child.tag)
        if uri != _ATOM or local not in ("name", "email", "uri") or len(child) or local in parts:
            raise NotPlain(f"author {local}")
        parts[local] = (child.text or "").strip()
    name, email = parts.get("name"), parts.get("email")
    if name and email:
        return f"{name} ({email})"
    if name or email:
        return name or email or ""
    raise NotPlain("author without name")


def _handled(name: str) -> bool:
    return hasattr(_MIXIN, f"_start_{name}") or hasattr(_MIXIN, f"_end_{name}")


def _repair(value: str) -> str:
    """feedparser's last steps for every value: UTF-8 read as Latin-1 undone, cp1252 mapped."""
    if value.isascii():
        return value  # both steps leave ASCII as it is
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    # The map only holds U+0080-U+009F; a translate with a dict costs ~5 µs even when it
    # changes nothing, a search for those characters a fraction of that.
    return value.translate(_cp1252) if _C1_CONTROLS.search(value) else value


def _text_field(raw: str) -> str:
    """A nominally plain field (a title): HTML only when it looks like it, as feedparser guesses."""
    value = raw.strip()
    if _MIXIN.looks_like_html(value) and not _plain_markup(value):
        value = str(_sanitize_html(value, "utf-8", "text/html"))
    return _repair(value)


def _html_field(raw: str) -> str:
    """An HTML field: the markup as feedparser's sanitizer would leave its text."""
    value = raw.strip()
    if ("<" in value or "&" in value) and not _plain_markup(value):
        value = str(_sanitize_html(value, "utf-8", "text/html"))
    return _repair(value)


def _plain_markup(value: str) -> bool:
    if _SIMPLE_MARKUP.fullmatch(value) is None:
        return False
    for m in _ENTITY.finditer(value):
        name = m.group(1)
        if name is not None and name not in name2codepoint and name != "apos":
            return False
    return True
