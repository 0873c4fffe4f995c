"""bench/replay.py's pure part: dating snippets, feeds the rss source reads back with the links
and dates given, and the mapping of alerts to developments (made-up snippets, no pipeline)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import pytest
from conftest import REPO

from monitor.fetch.types import Response
from monitor.parse.urls import canonical
from monitor.sources.rss import RssSource


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_replay", REPO / "bench" / "replay.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


replay = _load()


def _snippet(sid: str, outlet: str, events: tuple[str, ...], *, lang: str = "en") -> Any:
    return replay.Snippet(
        id=sid,
        outlet=outlet,
        title=f"title {sid}",
        text=f"text {sid} & <b>more</b>",
        link=replay.unique_link(f"https://www.{outlet}/story?p=1#top", sid),
        published=replay.published_at(replay.snippet_date(None, events), sid),
        lang=lang,
        events=events,
    )


def _alert(kind: str, *snippets: Any, severity: str = "alert") -> dict[str, Any]:
    return {
        "at": snippets[0].published.isoformat() if snippets else "2026-01-01T00:00:00+00:00",
        "kind": kind,
        "headline": f"{kind} headline",
        "severity": severity,
        "links": [{"outlet": s.outlet, "url": canonical(s.link)} for s in snippets],
        "first_reported_by": snippets[0].outlet if snippets else None,
        "first_reported_at": snippets[0].published.isoformat() if snippets else None,
    }


@pytest.mark.parametrize(
    ("published", "events", "expected"),
    [
        ("2026-01-18", ("sj-denied-2026-01",), date(2026, 1, 18)),
        ("2025-03", ("pi-denied-2025-03",), date(2025, 3, 4)),
        ("2025-04", ("pi-denied-2025-03",), date(2025, 4, 1)),
        (None, ("mtd-2025-05",), date(2025, 5, 1)),
        (None, ("sj-denied-2026-01", "claim-134"), date(2026, 1, 16)),
        (None, (), replay.NEUTRAL_DATE),
    ],
)
def test_a_snippet_is_dated_by_its_own_day_else_by_its_development(
    published: str | None, events: tuple[str, ...], expected: date
) -> None:
    assert replay.snippet_date(published, events) == expected


def test_the_rss_source_reads_each_snippet_back_with_its_unique_link_date_and_guid() -> None:
    items = [
        _snippet("a-1", "example.org", ("pi-denied-2025-03",)),
        _snippet("a-2", "example.org", ("verdict-2026-05-18",)),
    ]
    body = replay.rss("example.org", items)
    source = RssSource(name=replay.source_name("example.org"), url="http://127.0.0.1/0.xml")
    response = Response(url=source.url, final_url=source.url, status=200, headers={}, body=body)
    parsed = source.parse(response, now=datetime(2026, 12, 1, tzinfo=UTC))
    by_key = {item.key: item for item in parsed.items}
    assert set(by_key) == {"a-1", "a-2"}
    assert by_key["a-1"].published == items[0].published
    assert by_key["a-1"].published.date() == date(2025, 3, 4)
    assert by_key["a-1"].language == "en"
    assert by_key["a-1"].text == "text a-1 & <b>more</b>"
    by_url, _ = replay.link_index(items)
    assert {by_url[replay.normal_url(i.url or "")] for i in parsed.items} == {"a-1", "a-2"}


def test_a_feed_declares_a_language_only_when_all_its_items_share_it() -> None:
    mixed = [
        _snippet("b-1", "example.net", (), lang="fr"),
        _snippet("b-2", "example.net", (), lang="de"),
    ]
    assert replay.feed_language(mixed) is None
    assert b"<language>" not in replay.rss("example.net", mixed)
    assert replay.feed_language(mixed[:1]) == "fr"


def test_alerts_are_counted_per_development_with_duplicates_misses_and_strays() -> None:
    sj = [
        _snippet(f"sj-{i}", f"outlet{i}.com", ("sj-denied-2026-01", "claim-134")) for i in range(3)
    ]
    moved = [_snippet(f"mv-{i}", f"other{i}.com", ("trial-moved-2026",)) for i in range(2)]
    stray = _snippet("neg-1", "outlet9.com", ())
    found = [
        _alert("ruling", sj[0], sj[1]),
        _alert("claim", sj[1], sj[2]),
        _alert("ruling", sj[2], sj[0]),
        _alert("ruling", stray),
        _alert("match", moved[0], severity="digest"),
    ]
    report = replay.evaluate(found, [*sj, *moved, stray])
    assert report.reported_by_two == ["claim-134", "sj-denied-2026-01", "trial-moved-2026"]
    assert [a.development for a in report.alerts] == [
        "sj-denied-2026-01",
        "claim-134",
        "sj-denied-2026-01",
        None,
    ]
    assert report.missed == ["trial-moved-2026"]
    assert [a.ids for a in report.duplicates] == [["sj-2", "sj-0"]]
    assert [a.ids for a in report.about_nothing] == [["neg-1"]]
    assert report.other_severity == 1
    assert report.alerts_per_development() == {"sj-denied-2026-01": 2, "claim-134": 1}


def test_an_alert_with_capped_links_is_also_mapped_by_its_first_reporter() -> None:
    first = _snippet("c-0", "m.first.com", ("verdict-2026-05-18",))
    others = [_snippet(f"c-{i}", f"o{i}.com", ()) for i in range(1, 11)]
    alert = _alert("ruling", *others)
    # As SQLite may give it back (a naive UTC time), the outlet named without `m.`.
    alert["first_reported_by"], alert["first_reported_at"] = (
        "first.com",
        first.published.replace(tzinfo=None).isoformat(),
    )
    by_url, by_outlet_day = replay.link_index([first, *others])
    ids = replay.alert_ids(alert, by_url, by_outlet_day)
    assert ids[-1] == "c-0" and len(ids) == 11


def test_snippets_of_one_day_get_distinct_fixed_times_around_noon() -> None:
    day = date(2026, 1, 7)
    times = {replay.published_at(day, f"id-{i}") for i in range(20)}
    assert len(times) > 15
    assert all(t.date() == day and t.hour == 12 for t in times)
    assert replay.published_at(day, "id-3") == replay.published_at(day, "id-3")


def test_a_replay_that_lost_snippets_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    replay.check_stored({"items": 222, "failing": []}, 222)
    assert capsys.readouterr().err == ""
    replay.check_stored({"items": 220, "failing": ["example.org"]}, 222)
    assert "220 items stored for 222 snippets" in capsys.readouterr().err


def test_a_headline_reaches_the_terminal_without_control_characters() -> None:
    assert replay.plain("Ruling\x1b[31m: denied\nnext") == "Ruling [31m: denied next"
