"""The `monitor` command: a thin layer that parses arguments and calls the engine.

Each command group lives in its own module exposing `register(app)`; add one line below for a new
group.
"""

from __future__ import annotations

import gc

# Start-up speed: the imports below (typer, SQLAlchemy, aiohttp, pydantic...) allocate a few
# hundred thousand long-lived objects, and the cyclic GC would walk them again and again, during
# the imports and through the whole command (~0.6 s of CPU of a `monitor poll` of 1,000 304s).
# Paused while this module imports, then restored (even in tests) with what was built frozen
# out of the collector's sight.
_gc_was_enabled = gc.isenabled()
gc.disable()

import logging  # noqa: E402
import os  # noqa: E402

import typer  # noqa: E402

from monitor import __version__  # noqa: E402
from monitor.cli.common import TerminalFormatter, echo, plain_help  # noqa: E402

plain_help()

app = typer.Typer(
    name="monitor",
    help="Follow a legal dispute in the news and in the court record.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail to stderr."),
) -> None:
    level = (
        logging.DEBUG
        if verbose
        else getattr(logging, os.environ.get("MONITOR_LOG_LEVEL", "INFO").upper(), logging.INFO)
    )
    handler = logging.StreamHandler()
    handler.setFormatter(TerminalFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp", "slack_sdk", "alembic"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@app.command()
def version() -> None:
    """Print the version."""
    echo(__version__)


def _register_all() -> None:
    from monitor.cli import backtest, classify, ingest, notify, rules, web

    ingest.register(app)
    notify.register(app)
    classify.register(app)
    rules.register(app)
    backtest.register(app)
    web.register(app)


try:
    _register_all()
finally:
    # What start-up built lives until exit: frozen, the GC never scans it. Frozen before the
    # GC is back on, or its first pass walks all of it at once (~0.1 s).
    gc.freeze()
    if _gc_was_enabled:
        gc.enable()


def main() -> None:
    try:
        app()
    finally:
        # What the command imported and built since (the engine it runs is imported by the
        # command itself) is frozen too before the interpreter exits: its collections at exit
        # would otherwise walk all of it (~0.08 s of a `monitor poll`).
        gc.freeze()
