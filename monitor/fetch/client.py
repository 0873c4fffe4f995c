"""HTTP: one shared client, conditional GET, bounded in time and size, errors classified once.

Input: a URL with the validators we hold (ETag, Last-Modified). Output: a `Response`
(`monitor.fetch.types`) with the body (or `not_modified`), or a `FetchError` saying whether to retry (transient) or not.
httpx is driven over aiohttp's transport: httpx's own pool slows down sharply with many requests
in flight (5.3 s for 1,000 304s at 64 in flight); httpx's timeouts are per read, not total, so a
trickling server would never end: a total deadline wraps each fetch; bodies are streamed and cut at a cap (endless bodies), and decoded here within
another (gzip bombs, `monitor/fetch/contentcoding.py`).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple, Self
from urllib.parse import urljoin, urlsplit

import aiohttp
import httpx

from monitor import __version__
from monitor.domain import as_utc
from monitor.errors import FetchError
from monitor.fetch.aiotransport import AiohttpTransport
from monitor.fetch.contentcoding import Decoder
from monitor.fetch.types import Limits, Response, check_url
from monitor.parse.htmltext import one_line, without_controls

log = logging.getLogger(__name__)

USER_AGENT = f"dispute-monitor/{__version__} (+https://github.com/dispute-monitor; feed poller)"
PERMANENT_STATUSES = {400, 401, 403, 404, 405, 406, 410, 451}


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date, RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (as_utc(when) - (now or datetime.now(UTC))).total_seconds())


def _timeout_kind(exc: httpx.TimeoutException) -> str:
    if isinstance(exc, httpx.ReadTimeout):
        return "no data from the server within the read timeout"
    return "could not connect within the connect timeout"


class _Target(NamedTuple):
    url: httpx.URL
    text: str  # str(url): the final URL of a response to it
    host: tuple[tuple[bytes, bytes], ...]  # the Host header httpx would add


@functools.lru_cache(maxsize=16_384)
def _target(url: str) -> _Target:
    """httpx's parse of a URL (~10 µs), once per URL: the same feeds are polled cycle after
    cycle."""
    parsed = httpx.URL(url)
    return _Target(parsed, str(parsed), ((b"Host", parsed.netloc),) if parsed.host else ())


# GET has no body: given as a stream, httpx.Request takes the headers as they are instead of
# normalising them twice over to add the Host and Content-Length it would otherwise compute
# (`_request_headers` adds the Host as httpx would). The stream holds no state: one serves
# every request.
_NO_BODY = httpx.ByteStream(b"")


def _request_headers(
    host: tuple[tuple[bytes, bytes], ...], headers: dict[str, str]
) -> list[tuple[bytes, bytes]]:
    """`headers` as httpx would send them: encoded as ASCII (anything else raises, as httpx
    does), after the Host header unless one of them is a Host header already."""
    encoded = [(k.encode("ascii"), v.encode("ascii")) for k, v in headers.items()]
    if any(k.lower() == b"host" for k, _ in encoded):
        return encoded
    return [*host, *encoded]


def _response_headers(headers: httpx.Headers) -> dict[str, str]:
    """What httpx's `items()` gives (names in lower case, a repeated header's values joined by
    ", "). Decoded as ASCII in one pass, which is httpx's choice whenever every header is
    ASCII; else in the encoding httpx picks (finding it decodes every header again): ~3% of
    the fetch layer's instructions a request (callgrind)."""
    raw = headers.raw
    try:
        pairs = [(key.lower().decode("ascii"), value.decode("ascii")) for key, value in raw]
    except UnicodeDecodeError:
        encoding = headers.encoding
        pairs = [(key.lower().decode(encoding), value.decode(encoding)) for key, value in raw]
    out: dict[str, str] = {}
    for name, text in pairs:
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


def _reason_text(phrase: str) -> str:
    """A server's reason phrase as text to store and show: escapes and controls go, at most 100
    characters."""
    return one_line(without_controls(phrase), 100)


