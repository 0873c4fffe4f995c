"""Source kind `courtlistener`: the docket entries of one docket through CourtListener's REST API
v4 (`dockets/ID/`, then `docket-entries/?docket=ID`, newest first, following `next`). Fetch:
bounded pages → one JSON body; parse: that body → one Item per docket entry."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode, urljoin, urlsplit

from pydantic import Field, field_validator

from monitor.config.durations import Duration
from monitor.config.settings import secret_env
from monitor.domain import Item
from monitor.errors import FetchError, ParseError
from monitor.fetch.types import Response
from monitor.parse.htmltext import fold_whitespace
from monitor.sources.base import Parsed, SourceBase, Validators
from monitor.sources.dockets import DocketEntry, DocketParsed, overlap_warning

if TYPE_CHECKING:
    from monitor.fetch.client import Fetcher

API_ROOT = "https://www.courtlistener.com/api/rest/v4/"
STORAGE_ROOT = "https://storage.courtlistener.com/"
# Newest first; the reverse of the site's own order (CourtListener docs, "Docket Entries").
ORDER = "-recap_sequence_number,-entry_number"
# Extracted text of every document would make pages huge (docs: "Field Selection").
OMIT = "recap_documents__plain_text"
DOCKET_FIELDS = "id,case_name,docket_number,court_id,absolute_url"
_LEADING_CAPS = re.compile(r"^[A-Z][A-Z'/&,\- ]*[A-Z](?=\s|[.:;(]|$)")


class CourtListenerSource(SourceBase):
    """The entries of one docket on CourtListener (RECAP archive), newest first.

    Options: `docket` (CourtListener's docket id, the number in
    courtlistener.com/docket/ID/...), `token_env` (environment variable holding the API token,
    default COURTLISTENER_TOKEN; the docket-entries endpoint needs a token with RECAP API
    access), `max_pages` (pages of 20 entries read per poll). `url` is the API root.
    """

    kind: Literal["courtlistener"] = "courtlistener"
    url: str = API_ROOT
    docket: int = Field(gt=0)
    token_env: str = "COURTLISTENER_TOKEN"
    max_pages: int = Field(default=3, ge=1, le=50)
    interval: Duration = timedelta(minutes=30)

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v):
            raise ValueError(f"token_env {v!r} is not an environment variable name")
        return v

    def setup_warnings(self) -> list[str]:
        if secret_env(self.token_env):
            return []
        return [
            f"${self.token_env} is not set: CourtListener may refuse the docket entries "
            "(set it to an API token with RECAP access)"
        ]

    def _api(self, path: str, **params: str | int) -> str:
        root = self.url if self.url.endswith("/") else self.url + "/"
        return urljoin(root, path) + ("?" + urlencode(params) if params else "")

    async def fetch(self, fetcher: Fetcher, validators: Validators) -> Response:
        """The docket, then up to `max_pages` pages of entries, within the fetcher's total
        deadline; the body is the JSON {"docket", "entries", "warnings"} (stable key order, so
        an unchanged docket hashes the same and is not parsed again)."""
        # Imported here: a running loop has imported asyncio already, and the commands that only
        # read sources.yaml (`monitor sources list`) run none (~10 ms of their start-up).
        import asyncio

        headers = dict(self.headers)
        token = secret_env(self.token_env)
        if token:
            headers["Authorization"] = f"Token {token.get()}"
        first = self._api("docket-entries/", docket=self.docket, order_by=ORDER, omit=OMIT)
        docket: dict[str, Any] = {}
        entries: list[Any] = []
        warnings: list[str] = []
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + fetcher.limits.total_timeout
        try:
            async with asyncio.timeout_at(deadline):
                docket_url = self._api(f"dockets/{self.docket}/", fields=DOCKET_FIELDS)
                docket = await self._get_json(fetcher, docket_url, headers, bool(token))
                url: str | None = first
                pages = 0
                while url and pages < self.max_pages:
                    page = await self._get_json(fetcher, url, headers, bool(token))
                    pages += 1
                    results = page.get("results")
                    if not isinstance(results, list):
                        raise FetchError("CourtListener answered without 'results'", transient=True)
                    entries.extend(results)
                    url = page.get("next") or None
                    if url and not _same_origin(url, self.url):
                        # The token must not leave the API's host.
                        warnings.append("CourtListener's next page is on another host: not read")
                        url = None
        except TimeoutError:
            if not entries:
                raise FetchError(
                    f"CourtListener took longer than {fetcher.limits.total_timeout:g}s in total",
                    transient=True,
                ) from None
            warnings.append(f"stopped after {len(entries)} entries: the poll's deadline passed")
        body = json.dumps(
            {"docket": docket, "entries": entries, "warnings": warnings},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        return Response(
            url=first,
            final_url=first,
            status=200,
            headers={"content-type": "application/json"},
            body=body,
            elapsed=loop.time() - started,
        )

    async def _get_json(
        self, fetcher: Fetcher, url: str, headers: dict[str, str], has_token: bool
    ) -> dict[str, Any]:
        try:
            resp = await fetcher.get(url, headers=headers, accept="application/json")
        except FetchError as exc:
            raise self._explain(exc, has_token) from None
        try:
            data = json.loads(resp.body)
        except ValueError:
            raise FetchError(
                "CourtListener answered with something that is not JSON", transient=True
            ) from None
        if not isinstance(data, dict):
            raise FetchError("CourtListener answered with unexpected JSON", transient=True)
        return data

    def _explain(self, exc: FetchError, has_token: bool) -> FetchError:
        """HTTP errors in CourtListener's terms; the token itself is never part of a message."""
        env = self.token_env
        if exc.status in (401, 403):
            what = (
                f"CourtListener rejected the token in ${env}"
                if has_token
                else f"CourtListener refused access without a token: set ${env}"
            )
            detail = " (or it lacks access to the docket-entries API)" if exc.status == 403 else ""
            return FetchError(
                f"{what}{detail} (HTTP {exc.status})", transient=False, status=exc.status
            )
        if exc.status == 404:
            return FetchError(
                f"CourtListener has no docket {self.docket} (HTTP 404)", transient=False, status=404
            )
        if exc.status == 429:
            wait = f", retry after {exc.retry_after:g}s" if exc.retry_after is not None else ""
            return FetchError(
                f"CourtListener rate limit reached (HTTP 429){wait}",
                transient=True,
                status=429,
                retry_after=exc.retry_after,
            )
        return exc

    def parse(self, response: Response, *, now: datetime) -> Parsed:
        try:
            data = json.loads(response.body)
            docket = data["docket"]
            rows = data["entries"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ParseError(f"not a CourtListener answer: {type(exc).__name__}: {exc}") from None
        site = _site_root(self.url)
        case_number = str(docket.get("docket_number") or "")
        case_name = fold_whitespace(str(docket.get("case_name") or ""))
        court = str(docket.get("court_id") or "")
        docket_page = _absolute(site, docket.get("absolute_url"))
        items: list[Item] = []
        keys: list[str] = []
        for row in rows:
            if not isinstance(row, dict) or row.get("id") is None:
                continue
            key = f"cl:{row['id']}"
            if key in keys:
                continue  # pages overlap when entries are added while we read
            keys.append(key)
            entry = _entry(row, case_number, case_name, court, site, now)
            # CourtListener's entry id is stable; the description can grow (an entry first
            # known from an RSS feed gets its full docket text later): that is an edit.
            items.append(entry.to_item(self.name, key=key, url=docket_page))
        warnings = [str(w) for w in data.get("warnings") or []]
        return DocketParsed(
            items=items, warnings=warnings, title=case_name or None, entry_keys=keys
        )

    def overlap_warning(self, previous_keys: list[str] | None, current: Parsed) -> str | None:
        """More new entries between two polls than `max_pages` pages hold: some were skipped."""
        return overlap_warning(previous_keys, current)


def _entry(
    row: dict[str, Any], case_number: str, case_name: str, court: str, site: str, now: datetime
) -> DocketEntry:
    description = fold_whitespace(str(row.get("description") or ""))
    main = _main_document(row.get("recap_documents"))
    entry_type = fold_whitespace(str(main.get("description") or "")) if main else ""
    if not entry_type or entry_type.lower() == "main document":
        entry_type = _leading_caps(description)
    number = row.get("entry_number")
    if number is None and main:
        number = main.get("document_number")
    filed, guessed = _filed(row, now)
    return DocketEntry(
        case_number=case_number,
        case_name=case_name,
        court=court,
        entry_number=str(number) if number not in (None, "") else None,
        entry_type=entry_type,
        description=description or entry_type,
        document_url=_document_url(main, site),
        filed=filed,
        filed_guessed=guessed,
    )


def _main_document(docs: Any) -> dict[str, Any] | None:
    """The entry's main document (not an attachment); the first one otherwise."""
    if not isinstance(docs, list) or not docs:
        return None
    valid = [d for d in docs if isinstance(d, dict)]
    for doc in valid:
        if not doc.get("attachment_number"):
            return doc
    return valid[0] if valid else None


def _document_url(doc: dict[str, Any] | None, site: str) -> str | None:
    if not doc:
        return None
    page = _absolute(site, doc.get("absolute_url"))
    if page:
        return page
    path = doc.get("filepath_local")
    return urljoin(STORAGE_ROOT, str(path)) if path else None


def _filed(row: dict[str, Any], now: datetime) -> tuple[datetime, bool]:
    """date_filed (a date, court-local) as a UTC datetime; CourtListener's own creation time when
    it falls within three days after it (more precise); `now` when there is no date."""
    try:
        day = date.fromisoformat(str(row.get("date_filed")))
    except ValueError:
        return now, True
    filed = datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        created = datetime.fromisoformat(str(row.get("date_created")))
        if created.tzinfo is not None and filed <= created <= filed + timedelta(days=3):
            filed = created.astimezone(UTC)
    except ValueError:
        pass
    return min(filed, now), False


def _leading_caps(description: str) -> str:
    """`ORDER GRANTING 45 MOTION ...` → `Order Granting`: CM/ECF starts docket text with the
    event name in capitals."""
    m = _LEADING_CAPS.match(description)
    return m.group(0).strip().capitalize() if m else description[:80]


def _absolute(site: str, path: Any) -> str | None:
    return urljoin(site, str(path)) if path else None


def _site_root(api_url: str) -> str:
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/"


def _same_origin(url: str, api_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(api_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)
