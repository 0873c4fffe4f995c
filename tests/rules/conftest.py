"""Shared fixtures for the rule tests: the shipped rule set, a made-up topic, items."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.domain import Item
from monitor.rules import RuleSet, load_ruleset

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _make_item(
    text: str,
    *,
    title: str = "",
    lang: str | None = None,
    url: str | None = None,
    extra: dict[str, object] | None = None,
) -> Item:
    return Item(
        source="test",
        key=str(abs(hash((title, text)))),
        title=title,
        text=text,
        url=url,
        published=datetime(2026, 1, 20, tzinfo=UTC),
        language=lang,
        extra=extra or {},
    )


@pytest.fixture(scope="session")
def shipped() -> RuleSet:
    return load_ruleset(REPO / "rules")


@pytest.fixture(scope="session")
def acme() -> RuleSet:
    return load_ruleset(HERE / "topics")


@pytest.fixture(scope="session")
def make_item() -> object:
    """Build an Item from text (title, lang, url, extra as keywords)."""
    return _make_item
