"""Headlines written from what was read, in the readers' language: never a cut sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from monitor.developments.stories import DecisionKey
from monitor.developments.wording import amount_text, ruling_headline, story_ruling, update_note
from monitor.storage.models import Story

EXACT = DecisionKey("injunction", date(2025, 3, 4), True)
ESTIMATED = DecisionKey("dispositive", date(2026, 1, 9), False)
COURT = {"court": "N.D. Cal."}


@pytest.mark.parametrize(
    ("value", "key", "language", "expected"),
    [
        (
            {
                "kind": "injunction",
                "question": "preliminary_injunction",
                "result": "denied",
                **COURT,
            },
            EXACT,
            "en",
            "Ruling: preliminary injunction denied (N.D. Cal., 4 Mar 2025)",
        ),
        (
            {
                "kind": "injunction",
                "question": "preliminary_injunction",
                "result": "denied",
                **COURT,
            },
            EXACT,
            "fr",
            "Décision : injonction préliminaire rejetée (N.D. Cal., 4 mars 2025)",
        ),
        (
            {
                "kind": "summary_judgment",
                "question": "summary_judgment",
                "result": "denied",
                **COURT,
            },
            ESTIMATED,
            "en",
            "Ruling: summary judgment denied (N.D. Cal., reported 9 Jan 2026)",
        ),
        (
            {"kind": "summary_judgment", "question": "summary_judgment", "result": "denied"},
            ESTIMATED,
            "fr",
            "Décision : jugement sommaire rejeté (annoncée le 9 janv. 2026)",
        ),
        (
            {"kind": "dismissal", "question": "dismissal", "result": "granted_in_part"},
            None,
            "en",
            "Ruling: motion to dismiss granted in part",
        ),
        (
            {"kind": "other", "question": "counterclaims", "result": "denied"},
            None,
            "en",
            "Ruling: counterclaims allowed to proceed",
        ),
        (
            {"kind": "other", "question": "counterclaims", "result": "denied"},
            None,
            "fr",
            "Décision : demandes reconventionnelles maintenues",
        ),
        (
            {"kind": "other", "question": "evidence"},
            None,
            "en",
            "Ruling on the evidence and expert testimony",
        ),
        (
            {"kind": "verdict", "result": "time_barred"},
            None,
            "en",
            "Verdict: claims found time-barred",
        ),
        ({"kind": "verdict"}, None, "fr", "Verdict : verdict rendu"),
        (
            {
                "kind": "trial_schedule",
                "trial_on": "2026-04-27",
                "outcome": "scheduled jury selection",
            },
            None,
            "en",
            "Ruling: trial set for 27 Apr 2026",
        ),
        (
            {"kind": "trial_schedule", "outcome": "pushed back the trial"},
            None,
            "en",
            "Ruling: trial date moved",
        ),
        (
            {"kind": "appeal", "outcome": "notice of appeal filed"},
            None,
            "fr",
            "Appel : déclaration d'appel déposée",
        ),
        ({"kind": "other", "question": "other"}, None, "en", "Ruling"),
    ],
)
def test_a_ruling_headline_says_what_was_decided_where_and_when(
    value: dict[str, Any], key: DecisionKey | None, language: str, expected: str
) -> None:
    assert ruling_headline(value, key, language) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ({"low": None, "high": "134000000000", "currency": "USD"}, "en", "as written"),
        ({"low": None, "high": "134000000000", "currency": "USD"}, "fr", "jusqu'à 134 Md$"),
        (
            {"low": "79000000000", "high": "134000000000", "currency": "USD"},
            "fr",
            "de 79 Md$ à 134 Md$",
        ),
        ({"low": "150000000000", "high": "150000000000", "currency": "USD"}, "fr", "150 Md$"),
        ({"low": "97400000000", "high": None, "currency": "USD"}, "fr", "plus de 97,4 Md$"),
        ({"low": None, "high": None}, "fr", "as written"),
    ],
)
def test_amounts_are_written_as_the_readers_write_them(
    value: dict[str, Any], language: str, expected: str
) -> None:
    assert amount_text(value, language, "as written") == expected


def test_a_story_is_what_most_reports_say_and_the_court_record_first() -> None:
    sj = {"kind": "summary_judgment", "question": "summary_judgment", "result": "denied"}
    mtd = {"kind": "dismissal", "question": "dismissal"}
    assert story_ruling([mtd, sj, sj])["kind"] == "summary_judgment"
    # a tie goes to the kind whose reports tell the result
    assert story_ruling([mtd, sj])["kind"] == "summary_judgment"
    court = {**mtd, "from_court": True, "result": "granted"}
    assert story_ruling([sj, sj, court])["result"] == "granted"
    vague = {"kind": "other", "question": "other"}
    precise = {"kind": "other", "question": "counterclaims"}
    assert story_ruling([vague, vague, precise])["question"] == "counterclaims"
    assert story_ruling([]) == {}


def test_a_thread_update_counts_outlets_and_languages() -> None:
    now = datetime(2026, 1, 9, tzinfo=UTC)
    story = Story(topic="t", kind="ruling", title="x", first_seen_at=now, last_seen_at=now,
                  outlets=["a", "b", "c"], languages=["en", "fr"])  # fmt: skip
    assert (
        update_note("Le Monde", story, court=False)
        == "also reported by Le Monde (3 outlets in 2 languages)"
    )
    assert update_note("Le Monde", story, court=False, language="fr") == (
        "également rapporté par Le Monde (3 médias en 2 langues)"
    )
    assert update_note("court", story, court=True) == "confirmed by the court record"


def test_a_trial_reported_set_is_not_read_as_moved() -> None:
    assert ruling_headline(
        {"kind": "trial_schedule", "outcome": "reportedly set the trial"}, None, "en"
    ) == ("Ruling: trial date set")
    assert ruling_headline(
        {"kind": "trial_schedule", "outcome": "a reporté le procès"}, None, "fr"
    ) == ("Décision : date du procès reportée")
