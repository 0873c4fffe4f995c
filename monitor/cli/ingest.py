"""Commands for sources, items, polling, the database and status.

Each command imports the engine it runs (the poll cycle, the HTTP client, the database layer) in
its own body: `monitor sources list` or `monitor version` never load aiohttp or the ORM, which
is most of a start-up.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from monitor.cli.common import (
    EXIT_FAILURE,
    ConfigDirOption,
    JsonOption,
    echo,
    echo_lines,
    group,
    loading,
    paths,
    print_json,
    user_errors,
)
from monitor.config import sources_file as config
from monitor.config.durations import format_duration
from monitor.config.settings import database_url
from monitor.context import Context
from monitor.domain import as_utc
from monitor.errors import ConfigError, FetchError, ParseError
from monitor.parse.htmltext import one_line
from monitor.storage import direct

if TYPE_CHECKING:
    from monitor.pipeline import CycleReport

sources_app = group("Add, list, test and remove sources (sources.yaml).")
items_app = group("Stored items.")
db_app = group("The database.")


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.add_typer(items_app, name="items")
    app.add_typer(db_app, name="db")
    app.command()(init)
    app.command()(poll)
    app.command()(status)
    app.command()(run)


def parse_day(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since: not a date: {value!r} (use YYYY-MM-DD)") from None
    return as_utc(parsed)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _when(value: datetime, now: datetime) -> str:
    """`2026-12-04 18:21 UTC (3 min ago)`, `... (in 2 h 5 min)`: as people read a time."""
    value = as_utc(value)
    minutes = round(abs((now - value).total_seconds()) / 60)
    if minutes < 1:
        return f"{value:%Y-%m-%d %H:%M} UTC (just now)"
    if minutes < 60:
        text = f"{minutes} min"
    elif minutes < 48 * 60:
        hours, mins = divmod(minutes, 60)
        text = f"{hours} h" + (f" {mins} min" if mins else "")
    else:
        text = f"{minutes // (24 * 60)} d"
    return (
        f"{value:%Y-%m-%d %H:%M} UTC ({text} ago)"
        if value <= now
        else (f"{value:%Y-%m-%d %H:%M} UTC (in {text})")
    )


# ---------------------------------------------------------------- init

_NEW_SOURCES = """\
# What to watch: `monitor sources add URL` appends here (see README, "Sources").
sources: []
"""


def init(
    folder: Annotated[Path, typer.Argument(help="The new config folder (made with its parents).")],
) -> None:
    """Make a config folder: sources.yaml (no sources yet), rules/, notifiers/ and storage/.

    Files already there are kept. Every other command needs the folder to exist.
    """
    with user_errors():
        p = paths(folder, create=True)
        for sub in (p.rules_dir, p.notifiers_dir, p.storage_dir):
            sub.mkdir(exist_ok=True)
        if not p.sources_file.exists():
            p.sources_file.write_text(_NEW_SOURCES, encoding="utf-8")
        echo(
            f"config folder {p.root} ready: add sources with `monitor sources add URL"
            f" --config-dir {p.root}`, rules in {p.rules_dir}"
        )


# ---------------------------------------------------------------- sources


@sources_app.command("add")
def sources_add(
    url: str,
    name: Annotated[str | None, typer.Option(help="Unique name (default: from the host).")] = None,
    interval: Annotated[str, typer.Option(help="How often to check: 90s, 10m, 1h.")] = "10m",
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")] = None,
    kind: Annotated[str, typer.Option(help="Source kind (rss, court-rss, ...).")] = "rss",
    language: Annotated[
        str | None, typer.Option(help="Language code when the feed does not say.")
    ] = None,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Do not fetch it once first.")
    ] = False,
    config_dir: ConfigDirOption = None,
) -> None:
    """Validate a source, fetch it once, and append it to sources.yaml (comments kept)."""
    with user_errors():
        p = paths(config_dir)
        if name is not None and not _NAME.fullmatch(name):
            raise ConfigError(
                f"--name {name!r}: use letters, digits and . _ - (no spaces: the name is typed "
                "in commands such as `monitor poll --source NAME`)"
            )
        values: dict[str, Any] = {
            "name": name or _name_from_url(url),
            "url": url,
            "kind": kind,
            "interval": interval,
        }
        if tag:
            values["tags"] = list(tag)
        if language:
            values["language"] = language
        source = config.validate_source(values)
        # Stored as it is shown: a bare "10" means ten minutes, and sources.yaml says so.
        values["interval"] = format_duration(source.interval)
        existing = config.load_sources(p.sources_file) if p.sources_file.exists() else []
        if any(s.name == source.name for s in existing):
            raise ConfigError(
                f"a source named '{source.name}' already exists (use --name)",
                path=str(p.sources_file),
            )
        same_url = [s.name for s in existing if s.url == source.url]
        if same_url:
            raise ConfigError(
                f"{source.url} is already in sources.yaml as '{same_url[0]}'",
                path=str(p.sources_file),
            )
        if not no_check:
            parsed = _fetch_and_parse(source, hint=" (use --no-check to add it anyway)")
            echo(
                f"fetched {source.url}: {len(parsed.items)} items"
                + (f" ({parsed.title})" if parsed.title else "")
            )
        config.append_source(p.sources_file, values)
        echo(f"added source '{source.name}' to {p.sources_file}")


# A name people can type in a command without quotes.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _name_from_url(url: str) -> str:
    """The host without `www.`; an IP address or localhost names nothing, so `--name` is
    needed then."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
        anonymous = True
    except ValueError:
        anonymous = host in ("", "localhost")
    if anonymous:
        raise ConfigError(f"{url}: the host says nothing about the feed: give it a --name")
    return host.removeprefix("www.")


