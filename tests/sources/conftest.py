"""Fixtures for the source-kind tests: the CM/ECF captures in ../shared (skipped when absent, a
failure when CI=true), a fixed clock, and fetch limits for a loopback server."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.fetch.types import Limits

REPO = Path(__file__).resolve().parents[2]
REAL_FEEDS = REPO.parent / "shared" / "fixtures" / "feeds" / "real"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`pacer_feed`: the name of each CM/ECF capture; one placeholder when ../shared is absent,
    so that the test skips (or fails under CI) instead of silently not running."""
    if "pacer_feed" in metafunc.fixturenames:
        names = sorted(p.name for p in REAL_FEEDS.glob("pacer_*.xml")) or ["(no captures)"]
        metafunc.parametrize("pacer_feed", names)


@pytest.fixture
def real_feeds() -> Path:
    """../shared/fixtures/feeds/real beside the repo."""
    if not REAL_FEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REAL_FEEDS} is missing but CI=true: the tests need ../shared")
        pytest.skip(f"{REAL_FEEDS} not present")
    return REAL_FEEDS


@pytest.fixture
def now() -> datetime:
    return datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def limits() -> Limits:
    return Limits(connect_timeout=5, read_timeout=5, total_timeout=10)
