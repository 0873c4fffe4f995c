"""A real HTTP server on 127.0.0.1 (OS-assigned port) serving feeds and hostile answers:
ETag/304, Last-Modified, 429 with Retry-After, 5xx, redirects (and loops), gzip, gzip bombs,
endless and trickling bodies. Records every request for assertions."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # send an ETag and answer If-None-Match with 304
    last_modified: str | None = None
    gzip: bool = False  # Content-Encoding: gzip of `body`
    raw_gzip: bytes | None = None  # pre-compressed body sent as gzip (bombs)
    redirect_to: str | None = None
    endless: bool = False  # stream zeros-free XML forever
    trickle: float = 0.0  # seconds between single bytes
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(
                        Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                    )
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(404, b"not found", "text/plain")
                    return
                server._serve(self, route)

            def _send(
                self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients hanging up on endless or slow bodies is the point of those routes

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _serve(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        if route.handler is not None:
            route.handler(h)
            return
        if route.redirect_to is not None:
            h.send_response(route.status if 300 <= route.status < 400 else 302)
            h.send_header("Location", route.redirect_to)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if route.status >= 400:
            body = route.body or b"error"
            h.send_response(route.status)
            for k, v in route.headers.items():
                h.send_header(k, v)
            h.send_header("Content-Type", "text/plain")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return
        if route.endless:
            h.send_response(200)
            h.send_header("Content-Type", route.content_type)
            h.end_headers()  # no length: the body never ends
            try:
                h.wfile.write(b"<?xml version='1.0'?><rss><channel>")
                chunk = b"<item><title>x</title></item>" * 2000
                while True:
                    h.wfile.write(chunk)
            except OSError:
                return
        if route.trickle:
            h.send_response(200)
            h.send_header("Content-Type", route.content_type)
            h.send_header("Content-Length", str(len(route.body)))
            h.end_headers()
            try:
                for i in range(len(route.body)):
                    h.wfile.write(route.body[i : i + 1])
                    h.wfile.flush()
                    time.sleep(route.trickle)
            except OSError:
                return
            return
        tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = tag
            if h.headers.get("If-None-Match") == tag:
                h.send_response(304)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.end_headers()
                return
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
            if not route.etag and h.headers.get("If-Modified-Since") == route.last_modified:
                h.send_response(304)
                h.end_headers()
                return
        body = route.body
        if route.raw_gzip is not None:
            body = route.raw_gzip
            headers["Content-Encoding"] = "gzip"
        elif route.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        h.send_response(route.status)
        h.send_header("Content-Type", route.content_type)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        try:
            h.wfile.write(body)
        except OSError:
            return


def gzip_bomb(size: int = 256 * 1024 * 1024, *, prefix: bytes = b"") -> bytes:
    """gzip of `prefix` and `size` zero bytes (whole MiB), compressed a MiB at a time so that
    making it never holds the inflated body (other tests measure the process's peak memory)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    block = b"\0" * (1024 * 1024)
    out = [comp.compress(prefix)]
    out += [comp.compress(block) for _ in range(size // len(block))]
    out.append(comp.flush())
    return b"".join(out)


def rss(items: list[tuple[str, str]], *, title: str = "Test feed", lang: str = "en") -> bytes:
    """An RSS 2.0 feed of (guid, title) entries."""
    entries = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://example.com/{g}</link>"
        f"<description>{t} (text)</description><pubDate>Mon, 18 May 2026 10:00:00 GMT</pubDate></item>"
        for g, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.com/</link><description>d</description><language>{lang}</language>{entries}</channel></rss>"
    ).encode()
