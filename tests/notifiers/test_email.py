"""Email through a real local SMTP server (login, STARTTLS refusal, alert emails) and the notify
commands: outbox list/retry/deliver, digest preview, notify test slack|email."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from notifyservers import T0, FakeSlack, SmtpSink, draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from support import cli

from monitor.config.settings import Paths, Secret
from monitor.deliver import channels as notify
from monitor.deliver import outbox
from monitor.errors import NotifyError
from monitor.notifiers.email import EmailSender, SmtpSettings

PASSWORD = "pa55-SECRET-word"


def test_smtp_login_works_and_the_password_never_reaches_the_logs(
    cfg: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sink = SmtpSink(users={"monitor": PASSWORD})
    sink.start()
    try:
        env = sink.env(
            DIGEST_TO="counsel@example.org", SMTP_USERNAME="monitor", SMTP_PASSWORD=PASSWORD
        )
        channels = notify.load_channels(Paths(cfg), environ=env)
        sender = channels.email_sender()
        assert sender is not None
        sender.send(["counsel@example.org"], "hello", "text", "<p>html</p>")
        assert len(sink.messages) == 1

        wrong = EmailSender(
            SmtpSettings(
                "127.0.0.1",
                sink.port,
                "none",
                "m@example.org",
                "monitor",
                Secret("wrong-" + PASSWORD),
            )
        )
        with pytest.raises(NotifyError) as err:
            wrong.send(["counsel@example.org"], "hello", "text", "<p>html</p>")
        assert err.value.transient is False and "login refused" in str(err.value)
    finally:
        sink.stop()
    assert PASSWORD not in caplog.text and PASSWORD not in repr(channels)
    assert PASSWORD not in str(err.value)


def test_starttls_required_but_not_offered_fails_permanently_and_says_why(smtp: SmtpSink) -> None:
    sender = EmailSender(SmtpSettings("127.0.0.1", smtp.port, "starttls", "m@example.org"))
    with pytest.raises(NotifyError) as err:
        sender.send(["counsel@example.org"], "s", "t", "<p>h</p>")
    assert err.value.transient is False
    assert "does not offer STARTTLS" in str(err.value)
    assert smtp.messages == []  # never fell back to plain text


def test_an_email_channel_sends_each_alert_as_text_and_html(
    engine: Engine, smtp: SmtpSink, cfg: Path
) -> None:
    (cfg / "notifiers" / "mail.yaml").write_text(
        f"smtp: {{host: 127.0.0.1, port: {smtp.port}, security: none, from: m@example.org}}\n"
        "channels:\n  - {name: counsel, kind: email, to: [counsel@example.org], topics: [musk-v-openai]}\n",
        encoding="utf-8",
    )
    channels = notify.load_channels(Paths(cfg), environ={})
    with Session(engine) as s, s.begin():
        for key, alert in (("a", draft(20)), ("b", draft(21, topic="other"))):
            outbox.raise_alert(s, alert, dedup_key=key, channels=channels.route(alert), now=T0)

    report = notify.deliver(engine, channels, now=T0, owner="t")

    assert report.sent == 3  # console twice, email once (the other topic is filtered out)
    (received,) = smtp.messages
    assert received.message["Subject"] == "[monitor] Claimed amount: up to $134bn → up to $150bn"
    html = received.message.get_body(("html",))
    assert html is not None and "<strong>$150bn</strong>" in html.get_content()


def _env(monkeypatch: pytest.MonkeyPatch, db_url: str, **values: str) -> None:
    monkeypatch.setenv("MONITOR_DATABASE_URL", db_url)
    for k, v in values.items():
        monkeypatch.setenv(k, v)


def test_outbox_list_retry_and_deliver_commands(
    engine: Engine, db_url: str, slack: FakeSlack, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(
        monkeypatch,
        db_url,
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_CHANNEL="#c",
        SLACK_API_URL=slack.api_url,
    )
    with Session(engine) as s, s.begin():
        outbox.raise_alert(s, draft(1), dedup_key="a", story_id=None, channels=["slack"], now=T0)
    slack.answer = lambda req: (200, {}, {"ok": False, "error": "channel_not_found"})

    code, out, err = cli("outbox", "deliver", "--config-dir", str(cfg))
    assert code == 1 and "channel_not_found" in err and "check the channel" in err

    code, out, _ = cli("outbox", "list", "--json", "--config-dir", str(cfg))
    (row,) = json.loads(out)
    assert code == 0 and row["status"] == "failed" and "channel_not_found" in row["last_error"]
    code, out, _ = cli("outbox", "list", "--config-dir", str(cfg))
    assert "failed" in out and "channel_not_found" in out

    slack.answer = None
    code, out, _ = cli("outbox", "retry", str(row["id"]), "--config-dir", str(cfg))
    assert code == 0 and "1 delivery due now" in out
    code, out, _ = cli("outbox", "deliver", "--config-dir", str(cfg))
    assert code == 0 and "sent=1" in out
    code, _, err = cli("outbox", "retry", str(row["id"]), "--config-dir", str(cfg))
    assert code == 1 and "is sent" in err
    code, _, err = cli("outbox", "retry", "999", "--config-dir", str(cfg))
    assert code == 1 and "not found" in err


def test_digest_preview_writes_html_and_prints_text(
    engine: Engine,
    db_url: str,
    smtp: SmtpSink,
    cfg: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, db_url, **smtp.env(DIGEST_TO="counsel@example.org"))
    out_file = tmp_path / "digest.html"
    code, out, _ = cli(
        "digest", "preview", "--day", "2026-11-25", "--out", str(out_file), "--config-dir", str(cfg)
    )
    assert code == 0
    assert "Subject: Dispute monitor — 2026-11-25: no developments" in out
    assert out_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = cli("digest", "preview", "--day", "25/11/2026", "--config-dir", str(cfg))
    assert code == 2 and "not a date" in err


def test_notify_test_slack_sends_a_message_or_says_what_went_wrong(
    db_url: str, slack: FakeSlack, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli("notify", "test", "slack", "--config-dir", str(cfg))
    assert code == 1 and "Slack is not configured" in err

    _env(
        monkeypatch,
        db_url,
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_CHANNEL="#c",
        SLACK_API_URL=slack.api_url,
    )
    code, out, _ = cli("notify", "test", "slack", "--config-dir", str(cfg))
    assert code == 0 and "slack: sent" in out
    assert (
        slack.posted()[0].body["blocks"][0]["text"]["text"] == "Test message from dispute-monitor"
    )

    slack.answer = lambda req: (200, {}, {"ok": False, "error": "not_in_channel"})
    code, _, err = cli("notify", "test", "slack", "--config-dir", str(cfg))
    assert code == 1 and "not_in_channel" in err and "/invite" in err

    slack.close()
    code, _, err = cli("notify", "test", "slack", "--config-dir", str(cfg))
    assert code == 1 and "slack unreachable" in err


def test_notify_test_email_sends_to_the_digest_recipients_or_says_what_went_wrong(
    db_url: str, smtp: SmtpSink, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli("notify", "test", "email", "--config-dir", str(cfg))
    assert code == 1 and "email is not configured" in err

    _env(monkeypatch, db_url, **smtp.env(DIGEST_TO="counsel@example.org"))
    code, out, _ = cli("notify", "test", "email", "--config-dir", str(cfg))
    assert code == 0 and "counsel@example.org: sent" in out
    assert smtp.messages[0].message["Subject"] == "dispute-monitor test message"

    smtp.stop()
    code, _, err = cli("notify", "test", "email", "--config-dir", str(cfg))
    assert code == 1 and "unreachable" in err
    code, _, err = cli("notify", "test", "fax", "--config-dir", str(cfg))
    assert code == 2 and "use slack or email" in err
