"""Commands for sources, items, polling, the database and status."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from monitor.cli.common import ConfigDirOption, JsonOption, paths, print_json, user_errors
from monitor.config import sources_file as config
from monitor.config.durations import format_duration
from monitor.context import Context
from monitor.domain import as_utc
from monitor.errors import ConfigError, FetchError
from monitor.fetch.client import Fetcher, Limits
from monitor.parse.htmltext import one_line
from monitor.pipeline import CycleReport, run_cycle
from monitor.sources import Validators
from monitor.storage import items as item_store
from monitor.storage import sources as source_store
from monitor.storage.engine import current_revision, head_revision, redact

sources_app = typer.Typer(
    help="Add, list, test and remove sources (sources.yaml).", no_args_is_help=True
)
items_app = typer.Typer(help="Stored items.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.add_typer(items_app, name="items")
    app.add_typer(db_app, name="db")
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
        existing = config.load_sources(p.sources_file) if p.sources_file.exists() else []
        if any(s.name == source.name for s in existing):
            raise ConfigError(
                f"a source named '{source.name}' already exists (use --name)",
                path=str(p.sources_file),
            )
        if not no_check:
            parsed = _fetch_and_parse(source)
            typer.echo(
                f"fetched {source.url}: {len(parsed.items)} items"
                + (f" ({parsed.title})" if parsed.title else "")
            )
        config.append_source(p.sources_file, values)
        typer.echo(f"added source '{source.name}' to {p.sources_file}")


def _name_from_url(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc.split("@")[-1].split(":")[0]
    return host.removeprefix("www.") or "source"


def _fetch_and_parse(source: Any) -> Any:
    async def go() -> Any:
        async with Fetcher(Limits.from_env()) as fetcher:
            response = await source.fetch(fetcher, Validators())
        return source.parse(response, now=datetime.now(UTC))

    try:
        return asyncio.run(go())
    except FetchError as exc:
        raise ConfigError(
            f"cannot fetch {source.url}: {exc} (use --no-check to add it anyway)"
        ) from None


@sources_app.command("list")
def sources_list(json_out: JsonOption = False, config_dir: ConfigDirOption = None) -> None:
    """Each source with its health: last check, status, errors, items stored, next check."""
    with user_errors():
        p = paths(config_dir)
        configured = config.load_sources(p.sources_file)
        ctx = Context.open(p)
        with ctx.engine.connect() as conn:
            health = {r["name"]: r for r in source_store.health_rows(conn)}
        ctx.close()
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
        for r in rows:
            state = r["last_status"] or "never checked"
            if not r["enabled"]:
                state += " (disabled)"
            typer.echo(
                f"{r['name']}  [{r['kind']}, every {r['interval']}]  {state}  items={r['items']}  failures={r['consecutive_failures']}"
            )
            typer.echo(f"    {r['url']}")
            typer.echo(
                f"    last checked {r['last_checked_at'] or '-'}, next {r['next_check_at'] or 'now'}"
            )
            if r["last_error"]:
                typer.echo(f"    error: {r['last_error']}")
            if r["last_warning"]:
                typer.echo(f"    warning: {r['last_warning']}")


@sources_app.command("remove")
def sources_remove(name: str, config_dir: ConfigDirOption = None) -> None:
    """Remove a source from sources.yaml (its stored items stay)."""
    with user_errors():
        p = paths(config_dir)
        config.remove_source(p.sources_file, name)
        typer.echo(f"removed source '{name}' from {p.sources_file}")


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
        typer.echo(f"{parsed.title or url}: {len(parsed.items)} items")
        for w in parsed.warnings:
            typer.echo(f"warning: {w}")
        for i in parsed.items:
            date = i.published.strftime("%Y-%m-%d %H:%M") + ("?" if i.published_guessed else "")
            typer.echo(f"- {date} [{i.language or '?'}] {one_line(i.title, 120)}")
            typer.echo(f"    {i.url or i.key}")


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
    with user_errors():
        ctx = Context.open(paths(config_dir))
        with ctx.engine.connect() as conn:
            rows = item_store.listing(conn, source=source, since=parse_day(since), limit=limit)
        ctx.close()
        if json_out:
            print_json([{k: _iso(v) for k, v in r.items()} for r in rows])
            return
        for r in rows:
            edited = " (edited)" if r["edit_count"] else ""
            typer.echo(
                f"{r['published_at']:%Y-%m-%d %H:%M} {r['source']} [{r['language'] or '?'}] {one_line(r['title'], 100)}{edited}"
            )
            if r["url"]:
                typer.echo(f"    {r['url']}")


# ---------------------------------------------------------------- poll / status / db


def print_cycle(report: CycleReport) -> None:
    new = len(report.new_item_ids)
    edited = len(report.edited_item_ids)
    typer.echo(
        f"checked {len(report.sources)} sources: {report.count('ok')} ok, "
        f"{report.count('not_modified') + report.count('unchanged')} not modified, "
        f"{len(report.failed)} failed; {new} new items, {edited} edited; {report.alerts} alerts"
    )
    for s in report.sources:
        for w in s.warnings:
            typer.echo(f"warning: {s.name}: {w}", err=True)
    for s in report.failed:
        typer.echo(f"failed: {s.name}: {s.error}", err=True)


def poll(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source; repeat for more.")
    ] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Run one cycle now over every enabled source (or the named ones) and exit.

    Exit 0 when the cycle ran, even if some sources failed (they are listed); 2 on bad config.
    """
    with user_errors():
        ctx = Context.open(paths(config_dir))
        try:
            report = asyncio.run(run_cycle(ctx, names=source))
        finally:
            ctx.close()
        print_cycle(report)


