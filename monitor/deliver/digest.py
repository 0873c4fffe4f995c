"""The daily digest: a local day's developments (alerts, claim amount and its history, rulings,
top stories, source health) → text + HTML email, sent once per (day, recipient). It also lists
rulings the news reported more than `docket_grace` ago that the court record has not shown yet.

`send_due` runs every minute: once the local digest time has passed it claims (day, recipient)
through the unique digest_run row (insert-if-absent, then a compare-and-set with a lease), sends,
and marks it sent. A failure is retried with backoff; a day missed (machine off, mail server
down) is still sent up to `lookback_days` late."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine

from monitor.config.notifiers_file import NEWS_ONLY_MAX_AGE, DigestSettings, NotifyConfig
from monitor.deliver.outbox import backoff
from monitor.domain import AlertDraft, as_utc
from monitor.errors import ConfigError, NotifyError, StorageError
from monitor.notifiers.email import EmailSender
from monitor.storage import digest_runs as q
from monitor.storage import reports

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
PERMANENT_RETRY = timedelta(hours=1)
HEALTH_KINDS = ("source_down", "source_silent", "source_recovered")


class Sender(Protocol):
    def send(self, to: Sequence[str], subject: str, text: str, html: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Development:
    id: int
    kind: str
    severity: str
    created_at: datetime
    draft: AlertDraft


@dataclass(frozen=True, slots=True)
class ClaimHistory:
    subject: str
    topic: str
    current: reports.FactRow
    history: tuple[reports.FactRow, ...]  # oldest first, the current value last
    changed: bool


@dataclass(slots=True)
class DigestData:
    day: date
    zone: str
    start: datetime
    end: datetime
    claims: list[ClaimHistory] = field(default_factory=list)
    claim_alerts: list[Development] = field(default_factory=list)
    rulings: list[Development] = field(default_factory=list)
    other: list[Development] = field(default_factory=list)
    health: list[Development] = field(default_factory=list)
    unhealthy: list[reports.SourceRow] = field(default_factory=list)
    stories: list[reports.StoryRow] = field(default_factory=list)
    # Rulings only the news reported, past the grace period: a standing state, like unhealthy
    # sources, so not counted as the day's developments (but the digest is not empty).
    news_only: list[reports.NewsOnlyRulingRow] = field(default_factory=list)
    # Rulings of the window one outlet reported so far: shown as waiting, not as developments.
    pending: list[reports.NewsOnlyRulingRow] = field(default_factory=list)
    # Where the dispute stands when the day brought nothing: the last ruling told.
    last_ruling: Development | None = None
    # Sources tried during the window and not read once since its start: with all of them
    # unread, "no developments" would mean nothing, so the digest names them.
    unread: list[reports.SourceRow] = field(default_factory=list)
    checked: int = 0

    @property
    def blind(self) -> bool:
        """Every source checked in the window failed: nobody was looking."""
        return bool(self.unread) and len(self.unread) == self.checked

    @property
    def count(self) -> int:
        """Developments: the day's alerts and the stories no alert already told."""
        told = {d.draft.story_id for d in self.alerts if d.draft.story_id is not None}
        return len(self.alerts) + sum(1 for s in self.stories if s.id not in told)

    @property
    def alerts(self) -> list[Development]:
        return [*self.claim_alerts, *self.rulings, *self.other, *self.health]

    @property
    def empty(self) -> bool:
        return (
            self.count == 0
            and not self.unhealthy
            and not self.news_only
            and not self.unread
            and not self.pending
        )


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str
    count: int
    empty: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    day: date
    recipient: str
    status: str  # sent | skipped | retrying | failed
    error: str | None = None


