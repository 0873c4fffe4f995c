"""Rule files: validation errors name the file, the line and the key; the shipped file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.rules import load_rule_file, load_ruleset

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
topic:
  name: Test
  slug: test
  parties:
    plaintiffs: [{name: Acme}]
    defendants: [{name: Globex}]
  relevance:
    any: ["@plaintiffs"]
rules:
  - name: claim
    kind: claim-amount
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_are_valid() -> None:
    ruleset = load_ruleset(REPO / "rules")
    assert [t.slug for t in ruleset.topics] == ["musk-v-openai"]
    kinds = {getattr(r, "kind", "") for _, r in ruleset.rules}
    assert {"claim-amount", "ruling", "keywords", "regex", "amount-threshold"} <= kinds


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("    colour: red\n", 12, "rules[0].colour: unknown key 'colour'"),
        ("    severity: loud\n", 12, "rules[0].severity"),
        ("  - name: x\n    kind: telepathy\n", 13, "unknown kind 'telepathy'"),
        ("  - name: claim\n    kind: ruling\n", 12, "duplicate rule name 'claim'"),
        ("  - name: r\n    kind: regex\n    patterns: ['(a)\\1']\n", 14, "RE2 cannot run"),
        ("  - name: r\n    kind: regex\n    patterns: ['']\n", 14, "matches an empty text"),
        ("  - name: r\n    kind: regex\n    patterns: ['x', 'a*']\n", 14, "matches an empty"),
    ],
)
def test_it_names_file_line_and_key(tmp_path: Path, extra: str, line: int, message: str) -> None:
    path = write(tmp_path, GOOD + extra)
    with pytest.raises(ConfigError) as info:
        load_rule_file(path)
    assert info.value.path == str(path)
    assert info.value.line == line, str(info.value)
    assert message in str(info.value)


def test_it_names_a_topic_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  slug: test\n", "  slug: Not A Slug\n"))
    with pytest.raises(ConfigError) as info:
        load_rule_file(path)
    assert info.value.line == 3
    assert "topic.slug" in str(info.value)


def test_it_reports_yaml_syntax_errors_with_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "  - name: [unclosed\n")
    with pytest.raises(ConfigError) as info:
        load_rule_file(path)
    assert info.value.line is not None and info.value.line >= 12
