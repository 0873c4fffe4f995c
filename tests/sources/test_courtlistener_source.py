"""Source kind courtlistener against a local server answering in CourtListener's documented v4
format (docket, then docket entries with nested recap_documents, cursor pagination)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from monitor.errors import FetchError
from monitor.fetch.client import Fetcher
from monitor.fetch.types import Limits, Response
from monitor.sources import SOURCE_KINDS, Validators
from monitor.sources.courtlistener import ORDER, CourtListenerSource
from monitor.sources.dockets import DocketParsed

TOKEN = "cl-test-token-3f9a1c77e2"
DOCKET = 4242
API = "/api/rest/v4/"
ENTRIES = f"{API}docket-entries/"
FIRST_QUERY = {"docket": str(DOCKET), "order_by": ORDER, "omit": "recap_documents__plain_text"}
DOCKET_JSON = {
    "id": DOCKET,
    "case_name": "Northfield Holdings LLC v. Crestline Labs Inc.",
    "docket_number": "3:25-cv-01234",
    "court_id": "cand",
    "absolute_url": f"/docket/{DOCKET}/northfield-holdings-llc-v-crestline-labs-inc/",
}


def entry(entry_id: int, number: int, day: str, description: str, short: str) -> dict[str, Any]:
    """A docket entry as the API returns it (fields from CourtListener's serializers)."""
    return {
        "resource_uri": f"https://www.courtlistener.com/api/rest/v4/docket-entries/{entry_id}/",
        "id": entry_id,
        "docket": f"https://www.courtlistener.com/api/rest/v4/dockets/{DOCKET}/",
        "recap_documents": [
            {
                "resource_uri": f"https://www.courtlistener.com/api/rest/v4/recap-documents/{entry_id * 10}/",
                "id": entry_id * 10,
                "absolute_url": f"/docket/{DOCKET}/{number}/northfield-holdings-llc-v-crestline-labs-inc/",
                "date_created": f"{day}T23:10:00.000000-07:00",
                "document_type": 1,
                "document_number": str(number),
                "attachment_number": None,
                "description": short,
                "pacer_doc_id": f"035{entry_id:09d}",
                "is_available": False,
                "page_count": None,
                "filepath_local": None,
            }
        ],
        "tags": [],
        "date_created": f"{day}T23:10:00.000000-07:00",
        "date_modified": f"{day}T23:10:00.000000-07:00",
        "date_filed": day,
        "time_filed": None,
        "entry_number": number,
        "recap_sequence_number": f"{day}.001",
        "pacer_sequence_number": None,
        "description": description,
    }


PAGES = [
    [
        entry(
            903,
            215,
            "2026-03-14",
            "ORDER DENYING 212 MOTION for Summary Judgment. Signed by "
            "Judge M. T. Alvarez on 3/14/2026.",
            "Order on Motion for Summary Judgment",
        ),
        entry(
            902,
            214,
            "2026-03-12",
            "NOTICE of Appearance by Jane Roe for Crestline Labs Inc.",
            "Notice of Appearance",
        ),
    ],
    [
        entry(
            901,
            213,
            "2026-03-10",
            "REPLY in support of 212 MOTION for Summary Judgment filed by Northfield Holdings LLC.",
            "Reply to Opposition/Response",
        ),
        entry(
            900,
            212,
            "2026-02-20",
            "MOTION for Summary Judgment filed by Northfield Holdings "
            "LLC. Motion Hearing set for 3/12/2026.",
            "Motion for Summary Judgment",
        ),
    ],
    [
        entry(
            899,
            211,
            "2026-02-02",
            "ORDER GRANTING 205 MOTION TO CONTINUE TRIAL DATE. Jury trial continued to 6/8/2026.",
            "Order on Motion to Continue",
        ),
    ],
]


def serve(httpserver: HTTPServer, pages: list[list[dict[str, Any]]], *, token: str = TOKEN) -> None:
    """The docket and its entries in pages linked by `next` cursors; a wrong token gets 401."""

    def authorised(request: Request) -> bool:
        return request.headers.get("Authorization") == f"Token {token}"

    def docket(request: Request) -> WResponse:
        if not authorised(request):
            return WResponse(
                json.dumps({"detail": "Invalid token."}), 401, content_type="application/json"
            )
        return WResponse(json.dumps(DOCKET_JSON), 200, content_type="application/json")

    def entries(request: Request) -> WResponse:
        if not authorised(request):
            return WResponse(
                json.dumps({"detail": "Invalid token."}), 401, content_type="application/json"
            )
        cursor = request.args.get("cursor")
        index = int(cursor[1:]) if cursor else 0
        last = index == len(pages) - 1
        body = {
            "next": None
            if last
            else httpserver.url_for(ENTRIES) + f"?cursor=c{index + 1}&docket={DOCKET}",
            "previous": None,
            "results": pages[index],
        }
        return WResponse(json.dumps(body), 200, content_type="application/json")

    httpserver.expect_request(f"{API}dockets/{DOCKET}/").respond_with_handler(docket)
    httpserver.expect_request(ENTRIES).respond_with_handler(entries)


def source(httpserver: HTTPServer, **options: Any) -> CourtListenerSource:
    return CourtListenerSource.model_validate(
        {
            "name": "cl-northfield",
            "kind": "courtlistener",
            "url": httpserver.url_for(API),
            "docket": DOCKET,
            **options,
        }
    )


def fetch(src: CourtListenerSource, limits: Limits) -> Response:
    async def go() -> Response:
        async with Fetcher(limits) as fetcher:
            return await src.fetch(fetcher, Validators())

    return asyncio.run(go())


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COURTLISTENER_TOKEN", TOKEN)
    return TOKEN


def test_it_reads_every_page_of_docket_entries(
    httpserver: HTTPServer, token: str, limits: Limits, now: datetime
) -> None:
    serve(httpserver, PAGES)
    src = source(httpserver)
    parsed = src.parse(fetch(src, limits), now=now)

    assert isinstance(parsed, DocketParsed)
    assert [i.extra["docket"]["entry_number"] for i in parsed.items] == [
        "215",
        "214",
        "213",
        "212",
        "211",
    ]
    assert parsed.entry_keys == ["cl:903", "cl:902", "cl:901", "cl:900", "cl:899"]
    first = parsed.items[0]
    assert first.key == "cl:903"
    assert (
        first.title
        == "Northfield Holdings LLC v. Crestline Labs Inc. — Order on Motion for Summary Judgment"
    )
    assert first.text.startswith("ORDER DENYING 212 MOTION for Summary Judgment")
    assert first.url == httpserver.url_for(
        f"/docket/{DOCKET}/215/northfield-holdings-llc-v-crestline-labs-inc/"
    )
    assert first.extra["docket"]["case_number"] == "3:25-cv-01234"
    assert first.extra["docket"]["court"] == "cand"
    assert first.published.isoformat() == "2026-03-15T06:10:00+00:00"  # CourtListener's own time
    requests = [r.args.get("cursor") for r, _ in httpserver.log if r.path == ENTRIES]
    assert requests == [None, "c1", "c2"]
    first_request = next(r for r, _ in httpserver.log if r.path == ENTRIES)
    assert dict(first_request.args) == FIRST_QUERY
    httpserver.check_assertions()


def test_it_stops_at_max_pages(
    httpserver: HTTPServer, token: str, limits: Limits, now: datetime
) -> None:
    serve(httpserver, PAGES)
    src = source(httpserver, max_pages=2)
    parsed = src.parse(fetch(src, limits), now=now)

    assert len(parsed.items) == 4
    assert sum(1 for r, _ in httpserver.log if r.path == ENTRIES) == 2


def test_an_unchanged_docket_gives_the_same_body(
    httpserver: HTTPServer, token: str, limits: Limits
) -> None:
    serve(httpserver, PAGES)
    src = source(httpserver)
    assert fetch(src, limits).body_hash == fetch(src, limits).body_hash


def test_an_entry_whose_text_grows_keeps_its_key(
    httpserver: HTTPServer, token: str, limits: Limits, now: datetime
) -> None:
    short = entry(
        903,
        215,
        "2026-03-14",
        "Order on Motion for Summary Judgment",
        "Order on Motion for Summary Judgment",
    )
    serve(httpserver, [[short]])
    src = source(httpserver)
    before = src.parse(fetch(src, limits), now=now).items[0]
    httpserver.clear()
    serve(httpserver, PAGES[:1])
    after = src.parse(fetch(src, limits), now=now).items[0]

    assert before.key == after.key == "cl:903"
    assert before.content_hash != after.content_hash  # stored as an edit, not as a new entry


def test_a_wrong_token_is_a_permanent_error_that_names_the_variable_not_the_token(
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    limits: Limits,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "cl-wrong-token-8d1e0b5a44"
    monkeypatch.setenv("MY_CL_TOKEN", wrong)
    serve(httpserver, PAGES)
    src = source(httpserver, token_env="MY_CL_TOKEN")

    with pytest.raises(FetchError) as caught:
        fetch(src, limits)

    assert caught.value.transient is False
    assert caught.value.status == 401
    assert "CourtListener rejected the token in $MY_CL_TOKEN" in str(caught.value)
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == f"Token {wrong}"  # it was sent...
    assert wrong not in str(caught.value)  # ...but never shown
    assert caplog.records  # the fetch did log (httpx logs each request)
    assert wrong not in caplog.text
    assert wrong not in repr(src)


def test_without_a_token_the_error_says_which_variable_to_set(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, limits: Limits
) -> None:
    monkeypatch.delenv("COURTLISTENER_TOKEN", raising=False)
    serve(httpserver, PAGES)
    with pytest.raises(FetchError, match=r"without a token: set \$COURTLISTENER_TOKEN") as caught:
        fetch(source(httpserver), limits)
    assert caught.value.transient is False
    assert "Authorization" not in httpserver.log[0][0].headers


def test_a_429_is_transient_and_keeps_retry_after(
    httpserver: HTTPServer, token: str, limits: Limits, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request(f"{API}dockets/{DOCKET}/").respond_with_json(DOCKET_JSON)
    httpserver.expect_request(ENTRIES).respond_with_response(
        WResponse(
            json.dumps({"detail": "Request was throttled."}), 429, headers={"Retry-After": "120"}
        )
    )
    with pytest.raises(FetchError) as caught:
        fetch(source(httpserver), limits)

    assert caught.value.transient is True
    assert caught.value.status == 429
    assert caught.value.retry_after == 120
    assert "rate limit" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in caplog.text


def test_an_unknown_docket_is_a_permanent_error(
    httpserver: HTTPServer, token: str, limits: Limits
) -> None:
    httpserver.expect_request(f"{API}dockets/{DOCKET}/").respond_with_json(
        {"detail": "No Docket matches the given query."}, status=404
    )
    with pytest.raises(FetchError, match="no docket 4242") as caught:
        fetch(source(httpserver), limits)
    assert caught.value.transient is False


def test_it_does_not_follow_a_next_link_to_another_host(
    httpserver: HTTPServer, token: str, limits: Limits, now: datetime
) -> None:
    httpserver.expect_request(f"{API}dockets/{DOCKET}/").respond_with_json(DOCKET_JSON)
    httpserver.expect_request(ENTRIES).respond_with_json(
        {
            "next": "https://elsewhere.example/api/rest/v4/docket-entries/?cursor=x",
            "previous": None,
            "results": PAGES[0],
        }
    )
    src = source(httpserver)
    parsed = src.parse(fetch(src, limits), now=now)

    assert len(parsed.items) == 2
    assert parsed.warnings == ["CourtListener's next page is on another host: not read"]


def test_it_keeps_the_pages_it_read_when_the_deadline_passes(
    httpserver: HTTPServer, token: str, now: datetime
) -> None:
    def slow_second_page(request: Request) -> WResponse:
        if request.args.get("cursor"):
            time.sleep(1.5)
        return WResponse(
            json.dumps(
                {
                    "next": httpserver.url_for(ENTRIES) + "?cursor=c1",
                    "previous": None,
                    "results": PAGES[0],
                }
            ),
            200,
            content_type="application/json",
        )

    httpserver.expect_request(f"{API}dockets/{DOCKET}/").respond_with_json(DOCKET_JSON)
    httpserver.expect_request(ENTRIES).respond_with_handler(slow_second_page)
    src = source(httpserver)
    parsed = src.parse(
        fetch(src, Limits(connect_timeout=5, read_timeout=5, total_timeout=0.8)), now=now
    )

    assert len(parsed.items) == 2
    assert parsed.warnings == ["stopped after 2 entries: the poll's deadline passed"]


def test_the_kind_is_registered_with_its_defaults() -> None:
    src = SOURCE_KINDS["courtlistener"].model_validate(
        {"name": "cl", "kind": "courtlistener", "docket": 69013420}
    )
    assert isinstance(src, CourtListenerSource)
    assert src.url == "https://www.courtlistener.com/api/rest/v4/"
    assert src.token_env == "COURTLISTENER_TOKEN"
