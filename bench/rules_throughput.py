"""Items per second through the whole shipped rule set, on synthetic news items.

    .venv/bin/python bench/rules_throughput.py [--items N] [--rules-dir DIR]

Items are made up from templates (several languages, with and without money figures, relevant
or not) so that every rule kind does real work; the rule set is compiled once.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from monitor.domain import Item
from monitor.rules import load_ruleset

REPO = Path(__file__).resolve().parents[1]

SUBJECTS = ["Elon Musk", "Musk", "OpenAI", "Sam Altman", "Microsoft", "Tesla", "a rival lab", "xAI"]
SENTENCES = [
    "{a} is seeking up to ${n} billion in damages from {b}, a court filing shows.",
    "A federal judge denied {a}'s request for an injunction against {b} on Tuesday.",
    "{a} said it would appeal the ruling, calling it a technicality.",
    "{b} was valued at ${n} billion in its latest funding round.",
    "Der Richter wies den Antrag von {b} auf Abweisung der Klage von {a} zurück.",
    "{a} réclame entre {n} et {m} milliards de dollars à {b}.",
    "{a} pide hasta {n}.000 millones de dólares a {b} por daños y perjuicios.",
    "{a}要求{b}支付{n}0亿美元的赔偿。",
    "The weather in Oakland was mild as lawyers for {a} and {b} arrived.",
    "Shares of {b} rose 3% after the earnings call; analysts expect more growth.",
    "Jury selection in the case of {a} against {b} is set for April, the judge ordered.",
    "Talks about a settlement between {a} and {b} have stalled, people familiar said.",
]


def make_items(count: int, seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for i in range(count):
        parts = []
        for _ in range(rng.randint(2, 6)):
            a, b = rng.sample(SUBJECTS, 2)
            n = rng.randint(5, 200)
            parts.append(rng.choice(SENTENCES).format(a=a, b=b, n=n, m=n + rng.randint(1, 80)))
        title = parts[0][:90]
        items.append(
            Item(
                source="bench",
                key=str(i),
                title=title,
                text=" ".join(parts[1:]),
                url=f"https://news.example/{i}/{'-'.join(title.lower().split()[:6])}",
                published=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rules-dir", type=Path, default=REPO / "rules")
    args = parser.parse_args()
    started = time.perf_counter()
    ruleset = load_ruleset(args.rules_dir)
    compiled = time.perf_counter() - started
    items = make_items(args.items)
    chars = sum(len(i.title) + len(i.text) for i in items)
    started = time.perf_counter()
    matched = 0
    for item in items:
        matched += bool(ruleset.evaluate(item).observations)
    elapsed = time.perf_counter() - started
    rules = len(ruleset.rules)
    print(
        f"rule set: {len(ruleset.topics)} topic(s), {rules} rules, {ruleset.term_count} terms; compiled in {compiled * 1000:.0f} ms"
    )
    print(f"{len(items)} items ({chars / len(items):.0f} chars each), {matched} with observations")
    print(
        f"{elapsed:.2f} s: {len(items) / elapsed:,.0f} items/s, {elapsed / len(items) * 1000:.2f} ms/item"
    )


if __name__ == "__main__":
    main()
