"""The YAML cases under tests/rules/cases/: each sentence through the whole rule set, checked
for relevance, claimed amount (exact low/high), suspect flag and ruling kind."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from monitor.domain import Item
from monitor.rules import RuleSet

CASES = Path(__file__).resolve().parent / "cases"


def _load() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(data["topic"], case, id=f"{path.stem}:{case['name']}"))
    return out


@pytest.mark.parametrize(("topic", "case"), _load())
def test_case(
    topic: str,
    case: dict[str, Any],
    shipped: RuleSet,
    acme: RuleSet,
    make_item: Callable[..., Item],
) -> None:
    ruleset = shipped if topic == "shipped" else acme
    item = make_item(
        case["text"], title=case.get("title", ""), lang=case.get("lang"), url=case.get("url")
    )
    ev = ruleset.evaluate(item)
    why = "\n".join(ev.explain())
    assert bool(ev.relevant_topics) == case.get("relevant", True), why
    claims = [o for o in ev.observations if o.kind == "claim"]
    if "claim" in case:
        expected = case["claim"]
        if expected is None:
            assert not claims, why
        else:
            assert claims, why
            got = claims[0].value
            for end in ("low", "high"):
                want = expected[end]
                have = got[end]
                assert (Decimal(have) if have is not None else None) == (
                    Decimal(want) if want is not None else None
                ), why
            assert claims[0].suspect == case.get("suspect", False), why
    rulings = [o for o in ev.observations if o.kind == "ruling"]
    if "ruling" in case:
        if case["ruling"] is None:
            assert not rulings, why
        else:
            assert rulings, why
            assert rulings[0].value["kind"] == case["ruling"], why
