"""What a reported decision decided, read from our own sentences: the day (resolved against the
publication date), the result for the motion, the question, and a trial's date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.parse.textnorm import fold_str
from monitor.rules import decision

# Friday 9 January 2026, noon UTC
PUBLISHED = datetime(2026, 1, 9, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The judge on Wednesday denied the motion.", date(2026, 1, 7)),
        ("La juge a rejeté mercredi la requête.", date(2026, 1, 7)),
        ("Die Richterin wies den Antrag am Mittwoch zurück.", date(2026, 1, 7)),
        ("La jueza rechazó este miércoles 07 de enero la moción.", date(2026, 1, 7)),
        ("La giudice ha respinto mercoledì la richiesta.", date(2026, 1, 7)),
        ("A juíza negou na quarta-feira o pedido.", date(2026, 1, 7)),
        ("The order, signed January 7, denies the motion.", date(2026, 1, 7)),
        ("Le 7 janvier, la juge a tranché.", date(2026, 1, 7)),
        ("法官于1月7日驳回了动议。", date(2026, 1, 7)),
        ("The judge ruled yesterday.", date(2026, 1, 8)),
        ("The judge ruled on Friday.", date(2026, 1, 9)),  # the publication's own weekday
        ("A ruling of December 30 is reported.", date(2025, 12, 30)),  # last year's December
        ("The judge set the trial for March 16.", None),  # a date set, not the day decided
        ("The judge denied the motion in 2024 already.", None),
        ("The judge denied the motion.", None),
    ],
)
def test_the_day_of_a_decision_is_read_against_the_publication_date(
    sentence: str, expected: date | None
) -> None:
    assert decision.decided_on(fold_str(sentence), PUBLISHED) == expected


@pytest.mark.parametrize(
    ("sentence", "verb", "kind", "expected"),
    [
        (
            "the judge denied the motion for summary judgment",
            "denied",
            "summary_judgment",
            "denied",
        ),
        ("the court granted the motion to dismiss", "granted", "dismissal", "granted"),
        ("the judge dismissed the suit", "dismissed", "dismissal", "granted"),
        (
            "the motion was granted in part and denied in part",
            "granted",
            "dismissal",
            "granted_in_part",
        ),
        ("la juge a rejete la demande d'injonction", "a rejete", "injunction", "denied"),
        ("die richterin lehnte den antrag ab", "lehnte", "summary_judgment", "denied"),
        (
            "the judge cleared the way for a jury trial",
            "cleared the way",
            "summary_judgment",
            "denied",
        ),
        ("the jury found the claims time-barred", "found", "verdict", "time_barred"),
        ("the jury found for the defendants", "found", "verdict", None),
        ("the judge set the trial for april", "set the trial", "trial_schedule", None),
        ("the judge ruled on the motion", "ruled", "dismissal", None),
    ],
)
def test_the_result_says_what_became_of_the_motion(
    sentence: str, verb: str, kind: str, expected: str | None
) -> None:
    assert decision.result(sentence, sentence.index(verb), kind) == expected


@pytest.mark.parametrize(
    ("kind", "sentence", "expected"),
    [
        ("injunction", "the judge denied the request", "preliminary_injunction"),
        ("trial_schedule", "the trial was moved", "trial_date"),
        ("other", "the judge let the counterclaims proceed", "counterclaims"),
        ("other", "the judge struck some affirmative defenses", "strike_defences"),
        ("other", "the damages expert may testify", "evidence"),
        ("other", "la juge a estime que musk doit repondre des accusations", "counterclaims"),
        ("other", "the judge ruled", "other"),
        ("summary_judgment", "anything", "summary_judgment"),
    ],
)
def test_the_question_decided_is_named(kind: str, sentence: str, expected: str) -> None:
    assert decision.question(kind, sentence) == expected


def test_a_trial_date_is_the_first_date_after_publication() -> None:
    folded = fold_str("On Tuesday the judge scheduled jury selection to start on Monday, April 27.")
    assert decision.trial_on(folded, PUBLISHED) == date(2026, 4, 27)
    assert decision.trial_on(fold_str("The trial is set for March 16, 2027."), PUBLISHED) == date(
        2027, 3, 16
    )
    assert decision.trial_on(fold_str("The judge denied the motion."), PUBLISHED) is None
