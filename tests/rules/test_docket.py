"""Court docket items: relevance by case number, rulings from the record (corroboration 1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from monitor.domain import Item
from monitor.rules import RuleSet
from monitor.rules import ruling as ruling_module


def docket(number: str) -> dict[str, object]:
    return {
        "docket": {
            "case_number": number,
            "case_name": "Musk v. Altman",
            "court": "cand",
            "entry_number": 380,
            "entry_type": "order",
            "document_url": None,
        }
    }


@pytest.fixture
def stub_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        ruling_module,
        "_docket_classifier",
        lambda: lambda item: ("dismissal", "motion to dismiss denied"),
    )


@pytest.mark.usefixtures("stub_classifier")
def test_it_reads_rulings_from_the_docket(shipped: RuleSet, make_item: Callable[..., Item]) -> None:
    item = make_item(
        "ORDER DENYING 52 MOTION TO DISMISS.", title="Order", extra=docket("4:24-cv-04722-YGR")
    )
    ev = shipped.evaluate(item)
    assert ev.relevant_topics == ("musk-v-openai",)
    (obs,) = [o for o in ev.observations if o.kind == "ruling"]
    assert obs.subject == "ruling:musk-v-openai:dismissal"
    assert obs.value["from_court"] is True
    assert obs.corroboration == 1


@pytest.mark.usefixtures("stub_classifier")
def test_it_ignores_dockets_of_other_cases(
    shipped: RuleSet, make_item: Callable[..., Item]
) -> None:
    item = make_item("ORDER DENYING MOTION TO DISMISS.", extra=docket("3:22-cv-07123"))
    ev = shipped.evaluate(item)
    assert ev.relevant_topics == ()
    assert not ev.observations


def test_it_treats_a_missing_classifier_as_no_ruling(
    shipped: RuleSet, make_item: Callable[..., Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ruling_module, "_docket_classifier", lambda: None)
    ev = shipped.evaluate(make_item("ORDER", extra=docket("4:24-cv-04722")))
    assert ev.relevant_topics == ("musk-v-openai",)
    assert not [o for o in ev.observations if o.kind == "ruling"]
