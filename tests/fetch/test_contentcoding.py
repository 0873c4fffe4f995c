"""Content codings are undone within the cap: gzip, deflate (zlib or raw), stacked codings;
bombs stop one byte past the cap whatever the stacking, unknown or corrupt codings are errors."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib

import pytest
from feedserver import FeedServer, Route, gzip_bomb, rss

from monitor.errors import FetchError
from monitor.fetch.client import Fetcher
from monitor.fetch.contentcoding import Decoder
from monitor.fetch.types import Limits

BODY = rss([(f"k{i}", f"Story number {i}") for i in range(200)])


def _raw_deflate(data: bytes) -> bytes:
    z = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


def _decode(body: bytes, coding: str | None, limit: int = 10**7, chunk: int = 4096) -> bytes:
    decoder = Decoder(coding, limit)
    out = [decoder.feed(body[i : i + chunk]) for i in range(0, len(body), chunk)]
    return b"".join(out) + decoder.finish()


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        (None, BODY),
        ("identity", BODY),
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", _raw_deflate(BODY)),
        ("gzip, gzip", gzip.compress(gzip.compress(BODY))),
        ("deflate, gzip", gzip.compress(zlib.compress(BODY))),
        ("GZip ,identity", gzip.compress(BODY)),
    ],
)
def test_codings_are_undone(coding: str | None, encoded: bytes) -> None:
    assert _decode(encoded, coding) == BODY
    assert _decode(encoded, coding, chunk=1) == BODY


def test_a_stacked_bomb_stops_at_the_cap_without_inflating_it() -> None:
    bomb = gzip.compress(gzip_bomb(200_000_000))  # ~20 KB on the wire
    assert len(bomb) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="inflates past the 1000000 byte cap"):
            _decode(bomb, "gzip, gzip", limit=1_000_000, chunk=65_536)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000


def test_exactly_the_cap_is_allowed() -> None:
    assert _decode(gzip.compress(b"x" * 5000), "gzip", limit=5000) == b"x" * 5000
    with pytest.raises(FetchError, match="inflates past"):
        _decode(gzip.compress(b"x" * 5001), "gzip", limit=5000)


def test_unknown_and_corrupt_codings_are_permanent_errors() -> None:
    with pytest.raises(FetchError, match="unsupported content coding: br") as unknown:
        Decoder("gzip, br", 1000)
    assert not unknown.value.transient
    with pytest.raises(FetchError, match="cannot decode body") as corrupt:
        _decode(b"this is not gzip at all", "gzip")
    assert not corrupt.value.transient


def test_a_stacked_bomb_from_a_server_is_reported_and_bounded(feed_server: FeedServer) -> None:
    bomb = gzip.compress(gzip_bomb(300_000_000, prefix=b"<rss>"))
    url = feed_server.add(
        "/bomb.xml", Route(body=bomb, etag=False, headers={"Content-Encoding": "gzip, gzip"})
    )

    async def go() -> None:
        async with Fetcher(Limits(max_decompressed_bytes=2_000_000)) as fetcher:
            await fetcher.get(url)

    with pytest.raises(FetchError, match="inflates past the 2000000 byte cap"):
        asyncio.run(go())
