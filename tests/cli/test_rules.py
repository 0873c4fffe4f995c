"""`monitor classify` and `monitor rules ...` through typer's CliRunner, on copies in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from feedserver import FeedServer, Route
from typer.testing import CliRunner

from monitor.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def config(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    return tmp_path


def test_classify_answers_one_json_line_per_record(tmp_path: Path) -> None:
    lines = [
        {
            "id": "a",
            "text": "Musk is seeking up to $134 billion from OpenAI and Microsoft.",
            "lang": "en",
        },
        {
            "id": "b",
            "title": "Judge denies Musk's injunction bid against OpenAI",
            "text": "More soon.",
        },
        {"id": "c", "text": "Tesla shares rose on Tuesday."},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = runner.invoke(app, ["classify", "--config-dir", str(config(tmp_path))], input=stdin)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["a", "b", "c"]
    for a in answers:
        assert {"id", "relevant", "claim_amount_usd", "ruling", "rules"} <= set(a)
    assert answers[0]["claim_amount_usd"] == {"low": None, "high": 134000000000}
    assert "claimed-amount" in answers[0]["rules"]
    assert answers[1]["ruling"]["kind"] == "injunction"
    assert answers[2] == {**answers[2], "relevant": False, "claim_amount_usd": None, "ruling": None}


def test_classify_names_the_bad_line_and_exits_2(tmp_path: Path) -> None:
    stdin = json.dumps({"id": "a", "text": "fine"}) + "\n{not json\n"
    result = runner.invoke(app, ["classify", "--config-dir", str(config(tmp_path))], input=stdin)
    assert result.exit_code == 2
    assert "input line 2" in result.stderr
    assert "Traceback" not in result.output


def test_classify_reads_a_file(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": 7, "text": "nothing"}) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["classify", "--input", str(data), "--config-dir", str(config(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "7"


def test_validate_exits_2_and_names_file_and_line(tmp_path: Path) -> None:
    root = config(tmp_path)
    bad = root / "rules" / "bad.yaml"
    bad.write_text(
        "topic:\n  name: X\n  slug: x\n  parties:\n    plaintiffs: [{name: A}]\n"
        "    defendants: [{name: B}]\n  relevance: {any: [A]}\nrules:\n"
        "  - name: y\n    kind: keywords\n    any: [z]\n    bogus: 1\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert result.exit_code == 2
    assert f"{bad}:12" in result.stderr
    assert "bogus" in result.stderr
    bad.unlink()
    ok = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert ok.exit_code == 0, ok.output


def test_add_and_remove_keep_comments(tmp_path: Path) -> None:
    root = config(tmp_path)
    path = root / "rules" / "musk-v-openai.yaml"
    before = path.read_text(encoding="utf-8")
    added = runner.invoke(
        app, ["rules", "add", "zilis", "--any", "Shivon Zilis", "--config-dir", str(root)]
    )
    assert added.exit_code == 0, added.output
    text = path.read_text(encoding="utf-8")
    assert "name: zilis" in text
    assert "# The total amount Musk claims." in text
    listed = runner.invoke(app, ["rules", "list", "--json", "--config-dir", str(root)])
    assert "zilis" in [r["rule"] for r in json.loads(listed.stdout)]
    removed = runner.invoke(app, ["rules", "remove", "zilis", "--config-dir", str(root)])
    assert removed.exit_code == 0, removed.output
    assert path.read_text(encoding="utf-8") == before


def test_add_refuses_a_bad_pattern_without_touching_the_file(tmp_path: Path) -> None:
    root = config(tmp_path)
    path = root / "rules" / "musk-v-openai.yaml"
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "rules",
            "add",
            "bad",
            "--kind",
            "regex",
            "--pattern",
            "(a)\\1",
            "--config-dir",
            str(root),
        ],
    )
    assert result.exit_code == 2
    assert "RE2 cannot run" in result.stderr
    assert path.read_text(encoding="utf-8") == before


def test_rules_test_explains_every_rule(tmp_path: Path) -> None:
    text = "A federal judge denied Musk's request for an injunction against OpenAI."
    result = runner.invoke(app, ["rules", "test", text, "--config-dir", str(config(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "court-ruling [ruling] MATCH: injunction" in result.stdout
    assert "claimed-amount [claim-amount] no match" in result.stdout


def test_rules_test_reads_a_file(tmp_path: Path) -> None:
    doc = tmp_path / "article.txt"
    doc.write_text("Elon Musk seeks up to $134 billion from OpenAI.", encoding="utf-8")
    result = runner.invoke(
        app, ["rules", "test", "--file", str(doc), "--json", "--config-dir", str(config(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "claimed-amount" in data["matched_rules"]


def test_rules_test_with_an_invalid_url_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["rules", "test", "--url", "notaurl", "--config-dir", str(config(tmp_path))]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --url: not an http(s) URL: 'notaurl'"


def test_validate_shows_every_error_of_a_file_each_with_its_line(tmp_path: Path) -> None:
    root = config(tmp_path)
    bad = root / "rules" / "bad.yaml"
    bad.write_text(
        "topic:\n  name: X\n  slug: x\n  parties:\n    plaintiffs: [{name: A}]\n"
        "    defendants: [{name: B}]\n  relevance: {any: [A, '@defendantz']}\nrules:\n"
        "  - name: y\n    kind: keywords\n    any: [z]\n    bogus: 1\n"
        "  - name: w\n    kind: keywords\n    all: ['@plaintiffs', {any: ['@judgez']}]\n"
        "  - name: r\n    kind: regex\n    patterns: [a]\n    none: ['@x']\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "validate", "--config-dir", str(root)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(
        f"error: {bad}:7: topic.relevance.any[1]: unknown group '@defendantz'"
    )
    assert "(known: @defendants, @plaintiffs)" in lines[0]
    assert lines[1].startswith(f"error: {bad}:12: ") and "bogus" in lines[1]
    assert lines[2].startswith(f"error: {bad}:15: rules[1].all[1].any[0]: unknown group '@judgez'")


def test_rules_test_says_in_words_what_was_found_and_what_vetoed_it(tmp_path: Path) -> None:
    text = "OpenAI was valued at $500 billion, ahead of Musk's SpaceX."
    result = runner.invoke(app, ["rules", "test", text, "--config-dir", str(config(tmp_path))])
    assert result.exit_code == 0, result.output
    topic = result.stdout.splitlines()[1]
    assert topic == (
        "topic musk-v-openai: not relevant (found 'Musk' (@plaintiffs) and 'OpenAI' "
        "(@defendants), but 'valued at' (@financing) rules it out)"
    )
    assert "{all:" not in result.stdout and "none of" not in result.stdout


def test_rules_test_explains_numbers_and_missing_words_as_people_write_them(
    tmp_path: Path,
) -> None:
    root = config(tmp_path)
    text = "Elon Musk seeks up to $134 billion from OpenAI and Microsoft."
    result = runner.invoke(app, ["rules", "test", text, "--config-dir", str(root)])
    out = result.stdout
    assert "settlement-talk [keywords] no match: missing one of 'settlement', 'settle' or" in out
    assert "damages-figure [amount-threshold] no match: no amount of $1bn or more" in out
    assert "≥" not in out and "1000000000" not in out
    damages = "Musk wants damages of $2 billion from OpenAI, his lawyers said."
    result = runner.invoke(app, ["rules", "test", damages, "--config-dir", str(root)])
    assert (
        "damages-figure [amount-threshold] MATCH: found '$2 billion', at least $1bn, in a "
        "sentence with 'damages'"
    ) in result.stdout


def test_rules_test_of_a_url_quotes_the_article_not_the_page_around_it(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    page = feed_server.add(
        "/story.html",
        Route(
            body=(
                b"<html><head><title>Musk v OpenAI</title></head><body>"
                b"<nav><a href='/'>Home</a> Musk v. OpenAI live: menu</nav>"
                b"<article><p>Elon Musk seeks up to $134 billion from OpenAI and Microsoft.</p>"
                b"</article><footer><p>Subscribe to Musk news. Copyright OpenAI Watch.</p>"
                b"</footer></body></html>"
            ),
            content_type="text/html; charset=utf-8",
        ),
    )
    result = runner.invoke(
        app, ["rules", "test", "--url", page, "--config-dir", str(config(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert "[up to $134 billion]" in result.stdout
    assert "menu" not in result.stdout and "Subscribe" not in result.stdout
