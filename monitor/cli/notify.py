"""Commands for what we tell people: the outbox (list, retry, deliver), the daily digest
(preview, send) and `notify test slack|email`.

The delivery machinery (the outbox, the ORM, Jinja2, the notifiers) is imported by the commands
that use it, not by every `monitor` command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from monitor.cli.common import (
    ConfigDirOption,
    JsonOption,
    echo,
    fail,
    group,
    paths,
    print_json,
    user_errors,
)
from monitor.config.settings import database_url
from monitor.domain import AlertDraft
from monitor.errors import ConfigError, NotifyError
from monitor.notifiers.base import Message, cut, one_line

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from monitor.deliver.channels import Channels

outbox_app = group("Deliveries waiting, sent or failed; replay them.")
digest_app = group("The daily email digest.")
notify_app = group("Check the notification channels.")

DayOption = Annotated[
    str | None,
    typer.Option("--day", help="Local day YYYY-MM-DD (default: today).", show_default=False),
]


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(digest_app, name="digest")
    app.add_typer(notify_app, name="notify")


@contextmanager
def _engine(config_dir: Path | None) -> Iterator[Engine]:
    from monitor.storage.engine import make_engine, upgrade

    engine = make_engine(database_url(paths(config_dir)))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def _day(value: str | None, channels: Channels) -> date:
    if value is None:
        zone = channels.config.digest.zone if channels.config.digest else UTC
        return datetime.now(zone).date()
    return _parse_day(value)


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--day: not a date: {value!r} (use YYYY-MM-DD)") from None


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


# ---------------------------------------------------------------- outbox


@outbox_app.command("list")
def outbox_list(
    config_dir: ConfigDirOption = None,
    as_json: JsonOption = False,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status", help="Only these statuses: pending, sending, sent, failed, skipped."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.")] = 100,
) -> None:
    """Deliveries, newest first: channel, status, attempts, why a row waits (next attempt,
    lease, the row it waits for), last error."""
    from monitor.deliver import outbox

    with user_errors(), _engine(config_dir) as engine:
        rows = outbox.list_deliveries(engine, statuses=status, limit=limit)
    if as_json:
        print_json([{k: _iso(v) for k, v in r.items() if k != "lease_owner"} for r in rows])
        return
    if not rows:
        echo("outbox empty")
        return
    echo(f"{'id':>6} {'alert':>6} {'channel':<12} {'seq':>3} {'status':<8} {'try':>3}  detail")
    for r in rows:
        if r["status"] == "sent":
            detail = f"sent {r['sent_at']:%Y-%m-%d %H:%M}"
        elif r["waiting"]:
            detail = r["waiting"]
        else:
            detail = r["status"]
        if r["last_error"]:
            detail += f" · last error: {cut(one_line(r['last_error']), 80)}"
        echo(
            f"{r['id']:>6} {r['alert_id']:>6} {cut(r['channel'], 12):<12} {r['seq']:>3} "
            f"{r['status']:<8} {r['attempts']:>3}  {detail} · {cut(one_line(r['headline']), 60)}"
        )


@outbox_app.command("retry")
def outbox_retry(
    delivery_id: Annotated[
        int | None, typer.Argument(metavar="ID", help="One delivery (default: all failed).")
    ] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Make a failed delivery (or all failed and waiting ones) due now; the next delivery run
    (`monitor run`, `monitor poll` or `monitor outbox deliver`) sends them."""
    from monitor.deliver import outbox

    with user_errors(), _engine(config_dir) as engine:
        count = outbox.retry(engine, delivery_id)
        if delivery_id is not None and count == 0:
            from monitor.storage.notifications import delivery_status

            state = delivery_status(engine, delivery_id)
            fail(
                f"delivery {delivery_id} "
                + ("not found" if state is None else f"is {state}, not failed or waiting")
            )
    echo(f"{count} deliver{'y' if count == 1 else 'ies'} due now")


@outbox_app.command("deliver")
def outbox_deliver(config_dir: ConfigDirOption = None) -> None:
    """Send what is due now (what `monitor run` does after each poll)."""
    from monitor.deliver import channels as notify

    with user_errors(), _engine(config_dir) as engine:
        channels = notify.load_channels(paths(config_dir))
        report = notify.deliver(engine, channels)
    echo(str(report))
    for error in report.errors:
        echo(f"error: {error}", err=True)
    if report.failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------- digest


@digest_app.command("preview")
def digest_preview(
    config_dir: ConfigDirOption = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--day",
            help="Local day YYYY-MM-DD (default: the day whose window is open now).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the HTML version to this file.")
    ] = None,
) -> None:
    """Print the digest of a day as it would be sent (text); --out writes the HTML. Needs no
    SMTP settings: nothing is sent."""
    from monitor.deliver import channels as notify
    from monitor.deliver import digest

    with user_errors(), _engine(config_dir) as engine:
        channels = notify.load_channels(paths(config_dir))
        settings = digest.preview_settings(channels.config)
        now = datetime.now(UTC)
        when = _parse_day(day) if day is not None else digest.open_day(settings, now)
        rendered = digest.render_day(engine, channels.config, when, settings=settings)
    if out is not None:
        out.write_text(rendered.html, encoding="utf-8")
        echo(f"wrote {out}", err=True)
    echo(digest.describe_window(when, settings, now) + "\n")
    echo(f"Subject: {rendered.subject}\n")
    echo(rendered.text)