def status(json_out: JsonOption = False, config_dir: ConfigDirOption = None) -> None:
    """Database, sources ok / failing, items, last cycle."""
    with user_errors():
        p = paths(config_dir)
        ctx = Context.open(p)
        from monitor.storage.status import summary

        with ctx.engine.connect() as conn:
            data = summary(conn)
        data["database"] = redact(str(ctx.engine.url))
        data["schema"] = current_revision(ctx.engine)
        try:
            data["sources_configured"] = len(config.load_sources(p.sources_file))
        except ConfigError as exc:
            data["config_error"] = str(exc)
        ctx.close()
        if json_out:
            print_json({k: _iso(v) for k, v in data.items()})
            return
        typer.echo(f"database: {data['database']} (schema {data['schema']})")
        if "config_error" in data:
            typer.echo(f"config error: {data['config_error']}")
        else:
            typer.echo(
                f"sources: {data['sources_configured']} configured, {data['sources_ok']} ok, {data['sources_failing']} failing"
            )
        for name in data["failing"]:
            typer.echo(f"  failing: {name}")
        typer.echo(f"items: {data['items']} ({data['items_24h']} in the last 24 h)")
        last = data.get("last_cycle")
        if last:
            typer.echo(
                f"last cycle: {last['finished_at']}: {last['sources']} sources, {last['failed']} failed, {last['new_items']} new items"
            )
        else:
            typer.echo("last cycle: none yet (run `monitor poll` or `monitor run`)")
        typer.echo(
            f"alerts: {data['alerts']}; deliveries pending {data['deliveries_pending']}, failed {data['deliveries_failed']}"
        )
        if data["unread_languages"]:
            counts = ", ".join(f"{lang} {n}" for lang, n in data["unread_languages"].items())
            typer.echo(f"items in languages the rules do not fully read: {counts}")


@db_app.command("upgrade")
def db_upgrade(config_dir: ConfigDirOption = None) -> None:
    """Apply the schema migrations (the commands that need the database do it too)."""
    with user_errors():
        ctx = Context.open(paths(config_dir))
        typer.echo(
            f"database {redact(str(ctx.engine.url))} at schema {current_revision(ctx.engine)} (head {head_revision()})"
        )
        ctx.close()


def run(config_dir: ConfigDirOption = None) -> None:
    """Run the scheduler: every source at its interval, alerts delivered, the daily digest.

    Reloads sources.yaml when it changes; Ctrl-C or SIGTERM stops it cleanly.
    """
    with user_errors():
        from monitor.scheduler import serve

        # Bad configuration stops it before the scheduler starts (exit 2, file and line).
        # Ctrl-C before the signal handlers were installed: nothing to clean up.
        with contextlib.suppress(KeyboardInterrupt):
            serve(paths(config_dir))
