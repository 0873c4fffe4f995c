"""Canonical URLs: tracking parameters dropped, the rest kept as written, news-search redirect
links unwrapped, default ports and fragments dropped."""

from __future__ import annotations

import pytest

from monitor.parse.urls import canonical, outlet_of


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "HTTPS://WWW.Example.com:443/a/b?utm_source=rss&id=7&fbclid=x#top",
            "https://www.example.com/a/b?id=7",
        ),
        ("http://example.com:80", "http://example.com/"),
        # what is not tracking stays exactly as written
        ("https://example.com/s?q=a%20b&flag&cid=42", "https://example.com/s?q=a%20b&flag&cid=42"),
        (
            "https://news.google.com/articles/x?url=https://www.lemonde.fr/a.html%3Futm_medium%3Dx",
            "https://www.lemonde.fr/a.html",
        ),
        (
            "https://BING.com:443/news/apiclick.aspx?url=https%3A%2F%2Fa.example%2Fx&tid=1",
            "https://a.example/x",
        ),
        ("https://example.com/plain", "https://example.com/plain"),
        # a tracking key percent-encoded or in capitals is still one; a "+" is a space
        (
            "https://example.com/a?utm%5Fsource=x&q=1&Fb+clid=2&FBCLID=3&utm_x+y=4",
            "https://example.com/a?q=1&Fb+clid=2",
        ),
    ],
)
def test_canonical(given: str, expected: str) -> None:
    assert canonical(given) == expected


def test_two_articles_told_apart_by_an_id_parameter_stay_apart() -> None:
    assert canonical("https://example.com/view?cid=1") != canonical(
        "https://example.com/view?cid=2"
    )


def test_outlet_of() -> None:
    assert outlet_of("https://www.lemonde.fr/x") == "lemonde.fr"
    assert canonical(None) is None and canonical("") is None
