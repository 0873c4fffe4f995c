"""Help reads like any command line's: ordinary metavars, no type beside a flag, sentences
re-flowed rather than broken where the docstring wraps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from support import cli

from monitor.cli import app


def _paths(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    sub = getattr(cmd, "commands", None)
    if not sub:
        yield path
        return
    for name, child in sub.items():
        yield from _paths(child, (*path, name))


COMMANDS = sorted(_paths(typer.main.get_command(app)))


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_shows_ordinary_metavars(path: tuple[str, ...]) -> None:
    code, out, _ = cli(*path, "--help")
    assert code == 0
    for odd in ("<bool>", "<str>", "<int>", "<path>", "[[", "{url}", "{name}", "{text}"):
        assert odd not in out, f"{' '.join(path)}: {odd}"


def test_help_names_arguments_and_option_values_as_people_expect() -> None:
    _, out, _ = cli("outbox", "retry", "--help")
    assert "Usage: monitor outbox retry [OPTIONS] [ID]" in out
    _, out, _ = cli("sources", "test", "--help")
    assert "Usage: monitor sources test [OPTIONS] URL" in out
    _, out, _ = cli("items", "list", "--help")
    assert "--limit INTEGER" in out and "--source TEXT" in out
    assert "--json " in out and "--json TEXT" not in out


def test_a_docstring_wrapped_in_the_source_is_re_flowed_in_the_help() -> None:
    _, out, _ = cli("classify", "--help")
    assert "print one JSON line each" in out
