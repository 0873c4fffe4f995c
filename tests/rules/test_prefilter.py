"""`RuleSet.could_match` skips the full reading only of items where no rule can find anything:
on every labelled snippet we hold, an item it declines has no observation and no topic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from monitor.domain import Item
from monitor.rules import RuleSet, load_ruleset

REPO = Path(__file__).resolve().parents[2]
HELDOUT = Path(__file__).resolve().parent / "heldout"


def _records() -> list[dict[str, str]]:
    out = []
    for path in sorted(HELDOUT.glob("*.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return out


# Items about other things, in the languages we follow (our own sentences).
OTHER_NEWS = [
    ("en", "Storm closes schools", "Heavy rain closed schools across the county on Monday."),
    (
        "en",
        "Court fines carmaker $2 billion",
        "A federal judge ordered the carmaker to pay $2 billion in damages over faulty airbags.",
    ),
    (
        "en",
        "Injunction denied in patent case",
        "The judge denied the injunction sought by the chipmaker.",
    ),
    (
        "fr",
        "Le tribunal rejette le recours",
        "Le juge a rejeté la demande de la société, qui réclamait 3 milliards d'euros.",
    ),
    (
        "fr",
        "Grève dans les transports",
        "Les syndicats appellent à une nouvelle journée de grève jeudi.",
    ),
    (
        "de",
        "Gericht weist Klage ab",
        "Das Landgericht wies die Klage des Konzerns über 4 Milliarden Euro ab.",
    ),
    (
        "de",
        "Neuer Rekord beim Export",
        "Die Exporte stiegen im Oktober auf einen neuen Höchststand.",
    ),
    (
        "es",
        "El juez rechaza la demanda",
        "El tribunal rechazó la demanda de 5.000 millones de dólares contra la eléctrica.",
    ),
    (
        "es",
        "Sube el precio del aceite",
        "El precio del aceite de oliva subió un 12 % en noviembre.",
    ),
    (
        "en",
        "Jury verdict in fraud trial",
        "The jury found the former executive guilty on all counts.",
    ),
]


def test_declined_items_are_those_the_rules_find_nothing_in(
    shipped: RuleSet, make_item: Callable[..., Item]
) -> None:
    records = _records() + [
        {"id": f"other-{i}", "lang": lang, "title": title, "text": text}
        for i, (lang, title, text) in enumerate(OTHER_NEWS)
    ]
    dev = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"
    if dev.exists():
        records += [
            json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line
        ]
    declined = kept = 0
    for rec in records:
        item = make_item(
            rec.get("text") or "",
            title=rec.get("title") or "",
            lang=rec.get("lang"),
            url=rec.get("source_url"),
        )
        if shipped.could_match(item):
            kept += 1
            continue
        declined += 1
        evaluation = shipped.evaluate(item)
        assert not evaluation.observations, rec["id"]
        assert not evaluation.relevant_topics, rec["id"]
    # Not vacuous: the sets hold items about other things, and items about the dispute.
    assert declined >= len(OTHER_NEWS) and kept >= 100


def test_items_naming_a_party_only_in_the_link_are_read(
    shipped: RuleSet, make_item: Callable[..., Item]
) -> None:
    item = make_item(
        "The judge ruled on Tuesday.", title="Ruling", url="https://x.example/musk-openai-ruling"
    )
    assert shipped.could_match(item)


def test_docket_entries_are_always_read(shipped: RuleSet, make_item: Callable[..., Item]) -> None:
    item = make_item("ORDER granting motion", extra={"docket": {"case_number": "4:24-cv-04722"}})
    assert shipped.could_match(item)


def test_a_rule_reading_every_item_turns_the_check_off(
    tmp_path: Path, make_item: Callable[..., Item]
) -> None:
    text = (REPO / "rules" / "musk-v-openai.yaml").read_text(encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    extra = "\n  - name: any-verdict\n    kind: keywords\n    scope: all\n    any: [verdict]\n"
    (rules / "musk-v-openai.yaml").write_text(text.rstrip() + extra, encoding="utf-8")
    ruleset = load_ruleset(rules)
    item = make_item("A jury reached a verdict in an unrelated case.", title="Verdict")
    assert ruleset.could_match(item)
    assert ruleset.evaluate(item).observations
