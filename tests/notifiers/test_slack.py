"""Slack end to end: alerts raised through the outbox, delivered to a local Slack-compatible
server, and checked as received (blocks, escaping, limits, threads, failures)."""

from __future__ import annotations

import json
import logging
import re
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from notifyservers import T0, FakeSlack, SlackRequest, draft, hostile_draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.config.settings import Paths
from monitor.deliver import channels as notify
from monitor.deliver import outbox
from monitor.domain import AlertDraft, Evidence, Link
from monitor.errors import NotifyError
from monitor.notifiers.base import Message, Update
from monitor.notifiers.slack import SlackWebhookNotifier

TOKEN = "xoxb-1111-2222-SECRETTOKEN"


def bot_channels(cfg: Path, slack: FakeSlack) -> notify.Channels:
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_CHANNEL": "#legal", "SLACK_API_URL": slack.api_url}
    return notify.load_channels(Paths(cfg), environ=env)


def raise_(engine: Engine, d: AlertDraft, key: str, channels: list[str] | None = None) -> int:
    with Session(engine) as s, s.begin():
        alert = outbox.raise_alert(
            s, d, dedup_key=key, story_id=None, channels=channels or ["slack"], now=T0
        )
        assert alert is not None and alert.id is not None
        return alert.id


def texts(body: dict[str, Any]) -> list[str]:
    out = [body.get("text", "")]
    for block in body.get("blocks", []):
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out.extend(el.get("text", "") for el in block.get("elements", []))
    return out