def window(day: date, settings: DigestSettings) -> tuple[datetime, datetime]:
    """The 24 hours the digest of `day` covers, in UTC: from the digest time of the day before
    to the digest time of `day` (local), so every moment is in exactly one digest whatever the
    digest time (a morning digest tells yesterday and last night)."""
    start = datetime.combine(day - timedelta(days=1), settings.at, tzinfo=settings.zone)
    end = datetime.combine(day, settings.at, tzinfo=settings.zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def open_day(settings: DigestSettings, now: datetime) -> date:
    """The day whose digest window holds `now` (still open): today until the digest time,
    tomorrow after it."""
    local = as_utc(now).astimezone(settings.zone)
    return local.date() + timedelta(days=1) if local.time() >= settings.at else local.date()


def is_closed(day: date, settings: DigestSettings, now: datetime) -> bool:
    """Whether the window of `day` has ended: before that, news can still join it."""
    return window(day, settings)[1] <= as_utc(now)


def describe_window(day: date, settings: DigestSettings, now: datetime) -> str:
    """`digest of 2026-11-26: Wed 25 Nov 08:00 to Thu 26 Nov 08:00 (UTC), open (closes in 3 h)`
    or `..., closed`."""
    start, end = (t.astimezone(settings.zone) for t in window(day, settings))
    span = f"{start:%a %d %b %H:%M} to {end:%a %d %b %H:%M} ({settings.zone})"
    left = end - as_utc(now).astimezone(settings.zone)
    if left <= timedelta(0):
        state = "closed"
    elif start > as_utc(now):
        state = "not started yet"
    else:
        state = f"open (closes in {_hours_minutes(left)})"
    return f"digest of {day.isoformat()}: {span}, {state}"


def _hours_minutes(value: timedelta) -> str:
    """`3 h 5 min`, `45 min`: how long until a window closes."""
    hours, minutes = divmod(max(1, round(value.total_seconds() / 60)), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


def preview_settings(config: NotifyConfig) -> DigestSettings:
    """The configured digest, or the default one (08:00 UTC): a preview sends nothing, so it
    needs neither SMTP nor recipients."""
    return config.digest or DigestSettings(recipients=())


def collect(
    engine: Engine, day: date, settings: DigestSettings, *, now: datetime | None = None
) -> DigestData:
    start, end = window(day, settings)
    now = as_utc(now or datetime.now(UTC))
    data = DigestData(day=day, zone=str(settings.zone), start=start, end=end)
    for row in reports.alerts_between(engine, start, end):
        dev = Development(
            row.id, row.kind, row.severity, row.created_at, AlertDraft.from_json(row.payload)
        )
        if row.kind in ("claim", "claim_change"):
            data.claim_alerts.append(dev)
        elif row.kind == "ruling":
            data.rulings.append(dev)
        elif row.kind in HEALTH_KINDS:
            data.health.append(dev)
        else:
            data.other.append(dev)
    by_subject: dict[str, list[reports.FactRow]] = {}
    for fact in reports.confirmed_facts(engine, "claim:", end):
        by_subject.setdefault(fact.subject, []).append(fact)
    for subject, facts in sorted(by_subject.items()):
        current = facts[-1]
        changed = any(start <= f.confirmed_at < end for f in facts)
        data.claims.append(
            ClaimHistory(subject, current.topic, current, tuple(facts[-10:]), changed)
        )
    _each_development_once(engine, data)
    data.stories = [
        s
        for s in reports.stories_between(engine, start, end, limit=settings.top_stories * 3)
        if s.id not in {d.draft.story_id for d in data.alerts}
    ][: settings.top_stories]
    data.pending = reports.unalerted_rulings(engine, start, end)
    last = reports.last_alert_of_kind(engine, "ruling", end)
    if last is not None:
        draft = AlertDraft.from_json(last.payload)
        data.last_ruling = Development(last.id, last.kind, last.severity, last.created_at, draft)
    if end > now - timedelta(days=2):  # the current state only describes recent days
        data.checked, data.unread = reports.sources_checked_since(engine, start)
        data.unhealthy = reports.unhealthy_sources(engine)
        data.news_only = news_only_rulings(engine, min(end, now), settings)
    return data


def _each_development_once(engine: Engine, data: DigestData) -> None:
    """A rule's alert whose every item is already in a claim or a ruling told the same day
    (the wide damages-figure net, say) tells nothing new: it is left out of the list."""
    told = [d.draft.story_id for d in (*data.claim_alerts, *data.rulings) if d.draft.story_id]
    others = [d.draft.story_id for d in data.other if d.draft.story_id]
    items = reports.story_items(engine, [*told, *others])
    known = set().union(*(items.get(s, set()) for s in told)) if told else set()
    data.other = [
        d
        for d in data.other
        if not (
            d.draft.story_id and items.get(d.draft.story_id) and items[d.draft.story_id] <= known
        )
    ]


def news_only_rulings(
    engine: Engine, as_of: datetime, settings: DigestSettings
) -> list[reports.NewsOnlyRulingRow]:
    """Rulings first reported between 30 days and `docket_grace` before `as_of` that no docket
    entry has joined yet. Without any docket source the court record is not watched: nothing
    to say then."""
    if not reports.has_docket_source(engine):
        return []
    return reports.news_only_rulings(
        engine,
        reported_before=as_of - settings.docket_grace,
        reported_since=as_of - NEWS_ONLY_MAX_AGE,
    )


def human_duration(value: timedelta) -> str:
    """24 hours, 36 hours, 3 days, 90 minutes."""
    secs = int(value.total_seconds())
    if secs >= 2 * 86400 and secs % 86400 == 0:
        n, unit = secs // 86400, "day"
    elif secs % 3600 == 0:
        n, unit = secs // 3600, "hour"
    elif secs % 60 == 0:
        n, unit = secs // 60, "minute"
    else:
        n, unit = secs, "second"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def render(data: DigestData, config: NotifyConfig, settings: DigestSettings) -> Rendered:
    from monitor.notifiers.templating import make_env  # Jinja2, when a digest is rendered

    env = make_env(config.templates_dir)
    n = data.count
    noun = "development" if n == 1 else "developments"
    subject = f"{settings.subject} — {data.day.isoformat()}: {n} {noun}"
    if n == 0:
        subject = f"{settings.subject} — {data.day.isoformat()}: no new developments"
    if data.empty:
        subject = f"{settings.subject} — {data.day.isoformat()}: no developments"
    if n == 0 and data.blind:
        subject = f"{settings.subject} — {data.day.isoformat()}: no source could be read"
    local_start = data.start.astimezone(settings.zone)
    local_end = data.end.astimezone(settings.zone)
    period = f"{local_start:%a %d %b %H:%M} to {local_end:%a %d %b %H:%M} ({settings.zone})"
    ctx: dict[str, Any] = {
        "data": data,
        "subject": subject,
        "count": n,
        "settings": settings,
        "period": period,
        "docket_grace": human_duration(settings.docket_grace),
        # A source listed as unread is not listed again under source health.
        "unhealthy": [s for s in data.unhealthy if s.name not in {u.name for u in data.unread}],
    }
    text = env.get_template("digest.txt.j2").render(ctx)
    html = env.get_template("digest.html.j2").render(ctx)
    return Rendered(subject, text, html, n, data.empty)


def _settings(config: NotifyConfig) -> DigestSettings:
    if config.digest is None:
        raise ConfigError(
            "no digest configured (set SMTP_HOST and DIGEST_TO, or a digest: section in notifiers/)"
        )
    return config.digest


def render_day(
    engine: Engine, config: NotifyConfig, day: date, *, settings: DigestSettings | None = None
) -> Rendered:
    settings = settings or _settings(config)
    return render(collect(engine, day, settings), config, settings)


def preview(engine: Engine, config: NotifyConfig, day: date) -> tuple[str, str]:
    """The digest of `day` as it would be sent: (text, html)."""
    rendered = render_day(engine, config, day, settings=preview_settings(config))
    return rendered.text, rendered.html


def waiting_runs(engine: Engine, now: datetime) -> list[dict[str, Any]]:
    """Digest runs that failed and wait for a retry later than `now`: what `digest send` and
    `monitor status` report instead of "nothing due"."""
    return waiting_runs_of(q.digest_runs(engine), now)


def describe_waiting(run: dict[str, Any]) -> str:
    """`digest of 2026-05-18 to a@b failing: attempt 2, next retry 2026-05-18 09:12 UTC: why`."""
    error = f": {' '.join(str(run['last_error']).split())[:200]}" if run["last_error"] else ""
    return (
        f"digest of {run['day']} to {run['recipient']} failing: attempt {run['attempts']}, "
        f"next retry {as_utc(run['next_attempt_at']):%Y-%m-%d %H:%M} UTC{error}"
    )


def waiting_runs_of(runs: Iterable[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    now = as_utc(now)
    return [
        r
        for r in runs
        if r["status"] in ("pending", "failed")
        and r["attempts"] > 0
        and as_utc(r["next_attempt_at"]) > now
    ]


def due_days(engine: Engine, settings: DigestSettings, recipient: str, now: datetime) -> list[date]:
    """Days whose digest should go to `recipient` now: the latest day whose digest time has
    passed, days missed since the last run (at most `lookback_days` back), and runs waiting for a
    retry. A recipient without any run yet starts with today."""
    local = as_utc(now).astimezone(settings.zone)
    today = local.date()
    last_due = today if local.time() >= settings.at else today - timedelta(days=1)
    oldest = last_due - timedelta(days=settings.lookback_days)
    runs = q.digest_runs(engine, recipient)
    if not runs:
        return [today] if last_due == today else []
    latest = max(r["day"] for r in runs)
    days = {
        r["day"]
        for r in runs
        if r["status"] in ("pending", "sending", "failed") and r["day"] >= oldest
    }
    day = max(latest + timedelta(days=1), oldest)
    while day <= last_due:
        days.add(day)
        day += timedelta(days=1)
    return sorted(days)


def send_due(
    engine: Engine,
    config: NotifyConfig,
    *,
    now: datetime,
    owner: str,
    sender: Sender | None = None,
    day: date | None = None,
    environ: Any = None,
) -> list[Outcome]:
    """Send every digest due now (or, with `day`, that day's digest if not sent yet)."""
    if config.digest is None:
        return []
    settings = config.digest
    now = as_utc(now)
    if sender is None:
        smtp = config.smtp_settings(os.environ if environ is None else environ)
        if smtp is None:
            raise ConfigError("the digest needs an SMTP server (SMTP_HOST or smtp:)")
        sender = EmailSender(smtp)
    cache: dict[date, Rendered] = {}
    outcomes: list[Outcome] = []
    for recipient in settings.recipients:
        days = [day] if day is not None else due_days(engine, settings, recipient, now)
        for d in days:
            q.ensure_digest_run(engine, d, recipient, now=now)
            if day is not None:
                q.reopen_failed_digest(engine, d, recipient, now=now)
            run_id = q.claim_digest_run(
                engine, d, recipient, now=now, owner=owner, lease_until=now + LEASE
            )
            if run_id is None:
                continue
            outcomes.append(
                _send_one(engine, config, settings, sender, cache, d, recipient, run_id, owner, now)
            )
    return outcomes


def _send_one(
    engine: Engine,
    config: NotifyConfig,
    settings: DigestSettings,
    sender: Sender,
    cache: dict[date, Rendered],
    day: date,
    recipient: str,
    run_id: int,
    owner: str,
    now: datetime,
) -> Outcome:
    try:
        if day not in cache:
            cache[day] = render(collect(engine, day, settings, now=now), config, settings)
        rendered = cache[day]
        if rendered.empty and not settings.send_on_empty_day:
            q.finish_digest_run(
                engine,
                run_id,
                owner,
                status="skipped",
                sent_at=now,
                last_error="no developments (send_on_empty_day: false)",
            )
            log.info("digest_skipped day=%s recipient=%s reason=empty", day, recipient)
            return Outcome(day, recipient, "skipped")
        sender.send([recipient], rendered.subject, rendered.text, rendered.html)
    except NotifyError as exc:
        runs = [r for r in q.digest_runs(engine, recipient, since=day) if r["id"] == run_id]
        attempts = int(runs[0]["attempts"]) if runs else 1
        if exc.transient:
            wait = timedelta(seconds=backoff(attempts, exc.retry_after))
            status = "pending"
        else:
            wait, status = PERMANENT_RETRY, "failed"
        q.finish_digest_run(
            engine,
            run_id,
            owner,
            status=status,
            next_attempt_at=now + wait,
            last_error=str(exc)[:1000],
        )
        log.warning(
            "digest_failed day=%s recipient=%s transient=%s retry_in=%.0fs error=%s",
            day,
            recipient,
            exc.transient,
            wait.total_seconds(),
            exc,
        )
        return Outcome(day, recipient, "retrying" if exc.transient else "failed", str(exc))
    except StorageError:
        raise  # the database went away: the caller says so once; the lease frees the run
    except Exception as exc:  # a bug (a template, a query): keep the run, retry later
        log.exception("digest_crashed day=%s recipient=%s", day, recipient)
        q.finish_digest_run(
            engine,
            run_id,
            owner,
            status="pending",
            next_attempt_at=now + PERMANENT_RETRY,
            last_error=f"internal error: {exc.__class__.__name__}: {exc}"[:1000],
        )
        return Outcome(day, recipient, "failed", f"internal error: {exc}")
    if not q.finish_digest_run(engine, run_id, owner, status="sent", sent_at=now, last_error=None):
        log.warning("digest_lease_lost day=%s recipient=%s", day, recipient)
    log.info("digest_sent day=%s recipient=%s developments=%d", day, recipient, rendered.count)
    return Outcome(day, recipient, "sent")
