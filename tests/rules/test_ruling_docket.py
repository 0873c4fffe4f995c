"""Court docket items through the shipped rules and the real docket classifier: relevance by case
number, rulings from the record (corroboration 1)."""

from __future__ import annotations

from collections.abc import Callable

from monitor.domain import Item
from monitor.rules import RuleSet


def docket(number: str, description: str = "", entry_type: str = "order") -> dict[str, object]:
    return {
        "docket": {
            "case_number": number,
            "case_name": "Musk v. Altman",
            "court": "cand",
            "entry_number": 380,
            "entry_type": entry_type,
            "description": description,
            "document_url": None,
        }
    }


def test_it_reads_rulings_from_the_docket(shipped: RuleSet, make_item: Callable[..., Item]) -> None:
    item = make_item(
        "ORDER DENYING 52 MOTION TO DISMISS.",
        title="Order",
        extra=docket("4:24-cv-04722-YGR", "ORDER DENYING 52 MOTION TO DISMISS."),
    )
    ev = shipped.evaluate(item)
    assert ev.relevant_topics == ("musk-v-openai",)
    (obs,) = [o for o in ev.observations if o.kind == "ruling"]
    assert obs.subject == "ruling:musk-v-openai:dismissal"
    assert obs.value["from_court"] is True
    assert obs.value["outcome"] == "motion to dismiss denied"
    assert obs.corroboration == 1


def test_it_ignores_dockets_of_other_cases(
    shipped: RuleSet, make_item: Callable[..., Item]
) -> None:
    item = make_item("ORDER DENYING MOTION TO DISMISS.", extra=docket("3:22-cv-07123"))
    ev = shipped.evaluate(item)
    assert ev.relevant_topics == ()
    assert not ev.observations


def test_a_docket_entry_that_decides_nothing_is_no_ruling(
    shipped: RuleSet, make_item: Callable[..., Item]
) -> None:
    item = make_item(
        "NOTICE of Appearance by Jane Roe on behalf of OpenAI, Inc.",
        title="Notice of appearance",
        extra=docket(
            "4:24-cv-04722",
            "NOTICE of Appearance by Jane Roe on behalf of OpenAI, Inc.",
            entry_type="notice of appearance",
        ),
    )
    ev = shipped.evaluate(item)
    assert ev.relevant_topics == ("musk-v-openai",)
    assert not [o for o in ev.observations if o.kind == "ruling"]
