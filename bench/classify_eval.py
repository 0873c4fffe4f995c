"""Score `monitor classify` on the labelled snippets (default ../shared/eval/dev.jsonl).

    .venv/bin/python bench/classify_eval.py [PATH.jsonl] [--rules-dir DIR] [--errors]

Prints relevance F1, claim F1 (a claim counts only with the right low and high), ruling F1 and
kind accuracy, and the rate of false claims / false rulings on relevant snippets that have
neither, by language and by category. The snippets are read from the shared folder and never
copied into this repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared/eval/dev.jsonl"
TAGS = (
    "[per-defendant",
    "[other-case]",
    "[claim-150bn]",
    "SOURCE ERROR",
    "CURRENCY TRAP",
    "BORDERLINE",
)


def run_classify(records: list[dict[str, Any]], config_dir: Path) -> dict[str, dict[str, Any]]:
    lines = []
    for r in records:
        lines.append(
            json.dumps(
                {
                    "id": r["id"],
                    "text": r["text"],
                    "title": r.get("title"),
                    "lang": r.get("lang"),
                    "url": r.get("source_url"),
                    "published": r.get("published"),
                },
                ensure_ascii=False,
            )
        )
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "classify", "--config-dir", str(config_dir)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"monitor classify failed ({proc.returncode}): {proc.stderr.strip()}")
    out = {}
    for line in proc.stdout.splitlines():
        answer = json.loads(line)
        out[str(answer["id"])] = answer
    return out


def categories(r: dict[str, Any]) -> list[str]:
    lab = r["labels"]
    cats = []
    if lab.get("claim_amount_usd"):
        cats.append("claim")
    if lab.get("ruling"):
        cats.append("ruling")
    if lab["relevant"] and not cats:
        cats.append("relevant_hard_negative")
    if not lab["relevant"]:
        cats.append("not_relevant")
    notes = lab.get("notes") or ""
    cats += [t.strip("[]") for t in TAGS if t in notes]
    return cats


class Score:
    def __init__(self) -> None:
        self.n = 0
        self.c: dict[str, int] = defaultdict(int)

    def add(self, r: dict[str, Any], a: dict[str, Any]) -> None:
        lab = r["labels"]
        self.n += 1
        c = self.c
        rel, prel = bool(lab["relevant"]), bool(a["relevant"])
        c["rel_tp"] += rel and prel
        c["rel_fp"] += prel and not rel
        c["rel_fn"] += rel and not prel
        gold, pred = lab.get("claim_amount_usd"), a.get("claim_amount_usd")
        if pred is not None:
            c["claim_pred"] += 1
        if gold is not None:
            c["claim_gold"] += 1
        if gold is not None and pred is not None and _same(gold, pred):
            c["claim_tp"] += 1
        gr, pr = lab.get("ruling"), a.get("ruling")
        c["rul_pred"] += pr is not None
        c["rul_gold"] += gr is not None
        if gr is not None and pr is not None:
            c["rul_tp"] += 1
            c["kind_ok"] += gr["kind"] == pr["kind"]
        if rel and gold is None and gr is None:
            c["hn"] += 1
            c["hn_claim"] += pred is not None
            c["hn_ruling"] += pr is not None

    def row(self) -> list[str]:
        c = self.c
        return [
            str(self.n),
            _f1(c["rel_tp"], c["rel_tp"] + c["rel_fp"], c["rel_tp"] + c["rel_fn"]),
            _f1(c["claim_tp"], c["claim_pred"], c["claim_gold"]),
            _f1(c["rul_tp"], c["rul_pred"], c["rul_gold"]),
            _ratio(c["kind_ok"], c["rul_tp"]),
            _ratio(c["hn_claim"], c["hn"], pct=True),
            _ratio(c["hn_ruling"], c["hn"], pct=True),
        ]


def _same(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    def eq(x: Any, y: Any) -> bool:
        return (x is None and y is None) or (
            x is not None and y is not None and abs(float(x) - float(y)) < 0.5
        )

    return eq(gold.get("low"), pred.get("low")) and eq(gold.get("high"), pred.get("high"))


def _f1(tp: int, pred: int, gold: int) -> str:
    if pred == 0 and gold == 0:
        return "— (0/0/0)"
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{f:.2f} ({tp}/{pred}/{gold})"


def _ratio(num: int, den: int, *, pct: bool = False) -> str:
    if den == 0:
        return "—"
    return f"{100 * num / den:.0f}% ({num}/{den})" if pct else f"{num / den:.2f} ({num}/{den})"


HEADER = [
    "slice",
    "n",
    "relevance F1",
    "claim F1",
    "ruling F1",
    "kind acc",
    "false claim",
    "false ruling",
]


def table(rows: Iterable[list[str]]) -> str:
    all_rows = [HEADER, *rows]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(HEADER))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in all_rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--config-dir", type=Path, default=REPO, help="folder holding rules/")
    parser.add_argument("--errors", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    records = [
        json.loads(line)
        for line in args.data.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    started = time.perf_counter()
    answers = run_classify(records, args.config_dir)
    elapsed = time.perf_counter() - started
    overall, by_lang, by_cat = Score(), defaultdict(Score), defaultdict(Score)
    for r in records:
        a = answers[r["id"]]
        overall.add(r, a)
        by_lang[r["lang"]].add(r, a)
        for cat in categories(r):
            by_cat[cat].add(r, a)
        if args.errors:
            _print_error(r, a)
    print(f"{args.data.name}: {len(records)} snippets, classified in {elapsed:.1f}s\n")
    print(
        "Counts in brackets: F1 (true positives / predicted / labelled); rates (hits / snippets)."
    )
    print("false claim / false ruling: on relevant snippets labelled with neither.\n")
    print(table([["all", *overall.row()]]))
    print("\nBy language\n")
    print(table([[lang, *s.row()] for lang, s in sorted(by_lang.items(), key=lambda p: -p[1].n)]))
    print("\nBy category\n")
    order = ["claim", "ruling", "relevant_hard_negative", "not_relevant"]
    cats = sorted(by_cat, key=lambda k: (order.index(k) if k in order else 9, k))
    print(table([[cat, *by_cat[cat].row()] for cat in cats]))


def _print_error(r: dict[str, Any], a: dict[str, Any]) -> None:
    lab = r["labels"]
    problems = []
    if bool(lab["relevant"]) != bool(a["relevant"]):
        problems.append(f"relevant {lab['relevant']} → {a['relevant']}")
    gold, pred = lab.get("claim_amount_usd"), a.get("claim_amount_usd")
    if (gold is None) != (pred is None) or (gold and pred and not _same(gold, pred)):
        problems.append(f"claim {gold} → {pred} {a.get('claim_evidence', '')[:160]}")
    gr, pr = lab.get("ruling"), a.get("ruling")
    if (gr is None) != (pr is None) or (gr and pr and gr["kind"] != pr["kind"]):
        problems.append(
            f"ruling {gr and gr['kind']} → {pr and pr['kind']} {pr and pr['outcome'][:80]}"
        )
    if problems:
        print(f"{r['id']} [{r['lang']}] " + " | ".join(problems), file=sys.stderr)


if __name__ == "__main__":
    main()
