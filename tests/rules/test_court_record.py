"""classify_docket_entry on the YAML cases in tests/rules/docket_entries.yaml (CM/ECF-style texts)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from monitor.domain import Item
from monitor.rules.court_record import KINDS, classify_docket_entry

CASES_FILE = Path(__file__).parent / "docket_entries.yaml"
CASES: list[dict[str, Any]] = YAML(typ="safe").load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def docket_item(case: dict[str, Any]) -> Item:
    entry_type = case["entry_type"]
    description = " ".join(str(case.get("description") or entry_type).split())
    return Item(
        source="court",
        key="k",
        title=f"Northfield Holdings LLC v. Crestline Labs Inc. — {entry_type}",
        text=description,
        url=None,
        published=datetime(2026, 3, 14, tzinfo=UTC),
        extra={
            "docket": {
                "case_number": "3:25-cv-01234-MTA",
                "case_name": "Northfield Holdings LLC v. Crestline Labs Inc.",
                "court": case.get("court", "cand"),
                "entry_number": "212",
                "entry_type": entry_type,
                "document_url": None,
                "description": description,
            }
        },
    )


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['entry_type']}" for i, c in enumerate(CASES)])
def test_docket_entries_are_classified_as_the_cases_say(case: dict[str, Any]) -> None:
    expect = case["expect"]
    got = classify_docket_entry(docket_item(case))
    assert got == (None if expect is None else (expect["kind"], expect["outcome"]))


def test_the_cases_cover_every_kind_and_non_rulings() -> None:
    kinds = {c["expect"]["kind"] for c in CASES if c["expect"]}
    assert kinds == set(KINDS)
    assert sum(1 for c in CASES if c["expect"] is None) >= 10


def test_an_item_without_a_docket_entry_is_not_a_ruling() -> None:
    item = Item(
        source="news",
        key="k",
        title="Judge grants summary judgment",
        text="The order was entered on Friday.",
        url=None,
        published=datetime(2026, 3, 14, tzinfo=UTC),
    )
    assert classify_docket_entry(item) is None
