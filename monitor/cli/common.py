"""What every command shares: the config dir, JSON output, and turning MonitorError into one
clean line on stderr with a non-zero exit (a bug still shows its traceback)."""

from __future__ import annotations

import gc
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperArgument, TyperOption

from monitor.config.settings import Paths, resolve_paths
from monitor.errors import ConfigError, MonitorError, StorageError
from monitor.parse.htmltext import without_controls

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


@contextmanager
def loading() -> Iterator[None]:
    """Around the imports of the engine a command runs (the poll cycle, the database layer),
    which each command makes itself: the GC paused while they build their long-lived objects,
    then what was built frozen out of its sight, as `monitor.cli` does for its own imports.
    Left to the GC, they were walked again and again: ~50 ms of a `monitor poll`."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def group(help: str) -> typer.Typer:
    """A command group with plain help (see `plain_help`)."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)


def _argument_name(self: TyperArgument) -> str:
    return str(self.metavar or (self.name or "arg").upper())


def _usage_name(self: TyperArgument) -> str:
    name = _argument_name(self)
    if not self.required:
        name = f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


def _no_type(self: TyperArgument, ctx: Any) -> None:
    return None


_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH"}


def _option_type(self: TyperOption, ctx: Any) -> str:
    if self.metavar:
        return str(self.metavar)
    shown = str(self.display_type(ctx)).strip("<>")
    return _TYPE_NAMES.get(shown.removeprefix("list[").removesuffix("]"), shown.upper())


def plain_help() -> None:
    """Help as people expect it from a command line: `URL` and `[ID]` in the usage line (not
    `{url}`, `[[ID]]`), `--limit INTEGER` (not `<int>`), no type beside a flag or an argument,
    and paragraphs re-flowed (with rich_markup_mode=None on every group). Typer 0.29 has no
    setting for these, so its four formatting methods are replaced, once, at import."""
    TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]
    TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _no_type  # type: ignore[method-assign,assignment]
    TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]


def paths(config_dir: Path | None, *, create: bool = False) -> Paths:
    """The config folder's paths. It must be a folder that exists: a mistyped --config-dir is
    an error, never a new folder with a database of its own; `create=True` (`monitor init`)
    makes it."""
    try:
        found = resolve_paths(config_dir)
    except RuntimeError:  # `~ghost/...`: no such user, or no home to expand `~` to
        raise ConfigError(
            f"config folder {config_dir}: cannot expand ~ (no such user, or no home folder)"
        ) from None
    root = found.root
    if create and not root.exists():
        try:
            root.mkdir(parents=True)
        except OSError as exc:
            raise ConfigError(f"config folder {root}: cannot create it: {exc.strerror}") from None
    if not root.exists():
        raise ConfigError(
            f"config folder {root} does not exist (check --config-dir or MONITOR_CONFIG_DIR;"
            f" `monitor init {root}` makes a new one)"
        )
    if not root.is_dir():
        raise ConfigError(f"config folder {root} is not a folder (check --config-dir)")
    return found


def echo(message: str = "", *, err: bool = False) -> None:
    """Print a line for the terminal: what feeds, servers and files say is shown as text, never
    as escape sequences (a window title, an OSC 8 link, a cleared screen)."""
    typer.echo(without_controls(message), err=err)


def echo_lines(lines: list[str]) -> None:
    """Print lines as `echo` does each, in one write: `echo` flushes the terminal after every
    line (1,000 sources listed: 3,000 writes and flushes, ~15 ms)."""
    if lines:
        typer.echo("\n".join(without_controls(line) for line in lines))


class TerminalFormatter(logging.Formatter):
    """Log lines without escape sequences or control characters (tracebacks keep their lines)."""

    def format(self, record: logging.LogRecord) -> str:
        return without_controls(super().format(record))


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    echo(f"error: {message}", err=True)
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
    text = json.dumps(data, ensure_ascii=False, default=str, indent=2)
    # JSON escapes C0 itself; C1 and bidi controls stay raw with ensure_ascii=False, and a
    # terminal acts on them: written as \u escapes, the data is the same and inert.
    sys.stdout.write(_JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_JSON_RAW_CONTROLS = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
