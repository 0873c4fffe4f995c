"""Keywords (boolean query, accents, boundaries, synonyms) and regex rules (RE2) on their own."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.domain import Item
from monitor.errors import ConfigError
from monitor.rules import load_ruleset
from monitor.rules.regex import RegexRule, compile_pattern

TOPIC = """\
topic:
  name: Test
  slug: test
  parties:
    plaintiffs: [{name: Acme}]
    defendants: [{name: Globex}]
  relevance:
    any: ["@plaintiffs"]
"""


def ruleset_with(tmp_path: Path, rules: str) -> object:
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / "t.yaml").write_text(TOPIC + "rules:\n" + rules, encoding="utf-8")
    return load_ruleset(tmp_path / "rules")


def matched(ruleset: object, item: Item) -> tuple[str, ...]:
    return ruleset.evaluate(item).matched_rules  # type: ignore[attr-defined, no-any-return]


def test_it_matches_keywords_without_case_or_accents(
    tmp_path: Path, make_item: Callable[..., Item]
) -> None:
    rs = ruleset_with(tmp_path, "  - {name: k, kind: keywords, all: [déjà vu, Acme]}\n")
    assert matched(rs, make_item("ACME had a DEJA-VU moment."))
    assert not matched(rs, make_item("Acme had a dejavu moment."))


def test_it_respects_word_boundaries(tmp_path: Path, make_item: Callable[..., Item]) -> None:
    rs = ruleset_with(tmp_path, "  - {name: k, kind: keywords, any: [appeal], scope: all}\n")
    assert not matched(rs, make_item("The appealing offer from Acme."))
    assert matched(rs, make_item("Acme's appeal was filed."))
    assert matched(rs, make_item("Acme's appeals were filed."))


def test_it_reads_prefixes_any_all_and_none(tmp_path: Path, make_item: Callable[..., Item]) -> None:
    rules = "  - {name: k, kind: keywords, all: [Acme], any: [dismiss*, toss], none: [Tesla]}\n"
    rs = ruleset_with(tmp_path, rules)
    assert matched(rs, make_item("The judge dismissed Acme's case."))
    assert not matched(rs, make_item("The judge dismissed Acme's case about Tesla."))
    assert not matched(rs, make_item("The judge heard Acme's case."))


def test_it_uses_synonyms_of_the_items_language(
    tmp_path: Path, make_item: Callable[..., Item]
) -> None:
    rules = (
        "  - name: k\n    kind: keywords\n    any: [settlement]\n"
        "    synonyms: {settlement: {de: [Vergleich], fr: [accord amiable]}}\n"
    )
    rs = ruleset_with(tmp_path, rules)
    assert matched(rs, make_item("Acme und Globex schließen einen Vergleich.", lang="de"))
    assert not matched(rs, make_item("Acme und Globex schließen einen Vergleich.", lang="fr"))
    assert matched(rs, make_item("Acme et Globex: un accord amiable.", lang="fr"))


def test_it_refuses_backreferences_and_lookaround_clearly() -> None:
    for pattern in (r"(a)\1", r"(?<=Acme)x", r"(?=x)y"):
        with pytest.raises(ValueError, match="RE2 cannot run"):
            compile_pattern(pattern)


def test_it_runs_a_catastrophic_pattern_in_linear_time() -> None:
    rule = RegexRule(name="r", patterns=[r"(a+)+$"])
    regex = compile_pattern(rule.patterns[0])
    text = "a" * 50_000 + "b"
    started = time.perf_counter()
    assert regex.search(text) is None
    assert time.perf_counter() - started < 1.0


def test_it_still_matches_with_hundreds_of_patterns(
    tmp_path: Path, make_item: Callable[..., Item]
) -> None:
    patterns = [f"'\\bcase{i:04d}-[a-z]+\\d{{2,}}\\b'" for i in range(400)]
    rules = (
        "  - name: big\n    kind: regex\n    scope: all\n    patterns: ["
        + ", ".join(patterns)
        + "]\n"
    )
    rs = ruleset_with(tmp_path, rules)
    assert matched(rs, make_item("Filed as case0399-abc123 today."))
    assert matched(rs, make_item("Filed as case0000-x99 today."))
    assert not matched(rs, make_item("Filed as case0400-abc123 today."))


def test_it_still_matches_with_hundreds_of_keywords(
    tmp_path: Path, make_item: Callable[..., Item]
) -> None:
    words = ", ".join(f"word{i:04d}" for i in range(800))
    rs = ruleset_with(tmp_path, f"  - {{name: many, kind: keywords, scope: all, any: [{words}]}}\n")
    assert matched(rs, make_item("Only word0799 is here."))
    assert not matched(rs, make_item("Only word0800 is here."))


def test_it_names_an_unknown_group(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown group '@lawyers'"):
        ruleset_with(tmp_path, "  - {name: k, kind: keywords, any: ['@lawyers']}\n")
