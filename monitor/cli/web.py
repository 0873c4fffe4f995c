"""`monitor serve`: the web pages alone, read from the database that the workers (`monitor
run`) write; several workers and one web process can share PostgreSQL."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Annotated

import typer

from monitor.cli.common import ConfigDirOption, paths, user_errors
from monitor.config.durations import parse_duration
from monitor.config.settings import (
    DEFAULT_HTTP_ADDR,
    ENV_HTTP_ADDR,
    database_url,
    http_token,
    parse_http_addr,
)
from monitor.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    addr: Annotated[
        str,
        typer.Option(
            "--addr",
            envvar=ENV_HTTP_ADDR,
            help="HOST:PORT to listen on (port 0: any free port). Any host but loopback needs"
            " MONITOR_HTTP_TOKEN.",
        ),
    ] = DEFAULT_HTTP_ADDR,
    max_cycle_age: Annotated[
        str,
        typer.Option(
            "--max-cycle-age",
            help="/healthz answers 503 when the workers' last polling cycle is older (90s, 10m,"
            " 1h).",
        ),
    ] = "15m",
    config_dir: ConfigDirOption = None,
) -> None:
    """Serve the dashboard, /healthz, /readyz, /metrics, /feed.atom and /api/* from the
    database, without polling. Ctrl-C or SIGTERM stops it."""
    with user_errors():
        import asyncio

        from monitor.config import notifiers_file
        from monitor.storage.engine import make_engine
        from monitor.web.app import serve_forever
        from monitor.web.health import Probe

        where = parse_http_addr(addr, origin="--addr")
        if where is None:
            raise ConfigError("--addr: `monitor serve` needs an address (off is for monitor run)")
        try:
            age = parse_duration(max_cycle_age)
        except ValueError as exc:
            raise ConfigError(f"--max-cycle-age: {exc}") from None
        if age <= timedelta(0):
            raise ConfigError("--max-cycle-age: must be more than 0")
        token = http_token()
        p = paths(config_dir)
        # The readers' language of the alerts: `language:` in notifiers/, else MONITOR_LANGUAGE.
        language = notifiers_file.load(p.notifiers_dir).language or "en"
        engine = make_engine(database_url(p))
        try:
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(
                    serve_forever(
                        engine,
                        Probe(engine, max_cycle_age=age),
                        where,
                        token=token,
                        language=language,
                    )
                )
        finally:
            engine.dispose()
