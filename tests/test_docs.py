"""The README documents every command, and every command line it shows names real commands and
options (sqlite-utils' habit: a test fails when a command or option is undocumented)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from conftest import REPO

from monitor.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    sub = getattr(cmd, "commands", None)
    if not sub:
        yield path, cmd
        return
    for name, child in sub.items():
        yield from _commands(child, (*path, name))


ROOT = typer.main.get_command(app)
COMMANDS = dict(_commands(ROOT))


def _shown_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    lines = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("monitor "):
                lines.append(line)
    return lines


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_is_documented(path: tuple[str, ...]) -> None:
    if path == ("version",):
        return
    assert f"monitor {' '.join(path)}" in README


@pytest.mark.parametrize("line", _shown_lines())
def test_every_documented_command_line_is_real(line: str) -> None:
    words = shlex.split(line)[1:]
    path: tuple[str, ...] = ()
    while words and any(k[: len(path) + 1] == (*path, words[0]) for k in COMMANDS):
        path = (*path, words.pop(0))
        if path in COMMANDS:
            break
    assert path in COMMANDS, line
    options = {opt for p in COMMANDS[path].params for opt in getattr(p, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.split("=")[0] in options, (
                f"{line}: {word} is not an option of {' '.join(path)}"
            )
