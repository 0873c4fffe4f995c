"""When a source is checked next: a server's Retry-After is honoured up to a day, and neither a
huge one nor months of failures break the arithmetic."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from monitor.fetch.backoff import MAX_BACKOFF, MAX_RETRY_AFTER, next_check
from monitor.fetch.client import parse_retry_after

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TEN_MIN = timedelta(minutes=10)


def test_a_retry_after_is_honoured() -> None:
    at = next_check(NOW, TEN_MIN, failures=1, retry_after=3600, rng=random.Random(1))
    assert at == NOW + timedelta(hours=1)


def test_a_huge_or_far_retry_after_waits_a_day_at_most() -> None:
    for header in ("99999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"):
        seconds = parse_retry_after(header, now=NOW)
        assert seconds is not None and seconds > MAX_RETRY_AFTER.total_seconds()
        at = next_check(NOW, TEN_MIN, failures=1, retry_after=seconds, rng=random.Random(1))
        assert at == NOW + MAX_RETRY_AFTER


def test_months_of_failures_stay_at_the_longest_backoff() -> None:
    for failures in (30, 2_000, 10**6):
        at = next_check(NOW, TEN_MIN, failures=failures, permanent=True, rng=random.Random(1))
        assert NOW + MAX_BACKOFF <= at <= NOW + MAX_BACKOFF * 1.2