def _fetch_and_parse(source: Any, *, hint: str = "") -> Any:
    import asyncio

    from monitor.fetch.client import Fetcher
    from monitor.fetch.types import Limits
    from monitor.sources import Validators

    async def go() -> Any:
        async with Fetcher(Limits.from_env()) as fetcher:
            response = await source.fetch(fetcher, Validators())
        return source.parse(response, now=datetime.now(UTC))

    try:
        return asyncio.run(go())
    except FetchError as exc:
        raise ConfigError(f"cannot fetch {source.url}: {exc}{hint}") from None
    except ParseError as exc:
        raise ConfigError(
            f"{source.url}: {exc} (for a web page, give the address of its RSS or Atom feed, "
            f"often linked in the page's <head>){hint}"
        ) from None


@sources_app.command("list")
def sources_list(json_out: JsonOption = False, config_dir: ConfigDirOption = None) -> None:
    """Each source with its health: last check, status, errors, items stored, next check."""
    with user_errors():
        p = paths(config_dir)
        configured = config.load_sources(p.sources_file)
        # Read by the driver alone when it can be (a SQLite file at the current schema): the
        # command then never imports SQLAlchemy, most of its start-up.
        found = direct.source_health(database_url(p))
        if found is None:
            with loading():
                from monitor.storage import sources as source_store

            ctx = Context.open(p)
            with ctx.engine.connect() as conn:
                found = source_store.health_rows(conn)
            ctx.close()
        health = {r["name"]: r for r in found}
        rows = []
        for s in configured:
            h = health.get(s.name, {})
            rows.append(
                {
                    "name": s.name,
                    "kind": s.kind,
                    "url": s.url,
                    "enabled": s.enabled,
                    "interval": format_duration(s.interval),
                    "last_checked_at": _iso(h.get("last_checked_at")),
                    "last_status": h.get("last_status"),
                    "last_error": h.get("last_error"),
                    "last_warning": h.get("last_warning"),
                    "consecutive_failures": h.get("consecutive_failures", 0),
                    "items": h.get("items", 0),
                    "next_check_at": _iso(h.get("next_check_at")),
                }
            )
        if json_out:
            print_json(rows)
            return
        now = datetime.now(UTC)
        lines: list[str] = []
        for r in rows:
            state = r["last_status"] or "never checked"
            if not r["enabled"]:
                state += " (disabled)"
            lines.append(
                f"{r['name']}  [{r['kind']}, every {r['interval']}]  {state}  items={r['items']}  failures={r['consecutive_failures']}"
            )
            lines.append(f"    {r['url']}")
            checked = health.get(r["name"], {}).get("last_checked_at")
            due = health.get(r["name"], {}).get("next_check_at")
            lines.append(
                f"    last checked {_when(checked, now) if checked else 'never'}, "
                f"next {_when(due, now) if due and as_utc(due) > now else 'now'}"
            )
            if r["last_error"]:
                lines.append(f"    error: {r['last_error']}")
            if r["last_warning"]:
                lines.append(f"    warning: {r['last_warning']}")
        echo_lines(lines)


