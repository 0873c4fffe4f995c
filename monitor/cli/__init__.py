"""The `monitor` command: a thin layer that parses arguments and calls the engine.

Each command group lives in its own module exposing `register(app)`; add one line below for a new
group.
"""

from __future__ import annotations

import logging
import os

import typer

from monitor import __version__

app = typer.Typer(
    name="monitor",
    help="Follow a legal dispute in the news and in the court record.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp", "slack_sdk", "alembic"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def _register_all() -> None:
    from monitor.cli import ingest

    ingest.register(app)


_register_all()


def main() -> None:
    app()
