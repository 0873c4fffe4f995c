"""`collect`'s contract, whatever runs its sources: one Outcome per source in the sources' order,
at most `max_in_flight` of them between the start of their fetch and the end of their parse, a
source's failure its own, and a cancelled cycle stopped. Sources here answer without a network."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from monitor.errors import FetchError
from monitor.fetch.client import Fetcher
from monitor.fetch.poller import Outcome, collect
from monitor.fetch.types import Limits, Response
from monitor.sources import Parsed, SourceBase, Validators

NOW = datetime(2026, 5, 1, tzinfo=UTC)


class _Scripted(SourceBase):
    """Behaves as its name says: `bad-*` fails to fetch, `bug-*` raises a bug, `new-*` has a
    body, `cancel-*` raises CancelledError itself, anything else is not modified."""

    kind: str = "scripted"
    running: ClassVar[list[int]] = [0, 0]  # [now, most]
    started: ClassVar[list[str]] = []

    async def fetch(self, fetcher: Fetcher, validators: Validators) -> Response:
        self.started.append(self.name)
        self.running[0] += 1
        self.running[1] = max(self.running)
        try:
            await asyncio.sleep(0.005)
        finally:
            self.running[0] -= 1
        if self.name.startswith("bad"):
            raise FetchError("HTTP 503", transient=True)
        if self.name.startswith("bug"):
            raise KeyError("a bug")
        if self.name.startswith("cancel"):
            raise asyncio.CancelledError
        new = self.name.startswith("new")
        return Response(
            url=self.url, final_url=self.url, status=200 if new else 304, headers={},
            body=b"x" if new else b"", not_modified=not new,
        )  # fmt: skip

    def parse(self, response: Response, *, now: datetime) -> Parsed:
        return Parsed(items=[], title=self.name)


def _sources(*names: str) -> list[SourceBase]:
    _Scripted.running[:] = [0, 0]
    _Scripted.started.clear()
    return [_Scripted(name=n, url=f"http://127.0.0.1:9/{n}.xml") for n in names]


def _collect(sources: list[SourceBase], **kwargs: object) -> list[Outcome]:
    return asyncio.run(collect(sources, {}, now=NOW, **kwargs))  # type: ignore[arg-type]


def test_one_outcome_per_source_in_order_each_failure_its_own() -> None:
    sources = _sources("a", "bad-b", "new-c", "bug-d", "e")
    outcomes = _collect(sources)
    assert [o.source.name for o in outcomes] == ["a", "bad-b", "new-c", "bug-d", "e"]
    assert [o.status for o in outcomes] == ["not_modified", "error", "ok", "error", "not_modified"]
    assert "HTTP 503" in str(outcomes[1].error) and outcomes[1].transient
    assert "internal error while reading: KeyError" in str(outcomes[3].error)
    assert outcomes[2].parsed is not None and outcomes[2].parsed.title == "new-c"


def test_at_most_max_in_flight_sources_at_once() -> None:
    sources = _sources(*(f"s{i}" for i in range(20)))
    outcomes = _collect(sources, limits=Limits(max_in_flight=3))
    assert len(outcomes) == 20
    assert _Scripted.running[1] == 3
    assert _Scripted.started == [f"s{i}" for i in range(20)]  # started in the sources' order


def test_on_outcome_gets_every_outcome_and_nothing_is_returned() -> None:
    seen: list[Outcome] = []
    sources = _sources("a", "bug-b", "c")
    assert _collect(sources, on_outcome=seen.append) == []
    assert sorted((o.source.name, o.status) for o in seen) == [
        ("a", "not_modified"),
        ("bug-b", "error"),
        ("c", "not_modified"),
    ]


def test_a_source_raising_cancelled_error_itself_leaves_the_others_done() -> None:
    seen: list[Outcome] = []
    sources = _sources("a", "cancel-b", *(f"s{i}" for i in range(10)))
    with pytest.raises(asyncio.CancelledError):
        _collect(sources, on_outcome=seen.append, limits=Limits(max_in_flight=1))
    assert sorted(o.source.name for o in seen) == sorted(["a", *(f"s{i}" for i in range(10))])


def test_a_cancelled_cycle_stops_fetching() -> None:
    sources = _sources(*(f"s{i}" for i in range(50)))

    async def main() -> None:
        task = asyncio.ensure_future(collect(sources, {}, now=NOW, limits=Limits(max_in_flight=2)))
        await asyncio.sleep(0.012)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        started = len(_Scripted.started)
        await asyncio.sleep(0.05)
        assert len(_Scripted.started) == started < 50

    asyncio.run(main())
