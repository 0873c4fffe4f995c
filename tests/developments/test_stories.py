"""Which reports tell of one decision, from a table: the family of the question and the day,
exact or estimated; and which titles tell of one story."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.developments.stories import DecisionKey, decision_key, same_decision, similar_titles


def key(family: str, day: str, *, exact: bool = True) -> DecisionKey:
    return DecisionKey(family, date.fromisoformat(day), exact)


# (why, report, story, weak) → joins
CASES: list[tuple[str, DecisionKey, DecisionKey, bool, bool]] = [
    (
        "same day, same family",
        key("dispositive", "2026-01-07"),
        key("dispositive", "2026-01-07"),
        False,
        True,
    ),
    (
        "the written order nine days later",
        key("dispositive", "2026-01-16"),
        key("dispositive", "2026-01-07"),
        False,
        True,
    ),
    (
        "another decision weeks later",
        key("dispositive", "2026-02-20"),
        key("dispositive", "2026-01-07"),
        False,
        False,
    ),
    (
        "another family the same week",
        key("trial_schedule", "2026-01-13"),
        key("dispositive", "2026-01-07"),
        False,
        False,
    ),
    (
        "a report trailing by two weeks",
        key("dispositive", "2026-01-21", exact=False),
        key("dispositive", "2026-01-07"),
        False,
        True,
    ),
    (
        "a report a month later",
        key("dispositive", "2026-02-10", exact=False),
        key("dispositive", "2026-01-07"),
        False,
        False,
    ),
    (
        "a report dated the day before (time zones)",
        key("injunction", "2025-03-03", exact=False),
        key("injunction", "2025-03-04"),
        False,
        True,
    ),
    (
        "the day said, the story's first report after it",
        key("injunction", "2025-03-04"),
        key("injunction", "2025-03-06", exact=False),
        False,
        True,
    ),
    (
        "two undated reports 25 days apart",
        key("trial_schedule", "2025-04-08", exact=False),
        key("trial_schedule", "2025-03-14", exact=False),
        False,
        True,
    ),
    (
        "a weak report the same days",
        key("other", "2026-01-08"),
        key("dispositive", "2026-01-07"),
        True,
        True,
    ),
    (
        "a weak report a week later",
        key("other", "2026-01-14"),
        key("dispositive", "2026-01-07"),
        True,
        False,
    ),
]


@pytest.mark.parametrize(
    ("report", "story", "weak", "joins"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_reports_join_the_decision_they_tell_of(
    report: DecisionKey, story: DecisionKey, weak: bool, joins: bool
) -> None:
    assert (same_decision(report, story, weak=weak) is not None) is joins


def test_dismissal_and_summary_judgment_are_one_family_and_keys_round_trip() -> None:
    at = datetime(2026, 1, 9, tzinfo=UTC)
    a = decision_key("dismissal", None, at)
    b = decision_key("summary_judgment", "2026-01-07", at)
    assert a.family == b.family == "dispositive"
    assert (a.exact, b.exact) == (False, True)
    assert DecisionKey.parse(a.text()) == a
    assert DecisionKey.parse(b.text()) == b
    assert DecisionKey.parse("nonsense") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "judge denies openai bid to avoid trial in musk case",
            "judge denies openai s bid to avoid trial in musk lawsuit",
            True,
        ),
        ("musk sues openai", "musk sues microsoft", False),
        ("ruling", "ruling in musk case today", False),
        ("", "anything", False),
    ],
)
def test_titles_of_one_story_are_similar(a: str, b: str, same: bool) -> None:
    assert similar_titles(a, b) is same
