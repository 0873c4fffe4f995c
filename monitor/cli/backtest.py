"""`monitor backtest`: replay stored items through the current rules, send nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.common import ConfigDirOption, JsonOption, paths, print_json, user_errors
from monitor.cli.ingest import parse_day
from monitor.context import Context


def register(app: typer.Typer) -> None:
    app.command()(backtest)


def backtest(
    since: Annotated[
        str | None, typer.Option(help="Only items published since this date (YYYY-MM-DD).")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Use this rule file instead of rules/.")
    ] = None,
    json_out: JsonOption = False,
    config_dir: ConfigDirOption = None,
) -> None:
    """Replay stored items (oldest first) through the rules on a clean slate and print the
    alerts they would have raised. Nothing is stored and nothing is sent."""
    with user_errors():
        ctx = Context.open(paths(config_dir))
        try:
            if rules is not None:
                from monitor.rules import RuleSet, load_rule_file

                ruleset = RuleSet.build([load_rule_file(rules)])
            else:
                ruleset = ctx.ruleset()
            from monitor.developments.matching import replay

            language = ctx.channels().config.language
            found = replay(ctx.engine, ruleset=ruleset, since=parse_day(since), language=language)
        finally:
            ctx.close()
        if json_out:
            print_json([{"at": r.at.isoformat(), **r.draft.to_json()} for r in found])
            return
        for r in found:
            d = r.draft
            typer.echo(f"{r.at:%Y-%m-%d %H:%M} [{d.severity}] {d.headline}")
            typer.echo(
                f"    rule {d.rule}; first reported by {d.first_reported_by}; {d.confirmed_by} outlets"
            )
            if d.evidence is not None:
                typer.echo(f"    why: {d.evidence.marked('[', ']')}")
        alerts = sum(1 for r in found if r.draft.severity == "alert")
        typer.echo(
            f"{len(found)} alerts would have been raised ({alerts} immediate, {len(found) - alerts} for the digest)"
        )
