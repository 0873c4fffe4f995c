"""The actor patterns of the ruling rule read only sentences holding one of their words' literal
pieces: every match of an actor pattern holds a piece, so skipping the other sentences changes
no match (for each word of the lists, and on the held-out snippets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitor.parse.textnorm import fold_str
from monitor.rules import ruling
from monitor.rules.lexicon import rulings as rl

NAMES = ["jury", "appeal", "court"]
HELDOUT = Path(__file__).resolve().parent / "heldout"
PATTERNS = [
    ("jury", rl.JURY_RE, rl.JURY_ACTORS, ruling._JURY_PIECES),
    ("appeal", rl.APPEAL_RE, rl.APPEAL_ACTORS, ruling._APPEAL_PIECES),
    ("court", rl.COURT_RE, rl.COURT_ACTORS, ruling._COURT_PIECES),
]


def _sample(word: str) -> str:
    """A text the word's pattern reads: its gaps and wildcards filled in."""
    text = re.sub(r"[_~]", " x ", word)
    text = "ober" + text[1:] if text.startswith("*") else text
    return f"the {text.rstrip('*')} said"


def _sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(HELDOUT.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                text = fold_str(f"{rec.get('title') or ''}. {rec.get('text') or ''}")
                out += [s for s in re.split(r"(?<=[.!?。])\s*", text) if s]
    return out


@pytest.mark.parametrize(("name", "pattern", "words", "pieces"), PATTERNS, ids=NAMES)
def test_every_word_of_an_actor_pattern_holds_a_piece(
    name: str, pattern: re.Pattern[str], words: list[str], pieces: re.Pattern[str]
) -> None:
    for word in words:
        text = _sample(word)
        m = pattern.search(text)
        assert m is not None, (name, word)
        assert pieces.search(text, m.start(), m.end()) is not None, (name, word)


@pytest.mark.parametrize(("name", "pattern", "words", "pieces"), PATTERNS, ids=NAMES)
def test_no_match_is_lost_on_the_held_out_snippets(
    name: str, pattern: re.Pattern[str], words: list[str], pieces: re.Pattern[str]
) -> None:
    matched = 0
    for text in _sentences():
        for m in pattern.finditer(text):
            matched += 1
            assert pieces.search(text, m.start(), m.end()) is not None, (name, text)
    assert matched > 0 or name == "appeal"
