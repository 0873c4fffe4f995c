"""Redirects keep a source's credentials on its own origin: a token sent to host A must not
follow a redirect to host B (another port is another origin) nor down from https to http."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from feedserver import FeedServer, Route, rss

from monitor.fetch.client import Fetcher
from monitor.fetch.types import Limits

SECRETS = {"Authorization": "Token s3cret", "Cookie": "session=s3cret", "X-Api-Key": "k3y"}


@pytest.fixture
def other_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


def _get(url: str) -> int:
    async def go() -> int:
        async with Fetcher(Limits()) as fetcher:
            return (await fetcher.get(url, headers=SECRETS)).status

    return asyncio.run(go())


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def test_a_redirect_to_another_origin_drops_the_credentials(
    feed_server: FeedServer, other_server: FeedServer
) -> None:
    target = other_server.add("/feed.xml", Route(body=rss([("a", "One")])))
    start = feed_server.add("/moved.xml", Route(redirect_to=target))

    assert _get(start) == 200

    first = _lower(feed_server.hits("/moved.xml")[0].headers)
    assert first["authorization"] == "Token s3cret" and first["cookie"] == "session=s3cret"
    landed = _lower(other_server.hits("/feed.xml")[0].headers)
    assert "authorization" not in landed and "cookie" not in landed
    assert "x-api-key" not in landed  # a custom header is as much a credential
    assert landed["user-agent"].startswith("dispute-monitor/")  # the rest is sent as before


def test_a_redirect_on_the_same_origin_keeps_them(feed_server: FeedServer) -> None:
    feed_server.add("/feed.xml", Route(body=rss([("a", "One")])))
    start = feed_server.add("/moved.xml", Route(redirect_to="/feed.xml"))

    assert _get(start) == 200
    landed = _lower(feed_server.hits("/feed.xml")[0].headers)
    assert landed["authorization"] == "Token s3cret"
    assert landed["x-api-key"] == "k3y"
