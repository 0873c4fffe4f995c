"""What a fetch puts on the wire and what it makes of the answer, byte for byte: the request's
header lines in their order (Host first, a source's own headers after ours, one of theirs
replacing ours of the same name), and the response's headers as `Response.headers` (names in
lower case, repeated ones joined, bytes that are not ASCII read as httpx reads them). A server
on a raw socket, so that nothing between the bytes and the test tidies them."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from monitor.errors import FetchError
from monitor.fetch.client import USER_AGENT, Fetcher, _response_headers
from monitor.fetch.types import Response

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
ANSWER = (
    b"HTTP/1.1 304 Not Modified\r\n"
    b'ETag: "e1"\r\n'
    b"X-Dup: a\r\n"
    b"x-dup: b\r\n"
    b"X-Utf: caf\xc3\xa9\r\n"
    b"Content-Length: 0\r\n\r\n"
)


async def _exchange(
    path: str, **get: object
) -> tuple[list[tuple[str, str]], str, Response | FetchError]:
    """GET `path` from a server answering ANSWER: (the request's header lines, its request
    line, the Response or the FetchError)."""
    heads: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(ANSWER)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with Fetcher() as fetcher:
            try:
                result: Response | FetchError = await fetcher.get(
                    f"http://127.0.0.1:{port}{path}",
                    **get,  # type: ignore[arg-type]
                )
            except FetchError as exc:
                result = exc
    finally:
        server.close()
        await server.wait_closed()
    lines = heads[0].decode("latin-1").split("\r\n")
    pairs = [(name, value) for name, _, value in (line.partition(": ") for line in lines[1:-2])]
    return [(n, v.replace(str(port), "PORT")) for n, v in pairs], lines[0], result


def test_a_plain_conditional_get() -> None:
    headers, request_line, result = asyncio.run(
        _exchange(
            "/feed.xml",
            etag='"e0"',
            last_modified="Mon, 01 Jan 2026 00:00:00 GMT",
        )
    )
    assert request_line == "GET /feed.xml HTTP/1.1"
    assert headers == [
        ("Host", "127.0.0.1:PORT"),
        ("User-Agent", USER_AGENT),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", ACCEPT),
        ("If-None-Match", '"e0"'),
        ("If-Modified-Since", "Mon, 01 Jan 2026 00:00:00 GMT"),
    ]
    assert isinstance(result, Response) and result.not_modified
    assert result.headers == {
        "etag": '"e1"',
        "x-dup": "a, b",
        "x-utf": "café",
        "content-length": "0",
    }
    assert result.etag == '"e1"' and result.last_modified is None


def test_a_sources_headers_come_after_ours_and_replace_those_of_the_same_name() -> None:
    headers, _, result = asyncio.run(
        _exchange("/feed.xml", headers={"User-Agent": "theirs", "X-Api-Key": "k"})
    )
    assert headers == [
        ("Host", "127.0.0.1:PORT"),
        ("User-Agent", "theirs"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", ACCEPT),
        ("X-Api-Key", "k"),
    ]
    assert isinstance(result, Response)


def test_a_sources_own_host_header_is_the_only_one() -> None:
    headers, _, _ = asyncio.run(_exchange("/feed.xml", headers={"host": "example.org"}))
    assert [h for h in headers if h[0].lower() == "host"] == [("host", "example.org")]


def test_the_final_url_is_the_one_httpx_normalised() -> None:
    _, request_line, result = asyncio.run(_exchange("/a/../feed.xml?x=1"))
    assert request_line == "GET /feed.xml?x=1 HTTP/1.1"
    assert isinstance(result, Response)
    assert result.url.endswith("/a/../feed.xml?x=1")
    assert result.final_url.endswith("/feed.xml?x=1") and "/a/" not in result.final_url


def test_a_header_value_httpx_cannot_send_is_refused_before_sending() -> None:
    with pytest.raises(UnicodeEncodeError):
        asyncio.run(_exchange("/feed.xml", headers={"X-Name": "café"}))


@pytest.mark.parametrize(
    "raw",
    [
        [(b"ETag", b'"e1"'), (b"Content-Length", b"0")],
        [(b"X-Dup", b"a"), (b"x-dup", b"b"), (b"X-DUP", b"c")],
        [(b"X-Utf", b"caf\xc3\xa9"), (b"ETag", b'"e"')],
        [(b"X-Latin", b"caf\xe9"), (b"X-Utf", b"caf\xc3\xa9")],  # not UTF-8: Latin-1 for all
        [(b"ETag", b'"e"'), (b"X-Caf\xc3\xa9", b"v")],  # a name past ASCII, after ASCII ones
        [],
    ],
)
def test_response_headers_read_as_httpx_reads_them(raw: list[tuple[bytes, bytes]]) -> None:
    headers = httpx.Headers(raw)
    assert _response_headers(headers) == {k.lower(): v for k, v in headers.items()}
