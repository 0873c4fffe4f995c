"""The facts decision from a table: when a claimed figure becomes the current one, waits for a
second outlet, or is held as suspect (a scale error such as billions read as trillions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitor.developments.facts import FactStatus, amount_of, decide, fact_key, scale_error
from monitor.domain import Evidence, Observation

BN = Decimal(10) ** 9

# status before, amount, current amount, outlets, from court, corroboration → status after
CASES: list[tuple[str, FactStatus, Decimal | None, Decimal | None, int, bool, int, FactStatus]] = [
    ("a first figure from one outlet waits", "pending", 134 * BN, None, 1, False, 2, "pending"),
    ("a second outlet confirms it", "pending", 134 * BN, None, 2, False, 2, "current"),
    ("the court record confirms alone", "pending", 134 * BN, None, 1, True, 2, "current"),
    ("corroboration 1 takes one outlet", "pending", 150 * BN, 134 * BN, 1, False, 1, "current"),
    ("corroboration 0 still needs one", "pending", 150 * BN, 134 * BN, 0, False, 0, "pending"),
    ("a new figure, two outlets", "pending", 150 * BN, 134 * BN, 2, False, 2, "current"),
    ("ten times the current is suspect", "pending", 1340 * BN, 134 * BN, 2, False, 2, "suspect"),
    ("a suspect needs two more outlets", "suspect", 1340 * BN, 134 * BN, 3, False, 2, "suspect"),
    ("a suspect believed at four", "suspect", 1340 * BN, 134 * BN, 4, False, 2, "current"),
    (
        "a hundredth is suspect too",
        "pending",
        Decimal("1.34") * BN,
        134 * BN,
        2,
        False,
        2,
        "suspect",
    ),
    ("a court suspect is believed", "pending", 1340 * BN, 134 * BN, 1, True, 2, "current"),
    ("twice the current is not suspect", "pending", 268 * BN, 134 * BN, 2, False, 2, "current"),
    ("the current figure stays current", "current", 134 * BN, 134 * BN, 9, False, 2, "current"),
    ("an old figure restated stays past", "past", 134 * BN, 150 * BN, 9, True, 2, "past"),
    ("no amount to compare is no suspicion", "pending", None, 134 * BN, 2, False, 2, "current"),
]


@pytest.mark.parametrize(
    ("before", "amount", "current", "outlets", "court", "corroboration", "after"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_the_fact_decision_follows_the_table(
    before: FactStatus,
    amount: Decimal | None,
    current: Decimal | None,
    outlets: int,
    court: bool,
    corroboration: int,
    after: FactStatus,
) -> None:
    got = decide(
        before,
        amount=amount,
        current_amount=current,
        outlets=outlets,
        from_court=court,
        corroboration=corroboration,
    )
    assert got == after


@pytest.mark.parametrize(
    ("new", "current", "expected"),
    [
        (1340, 134, True),
        (134, 1340, True),
        (13.4, 134, True),
        (1360, 134, True),
        (150, 134, False),
        (0, 134, False),
        (134, 134, False),
    ],
)
def test_a_scale_error_is_a_power_of_ten_within_two_percent(
    new: float, current: float, expected: bool
) -> None:
    assert scale_error(Decimal(str(new)), Decimal(str(current))) is expected


def _claim(low: str | None, high: str | None) -> Observation:
    return Observation(
        rule="claimed-amount",
        topic="acme",
        subject="claim:acme",
        kind="claim",
        value={"low": low, "high": high, "currency": "USD"},
        value_key="",
        display="x",
        severity="alert",
        evidence=Evidence("x"),
    )


def test_restatements_of_one_claim_share_a_key_and_a_new_top_figure_does_not() -> None:
    up_to = fact_key(_claim(None, "134000000000"))
    ranged = fact_key(_claim("79000000000", "134000000000"))
    single = fact_key(_claim("134000000000", "134000000000"))
    assert up_to == ranged == single
    assert fact_key(_claim(None, "150000000000")) != up_to
    assert fact_key(_claim("100000000000", None)).startswith("low:")


def test_a_claim_is_compared_by_its_upper_figure_else_its_lower_one() -> None:
    assert amount_of({"low": "79", "high": "134"}) == Decimal(134)
    assert amount_of({"low": "100", "high": None}) == Decimal(100)
    assert amount_of({"low": None, "high": None}) is None
    assert amount_of({"high": "n/a"}) is None
