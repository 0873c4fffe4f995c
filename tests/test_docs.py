"""The README documents every command, and every command line it shows names real commands and
options (sqlite-utils' habit: a test fails when a command or option is undocumented)."""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import REPO
from typer.testing import CliRunner

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


# An example in the README is a ```sh block of one `monitor` command followed by a plain ```
# block: what that command prints, line for line ("..." stands for lines left out).
_EXAMPLE = re.compile(r"```sh\n(monitor [^\n]*)\n```\n\n```\n(.*?)```", flags=re.DOTALL)


def _examples() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _EXAMPLE.finditer(README)]


def test_the_readme_has_examples_to_check() -> None:
    assert len(_examples()) >= 2


@pytest.mark.parametrize(("command", "shown"), _examples(), ids=[c for c, _ in _examples()])
def test_every_readme_example_prints_what_the_readme_shows(
    command: str, shown: str, tmp_path: Path
) -> None:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    result = CliRunner().invoke(app, [*shlex.split(command)[1:], "--config-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    printed = result.stdout.splitlines()
    at = 0
    for line in shown.splitlines():
        if line.strip() == "...":
            continue
        assert line in printed[at:], f"{command}: {line!r} is not printed (in this order)"
        at = printed.index(line, at) + 1


def _shown(prefix: str) -> str:
    """The README's one output line that starts with `prefix`."""
    (line,) = [x for x in README.splitlines() if x.startswith(prefix)]
    return line


def test_the_readme_digest_window_line_is_what_digest_preview_prints() -> None:
    from datetime import UTC, date, datetime, timedelta

    from monitor.config.notifiers_file import DigestSettings
    from monitor.deliver import digest

    settings = DigestSettings(recipients=())
    day = date(2026, 5, 19)
    now = datetime(2026, 5, 19, 8, 0, tzinfo=UTC) - timedelta(hours=3, minutes=5)
    assert digest.open_day(settings, now) == day
    assert _shown("digest of 2026-05-19: ") == digest.describe_window(day, settings, now)


def test_the_readme_failing_digest_line_is_what_status_prints() -> None:
    from datetime import UTC, date, datetime

    from monitor.deliver import digest

    run = {
        "day": date(2026, 5, 18),
        "recipient": "counsel@example.com",
        "attempts": 2,
        "next_attempt_at": datetime(2026, 5, 18, 9, 12, tzinfo=UTC),
        "last_error": "SMTP server unreachable",
    }
    assert _shown("digest of 2026-05-18 to ") == digest.describe_waiting(run)


def test_the_readme_offline_lines_are_what_poll_prints(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    from monitor.cli.ingest import print_cycle
    from monitor.pipeline import CycleReport, SourceReport

    error = (
        "connection error: Cannot connect to host news.google.com:443 ssl:default "
        "[Name or service not known]"
    )
    report = CycleReport(started_at=datetime(2026, 5, 18, 10, 2, tzinfo=UTC))
    report.sources = [
        SourceReport(
            name="gnews-en" if i == 0 else f"s{i}",
            status="error",
            error=error,
            next_check_at=datetime(2026, 5, 18, 10, 12 + i, tzinfo=UTC),
        )
        for i in range(13)
    ]
    print_cycle(report)
    printed = capsys.readouterr().err.splitlines()
    assert _shown("failed: gnews-en: ") in printed
    assert _shown("every source failed") in printed
