"""The daily digest end to end through a local SMTP server (aiosmtpd): content and MIME parts,
the local send time, once per (day, recipient) whatever happens, late rather than never."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from notifyservers import T0, SmtpSink, draft, hostile_draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from support import add_row, cli

from monitor.config.notifiers_file import DigestSettings, NotifyConfig
from monitor.config.settings import Paths
from monitor.deliver import channels as notify
from monitor.deliver import digest, outbox
from monitor.domain import AlertDraft
from monitor.storage import digest_runs as q
from monitor.storage.models import Fact, Story
from monitor.storage.tables import ITEM, SOURCE

DAY = date(2026, 11, 25)


def channels_for(cfg: Path, smtp: SmtpSink, **env: str) -> notify.Channels:
    values = smtp.env(**{"DIGEST_TO": "counsel@example.org,partner@example.org", **env})
    return notify.load_channels(Paths(cfg), environ=values)


def seed_day(engine: Engine) -> None:
    """A day with a claim change, a ruling, a source going down and two stories."""
    with Session(engine) as s, s.begin():
        source_id = add_row(
            s,
            SOURCE,
            name="reuters",
            url="https://www.reuters.com/feed",
            health="down",
            consecutive_failures=4,
            last_error="HTTP 503",
        )
        item_id = add_row(
            s,
            ITEM,
            source_id=source_id,
            key="k1",
            url="https://www.reuters.com/story1",
            title="Musk raises claim",
            text="",
            published_at=T0,
            first_seen_at=T0,
            updated_at=T0,
            content_hash="h1",
        )
        story = Story(
            topic="musk-v-openai",
            kind="claim",
            title="Musk raises claim to $150bn",
            first_item_id=item_id,
            first_seen_at=T0,
            last_seen_at=T0,
            outlets=["Reuters", "Le Monde", "FT"],
            languages=["en", "fr"],
        )
        s.add(story)
        s.add(
            Story(
                topic="musk-v-openai",
                kind="news",
                title="OpenAI responds",
                first_seen_at=T0,
                last_seen_at=T0,
                outlets=["AP"],
                languages=["en"],
            )
        )
        for value, when, status in (
            ("up to $97.4bn", T0 - timedelta(days=300), "past"),
            ("up to $134bn", T0 - timedelta(days=30), "past"),
            ("up to $150bn", T0, "current"),
        ):
            s.add(
                Fact(
                    subject="claim:musk-v-openai",
                    topic="musk-v-openai",
                    value_key=value,
                    value={"v": value},
                    display=value,
                    status=status,
                    first_seen_at=when,
                    confirmed_at=when,
                )
            )
        s.flush()
        # The claim alert tells the first story: 3 alerts + 1 other story = 4 developments.
        outbox.raise_alert(s, draft(20), dedup_key="claim", story_id=story.id, channels=[], now=T0)
        ruling = AlertDraft(
            kind="ruling",
            headline="Ruling: summary judgment denied, case goes to a jury",
            severity="alert",
            from_court=True,
            document_url="https://court.example/d/1",
        )
        outbox.raise_alert(
            s, ruling, dedup_key="ruling", story_id=None, channels=[], now=T0 + timedelta(hours=2)
        )
        down = AlertDraft(
            kind="source_down",
            headline="Source down: reuters (4 failed polls: HTTP 503)",
            severity="alert",
        )
        outbox.raise_alert(
            s, down, dedup_key="down", story_id=None, channels=[], now=T0 + timedelta(hours=3)
        )


def test_the_digest_goes_out_at_the_local_time_with_every_section(
    engine: Engine, smtp: SmtpSink, cfg: Path
) -> None:
    seed_day(engine)
    channels = channels_for(cfg, smtp, DIGEST_TIME="18:30", DIGEST_TIMEZONE="Europe/Paris")
    before = datetime(2026, 11, 25, 17, 29, tzinfo=UTC)  # 18:29 in Paris
    after = datetime(2026, 11, 25, 17, 31, tzinfo=UTC)

    assert notify.send_digests(engine, channels, now=before, owner="t") == []
    outcomes = notify.send_digests(engine, channels, now=after, owner="t")

    assert [(o.day, o.status) for o in outcomes] == [(DAY, "sent"), (DAY, "sent")]
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "counsel@example.org",
        "partner@example.org",
    ]
    msg = smtp.messages[0].message
    assert msg["Subject"] == "Dispute monitor — 2026-11-25: 4 developments"
    assert msg["From"] == "monitor@example.org"
    assert msg.get_content_type() == "multipart/alternative"
    text_part = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    for needle in (
        "CLAIM AMOUNT",
        "up to $150bn (changed)",
        "up to $97.4bn (2026-01-29) → up to $134bn (2026-10-26) → up to $150bn (2026-11-25)",
        "RULINGS",
        "summary judgment denied",
        "[court record]",
        "TOP STORIES",
        "OpenAI responds — 1 outlet (en)",
        "SOURCE HEALTH",
        "reuters is down: HTTP 503",
        "seeks up to **$150bn** in damages",
    ):
        assert needle in text, needle
    # The claim's story is told by its alert: top stories do not list it again.
    assert "Musk raises claim to $150bn — 3 outlets" not in text
    assert "<strong>$150bn</strong>" in html
    assert '<a href="https://court.example/d/1">court document</a>' in html
    assert "<h2" in html and "Top stories" in html

    # The scheduler asks again every minute: nothing more is sent.
    assert notify.send_digests(engine, channels, now=after + timedelta(minutes=1), owner="t") == []
    assert len(smtp.messages) == 2


def test_smtp_down_at_digest_time_the_digest_arrives_when_it_is_back(
    engine: Engine, cfg: Path
) -> None:
    sink = SmtpSink()  # port chosen, server not started yet
    channels = channels_for(cfg, sink)
    seed_day(engine)
    at = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    first = notify.send_digests(engine, channels, now=at, owner="t")
    assert {o.status for o in first} == {"retrying"}
    assert "unreachable" in (first[0].error or "")
    sink.start()
    try:
        now = at
        while len(sink.messages) < 2 and now < at + timedelta(hours=2):
            now += timedelta(minutes=1)
            notify.send_digests(engine, channels, now=now, owner="t")
        assert sorted(m.rcpt_tos[0] for m in sink.messages) == [
            "counsel@example.org",
            "partner@example.org",
        ]
        assert sink.messages[0].message["Subject"] == "Dispute monitor — 2026-11-26: 4 developments"
        runs = q.digest_runs(engine)
        assert {r["status"] for r in runs} == {"sent"} and all(r["attempts"] == 2 for r in runs)
        assert notify.send_digests(engine, channels, now=now + timedelta(hours=1), owner="t") == []
        assert len(sink.messages) == 2
    finally:
        sink.stop()


def test_a_missed_day_is_sent_late_rather_than_never(
    engine: Engine, smtp: SmtpSink, cfg: Path
) -> None:
    channels = channels_for(cfg, smtp, DIGEST_TO="counsel@example.org")
    notify.send_digests(engine, channels, now=datetime(2026, 11, 23, 8, 1, tzinfo=UTC), owner="t")
    # The machine was off on the 24th and the 25th; it comes back on the 26th at 07:00.
    outcomes = notify.send_digests(
        engine, channels, now=datetime(2026, 11, 26, 7, 0, tzinfo=UTC), owner="t"
    )

    assert [o.day for o in outcomes] == [date(2026, 11, 24), date(2026, 11, 25)]
    subjects = [m.message["Subject"] for m in smtp.messages]
    assert subjects == [
        "Dispute monitor — 2026-11-23: no developments",
        "Dispute monitor — 2026-11-24: no developments",
        "Dispute monitor — 2026-11-25: no developments",
    ]


def test_an_empty_day_says_so_in_one_line_or_sends_nothing_as_configured(
    engine: Engine, smtp: SmtpSink, cfg: Path
) -> None:
    channels = channels_for(cfg, smtp, DIGEST_TO="counsel@example.org")
    notify.send_digests(engine, channels, now=datetime(2026, 11, 25, 9, 0, tzinfo=UTC), owner="t")
    (msg,) = [m.message for m in smtp.messages]
    body = msg.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip().splitlines()[-1] == (
        "No developments from Tue 24 Nov 08:00 to Wed 25 Nov 08:00 (UTC)."
    )

    (cfg / "notifiers" / "digest.yaml").write_text(
        "smtp:\n"
        f"  host: 127.0.0.1\n  port: {smtp.port}\n  security: none\n  from: monitor@example.org\n"
        "digest:\n  to: [counsel@example.org]\n  time: '08:00'\n  send_on_empty_day: false\n",
        encoding="utf-8",
    )
    quiet = notify.load_channels(Paths(cfg), environ={})
    outcomes = notify.send_digests(
        engine, quiet, now=datetime(2026, 11, 26, 9, 0, tzinfo=UTC), owner="t"
    )
    assert [o.status for o in outcomes] == ["skipped"]
    assert len(smtp.messages) == 1


def test_hostile_title_and_huge_summary_are_escaped_and_cut_in_the_email(
    engine: Engine, smtp: SmtpSink, cfg: Path
) -> None:
    with Session(engine) as s, s.begin():
        outbox.raise_alert(s, hostile_draft(), dedup_key="evil", story_id=None, channels=[], now=T0)
    channels = channels_for(cfg, smtp, DIGEST_TO="counsel@example.org")
    # The digest of the 26th at 08:00 covers the 24 hours before: T0 (the 25th, 09:00) is in it.
    notify.send_digests(engine, channels, now=datetime(2026, 11, 26, 8, 0, tzinfo=UTC), owner="t")

    (received,) = smtp.messages
    html_part = received.message.get_body(("html",))
    text_part = received.message.get_body(("plain",))
    assert html_part is not None and text_part is not None
    html, text = html_part.get_content(), text_part.get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;@channel&gt;" in html and "Musk &amp; OpenAI" in html
    assert "<b>bold</b>" not in html and "javascript:" not in html
    assert '<a href="https://example.org/a?b=1&amp;c=&lt;2&gt;">' in html
    assert "x" * 1000 not in html and "x" * 1000 not in text  # the summary was cut
    assert "…" in text and len(text) < 6000
    assert "<script>alert(1)</script> Musk & OpenAI" in text  # plain text stays readable


def test_digest_send_twice_for_one_day_sends_one_email_per_recipient(
    engine: Engine, db_url: str, smtp: SmtpSink, cfg: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    for k, v in {
        **smtp.env(DIGEST_TO="counsel@example.org,partner@example.org"),
        "MONITOR_DATABASE_URL": db_url,
    }.items():
        monkeypatch.setenv(k, v)
    seed_day(engine)

    code1, out1, _ = cli("digest", "send", "--day", "2026-11-26", "--config-dir", str(cfg))
    code2, out2, _ = cli("digest", "send", "--day", "2026-11-26", "--config-dir", str(cfg))

    assert (code1, code2) == (0, 0)
    assert out1.count(": sent") == 2
    assert out2.count("already sent") == 2
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "counsel@example.org",
        "partner@example.org",
    ]


def test_digest_send_from_two_processes_at_once_sends_one_email_per_recipient(
    engine: Engine, db_url: str, smtp: SmtpSink, cfg: Path
) -> None:
    seed_day(engine)
    smtp.delay = 0.5  # a slow server widens the window in which both could send
    env = {
        **os.environ,
        **smtp.env(DIGEST_TO="counsel@example.org,partner@example.org"),
        "MONITOR_DATABASE_URL": db_url,
        "MONITOR_CONFIG_DIR": str(cfg),
    }
    cmd = [sys.executable, "-m", "monitor", "digest", "send", "--day", "2026-11-26"]
    procs = [
        subprocess.Popen(cmd, env=env, cwd=cfg, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], results
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "counsel@example.org",
        "partner@example.org",
    ]
    runs = q.digest_runs(engine)
    assert [(r["recipient"], r["status"]) for r in runs] == [
        ("counsel@example.org", "sent"),
        ("partner@example.org", "sent"),
    ]


def test_preview_renders_a_day_without_sending(engine: Engine, smtp: SmtpSink, cfg: Path) -> None:
    seed_day(engine)
    channels = channels_for(cfg, smtp)
    text, html = digest.preview(engine, channels.config, date(2026, 11, 26))
    assert "RULINGS" in text and "<h2" in html
    assert smtp.messages == [] and q.digest_runs(engine) == []


def _cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str, **values: str) -> None:
    monkeypatch.setenv("MONITOR_DATABASE_URL", db_url)
    for k, v in values.items():
        monkeypatch.setenv(k, v)


def test_digest_send_for_a_day_whose_window_is_open_sends_nothing_unless_forced(
    engine: Engine, db_url: str, smtp: SmtpSink, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(monkeypatch, db_url, **smtp.env(DIGEST_TO="counsel@example.org"))
    day = digest.open_day(DigestSettings(recipients=()), datetime.now(UTC))

    code, out, _ = cli("digest", "send", "--day", day.isoformat(), "--config-dir", str(cfg))
    assert code == 0
    assert out.startswith(f"digest of {day}: ") and "open (closes in" in out
    assert "not sent yet" in out and "--force" in out
    assert smtp.messages == [] and q.digest_runs(engine) == []

    code, out, _ = cli(
        "digest", "send", "--day", day.isoformat(), "--force", "--config-dir", str(cfg)
    )
    assert code == 0 and f"{day} counsel@example.org: sent" in out
    assert len(smtp.messages) == 1


def test_digest_preview_needs_no_smtp_and_shows_the_window_open_now(
    engine: Engine, db_url: str, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(monkeypatch, db_url)
    now = datetime.now(UTC)
    day = digest.open_day(DigestSettings(recipients=()), now)
    start, end = digest.window(day, DigestSettings(recipients=()))
    assert start <= now < end

    code, out, err = cli("digest", "preview", "--config-dir", str(cfg))

    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(f"digest of {day}: ") and "(UTC), open (closes in" in first
    assert f"Subject: Dispute monitor — {day}: no developments" in out
    code, out, _ = cli("digest", "preview", "--day", "2026-11-25", "--config-dir", str(cfg))
    assert code == 0 and out.splitlines()[0].endswith("(UTC), closed")
    later = (day + timedelta(days=2)).isoformat()
    code, out, _ = cli("digest", "preview", "--day", later, "--config-dir", str(cfg))
    assert code == 0 and out.splitlines()[0].endswith("(UTC), not started yet")


def test_a_digest_waiting_for_a_retry_is_reported_by_digest_send_and_status(
    engine: Engine, db_url: str, smtp: SmtpSink, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(monkeypatch, db_url, **smtp.env(DIGEST_TO="counsel@example.org"))
    now = datetime.now(UTC)
    day = digest.open_day(DigestSettings(recipients=()), now) - timedelta(days=1)
    q.ensure_digest_run(engine, day, "counsel@example.org", now=now)
    run_id = q.claim_digest_run(
        engine, day, "counsel@example.org", now=now, owner="t", lease_until=now
    )
    assert run_id is not None
    q.finish_digest_run(
        engine,
        run_id,
        "t",
        status="pending",
        next_attempt_at=now + timedelta(minutes=30),
        last_error="SMTP server unreachable",
    )

    code, out, _ = cli("digest", "send", "--config-dir", str(cfg))
    assert code == 0
    assert "nothing due" not in out
    assert f"{day} counsel@example.org: waiting to retry at " in out
    assert "attempt 1 failed (last error: SMTP server unreachable)" in out

    code, out, _ = cli("status", "--config-dir", str(cfg))
    assert code == 0
    assert f"digest of {day} to counsel@example.org failing: attempt 1, next retry " in out
    assert out.rstrip().endswith("SMTP server unreachable")
    assert smtp.messages == []


def _checked_source(s: Session, name: str, *, failing: bool) -> None:
    add_row(
        s,
        SOURCE,
        name=name,
        url=f"https://{name}.example/feed",
        last_checked_at=T0 + timedelta(hours=20),
        last_success_at=T0 - timedelta(days=2) if failing else T0 + timedelta(hours=20),
        last_status="error" if failing else "ok",
        last_error="connection error: Name or service not known" if failing else None,
        consecutive_failures=30 if failing else 0,
        health="down" if failing else "ok",
    )


def test_a_day_on_which_every_source_failed_says_which_could_not_be_read(engine: Engine) -> None:
    settings = DigestSettings(recipients=("counsel@example.org",))
    config = NotifyConfig(channels=())
    with Session(engine) as s, s.begin():
        _checked_source(s, "wire", failing=True)
        _checked_source(s, "daily", failing=True)
    day = date(2026, 11, 26)  # the window from the 25th 08:00 holds T0 and the checks
    data = digest.collect(engine, day, settings, now=datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    rendered = digest.render(data, config, settings)

    assert data.blind and not rendered.empty
    assert rendered.subject == "Dispute monitor — 2026-11-26: no source could be read"
    assert "NO SOURCE COULD BE READ: none of the 2 sources was read since Wed 25 Nov 08:00" in (
        rendered.text
    )
    assert "- daily: connection error: Name or service not known" in rendered.text
    assert "- wire: connection error" in rendered.text
    assert "SOURCE HEALTH" not in rendered.text  # listed once, above
    assert "No source could be read" in rendered.html and "wire" in rendered.html

    with Session(engine) as s, s.begin():
        _checked_source(s, "court", failing=False)
    data = digest.collect(engine, day, settings, now=datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    rendered = digest.render(data, config, settings)
    assert not data.blind
    assert rendered.subject == "Dispute monitor — 2026-11-26: no new developments"
    assert "NOT READ: 2 of 3 sources could not be read since Wed 25 Nov 08:00." in rendered.text
