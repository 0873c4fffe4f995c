"""What the pipeline, the scheduler and the CLI call to tell people: load the channels once,
raise alerts (routed to the channels that want them), check source health, deliver what is due,
send the daily digest. Sync functions; the `*_async` twins run them in a worker thread so SMTP
and Slack calls never block the event loop.

    channels = notify.load_channels(paths)
    with Session(engine) as s, s.begin():
        outbox.raise_alert(s, draft, dedup_key=key, channels=channels.route(draft), now=now)
    notify.check_health(engine, channels, now=now, silence={src.name: src.expected_silence})
    notify.deliver(engine, channels, now=now)           # after each poll
    notify.send_digests(engine, channels, now=now)       # every minute
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING

from sqlalchemy import Engine

from monitor.config import notifiers_file as notify_config
from monitor.config.notifiers_file import NotifyConfig
from monitor.config.settings import Paths
from monitor.deliver import health, outbox
from monitor.deliver.outbox import DeliveryReport
from monitor.domain import AlertDraft
from monitor.errors import ConfigError
from monitor.notifiers.base import BuildContext, Notifier
from monitor.notifiers.email import EmailSender
from monitor.storage.leases import make_owner

if TYPE_CHECKING:
    from monitor.deliver import digest
    from monitor.storage.models import Alert

__all__ = [
    "Channels",
    "DeliveryReport",
    "check_health",
    "deliver",
    "deliver_async",
    "load_channels",
    "make_owner",
    "send_digests",
    "send_digests_async",
]


@dataclass(frozen=True, slots=True)
class Channels:
    """The configuration and a built notifier per channel name."""

    config: NotifyConfig
    notifiers: Mapping[str, Notifier]
    environ: Mapping[str, str] = field(repr=False)  # holds the secrets

    def route(self, draft: AlertDraft) -> list[str]:
        """Names of the channels that want this alert (severity, rule, topic, kind filters)."""
        return [e.options.name for e in self.config.channels if e.options.wants(draft)]

    def email_sender(self) -> EmailSender | None:
        smtp = self.config.smtp_settings(self.environ)
        return EmailSender(smtp) if smtp else None


def load_channels(
    paths: Paths, *, environ: Mapping[str, str] | None = None, stdout: IO[str] | None = None
) -> Channels:
    """notifiers/*.yaml, else the environment; ConfigError names the file, line and key (or the
    environment variable) of the first problem."""
    env = dict(os.environ if environ is None else environ)
    config = notify_config.load(paths.notifiers_dir, env)
    return build(config, env, stdout=stdout)


def build(
    config: NotifyConfig, environ: Mapping[str, str], *, stdout: IO[str] | None = None
) -> Channels:
    smtp = config.smtp_settings(environ)
    templates = None
    if any(entry.options.uses_templates for entry in config.channels):
        from monitor.notifiers.templating import make_env  # Jinja2: ~12 ms to import

        templates = make_env(config.templates_dir)
    notifiers: dict[str, Notifier] = {}
    for entry in config.channels:
        ctx = BuildContext(
            environ=environ,
            source=entry.source,
            line=entry.line,
            smtp=smtp,
            templates=templates,
            stdout=stdout,
        )
        notifiers[entry.options.name] = entry.options.build(ctx)
    return Channels(config, notifiers, environ)


_owners: dict[int, str] = {}


def _owner() -> str:
    """This process's owner, made again after a fork (a child must not share its parent's)."""
    pid = os.getpid()
    if pid not in _owners:
        _owners[pid] = make_owner()
    return _owners[pid]


def check_health(
    engine: Engine,
    channels: Channels,
    *,
    now: datetime,
    silence: Mapping[str, timedelta | None] | None = None,
) -> list[Alert]:
    """Source-health alerts from the `source` table, raised in a transaction of their own. Pass
    every configured source in `silence` (name → expected_silence, None when it has none)."""
    threshold = channels.config.failure_threshold
    with engine.connect() as conn:
        if not health.changes(conn, now=now, failure_threshold=threshold, silence=silence):
            return []  # most polls: no session, and no ORM to import for it
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        return health.check_sources(
            session,
            now=now,
            channels=channels.route,
            failure_threshold=threshold,
            silence=silence,
        )


def deliver(
    engine: Engine,
    channels: Channels,
    *,
    now: datetime | None = None,
    owner: str | None = None,
    limit: int = 50,
) -> DeliveryReport:
    """Send what the outbox holds that is due (up to `limit` rows per channel)."""
    return outbox.deliver_due(
        engine,
        channels.notifiers,
        now=now or datetime.now(UTC),
        owner=owner or _owner(),
        limit=limit,
    )


def send_digests(
    engine: Engine, channels: Channels, *, now: datetime | None = None, owner: str | None = None
) -> list[digest.Outcome]:
    """The daily digest(s) due now; a no-op when no digest is configured."""
    if channels.config.digest is None:
        return []
    # Imported by the digest's senders (`monitor run`, `monitor digest`), not by every poll.
    from monitor.deliver import digest

    sender = channels.email_sender()
    if sender is None:
        raise ConfigError("the digest needs an SMTP server")
    return digest.send_due(
        engine,
        channels.config,
        now=now or datetime.now(UTC),
        owner=owner or _owner(),
        sender=sender,
    )


async def deliver_async(
    engine: Engine, channels: Channels, *, now: datetime | None = None
) -> DeliveryReport:
    return await asyncio.to_thread(deliver, engine, channels, now=now)


async def send_digests_async(
    engine: Engine, channels: Channels, *, now: datetime | None = None
) -> list[digest.Outcome]:
    return await asyncio.to_thread(send_digests, engine, channels, now=now)
