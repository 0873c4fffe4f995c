"""`monitor classify`: JSON lines in (stdin or --input), one JSON answer per line out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from monitor.cli.common import EXIT_CONFIG, ConfigDirOption, fail, paths, user_errors

if TYPE_CHECKING:
    from monitor.rules import RuleSet


def register(app: typer.Typer) -> None:
    app.command("classify")(classify)


def classify(
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="JSON lines to read (default: standard input).",
            show_default=False,
        ),
    ] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Run the rules on JSON lines ({id, text, title?, lang?, url?, published?}); print one
    JSON line each: {id, relevant, claim_amount_usd, ruling, rules}."""
    from monitor.rules import load_ruleset
    from monitor.rules.classify import InputLineError

    with user_errors():
        ruleset = load_ruleset(paths(config_dir).rules_dir)
        try:
            if input_file is None:
                _run(ruleset, sys.stdin)
            else:
                try:
                    with input_file.open(encoding="utf-8") as fh:
                        _run(ruleset, fh)
                except OSError as exc:
                    fail(f"cannot read {input_file}: {exc.strerror}", EXIT_CONFIG)
        except InputLineError as exc:
            fail(str(exc), EXIT_CONFIG)
        except UnicodeDecodeError as exc:
            fail(f"input is not UTF-8: {exc.reason}", EXIT_CONFIG)


def _run(ruleset: RuleSet, lines: Iterable[str]) -> None:
    from monitor.rules.classify import classify_lines

    for answer in classify_lines(ruleset, lines):
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