class Fetcher:
    """One client for a whole cycle (or the whole `monitor run`). Use as an async context."""

    def __init__(self, limits: Limits | None = None, *, user_agent: str = USER_AGENT) -> None:
        self.limits = limits or Limits()
        self._slots = asyncio.Semaphore(self.limits.max_in_flight)
        self._transport: AiohttpTransport | None = None
        self._headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
        lim = self.limits
        # No pool timeout: waiting for a connection is within the total deadline `get` sets,
        # which starts first and is as long, so a pool timeout of its length could never
        # fire; aiohttp armed one per request all the same (~4 µs).
        self._timeouts = httpx.Timeout(
            connect=lim.connect_timeout,
            read=lim.read_timeout,
            write=lim.read_timeout,
            pool=None,
        ).as_dict()

    async def __aenter__(self) -> Self:
        lim = self.limits

        def session() -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(
                limit=lim.max_in_flight,
                limit_per_host=lim.max_per_host,
                ttl_dns_cache=300,
            )
            return aiohttp.ClientSession(connector=connector, auto_decompress=False)

        # httpx requests and responses, sent by the transport itself: AsyncClient's machinery
        # (default merging, cookies, auth and redirect hooks; we want none of them and follow
        # redirects here) cost ~150 µs a request, a third of a cycle of 1,000 304s.
        self._transport = AiohttpTransport(session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, */*;q=0.5",
    ) -> Response:
        """GET `url` conditionally; raise FetchError (classified) for anything but 2xx/304."""
        if self._transport is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        check_url(url)
        ours = {"Accept": accept}
        if etag:
            ours["If-None-Match"] = etag
        if last_modified:
            ours["If-Modified-Since"] = last_modified
        loop = asyncio.get_running_loop()
        async with self._slots:
            started = loop.time()
            try:
                async with asyncio.timeout(self.limits.total_timeout):
                    return await self._get(url, ours, headers or {}, started)
            except TimeoutError:
                raise FetchError(
                    f"took longer than {self.limits.total_timeout:g}s in total", transient=True
                ) from None
            except httpx.TimeoutException as exc:
                raise FetchError(f"timeout: {_timeout_kind(exc)}", transient=True) from None
            except httpx.UnsupportedProtocol as exc:
                raise FetchError(f"unsupported URL: {exc}", transient=False) from None
            except (httpx.TransportError, aiohttp.ClientError, OSError) as exc:
                detail = str(exc) or type(exc).__name__
                raise FetchError(f"connection error: {detail}", transient=True) from None

    async def _get(
        self, url: str, ours: dict[str, str], configured: Mapping[str, str], started: float
    ) -> Response:
        """Follow redirects. `configured` are the source's own headers (a token, an API key):
        they are for its origin only, so they stay behind at the first redirect elsewhere."""
        target = url
        seen = {url}
        headers = {**ours, **configured}
        for _ in range(self.limits.max_redirects + 1):
            result = await self._get_once(url, target, headers, started)
            if isinstance(result, Response):
                return result
            previous, target = target, check_url(urljoin(target, result))
            if target in seen:
                raise FetchError(f"redirect loop at {target}", transient=False)
            seen.add(target)
            if _origin(target) != _origin(previous):
                # A source's credentials (a CourtListener token, an X-Api-Key...) are for its own
                # host: a redirect elsewhere, or down to http, carries none of its headers.
                headers = dict(ours)
        raise FetchError(f"more than {self.limits.max_redirects} redirects", transient=False)

    async def _get_once(
        self, url: str, target: str, headers: dict[str, str], started: float
    ) -> Response | str:
        """One request: a Response, or the Location of a redirect."""
        assert self._transport is not None
        lim = self.limits
        to = _target(target)
        request = httpx.Request(
            "GET",
            to.url,
            headers=_request_headers(to.host, {**self._headers, **headers}),
            stream=_NO_BODY,
            extensions={"timeout": self._timeouts},
        )
        resp = await self._transport.handle_async_request(request)
        try:
            status = resp.status_code
            hdrs = _response_headers(resp.headers)
            final_url = to.text  # str(resp.url): that of this request (`_get` follows redirects)
            if status in (301, 302, 303, 307, 308):
                location = hdrs.get("location")
                if not location:
                    raise FetchError(f"HTTP {status} without a Location header", transient=False)
                return location
            if status == 304:
                return Response(
                    url=url,
                    final_url=final_url,
                    status=status,
                    headers=hdrs,
                    not_modified=True,
                    etag=hdrs.get("etag"),
                    last_modified=hdrs.get("last-modified"),
                    elapsed=asyncio.get_running_loop().time() - started,
                )
            if status >= 400:
                retry_after = parse_retry_after(hdrs.get("retry-after"))
                transient = status not in PERMANENT_STATUSES
                reason = _reason_text(resp.reason_phrase or "")
                extra = f", retry after {retry_after:g}s" if retry_after is not None else ""
                raise FetchError(
                    f"HTTP {status} {reason}".strip() + extra,
                    transient=transient,
                    status=status,
                    retry_after=retry_after,
                )
            declared = hdrs.get("content-length", "")
            if declared.isdigit() and int(declared) > lim.max_body_bytes:
                raise FetchError(
                    f"body of {int(declared)} bytes exceeds the {lim.max_body_bytes} byte cap",
                    transient=False,
                )
            # Decoded here, not by httpx: its decoders inflate a chunk whole, so a small bomb
            # (gzip twice over) reached gigabytes before any cap could be checked.
            decoder = Decoder(hdrs.get("content-encoding"), lim.max_decompressed_bytes)
            chunks: list[bytes] = []
            received = 0
            async for raw in resp.aiter_raw():
                received += len(raw)
                if received > lim.max_body_bytes:
                    raise FetchError(
                        f"body cut at the {lim.max_body_bytes} byte cap", transient=False
                    )
                chunks.append(decoder.feed(raw))
            chunks.append(decoder.finish())
            return Response(
                url=url,
                final_url=final_url,
                status=status,
                headers=hdrs,
                body=b"".join(chunks),
                etag=hdrs.get("etag"),
                last_modified=hdrs.get("last-modified"),
                elapsed=asyncio.get_running_loop().time() - started,
            )
        finally:
            await resp.aclose()
