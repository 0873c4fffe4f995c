"""Who may read the pages. Input: the bind address, the token and each request; output: a
refusal to start off loopback without a token, and 401 to a request without the token."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from monitor.config.settings import ENV_HTTP_TOKEN, HttpAddress, Secret
from monitor.errors import ConfigError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The probe of Docker, Kubernetes and systemd carries no secret.
OPEN_PATHS = frozenset({"/healthz"})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; a name that resolves elsewhere is not."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(addr: HttpAddress, token: Secret | None) -> None:
    """Refuse to serve beyond this machine without a token."""
    if not is_loopback(addr.host) and token is None:
        raise ConfigError(
            f"refusing to listen on {addr} without {ENV_HTTP_TOKEN}: set a token, or bind 127.0.0.1"
        )


def bearer_middleware(token: Secret | None) -> Middleware:
    """Every page but the open ones demands `Authorization: Bearer <token>` when a token is
    set (compared in constant time, so the answer's timing tells nothing of the token)."""
    expected = token.get().encode() if token is not None else None

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if expected is None or request.path in OPEN_PATHS:
            return await handler(request)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "surrogateescape"), expected
        ):
            return await handler(request)
        log.info("web refused path=%s reason=no_valid_token", request.path)
        return web.Response(
            status=401,
            text="401: this page needs Authorization: Bearer <token>\n",
            headers={"WWW-Authenticate": 'Bearer realm="monitor"'},
        )

    return middleware
