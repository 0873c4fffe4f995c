"""`monitor rules list|add|remove|validate|test` and `monitor kinds`: the rules under rules/."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.cli.common import (
    EXIT_CONFIG,
    ConfigDirOption,
    JsonOption,
    echo,
    fail,
    group,
    paths,
    print_json,
    user_errors,
)
from monitor.errors import ConfigError
from monitor.parse.langid import detect as detect_language

MAX_URL_BYTES = 2 * 1024 * 1024


def register(app: typer.Typer) -> None:
    rules_group = group("List, add, remove, validate and test rules.")
    rules_group.command("list")(list_rules)
    rules_group.command("add")(add)
    rules_group.command("remove")(remove)
    rules_group.command("validate")(validate)
    rules_group.command("test")(test)
    app.add_typer(rules_group, name="rules")
    app.command("kinds")(kinds)


def list_rules(config_dir: ConfigDirOption = None, as_json: JsonOption = False) -> None:
    """List the topics and rules of every rule file."""
    from monitor.rules import load_rule_file, rule_files

    with user_errors():
        rows: list[dict[str, Any]] = []
        for path in rule_files(paths(config_dir).rules_dir):
            f = load_rule_file(path)
            for rule in f.rules:
                rows.append(
                    {
                        "topic": f.topic.slug,
                        "rule": rule.name,
                        "kind": getattr(rule, "kind", "?"),
                        "severity": rule.severity,
                        "file": path.name,
                    }
                )
        if as_json:
            print_json(rows)
            return
        if not rows:
            echo("no rules")
        for r in rows:
            echo(f"{r['topic']:<20} {r['rule']:<24} {r['kind']:<17} {r['severity']:<7} {r['file']}")


def add(
    name: Annotated[str, typer.Argument(help="Name of the new rule (unique).")],
    kind: Annotated[str, typer.Option("--kind", help="keywords or regex.")] = "keywords",
    any_: Annotated[
        list[str] | None, typer.Option("--any", help="A term, at least one must appear (repeat).")
    ] = None,
    all_: Annotated[
        list[str] | None, typer.Option("--all", help="A term that must appear (repeat).")
    ] = None,
    none: Annotated[
        list[str] | None, typer.Option("--none", help="A term (or pattern) that vetoes (repeat).")
    ] = None,
    pattern: Annotated[
        list[str] | None, typer.Option("--pattern", help="An RE2 pattern (regex kind; repeat).")
    ] = None,
    severity: Annotated[str, typer.Option("--severity", help="alert or digest.")] = "digest",
    topic: Annotated[
        str | None, typer.Option("--topic", help="Slug of the topic whose file gets the rule.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Rule file to append to.")] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Append a keywords or regex rule to a rule file (comments kept, checked, atomic)."""
    from monitor.rules.edit import add_rule, pick_file

    with user_errors():
        if kind not in ("keywords", "regex"):
            raise ConfigError(
                f"--kind: only keywords or regex rules are added from the command line, not {kind!r}"
            )
        rule: dict[str, Any] = {"name": name, "kind": kind, "severity": severity}
        if kind == "keywords":
            if pattern:
                raise ConfigError("--pattern is for regex rules; use --any/--all/--none")
            for key, values in (("all", all_), ("any", any_), ("none", none)):
                if values:
                    rule[key] = list(values)
        else:
            if not pattern:
                raise ConfigError("a regex rule needs at least one --pattern")
            rule["patterns"] = list(pattern)
            if none:
                rule["none"] = list(none)
        rules_dir = paths(config_dir).rules_dir
        target = pick_file(rules_dir, file=file, topic=topic)
        try:
            add_rule(target, rule, rules_dir=rules_dir)
        except ValueError as exc:  # pydantic ValidationError
            raise ConfigError(_first_error(exc), path=str(target)) from None
        echo(f"added {kind} rule {name!r} to {target}")


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = str(first.get("msg", exc)).removeprefix("Value error, ")
        return f"{where}: {msg}" if where else msg
    return str(exc)


def remove(
    name: Annotated[str, typer.Argument(help="Name of the rule to remove.")],
    config_dir: ConfigDirOption = None,
) -> None:
    """Remove a rule from the file that holds it (comments kept, atomic)."""
    from monitor.rules.edit import remove_rule

    with user_errors():
        path = remove_rule(paths(config_dir).rules_dir, name)
        echo(f"removed rule {name!r} from {path}")


