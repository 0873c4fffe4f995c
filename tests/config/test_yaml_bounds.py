"""Config files are bounded before anything walks them: aliases (a 1 KB billion laughs), deep
nesting and huge numbers are refused with the file and line, exit 2 and no traceback."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

RULE_HEAD = (
    "topic:\n  name: X\n  slug: x\n  parties:\n    plaintiffs: [{name: A}]\n"
    "    defendants: [{name: B}]\n  relevance: {any: [A]}\nrules:\n"
)


def _alias_bomb(key: str = "lol") -> str:
    """Nine levels of ten aliases: 10^9 strings once expanded, in about 1 KB."""
    lines = [f"x0: &x0 [{', '.join([key] * 10)}]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_alias_bomb_in_sources_yaml_is_refused_at_its_line(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - name: a\n    url: https://example.com/feed.xml\n" + _alias_bomb(),
        encoding="utf-8",
    )
    started = time.monotonic()
    result = runner.invoke(app, ["sources", "list", "--config-dir", str(tmp_path)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'sources.yaml'}:4" in result.stderr
    assert "aliases" in result.stderr
    assert not list(cache.rglob("*.json"))  # nothing was expanded into the cache either


def _rules_dir(tmp_path: Path, text: str) -> tuple[Path, Path]:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    bad = tmp_path / "rules" / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    return tmp_path, bad


def test_an_aliased_nested_query_in_a_rules_file_is_refused_at_its_line(tmp_path: Path) -> None:
    text = (
        RULE_HEAD
        + "  - name: y\n    kind: keywords\n    any: &q [z]\n"
        + "  - name: w\n    kind: keywords\n    any: *q\n"
    )
    root, bad = _rules_dir(tmp_path, text)
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert result.exit_code == 2, result.output
    assert f"{bad}:11" in result.stderr and "aliases" in result.stderr


def test_deeply_nested_yaml_is_refused_at_its_line(tmp_path: Path) -> None:
    text = RULE_HEAD + "  - name: y\n    kind: keywords\n    any: " + "[" * 5000 + "]" * 5000 + "\n"
    root, bad = _rules_dir(tmp_path, text)
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert result.exit_code == 2, result.output
    assert f"{bad}:11" in result.stderr and "nested more than" in result.stderr
    assert "Traceback" not in result.output


def test_an_integer_of_thousands_of_digits_is_refused_at_its_line(tmp_path: Path) -> None:
    text = (
        RULE_HEAD
        + "  - name: y\n    kind: claim-amount\n    currency: USD\n"
        + f"    min_amount: {'9' * 4400}\n"
    )
    root, bad = _rules_dir(tmp_path, text)
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert result.exit_code == 2, result.output
    assert f"{bad}:12" in result.stderr and "a number of 4400 characters" in result.stderr
    assert "Traceback" not in result.output


def test_a_long_quoted_string_of_digits_is_text_and_accepted(tmp_path: Path) -> None:
    text = RULE_HEAD + f"  - name: y\n    kind: keywords\n    any: ['{'9' * 200}']\n"
    root, _ = _rules_dir(tmp_path, text)
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert result.exit_code == 0, result.output


def test_regex_patterns_too_large_together_for_re2_are_refused_at_their_line(
    tmp_path: Path,
) -> None:
    patterns = "".join(f'      - "a{i}\\\\p{{L}}{{1,1000}}"\n' for i in range(20))
    text = RULE_HEAD + "  - name: y\n    kind: regex\n    scope: all\n    patterns:\n" + patterns
    root, bad = _rules_dir(tmp_path, text)
    started = time.monotonic()
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    assert f"{bad}:12" in result.stderr and "too large together for RE2" in result.stderr
    assert "Traceback" not in result.output