@sources_app.command("remove")
def sources_remove(name: str, config_dir: ConfigDirOption = None) -> None:
    """Remove a source from sources.yaml (its stored items stay)."""
    with user_errors():
        p = paths(config_dir)
        config.remove_source(p.sources_file, name)
        echo(f"removed source '{name}' from {p.sources_file}")


@sources_app.command("test")
def sources_test(
    url: str,
    kind: Annotated[str, typer.Option(help="Source kind.")] = "rss",
    json_out: JsonOption = False,
) -> None:
    """Fetch and parse URL; print what would be stored. Stores nothing."""
    with user_errors():
        source = config.validate_source({"name": "test", "url": url, "kind": kind})
        parsed = _fetch_and_parse(source)
        if json_out:
            print_json(
                {
                    "title": parsed.title,
                    "warnings": parsed.warnings,
                    "items": [
                        {
                            "key": i.key,
                            "title": i.title,
                            "url": i.url,
                            "published": i.published.isoformat(),
                            "published_guessed": i.published_guessed,
                            "language": i.language,
                            "text": one_line(i.text, 300),
                            "extra": dict(i.extra),
                        }
                        for i in parsed.items
                    ],
                }
            )
            return
        echo(f"{parsed.title or url}: {len(parsed.items)} items")
        for w in parsed.warnings:
            echo(f"warning: {w}")
        for i in parsed.items:
            date = i.published.strftime("%Y-%m-%d %H:%M") + ("?" if i.published_guessed else "")
            echo(f"- {date} [{i.language or '?'}] {one_line(i.title, 120)}")
            echo(f"    {i.url or i.key}")


# ---------------------------------------------------------------- items


@items_app.command("list")
def items_list(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only items published since this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    json_out: JsonOption = False,
    config_dir: ConfigDirOption = None,
) -> None:
    """Stored items, newest first."""
    from monitor.storage import items as item_store
    from monitor.storage import sources as source_store

    with user_errors():
        ctx = Context.open(paths(config_dir))
        with ctx.engine.connect() as conn:
            known = [r["name"] for r in source_store.health_rows(conn)]
            rows = item_store.listing(conn, source=source, since=parse_day(since), limit=limit)
        ctx.close()
        if source is not None and source not in known:
            p = paths(config_dir)
            configured = (
                [s.name for s in config.load_sources(p.sources_file)]
                if p.sources_file.exists()
                else []
            )
            if source not in configured:
                names = sorted({*known, *configured})
                raise ConfigError(
                    f"--source: no source named '{source}'"
                    + (f" (known: {', '.join(names)})" if names else " (none yet)")
                )
        if json_out:
            print_json([{k: _iso(v) for k, v in r.items()} for r in rows])
            return
        for r in rows:
            edited = " (edited)" if r["edit_count"] else ""
            echo(
                f"{r['published_at']:%Y-%m-%d %H:%M} {r['source']} [{r['language'] or '?'}] {one_line(r['title'], 100)}{edited}"
            )
            if r["url"]:
                echo(f"    {r['url']}")


# ---------------------------------------------------------------- poll / status / db


def print_cycle(report: CycleReport) -> None:
    new = len(report.new_item_ids)
    edited = len(report.edited_item_ids)
    echo(
        f"checked {len(report.sources)} sources: {report.count('ok')} ok, "
        f"{report.count('not_modified') + report.count('unchanged')} not modified, "
        f"{len(report.failed)} failed; {new} new items, {edited} edited; {report.alerts} alerts"
    )
    for line in report.waiting:
        echo(line)
    for s in report.sources:
        for w in s.warnings:
            echo(f"warning: {s.name}: {w}", err=True)
    for s in report.failed:
        echo(f"failed: {s.name}: {s.error}", err=True)
    hint = report.all_failed_hint()
    if hint:
        echo(hint, err=True)