def validate(config_dir: ConfigDirOption = None) -> None:
    """Check every rule file; errors name file, line and key (exit 2 when any is wrong)."""
    from monitor.rules import load_rule_file, load_ruleset, rule_file_errors, rule_files

    with user_errors():
        rules_dir = paths(config_dir).rules_dir
        errors: list[str] = []
        count = 0
        for path in rule_files(rules_dir):
            found = rule_file_errors(path)
            errors.extend(str(e) for e in found)
            if not found:
                count += len(load_rule_file(path).rules)
        if not errors:
            try:
                load_ruleset(rules_dir)  # compiles: groups, patterns, names across files
            except ConfigError as exc:
                errors.append(str(exc))
        for error in errors:
            echo(f"error: {error}", err=True)
        if errors:
            raise typer.Exit(EXIT_CONFIG)
        echo(f"ok: {len(rule_files(rules_dir))} file(s), {count} rule(s)")


def test(
    text: Annotated[
        str | None, typer.Argument(help="The text to test (or use --url / --file).")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Fetch this page and test its text.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the text from this file.")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="A headline to test with the text.")] = "",
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language code (default: guessed).")
    ] = None,
    config_dir: ConfigDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what every rule sees in a text and why it matches or not."""
    from datetime import UTC, datetime

    from monitor.domain import Item
    from monitor.rules import load_ruleset

    with user_errors():
        given = [x for x in (text, url, file) if x is not None]
        if len(given) != 1:
            fail("give exactly one of TEXT, --url or --file", EXIT_CONFIG)
        ruleset = load_ruleset(paths(config_dir).rules_dir)
        page_url = None
        if file is not None:
            try:
                body = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read: {exc}", path=str(file)) from None
        elif url is not None:
            page_title, body = _fetch_text(url)
            title = title or page_title
            page_url = url
        else:
            body = text or ""
        item = Item(
            source="cli",
            key="test",
            title=title,
            text=body,
            url=page_url,
            published=datetime.now(UTC),
            language=lang or detect_language(f"{title or ''} {body}"),  # as ingest does
        )
        ev = ruleset.evaluate(item)
        if as_json:
            print_json(
                {
                    "relevant_topics": list(ev.relevant_topics),
                    "matched_rules": list(ev.matched_rules),
                    "rules": [
                        {
                            "topic": e.topic,
                            "rule": e.rule,
                            "kind": e.kind,
                            "matched": e.matched,
                            "reason": e.reason,
                            "observations": [
                                {
                                    "subject": o.subject,
                                    "value": dict(o.value),
                                    "display": o.display,
                                    "suspect": o.suspect,
                                    "evidence": o.evidence.marked("[", "]"),
                                }
                                for o in e.observations
                            ],
                        }
                        for e in ev.explanations
                    ],
                }
            )
            return
        for line in ev.explain():
            echo(line)


def _fetch_text(url: str) -> tuple[str, str]:
    """Title and plain text of a web page (monitor.fetch.client: time and size caps)."""
    import asyncio

    from monitor.errors import FetchError
    from monitor.fetch.client import Fetcher
    from monitor.fetch.types import Limits, check_url
    from monitor.parse.htmltext import html_to_text
    from monitor.parse.maintext import main_text

    try:
        check_url(url)
    except FetchError as exc:
        raise ConfigError(f"--url: {exc}") from None  # bad input: exit 2

    async def go() -> bytes:
        limits = Limits(
            total_timeout=30.0,
            max_body_bytes=MAX_URL_BYTES,
            max_decompressed_bytes=MAX_URL_BYTES * 4,
        )
        async with Fetcher(limits) as fetcher:
            response = await fetcher.get(url, accept="text/html, text/plain;q=0.9, */*;q=0.5")
            return response.body

    raw = asyncio.run(go()).decode("utf-8", errors="replace")
    m = re.search(r"<title[^>]*>(.*?)</title>", raw, re.I | re.S)
    title = html_to_text(m.group(1)) if m else ""
    return title, main_text(raw)


def kinds(as_json: JsonOption = False) -> None:
    """Rule kinds and their options (the help of each kind)."""
    from monitor.rules import KINDS

    if as_json:
        print_json(
            {
                k: {"help": (m.__doc__ or "").strip(), "options": list(m.model_fields)}
                for k, m in KINDS.items()
            }
        )
        return
    for kind, model in KINDS.items():
        echo(f"{kind}\n  {' '.join((model.__doc__ or '').split())}")
        options = [f for f in model.model_fields if f not in ("kind",)]
        echo(f"  options: {', '.join(options)}\n")
    sys.stdout.flush()
