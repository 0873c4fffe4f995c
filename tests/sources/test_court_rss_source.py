"""Source kind court-rss on the real CM/ECF captures in ../shared and on a local HTTP server."""

from __future__ import annotations

import asyncio
import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.fetch.client import Fetcher
from monitor.fetch.types import Limits, Response
from monitor.sources import SOURCE_KINDS, Validators
from monitor.sources.court_rss import CourtRssSource
from monitor.sources.dockets import CaseNumber, DocketParsed

ANCHOR = re.compile(r"<a\b[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
BRACKET = re.compile(r"\[([^\[\]]+)\]")


def source(**options: object) -> CourtRssSource:
    values = {"name": "court", "url": "https://ecf.cand.uscourts.gov/cgi-bin/rss_outside.pl"}
    return CourtRssSource.model_validate({**values, **options})


def response(
    body: bytes, url: str = "https://ecf.cand.uscourts.gov/cgi-bin/rss_outside.pl"
) -> Response:
    return Response(url=url, final_url=url, status=200, headers={}, body=body)


def distinct_entries(path: Path) -> tuple[int, int, int]:
    """(items, distinct GUIDs, distinct docket entries), read with ElementTree and regexes,
    not with the code under test. An entry is its case number, entry type, document link and
    number, and time; the text before the bracket (bankruptcy boilerplate) is not part of it."""
    items = list(ET.parse(path).getroot().iter("item"))
    entries = set()
    for item in items:
        title = " ".join((item.findtext("title") or "").split())
        description = html.unescape(item.findtext("description") or "")
        bracket = BRACKET.search(description)
        anchor = ANCHOR.search(description)
        entries.add(
            (
                title.split(" ")[0],
                bracket.group(1).strip() if bracket else description.strip(),
                anchor.groups() if anchor else None,
                (item.findtext("pubDate") or "").strip(),
            )
        )
    guids = {(item.findtext("guid") or "").strip() for item in items}
    return len(items), len(guids), len(entries)


def test_every_cmecf_capture_parses_into_docket_entries(
    real_feeds: Path, pacer_feed: str, now: datetime
) -> None:
    path = real_feeds / pacer_feed
    parsed = source().parse(response(path.read_bytes()), now=now)
    _, _, expected = distinct_entries(path)

    assert isinstance(parsed, DocketParsed)
    assert len(parsed.items) == expected
    assert len({item.key for item in parsed.items}) == expected
    assert parsed.entry_keys == [item.key for item in parsed.items]
    for item in parsed.items:
        docket = item.extra["docket"]
        assert docket["case_number"], item
        assert docket["entry_type"], item
        assert item.url and f"//ecf.{docket['court']}.uscourts.gov/" in item.url, item
        assert item.title.endswith(f"— {docket['entry_type']}")
        assert item.text == docket["description"]


@pytest.mark.parametrize(
    "name",
    [
        "pacer_cmecf_nyed_district_orders_judgments.xml",
        "pacer_cmecf_nysd_district_recent_entries.xml",
        "pacer_cmecf_nysb_bankruptcy_all_entries.xml",
    ],
)
def test_it_keeps_entries_that_share_a_guid(real_feeds: Path, name: str, now: datetime) -> None:
    path = real_feeds / name
    _, guids, expected = distinct_entries(path)
    parsed = source().parse(response(path.read_bytes()), now=now)

    assert guids < expected  # the capture does reuse GUIDs across distinct entries
    assert len(parsed.items) == expected


def test_it_drops_an_entry_listed_twice_and_keeps_its_siblings(
    real_feeds: Path, now: datetime
) -> None:
    path = real_feeds / "pacer_cmecf_nyed_district_orders_judgments.xml"
    items, _, expected = distinct_entries(path)
    parsed = source().parse(response(path.read_bytes()), now=now)

    assert items > expected  # E.D.N.Y. lists some entries twice, byte for byte
    davis = [i for i in parsed.items if i.extra["docket"]["case_number"] == "1:00-cv-00858-RJD-CLP"]
    assert sorted(i.extra["docket"]["entry_type"] for i in davis) == [
        "Order",
        "Order(Other)",
        "~Util - Set Hearings",
    ]


def test_keys_do_not_change_when_the_feed_reorders_its_entries(
    real_feeds: Path, now: datetime
) -> None:
    path = real_feeds / "pacer_cmecf_nysd_district_recent_entries.xml"
    body = path.read_text(encoding="iso-8859-1")
    head, _, rest = body.partition("<item>")
    entries, _, tail = rest.rpartition("</channel>")
    chunks = ["<item>" + chunk for chunk in entries.split("<item>")]
    shuffled = head + "".join(reversed(chunks)) + "</channel>" + tail

    first = source().parse(response(body.encode("iso-8859-1")), now=now)
    second = source().parse(response(shuffled.encode("iso-8859-1")), now=now)

    assert len(first.items) == 358
    assert {i.key for i in first.items} == {i.key for i in second.items}


def test_it_reads_the_docket_fields_of_a_district_entry(real_feeds: Path, now: datetime) -> None:
    path = real_feeds / "pacer_cmecf_wvsd_district_all_entries.xml"
    parsed = source().parse(response(path.read_bytes()), now=now)
    dismissal = next(i for i in parsed.items if "Dismissing" in i.title)

    assert dismissal.title == "Sigman et al v. CSX Corporation et al — Order Dismissing Case"
    assert dismissal.extra["docket"] == {
        "case_number": "3:15-cv-13328",
        "case_name": "Sigman et al v. CSX Corporation et al",
        "court": "wvsd",
        "entry_number": "304",
        "entry_type": "Order Dismissing Case",
        "document_url": "https://ecf.wvsd.uscourts.gov/doc1/20119109292?caseid=197654&de_seq_num=6691",
        "description": "Order Dismissing Case",
        "filed": "2018-05-14T20:17:47+00:00",
    }
    assert dismissal.url == dismissal.extra["docket"]["document_url"]


def test_it_reads_an_appellate_entry_and_its_us_time_zone(real_feeds: Path, now: datetime) -> None:
    path = real_feeds / "pacer_appellate_ca11_nextgen.xml"
    parsed = source().parse(response(path.read_bytes()), now=now)
    first = parsed.items[0]

    assert first.extra["docket"]["case_number"] == "21-14262"
    assert first.extra["docket"]["court"] == "ca11"
    assert first.extra["docket"]["entry_number"] == "23"
    assert first.extra["docket"]["entry_type"] == "Opinion Issued"
    assert first.published.isoformat() == "2023-02-03T15:58:25+00:00"  # 10:58:25 EST


@pytest.mark.parametrize(
    ("wanted", "case_number", "matches"),
    [
        ("4:24-cv-04722", "4:24-cv-04722-YGR", True),
        ("4:24-cv-04722", "4:24-cv-04722", True),
        ("4:24-cv-04722-YGR", "4:24-cv-04722-ABC-DEF", True),
        ("4:24-cv-4722", "4:24-cv-04722-YGR", True),
        ("24-cv-04722", "4:24-cv-04722-YGR", True),
        ("4:24-cv-04722", "3:24-cv-04722-YGR", False),
        ("4:24-cv-04722", "4:24-cr-04722-YGR", False),
        ("4:24-cv-04722", "4:24-cv-04723-YGR", False),
        ("25-1234", "25-1234", True),
        ("25-1234", "1:25-cv-01234", False),
        ("1:12-cr-00120", "1:12-cr-00120-3", True),
    ],
)
def test_case_numbers_match_with_or_without_judges_initials(
    wanted: str, case_number: str, matches: bool
) -> None:
    want, got = CaseNumber.parse(wanted), CaseNumber.parse(case_number)
    assert want is not None and got is not None
    assert want.matches(got) is matches


def test_the_cases_option_keeps_only_those_cases(real_feeds: Path, now: datetime) -> None:
    path = real_feeds / "pacer_cmecf_nyed_district_orders_judgments.xml"
    everything = source().parse(response(path.read_bytes()), now=now)
    kept = source(cases=["1:16-cv-03029"]).parse(response(path.read_bytes()), now=now)
    assert isinstance(kept, DocketParsed)

    assert kept.items
    assert {i.extra["docket"]["case_number"] for i in kept.items} == {"1:16-cv-03029-RJD-RLM"}
    assert kept.entry_keys == [i.key for i in everything.items]  # overlap judged on all entries


def test_the_cases_option_also_takes_an_appeal_number(real_feeds: Path, now: datetime) -> None:
    path = real_feeds / "pacer_appellate_cafc_nextgen.xml"
    kept = source(cases=["20-1140"]).parse(response(path.read_bytes()), now=now)
    assert [i.extra["docket"]["entry_type"] for i in kept.items] == ["Judgment", "Opinion"]


def test_a_case_filter_that_is_not_a_case_number_is_a_config_error() -> None:
    with pytest.raises(ValueError, match=r"not a case number: 'Acme v\. Roe'"):
        source(cases=["Acme v. Roe"])


def test_the_kind_is_registered() -> None:
    assert SOURCE_KINDS["court-rss"] is CourtRssSource


def test_it_fetches_and_parses_a_feed_from_a_server(
    httpserver: HTTPServer, real_feeds: Path, limits: Limits, now: datetime
) -> None:
    path = real_feeds / "pacer_cmecf_wvsd_district_all_entries.xml"
    httpserver.expect_request("/cgi-bin/rss_outside.pl").respond_with_data(
        path.read_bytes(), content_type="application/rss+xml"
    )
    src = source(url=httpserver.url_for("/cgi-bin/rss_outside.pl"))

    async def poll() -> Response:
        async with Fetcher(limits) as fetcher:
            return await src.fetch(fetcher, Validators())

    parsed = src.parse(asyncio.run(poll()), now=now)

    assert len(parsed.items) == 3
    # The court comes from the feed's own link, not from the host we fetched it from.
    assert {i.extra["docket"]["court"] for i in parsed.items} == {"wvsd"}
    httpserver.check_assertions()