def poll(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source; repeat for more.")
    ] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Run one cycle now over every enabled source (or the named ones) and exit.

    Exit 0 when the cycle ran, even if some sources failed (they are listed); 2 on bad config.
    """
    with loading():
        import asyncio

        from monitor.pipeline import run_cycle, select_sources

    with user_errors():
        ctx = Context.open(paths(config_dir))
        try:
            for s in select_sources(ctx.sources(), source):
                for warning in s.setup_warnings():
                    echo(f"warning: {s.name}: {warning}", err=True)
            # The failures are printed below: logged as well they would show twice.
            report = asyncio.run(run_cycle(ctx, names=source, log_failures=False))
        finally:
            ctx.close()
        print_cycle(report)


def status(json_out: JsonOption = False, config_dir: ConfigDirOption = None) -> None:
    """Database, sources ok / failing, items, last cycle; exit 1 when the database cannot
    take writes (e.g. a read-only SQLite file)."""
    from monitor.deliver import digest
    from monitor.storage.engine import current_revision, redact
    from monitor.storage.status import summary, write_problem

    with user_errors():
        p = paths(config_dir)
        ctx = Context.open(p)

        names: set[str] | None = None
        config_error = None
        try:
            names = {s.name for s in config.load_sources(p.sources_file)}
        except ConfigError as exc:
            config_error = str(exc)
        with ctx.engine.connect() as conn:
            data = summary(conn, names=names)
        data["database"] = redact(str(ctx.engine.url))
        problem = write_problem(ctx.engine)
        data["database_problem"] = None if problem is None else str(problem)
        data["schema"] = current_revision(ctx.engine)
        if names is not None:
            data["sources_configured"] = len(names)
        if config_error is not None:
            data["config_error"] = config_error
        data["digests_waiting"] = [
            {
                k: r[k]
                for k in ("day", "recipient", "status", "attempts", "next_attempt_at", "last_error")
            }
            for r in digest.waiting_runs(ctx.engine, datetime.now(UTC))
        ]
        ctx.close()
        if json_out:
            data["digests_waiting"] = [
                {k: _iso(v) for k, v in r.items()} for r in data["digests_waiting"]
            ]
            print_json({k: _iso(v) for k, v in data.items()})
            if problem is not None:
                raise typer.Exit(EXIT_FAILURE)
            return
        echo(f"database: {data['database']} (schema {data['schema']})")
        if problem is not None:
            echo(f"problem: {problem}")
        if "config_error" in data:
            echo(f"config error: {data['config_error']}")
        else:
            echo(
                f"sources: {data['sources_configured']} configured, {data['sources_ok']} ok, {data['sources_failing']} failing"
            )
        for name in data["failing"]:
            echo(f"  failing: {name}")
        echo(f"items: {data['items']} ({data['items_24h']} in the last 24 h)")
        last = data.get("last_cycle")
        if last:
            echo(
                f"last cycle: {_when(last['finished_at'], datetime.now(UTC))}: {last['sources']} sources, {last['failed']} failed, {last['new_items']} new items"
            )
        else:
            echo("last cycle: none yet (run `monitor poll` or `monitor run`)")
        echo(
            f"alerts: {data['alerts']}; deliveries pending {data['deliveries_pending']}, failed {data['deliveries_failed']}"
        )
        if data["unread_languages"]:
            counts = ", ".join(f"{lang} {n}" for lang, n in data["unread_languages"].items())
            echo(f"items in languages the rules do not fully read: {counts}")
        for run in data["digests_waiting"]:
            echo(digest.describe_waiting(run))
        if problem is not None:
            raise typer.Exit(EXIT_FAILURE)


@db_app.command("upgrade")
def db_upgrade(config_dir: ConfigDirOption = None) -> None:
    """Apply the schema migrations (the commands that need the database do it too)."""
    from monitor.storage.engine import current_revision, head_revision, redact

    with user_errors():
        ctx = Context.open(paths(config_dir))
        echo(
            f"database {redact(str(ctx.engine.url))} at schema {current_revision(ctx.engine)} (head {head_revision()})"
        )
        ctx.close()


def run(config_dir: ConfigDirOption = None) -> None:
    """Run the scheduler: every source at its interval, alerts delivered, the daily digest.

    Reloads sources.yaml when it changes; Ctrl-C or SIGTERM stops it cleanly.
    """
    with user_errors():
        with loading():
            from monitor.scheduler import serve

        # Bad configuration stops it before the scheduler starts (exit 2, file and line).
        # Ctrl-C before the signal handlers were installed: nothing to clean up.
        with contextlib.suppress(KeyboardInterrupt):
            serve(paths(config_dir))
