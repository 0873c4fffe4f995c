"""What a reader sees in Slack, on the console and in the digest: each fact said once (who
reported first, old → new, "also reported by", how many outlets), no rule names in the body,
no alert number on a test message, a first value not called a change, a styled digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from notifyservers import T0, draft

from monitor.config.notifiers_file import DigestSettings, NotifyConfig
from monitor.deliver import digest
from monitor.domain import Link
from monitor.notifiers.base import Message, Update
from monitor.notifiers.console import render
from monitor.notifiers.slack_blocks import alert_blocks, update_blocks
from monitor.storage import reports


def _texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out.extend(el.get("text", "") for el in block.get("elements", []))
    return "\n".join(out)


def test_old_and_new_get_a_line_of_their_own_only_when_the_headline_does_not_say_them() -> None:
    said = _texts(alert_blocks(5, draft(16))[0])
    assert "*Was:*" not in said and said.count("→ up to $146bn") == 1

    blocks, _ = alert_blocks(5, draft(16, headline="The claim against OpenAI changed"))
    assert "*Was:* up to $134bn   →   *Now:* up to $146bn" in _texts(blocks)

    console = render(Message(5, draft(16), T0))
    assert console.count("up to $134bn") == 1
    first = render(Message(5, draft(16, kind="claim", old_value=None), T0))
    assert "→" in first.splitlines()[0] and first.count("$134bn") == 1


def test_a_thread_update_says_also_reported_by_once_with_one_outlet_count() -> None:
    update = Update(
        links=(Link("FT", "Musk & OpenAI", "https://ft.com/x"), Link("AP", "t", None)),
        confirmed_by=3,
        note="also reported by FT (3 outlets)",
    )
    blocks, fallback = update_blocks(update)
    text = _texts(blocks)
    assert text.lower().count("also reported by") == 1 and fallback == update.note
    assert text.count("3 outlets") == 1 and "now 3 outlets" not in text
    assert "• *FT*: <https://ft.com/x|Musk &amp; OpenAI>" in text

    console = render(Message(7, draft(), T0, update=update))
    assert console.lower().count("also reported by") == 1
    assert "now reported by" not in console and "  - AP: t" in console


def test_the_test_message_carries_no_alert_number() -> None:
    test = draft(kind="test", headline="Test message from dispute-monitor", rule=None, links=())
    blocks, _ = alert_blocks(0, test)
    assert "alert #" not in _texts(blocks) and "rule" not in _texts(blocks)
    assert render(Message(0, test, T0)).startswith("[ALERT] Test message")
    assert "alert #12" in _texts(alert_blocks(12, draft())[0])


def _fact(display: str, when: datetime) -> reports.FactRow:
    return reports.FactRow(
        subject="claim:musk-v-openai",
        topic="musk-v-openai",
        display=display,
        status="current",
        confirmed_at=when,
        first_source="Reuters",
        from_court=False,
    )


def _claim_digest(history: list[reports.FactRow]) -> digest.Rendered:
    settings = DigestSettings(recipients=("a@example.org",))
    day = date(2026, 11, 26)
    start, end = digest.window(day, settings)
    data = digest.DigestData(day=day, zone="UTC", start=start, end=end)
    # The claim's alert of the day: a day with a development, so its claim section is shown.
    data.claim_alerts.append(digest.Development(1, "claim", "alert", T0, draft(kind="claim")))
    data.claims.append(
        digest.ClaimHistory(
            "claim:musk-v-openai", "musk-v-openai", history[-1], tuple(history), True
        )
    )
    return digest.render(data, NotifyConfig(channels=()), settings)


def test_the_first_value_of_a_claim_is_not_called_a_change_and_a_new_one_is() -> None:
    first = _claim_digest([_fact("up to $134bn", T0)])
    assert "- musk-v-openai: up to $134bn\n" in first.text
    assert "(changed)" not in first.text and ">changed</span>" not in first.html
    changed = _claim_digest(
        [_fact("up to $134bn", T0 - timedelta(days=30)), _fact("up to $150bn", T0)]
    )
    assert "up to $150bn (changed)" in changed.text and ">changed</span>" in changed.html


def test_the_digest_html_is_styled_inline() -> None:
    html = _claim_digest([_fact("up to $134bn", datetime(2026, 11, 25, tzinfo=UTC))]).html
    assert "<style" not in html  # email clients strip it: every style is inline
    assert '<table role="presentation"' in html
    assert '<h2 style="' in html and '<h1 style="' in html and "font-family:" in html