def test_an_alert_arrives_as_blocks_with_headline_why_values_outlets_and_fallback(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    channels = bot_channels(cfg, slack)
    raise_(engine, draft(16, from_court=True, document_url="https://court.example/doc/1"), "a1")

    report = notify.deliver(engine, channels, now=T0, owner="t")

    assert report.sent == 1
    (req,) = slack.posted()
    assert req.path == "/api/chat.postMessage"
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    body = req.body
    assert body["channel"] == "#legal" and body["unfurl_links"] is False
    assert "thread_ts" not in body
    header = body["blocks"][0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "Claimed amount: up to $134bn → up to $146bn"
    joined = "\n".join(texts(body))
    # The headline says old → new: said once, not again in a section of its own.
    assert "*Was:*" not in joined and joined.count("$134bn → up to $146bn") == 2  # + fallback
    assert "seeks up to *$146bn* in damages" in joined  # the value in bold
    assert "*Reported by 2 outlets*" in joined
    assert joined.lower().count("first") == 1 and "· first, 2026-11-25 09:00 UTC" in joined
    # The rule is not for readers: only the small print names it.
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert not any("rule" in t or "Why it fired" in t for t in sections)
    assert "why: rule musk-claim" in body["blocks"][-1]["elements"][0]["text"]
    assert "<https://www.reuters.com/a?x=1&amp;y=2|Musk raises claim against OpenAI>" in joined
    assert "*Le Monde*" in joined and "(fr)" in joined
    assert "From the court record" in joined and "<https://court.example/doc/1|document>" in joined
    assert body["text"].startswith("Claimed amount: up to $134bn → up to $146bn — Musk now seeks")


def test_a_later_copy_of_the_story_goes_in_the_alert_thread(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    channels = bot_channels(cfg, slack)
    alert_id = raise_(engine, draft(), "a1")
    with Session(engine) as s, s.begin():
        update = Update(links=(Link("FT", "Musk & OpenAI", "https://ft.com/x"),), confirmed_by=3)
        outbox.add_update(s, alert_id, update, now=T0)
        outbox.add_update(
            s, alert_id, {"links": [{"outlet": "Le Figaro", "title": "t", "url": None}]}, now=T0
        )

    notify.deliver(engine, channels, now=T0, owner="t")

    first, second, third = slack.posted()
    ts = "1700000001.000100"
    assert "thread_ts" not in first.body
    assert second.body["thread_ts"] == ts and third.body["thread_ts"] == ts
    assert second.body["text"] == "Also reported by FT"
    assert "<https://ft.com/x|Musk &amp; OpenAI>" in "\n".join(texts(second.body))
    assert "now 3 outlets" in "\n".join(texts(second.body))
    rows = {r["seq"]: r for r in outbox.list_deliveries(engine)}
    assert [rows[i]["status"] for i in (0, 1, 2)] == ["sent", "sent", "sent"]
    assert rows[0]["external_ref"] == ts


def test_hostile_title_and_huge_summary_are_escaped_and_cut_in_slack(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    channels = bot_channels(cfg, slack)
    raise_(engine, hostile_draft(), "evil")

    notify.deliver(engine, channels, now=T0, owner="t")

    (req,) = slack.posted()
    blocks = req.body["blocks"]
    assert len(blocks) <= 50
    all_text = texts(req.body)
    for text in all_text:
        # Only our own links may use < >: no raw tag, mention or broadcast survives.
        stripped = re.sub(r"<https?://[^|<> ]+\|[^<>]*>", "", text)
        stripped = re.sub(r"(?m)^> ", "", stripped)  # our block quote
        assert "<" not in stripped and ">" not in stripped, text
        assert "&lt;script&gt;" in text or "script" not in text
        assert "&lt;@channel&gt;" in text or "@channel" not in text
    assert sum(len(t) for t in all_text) < 12000
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
    joined = "\n".join(all_text)
    assert "javascript:" not in joined  # the unsafe link is shown as text only
    assert "Evil &lt;b&gt;outlet&lt;/b&gt;" in joined
    assert "<https://example.org/a?b=1&amp;c=&lt;2&gt;|" in joined
    assert "…" in joined  # the 10,000-character summary was cut
    assert "x" * 6000 not in joined
    assert "&amp;amp;" not in joined  # escaped once, not twice


def test_the_webhook_posts_alerts_and_skips_thread_updates(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    channels = notify.load_channels(Paths(cfg), environ={"SLACK_WEBHOOK_URL": slack.webhook_url})
    alert_id = raise_(engine, draft(), "a1")
    with Session(engine) as s, s.begin():
        outbox.add_update(s, alert_id, Update(links=(Link("FT", "t", None),)), now=T0)

    report = notify.deliver(engine, channels, now=T0, owner="t")

    (req,) = slack.posted()
    assert req.path == "/hooks/T0000/B0000/XXXXsecretXXXX"
    assert req.body["blocks"][0]["type"] == "header"
    assert (report.sent, report.skipped) == (1, 1)
    statuses = sorted(r["status"] for r in outbox.list_deliveries(engine))
    assert statuses == ["sent", "skipped"]


def test_slack_down_for_two_minutes_then_rate_limited_every_alert_arrives_once_in_order(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    channels = bot_channels(cfg, slack)
    ids = [raise_(engine, draft(i), f"a{i}") for i in range(1, 6)]
    limited_at: list[Any] = []

    def answer(req: SlackRequest) -> tuple[int, dict[str, str], Any]:
        assert req.clock is not None
        if req.clock < T0 + timedelta(minutes=2):
            return 500, {}, "<html>upstream broke</html>"
        if not limited_at:
            limited_at.append(req.clock)
            return 429, {"Retry-After": "45"}, {"ok": False, "error": "ratelimited"}
        return slack.ok(req)

    slack.answer = answer
    now = T0
    while len(slack.posted()) < 5 and now < T0 + timedelta(hours=1):
        slack.clock = now
        notify.deliver(engine, channels, now=now, owner="worker")
        now += timedelta(seconds=5)

    posted = slack.posted()
    assert [r.body["blocks"][0]["text"]["text"][-6:] for r in posted] == [
        f"${130 + i}bn" for i in range(1, 6)
    ]
    failures = [r for r in slack.requests if r.status != 200]
    assert any(r.status == 500 for r in failures) and any(r.status == 429 for r in failures)
    # Backoff: a handful of tries in two minutes, not one every 5 s, and only the head of the
    # queue is tried while Slack is down (alerts 2..5 wait behind alert 1).
    assert len([r for r in failures if r.status == 500]) <= 6
    assert all(r.body["blocks"][0]["text"]["text"].endswith("$131bn") for r in failures)
    # Retry-After honoured: nothing was sent in the 45 s after the 429.
    after = [r.clock for r in slack.requests if r.clock and r.clock > limited_at[0]]
    assert after and min(after) >= limited_at[0] + timedelta(seconds=45)
    rows = outbox.list_deliveries(engine)
    assert {r["alert_id"] for r in rows if r["status"] == "sent"} == set(ids)


def test_a_bad_token_fails_permanently_with_the_reason_and_retry_replays_it(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    channels = bot_channels(cfg, slack)
    raise_(engine, draft(1), "a1")
    raise_(engine, draft(2), "a2")
    slack.answer = lambda req: (200, {}, {"ok": False, "error": "invalid_auth"})

    report = notify.deliver(engine, channels, now=T0, owner="t")

    assert report.failed == 2 and not slack.posted()
    rows = outbox.list_deliveries(engine)
    assert all(r["status"] == "failed" and "invalid_auth" in r["last_error"] for r in rows)

    slack.answer = None
    assert outbox.retry(engine, None, now=T0) == 2
    assert notify.deliver(engine, channels, now=T0, owner="t").sent == 2


def test_an_expired_lease_is_claimed_again_so_a_crashed_worker_loses_nothing(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    from monitor.storage import notifications as q

    channels = bot_channels(cfg, slack)
    raise_(engine, draft(1), "a1")
    claimed = q.claim_channel(
        engine, "slack", now=T0, owner="crashed", lease_until=T0 + outbox.LEASE, limit=10
    )
    assert len(claimed) == 1  # ... and the worker dies here

    half = T0 + outbox.LEASE / 2
    assert notify.deliver(engine, channels, now=half, owner="b").sent == 0
    after = T0 + outbox.LEASE + timedelta(seconds=1)
    assert notify.deliver(engine, channels, now=after, owner="b").sent == 1
    assert len(slack.posted()) == 1


def test_secrets_never_reach_the_logs(
    engine: Engine, slack: FakeSlack, cfg: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    webhook = notify.load_channels(Paths(cfg), environ={"SLACK_WEBHOOK_URL": slack.webhook_url})
    bot = bot_channels(cfg, slack)
    raise_(engine, draft(1), "a1")
    slack.answer = lambda req: (500, {}, "boom")
    notify.deliver(engine, webhook, now=T0, owner="t")
    notify.deliver(engine, bot, now=T0 + timedelta(hours=1), owner="t")
    slack.answer = None
    notify.deliver(engine, webhook, now=T0 + timedelta(hours=2), owner="t")

    assert len(slack.requests) == 3
    logged = caplog.text + json.dumps([r.getMessage() for r in caplog.records])
    assert "XXXXsecretXXXX" not in logged and "/hooks/" not in logged
    assert TOKEN not in logged and "SECRETTOKEN" not in logged
    assert "secret" not in repr(webhook.notifiers).lower() and TOKEN not in repr(bot.notifiers)


def test_mrkdwn_and_zero_width_characters_from_feeds_do_not_format_or_hide_text(
    engine: Engine, slack: FakeSlack, cfg: Path
) -> None:
    title = "Musk *wins* _big_ ~not~ `code` in court"
    sentence = "Judge sets trial for *March* in Musk v. OpenAI, ruling says."
    at = sentence.index("*March*")
    d = draft(
        headline=title,
        summary="Read\u200b this\u2060 now: *urgent* and _new_",
        evidence=Evidence(sentence, ((at, at + 7),)),
        links=(Link("*Daily*", title, "https://daily.example/a_b~c"),),
        first_reported_by="*Daily*",
    )
    raise_(engine, d, "mrkdwn")

    notify.deliver(engine, bot_channels(cfg, slack), now=T0, owner="t")

    (req,) = slack.posted()
    joined = "\n".join(texts(req.body))
    # Our own formatting only: every '*', '_', '~' and '`' left is one we wrote.
    ours = re.sub(r"\*Reported by \d+ outlets?\*", "", joined)
    ours = ours.replace("*Why it fired:*", "").replace("*Was:*", "")
    ours = ours.replace("*Now:*", "").replace("`musk-claim`", "")
    ours = re.sub(r"<https?://[^|<> ]+\|", "", ours)  # link targets keep their characters
    ours = ours.replace(
        "• *\u2217Daily\u2217*", ""
    )  # the outlet, bold, with its own asterisks inert
    ours = ours.replace("*\u2217March\u2217*", "")  # the highlight, bold
    assert not re.search(r"[*_~`]", ours), ours
    assert "<https://daily.example/a_b~c|" in joined  # the link itself is untouched
    assert "\u200b" not in joined and "\u2060" not in joined
    assert "Read this now" in joined


def test_a_webhook_nobody_answers_is_a_transient_failure_that_names_the_cause() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    notifier = SlackWebhookNotifier("legal", f"http://127.0.0.1:{port}/hooks/T/B/secret")
    with pytest.raises(NotifyError) as caught:
        notifier.send(Message(alert_id=1, draft=draft(), created_at=T0))
    assert caught.value.transient
    assert "slack webhook unreachable" in str(caught.value) and "secret" not in str(caught.value)
