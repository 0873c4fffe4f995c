"""Floors on our own held-out-style snippets (tests/rules/heldout/*.jsonl, written for this
project in the label format of the shared eval set). Each metric is its own test so a regression
names what got worse; the floors sit a little under today's scores on purpose: they guard the
general phrasing, they are not a target to tune the sentences to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from monitor.rules import RuleSet
from monitor.rules.classify import classify_lines

HELDOUT = Path(__file__).resolve().parent / "heldout"


@dataclass(frozen=True)
class Counts:
    tp: int
    pred: int
    gold: int

    @property
    def f1(self) -> float:
        if self.pred == 0 and self.gold == 0:
            return 1.0
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _same(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    def eq(x: Any, y: Any) -> bool:
        return (x is None and y is None) or (
            x is not None and y is not None and abs(float(x) - float(y)) < 0.5
        )

    return eq(gold.get("low"), pred.get("low")) and eq(gold.get("high"), pred.get("high"))


def _scores(records: list[dict[str, Any]], answers: dict[str, dict[str, Any]]) -> dict[str, float]:
    rel = [0, 0, 0]
    claim = [0, 0, 0]
    ruling = [0, 0, 0]
    kind_ok = hn = hn_claim = hn_ruling = 0
    for r in records:
        lab, a = r["labels"], answers[r["id"]]
        gold_rel, pred_rel = bool(lab["relevant"]), bool(a["relevant"])
        rel[0] += gold_rel and pred_rel
        rel[1] += pred_rel
        rel[2] += gold_rel
        gc, pc = lab.get("claim_amount_usd"), a.get("claim_amount_usd")
        claim[0] += gc is not None and pc is not None and _same(gc, pc)
        claim[1] += pc is not None
        claim[2] += gc is not None
        gr, pr = lab.get("ruling"), a.get("ruling")
        ruling[0] += gr is not None and pr is not None
        ruling[1] += pr is not None
        ruling[2] += gr is not None
        kind_ok += gr is not None and pr is not None and gr["kind"] == pr["kind"]
        if gold_rel and gc is None and gr is None:
            hn += 1
            hn_claim += pc is not None
            hn_ruling += pr is not None
    return {
        "relevance_f1": Counts(*rel).f1,
        "claim_f1": Counts(*claim).f1,
        "ruling_f1": Counts(*ruling).f1,
        "kind_accuracy": kind_ok / ruling[0] if ruling[0] else 1.0,
        "false_claim_rate": hn_claim / hn if hn else 0.0,
        "false_ruling_rate": hn_ruling / hn if hn else 0.0,
    }


@pytest.fixture(scope="module")
def heldout_scores(shipped: RuleSet) -> dict[str, dict[str, float]]:
    out = {}
    for path in sorted(HELDOUT.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        answers = {a["id"]: a for a in classify_lines(shipped, lines)}
        out[path.stem] = _scores(records, answers)
    return out


# (set, metric, floor, "min" or "max")
FLOORS = [
    ("own", "relevance_f1", 0.88, "min"),
    ("own", "claim_f1", 0.88, "min"),
    ("own", "ruling_f1", 0.88, "min"),
    ("own", "kind_accuracy", 0.9, "min"),
    ("own", "false_claim_rate", 0.03, "max"),
    ("own", "false_ruling_rate", 0.03, "max"),
    ("second", "relevance_f1", 0.95, "min"),
    ("second", "claim_f1", 0.94, "min"),
    ("second", "ruling_f1", 0.96, "min"),
    ("second", "kind_accuracy", 0.95, "min"),
    ("second", "false_claim_rate", 0.03, "max"),
    ("second", "false_ruling_rate", 0.03, "max"),
    ("third", "relevance_f1", 0.95, "min"),
    ("third", "claim_f1", 0.9, "min"),
    ("third", "ruling_f1", 0.94, "min"),
    ("third", "kind_accuracy", 0.88, "min"),
    ("third", "false_claim_rate", 0.035, "max"),
    ("third", "false_ruling_rate", 0.03, "max"),
    ("fourth", "relevance_f1", 0.96, "min"),
    ("fourth", "claim_f1", 0.95, "min"),
    ("fourth", "ruling_f1", 0.96, "min"),
    ("fourth", "kind_accuracy", 0.95, "min"),
    ("fourth", "false_claim_rate", 0.03, "max"),
    ("fourth", "false_ruling_rate", 0.03, "max"),
]


def test_heldout_set_is_well_formed() -> None:
    ids = set()
    for path in HELDOUT.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert record["id"] not in ids
            ids.add(record["id"])
            assert {"relevant", "claim_amount_usd", "ruling"} <= set(record["labels"])
    assert len(ids) >= 150


@pytest.mark.parametrize(
    ("name", "metric", "floor", "direction"),
    FLOORS,
    ids=[f"{n}:{m}" for n, m, _, _ in FLOORS],
)
def test_heldout_floor(
    heldout_scores: dict[str, dict[str, float]],
    name: str,
    metric: str,
    floor: float,
    direction: str,
) -> None:
    score = heldout_scores[name][metric]
    if direction == "min":
        assert score >= floor, f"{name} {metric} {score:.3f} fell under {floor}"
    else:
        assert score <= floor, f"{name} {metric} {score:.3f} rose above {floor}"
