"""Entity declarations are neutralised in whatever encoding feedparser would read the feed in:
a declaration hidden from a byte search by the encoding is not expanded either."""

from __future__ import annotations

import pytest

from monitor.parse.feed import parse_feed

REFS = 20_000  # x 400 characters: 8 MB of title if the entity were expanded


def _bomb(encoding: str, *, declare: bool = True) -> bytes:
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else ""
    text = (
        f'{decl}<!DOCTYPE rss [<!ENTITY big "{"x" * 400}">]><rss version="2.0"><channel>'
        f"<title>t</title><item><guid>1</guid><title>{'&big;' * REFS}</title></item>"
        "</channel></rss>"
    )
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("cp037", "application/rss+xml"),
        ("utf-32-be", "application/rss+xml"),
        ("utf-32-le", "application/rss+xml"),
        ("utf-16-le", "application/rss+xml"),
        ("utf-16-be", "application/rss+xml"),
        ("utf-8", "application/rss+xml"),
    ],
)
def test_an_entity_declared_in_any_encoding_is_not_expanded(
    encoding: str, content_type: str
) -> None:
    result = parse_feed(
        _bomb(encoding), url="https://example.com/feed", headers={"content-type": content_type}
    )
    title = result["entries"][0].get("title", "")
    assert "x" * 400 not in title, f"{encoding}: the entity was expanded ({len(title)} chars)"


def test_an_entity_declared_in_the_charset_of_the_header_alone_is_not_expanded() -> None:
    # UTF-7 only by the header: the bytes show '+ADwAIQ-ENTITY', never '<!ENTITY'.
    body = _bomb("utf-8", declare=False).replace(b"<!ENTITY", b"+ADwAIQ-ENTITY")
    assert body.decode("utf-7").count("<!ENTITY") == 1
    result = parse_feed(
        body,
        url="https://example.com/feed",
        headers={"content-type": "application/rss+xml; charset=utf-7"},
    )
    assert "x" * 400 not in result["entries"][0].get("title", "")


def test_a_feed_without_declarations_is_parsed_from_its_own_bytes() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Été</title>'
        "<item><guid>1</guid><title>Un été</title></item></channel></rss>"
    ).encode("utf-16")
    result = parse_feed(
        body, url="https://example.com/feed", headers={"content-type": "application/xml"}
    )
    assert result["entries"][0]["title"] == "Un été"
    assert result["encoding"] == "utf-16le"
