"""The aiohttp.web application and its server: GET routes only, the bearer token checked
before any page, security headers on every answer. Input: an engine and a probe; output: a
listening site (inside `monitor run`, or alone for `monitor serve`)."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import Engine

from monitor.config.settings import ENV_HTTP_ADDR, HttpAddress, Secret
from monitor.errors import ConfigError
from monitor.web.health import Probe
from monitor.web.security import bearer_middleware, check_bind
from monitor.web.views import Pages, make_env

log = logging.getLogger(__name__)

# The pages load nothing but their own stylesheet and inline SVG: anything injected despite
# the escaping could neither run script nor reach another host.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none';"
        " form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def make_app(
    engine: Engine, probe: Probe, *, token: Secret | None, language: str
) -> web.Application:
    pages = Pages(engine=engine, probe=probe, language=language, env=make_env())
    app = web.Application(middlewares=[bearer_middleware(token)], client_max_size=4096)
    app.on_response_prepare.append(_headers)
    app.router.add_get("/healthz", pages.healthz)
    app.router.add_get("/readyz", pages.readyz)
    app.router.add_get("/metrics", pages.metrics)
    app.router.add_get("/", pages.dashboard)
    app.router.add_get("/story/{story_id}", pages.story)
    app.router.add_get("/feed.atom", pages.feed)
    app.router.add_get("/api/alerts", pages.api_alerts)
    app.router.add_get("/api/facts", pages.api_facts)
    app.router.add_get("/style.css", pages.style)
    return app


@dataclass(slots=True)
class Running:
    """A started server: where it listens, and how to stop it."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start(app: web.Application, addr: HttpAddress, *, token: Secret | None) -> Running:
    """Listen on `addr` (port 0: a free one, reported back). Refuses a non-loopback address
    without a token before binding anything."""
    check_bind(addr, token)
    # Pages answer in milliseconds: at stop, a request still running after 5 s is cut off.
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, addr.host, addr.port, reuse_address=True)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(
            f"cannot listen on {addr}: {exc.strerror or exc} (choose another with"
            f" {ENV_HTTP_ADDR}, or off)"
        ) from None
    port = addr.port
    for sock_addr in runner.addresses:
        if isinstance(sock_addr, tuple):
            port = int(sock_addr[1])
            break
    running = Running(runner=runner, host=addr.host, port=port)
    log.info("web listening url=%s token=%s", running.url, "yes" if token else "no")
    return running


async def serve_forever(
    engine: Engine, probe: Probe, addr: HttpAddress, *, token: Secret | None, language: str
) -> None:
    """`monitor serve`: the pages alone until SIGINT or SIGTERM."""
    app = make_app(engine, probe, token=token, language=language)
    running = await start(app, addr, token=token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await running.stop()
        log.info("web stopped")
