"""What every command shares: the config dir, JSON output, and turning MonitorError into one
clean line on stderr with a non-zero exit (a bug still shows its traceback)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from monitor.config.settings import Paths, resolve_paths
from monitor.errors import ConfigError, MonitorError, StorageError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CONFIG = 2
EXIT_FAILURE = 1

ConfigDirOption = Annotated[
    Path | None,
    typer.Option(
        "--config-dir",
        envvar="MONITOR_CONFIG_DIR",
        help="Folder holding sources.yaml, rules/, notifiers/ and storage/ (default: current dir).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def paths(config_dir: Path | None) -> Paths:
    return resolve_paths(config_dir)


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Run a command body; a MonitorError becomes `error: ...` on stderr and exit 2 (config,
    a read-only database) or 1."""
    try:
        yield
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    except StorageError as exc:
        # Files an operator must fix are a setup error like a bad config; an unreachable
        # database is a failure worth retrying.
        fail(str(exc), EXIT_CONFIG if exc.kind == "read-only" else EXIT_FAILURE)
    except MonitorError as exc:
        fail(str(exc), EXIT_FAILURE)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")
