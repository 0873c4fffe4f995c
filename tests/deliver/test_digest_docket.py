"""The digest's "Reported in the news, not yet in the court record" section: a ruling the news
reported is listed once the docket has not shown it for `docket_grace`, and drops out as soon as
a docket entry joins its story. Real stories (monitor.developments.stories.attach) in both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from notifyservers import T0
from sqlalchemy import Engine
from sqlmodel import Session, select
from support import add_row

from monitor.config.notifiers_file import DigestSettings, NotifyConfig, from_files
from monitor.deliver import digest, outbox
from monitor.developments.stories import ItemRef, attach_ruling, decision_key
from monitor.domain import AlertDraft
from monitor.errors import ConfigError
from monitor.storage.models import Fact
from monitor.storage.tables import ITEM, SOURCE

TOPIC = "musk-v-openai"
SUBJECT = f"ruling:{TOPIC}:summary_judgment"
SETTINGS = DigestSettings(recipients=("counsel@example.org",), at=time(8, 0))
CONFIG = NotifyConfig(channels=(), digest=SETTINGS)
SECTION_TEXT = "REPORTED IN THE NEWS, NOT YET IN THE COURT RECORD"
SECTION_HTML = "Reported in the news, not yet in the court record"
TITLE = "Judge <b>denies</b> Musk & OpenAI summary judgment"


def _source(s: Session, name: str, kind: str = "rss") -> int:
    return add_row(s, SOURCE, name=name, url=f"https://{name}.example/feed", kind=kind)


def report(
    engine: Engine,
    source: str,
    outlet: str,
    at: datetime,
    *,
    title: str = TITLE,
    kind: str = "rss",
    from_court: bool = False,
) -> int:
    """One item reporting the summary-judgment ruling, attached to its story as signals does."""
    with Session(engine) as s, s.begin():
        existing = s.execute(select(SOURCE.c.id).where(SOURCE.c.name == source)).scalar()
        source_id = existing if existing is not None else _source(s, source, kind)
        item_id = add_row(
            s,
            ITEM,
            source_id=source_id,
            key=f"{source}-{at.isoformat()}",
            url=f"https://{source}.example/ruling?a=1&b=<2>",
            title=title,
            text="",
            published_at=at,
            first_seen_at=at,
            updated_at=at,
            content_hash=f"h-{source}-{at.isoformat()}",
        )
        att = attach_ruling(
            s,
            ItemRef(item_id, title, outlet, "en", at),
            topic=TOPIC,
            key=decision_key("summary_judgment", at.date().isoformat() if from_court else None, at),
            weak=False,
            now=at,
            from_court=from_court,
        )
        att.story.subject = SUBJECT
        assert att.story.id is not None
        return att.story.id


def render_at(engine: Engine, now: datetime) -> digest.Rendered:
    """The digest of the day whose digest time (08:00 UTC) is `now`, rendered at `now`."""
    day = now.date()
    return digest.render(digest.collect(engine, day, SETTINGS, now=now), CONFIG, SETTINGS)


def digest_time(day: date) -> datetime:
    return datetime.combine(day, time(8, 0), tzinfo=UTC)


def test_a_news_only_ruling_is_listed_after_the_grace_period_until_the_docket_shows_it(
    engine: Engine,
) -> None:
    with Session(engine) as s, s.begin():
        _source(s, "cand-docket", "court-rss")
    # T0 = 25 Nov 09:00 UTC: two outlets report a ruling; the docket shows nothing.
    story_id = report(engine, "reuters", "Reuters", T0)
    assert report(engine, "apnews", "AP", T0 + timedelta(hours=1)) == story_id

    # The digest of the 26th (08:00): 23 hours later, within the grace period.
    early = render_at(engine, digest_time(date(2026, 11, 26)))
    assert SECTION_TEXT not in early.text and SECTION_HTML not in early.html

    # The digest of the 27th: 47 hours later, the court record still has nothing.
    late = render_at(engine, digest_time(date(2026, 11, 27)))
    assert SECTION_TEXT in late.text and SECTION_HTML in late.html
    section = late.text.split(SECTION_TEXT, 1)[1]
    assert "more than 24 hours ago" in section
    assert "- Summary judgment (musk-v-openai): Judge <b>denies</b> Musk & OpenAI" in section
    assert (
        "2 outlets, first seen Wed 25 Nov 09:00 (UTC); not yet seen in the court record" in section
    )
    assert "<b>denies</b>" not in late.html
    assert "Judge &lt;b&gt;denies&lt;/b&gt; Musk &amp; OpenAI" in late.html
    assert 'href="https://reuters.example/ruling?a=1&amp;b=&lt;2&gt;"' in late.html
    assert "2 outlets, first seen Wed 25 Nov 09:00 (UTC); not yet seen in the court record" in (
        late.html
    )
    # Not a development of the day: counted as nothing new, but the digest is not empty.
    assert late.count == 0 and not late.empty
    assert late.subject == "Dispute monitor — 2026-11-27: no new developments"

    # The docket entry arrives on the 27th at 10:00 and joins the story: it drops out.
    assert (
        report(
            engine,
            "cand-docket",
            "court record (cand)",
            datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
            title="ORDER denying motion for summary judgment",
            kind="court-rss",
            from_court=True,
        )
        == story_id
    )
    after = render_at(engine, digest_time(date(2026, 11, 28)))
    assert SECTION_TEXT not in after.text and SECTION_HTML not in after.html


def test_old_reports_and_monitors_without_a_docket_source_say_nothing(engine: Engine) -> None:
    report(engine, "reuters", "Reuters", T0)
    # No source reads the court record: "not yet in the court record" would mean nothing.
    quiet = render_at(engine, digest_time(date(2026, 11, 28)))
    assert SECTION_TEXT not in quiet.text and quiet.empty

    with Session(engine) as s, s.begin():
        _source(s, "courtlistener", "courtlistener")
    listed = render_at(engine, digest_time(date(2026, 11, 28)))
    assert "- Summary judgment (musk-v-openai)" in listed.text
    assert "1 outlet, first seen" in listed.text

    # After 30 days the report is no longer listed (nor is any older one).
    stale = render_at(engine, digest_time(date(2026, 12, 26)))
    assert SECTION_TEXT not in stale.text

    # A digest previewed before its time looks back from now (22 hours), not from its time.
    early = digest.collect(
        engine, date(2026, 11, 28), SETTINGS, now=datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    )
    assert early.news_only == []


def test_docket_grace_is_read_from_the_digest_config(tmp_path: Path) -> None:
    def load(grace: str) -> DigestSettings:
        path = tmp_path / "notifiers.yaml"
        path.write_text(
            "smtp: {host: smtp.example.org, from: m@example.org}\n"
            f"digest:\n  to: [a@example.org]\n  docket_grace: {grace}\n",
            encoding="utf-8",
        )
        config = from_files([path], templates_base=tmp_path)
        assert config.digest is not None
        return config.digest

    assert load("36h").docket_grace == timedelta(hours=36)
    assert load("2d").docket_grace == timedelta(days=2)
    with pytest.raises(ConfigError, match="docket_grace"):
        load("soon")
    with pytest.raises(ConfigError, match="docket_grace"):
        load("45d")


def test_a_ruling_one_outlet_reported_is_shown_as_waiting_for_a_second(engine: Engine) -> None:
    report(engine, "reuters", "Reuters", T0)
    rendered = render_at(engine, digest_time(date(2026, 11, 26)))
    assert "RULINGS WAITING FOR A SECOND OUTLET" in rendered.text
    assert "(only Reuters so far)" in rendered.text
    assert "Rulings waiting for a second outlet" in rendered.html
    assert not rendered.empty


def test_a_quiet_day_still_says_where_the_dispute_stands(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        s.add(
            Fact(
                subject=f"claim:{TOPIC}",
                topic=TOPIC,
                value_key="high:150000000000",
                value={"high": "150000000000"},
                display="up to $150bn",
                status="current",
                first_seen_at=T0,
                confirmed_at=T0,
                outlets=["Reuters", "AP"],
            )
        )
        verdict = AlertDraft(
            kind="ruling", headline="Verdict: claims found time-barred", severity="alert"
        )
        outbox.raise_alert(s, verdict, dedup_key="v", channels=[], now=T0)
    quiet = render_at(engine, digest_time(date(2026, 12, 3)))
    assert "No developments from" in quiet.text
    assert "WHERE THE DISPUTE STANDS" in quiet.text
    assert f"{TOPIC}: claimed amount up to $150bn since 25 Nov 2026" in quiet.text
    assert "Last ruling: Verdict: claims found time-barred" in quiet.text
    assert "Where the dispute stands" in quiet.html
