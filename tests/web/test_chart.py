"""The SVG claim chart: one step per confirmed value, axis labels in the claim's currency,
labels that never print over each other, and every text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.web.chart import amount, claim_chart, compact

NOW = datetime(2026, 5, 18, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def _fact(
    days_ago: float, display: str, high: str | None, low: str | None = None
) -> dict[str, Any]:
    return {
        "confirmed_at": NOW - timedelta(days=days_ago),
        "first_seen_at": NOW - timedelta(days=days_ago + 1),
        "display": display,
        "value": {"low": low, "high": high, "currency": "USD"},
    }


def _chart(facts: list[dict[str, Any]]) -> ET.Element:
    markup = claim_chart(
        facts, now=NOW, label="claim <chart>", format_day=lambda d: d.strftime("%Y-%m-%d")
    )
    assert markup is not None
    return ET.fromstring(str(markup))  # well-formed XML, or this raises


def test_amounts_and_axis_labels_read_as_people_write_them() -> None:
    assert amount({"low": None, "high": "150000000000"}) == 150e9
    assert amount({"low": "79000000000", "high": None}) == 79e9
    assert amount({"low": "nan?", "high": None}) is None
    assert compact(150e9, "USD") == "$150bn"
    assert compact(2.5e6, "EUR") == "€2.5m"
    assert compact(7e9, "CHF") == "7bn CHF"


def test_each_confirmed_value_is_a_step_and_a_labelled_dot() -> None:
    svg = _chart([_fact(200, "up to $134bn", "134000000000"), _fact(20, "$150bn", "150000000000")])
    dots = svg.findall(f"{SVG}circle")
    assert len(dots) == 2
    # The higher claim is drawn higher (SVG y grows downwards).
    assert float(dots[1].get("cy", "0")) < float(dots[0].get("cy", "0"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "$150bn" in texts and "up to $134bn" in texts and "$0" in texts


def test_labels_of_values_confirmed_close_together_do_not_overlap() -> None:
    svg = _chart(
        [
            _fact(30, "up to $134bn", "134000000000"),
            _fact(29.9, "$79bn–$134bn", "134000000000", "79000000000"),
            _fact(29.8, "$150bn", "150000000000"),
        ]
    )
    labels = [
        (float(t.get("x", "0")), float(t.get("y", "0")), t.text or "")
        for t in svg.iter(f"{SVG}text")
        if t.text and re.search(r"\$\d+bn", t.text) and t.get("font-size") == "13"
    ]
    assert len(labels) == 3
    for i, (x1, y1, a) in enumerate(labels):
        for x2, y2, b in labels[i + 1 :]:
            apart_x = x1 + 7.8 * len(a) < x2 or x2 + 7.8 * len(b) < x1
            assert apart_x or abs(y1 - y2) >= 15, (a, b)


def test_hostile_displays_are_escaped_and_no_plottable_value_gives_no_chart() -> None:
    svg = _chart([_fact(10, "<script>alert(1)</script>", "5")])
    assert not list(svg.iter(f"{SVG}script"))
    assert any(t.text == "<script>alert(1)</script>" for t in svg.iter(f"{SVG}text"))
    assert svg.get("aria-label") == "claim <chart>"
    assert claim_chart([_fact(1, "?", None)], now=NOW, label="x", format_day=str) is None