@digest_app.command("send")
def digest_send(
    config_dir: ConfigDirOption = None,
    day: DayOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="With --day: send even if that day's window is still open."),
    ] = False,
) -> None:
    """Send the digest of a day to every recipient that has not had it yet (without --day:
    whatever is due now). Safe to run twice or from two machines: one email per recipient.
    A day whose window has not closed yet is not sent (news can still join it) unless --force."""
    from monitor.deliver import channels as notify
    from monitor.deliver import digest
    from monitor.storage import digest_runs as q

    with user_errors(), _engine(config_dir) as engine:
        channels = notify.load_channels(paths(config_dir))
        settings = channels.config.digest
        if settings is None:
            raise ConfigError(
                "no digest configured (set SMTP_HOST and DIGEST_TO, or digest: in notifiers/)"
            )
        now = datetime.now(UTC)
        when = _day(day, channels) if day is not None else None
        if when is not None and not force and not digest.is_closed(when, settings, now):
            echo(
                f"{digest.describe_window(when, settings, now)}: not sent yet, news can still "
                "join it (--force sends it now)"
            )
            return
        sender = channels.email_sender()
        outcomes = digest.send_due(
            engine,
            channels.config,
            now=now,
            owner=notify.make_owner(),
            sender=sender,
            day=when,
        )
        runs = {(r["day"], r["recipient"]): r for r in q.digest_runs(engine)}
    done = {(o.day, o.recipient) for o in outcomes}
    for o in outcomes:
        echo(f"{o.day} {o.recipient}: {o.status}" + (f" ({o.error})" if o.error else ""))
    if when is not None:
        for recipient in settings.recipients:
            if (when, recipient) not in done:
                echo(f"{when} {recipient}: {_run_state(runs.get((when, recipient)))}")
    elif not outcomes:
        waiting = digest.waiting_runs_of(runs.values(), now)
        for r in waiting:
            echo(f"{r['day']} {r['recipient']}: {_run_state(r)}")
        if not waiting:
            echo(f"nothing due (the digest goes out at {settings.at:%H:%M} {settings.zone})")
    if any(o.status in ("failed", "retrying") for o in outcomes):
        raise typer.Exit(1)


def _run_state(run: dict[str, Any] | None) -> str:
    if run is None:
        return "not sent"
    if run["status"] in ("sent", "skipped"):
        when = f" at {run['sent_at']:%Y-%m-%d %H:%M} UTC" if run.get("sent_at") else ""
        return f"already {run['status']}{when}"
    if run["status"] == "sending":
        return "being sent by another process"
    error = f" (last error: {cut(one_line(run['last_error']), 200)})" if run["last_error"] else ""
    return (
        f"waiting to retry at {run['next_attempt_at']:%Y-%m-%d %H:%M} UTC, "
        f"attempt {run['attempts']} failed{error}"
    )


# ---------------------------------------------------------------- notify test


@notify_app.command("test")
def notify_test(
    kind: Annotated[str, typer.Argument(metavar="slack|email", help="Which channel kind to test.")],
    config_dir: ConfigDirOption = None,
) -> None:
    """Send a test message through the configured Slack channel(s) or to the digest recipients;
    on failure say what went wrong and exit 1."""
    if kind not in ("slack", "email"):
        fail(f"unknown channel kind {kind!r}: use slack or email", 2)
    from monitor.deliver import channels as notify

    with user_errors():
        channels = notify.load_channels(paths(config_dir))
        if kind == "slack":
            _test_slack(channels)
        else:
            _test_email(channels)


def _test_slack(channels: Channels) -> None:
    from monitor.notifiers.slack import SlackBotNotifier, SlackWebhookNotifier

    targets = [
        n
        for n in channels.notifiers.values()
        if isinstance(n, SlackBotNotifier | SlackWebhookNotifier)
    ]
    if not targets:
        fail(
            "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL, "
            "or add a channel of kind slack in notifiers/"
        )
    now = datetime.now(UTC)
    draft = AlertDraft(
        kind="test",
        headline="Test message from dispute-monitor",
        severity="alert",
        summary=f"Sent by `monitor notify test slack` at {now:%Y-%m-%d %H:%M} UTC. Alerts will look like this.",
    )
    failed = False
    for notifier in targets:
        try:
            notifier.send(Message(0, draft, now))
        except NotifyError as exc:
            failed = True
            echo(f"{notifier.name}: FAILED: {exc}", err=True)
        else:
            echo(f"{notifier.name}: sent")
    if failed:
        raise typer.Exit(1)


def _test_email(channels: Channels) -> None:
    from monitor.notifiers.email import EmailNotifier
    from monitor.notifiers.templating import make_env

    sender = channels.email_sender()
    if sender is None:
        fail("email is not configured: set SMTP_HOST (and DIGEST_TO), or smtp: in notifiers/")
    recipients: list[str] = (
        list(channels.config.digest.recipients) if channels.config.digest else []
    )
    for n in channels.notifiers.values():
        if isinstance(n, EmailNotifier):
            recipients.extend(n.to)
    if not recipients:
        fail("no recipient: set DIGEST_TO, or digest.to / an email channel in notifiers/")
    env = make_env(channels.config.templates_dir)
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    failed = False
    for recipient in dict.fromkeys(recipients):
        ctx = {"sent_at": now, "recipient": recipient}
        try:
            sender.send(
                [recipient],
                "dispute-monitor test message",
                env.get_template("test.txt.j2").render(ctx),
                env.get_template("test.html.j2").render(ctx),
            )
        except NotifyError as exc:
            failed = True
            echo(f"{recipient}: FAILED: {exc}", err=True)
        else:
            echo(f"{recipient}: sent via {sender.settings.host}:{sender.settings.port}")
    if failed:
        raise typer.Exit(1)
