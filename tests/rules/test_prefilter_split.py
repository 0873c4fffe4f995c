"""`Prefilter.split`, where items are parsed: the items no rule can find anything in are named
(stored as read), only the others have their language detected, and the rules it reads are
those of the folder as it is, also in a worker process it was pickled into."""

from __future__ import annotations

import json
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import pytest

from monitor.domain import Item
from monitor.prefilter import Prefilter

REPO = Path(__file__).resolve().parents[2]


def _item(key: str, title: str, text: str, language: str | None = None) -> Item:
    return Item(
        source="wire",
        key=key,
        title=title,
        text=text,
        url=f"https://wire.example/{key}",
        published=datetime(2026, 5, 18, tzinfo=UTC),
        language=language,
    )


ITEMS = [
    _item("storm", "Storm closes schools", "Heavy rain closed schools across the county."),
    _item(
        "claim",
        "Musk fordert von OpenAI bis zu 134 Milliarden Dollar",
        "Elon Musk verlangt von OpenAI Schadenersatz von bis zu 134 Milliarden Dollar.",
    ),
    _item("given", "Musk v. OpenAI: trial date set", "The judge set the trial date.", "fr"),
]


def _split(prefilter: Prefilter) -> tuple[dict[str, str | None], frozenset[str]]:
    items, unread = prefilter.split(list(ITEMS))
    return {i.key: i.language for i in items}, unread


def test_only_items_the_rules_will_read_get_a_language(tmp_path: Path) -> None:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    languages, unread = _split(Prefilter(tmp_path / "rules", "v1"))
    assert unread == {"storm"}
    # detected for the item about the dispute; a declared language is kept as it is
    assert languages == {"storm": None, "claim": "de", "given": "fr"}


def test_without_rules_nothing_is_read_and_nothing_detected(tmp_path: Path) -> None:
    languages, unread = _split(Prefilter(tmp_path / "no-rules", "v1"))
    assert unread == {"storm", "claim", "given"}
    assert languages == {"storm": None, "claim": None, "given": "fr"}


def test_rules_that_do_not_load_make_every_item_one_to_read(tmp_path: Path) -> None:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    for path in (tmp_path / "rules").glob("*.yaml"):
        path.write_text(path.read_text().replace("kind:", "kindd:", 1))
    languages, unread = _split(Prefilter(tmp_path / "rules", "broken"))
    assert unread == frozenset()
    assert languages == {"storm": "en", "claim": "de", "given": "fr"}


def test_a_worker_compiles_the_rules_of_the_folder_it_is_given(tmp_path: Path) -> None:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    local_calls: list[int] = []

    def local() -> object:  # the cycle's own rule set: must not travel to the worker
        local_calls.append(1)
        raise AssertionError("called in the worker")

    prefilter = Prefilter(tmp_path / "rules", "v1", local=local)  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(prefilter))._local is None
    # shipped as the pipeline ships it: the bound method, to a fresh process
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        items, unread = pool.submit(prefilter.split, list(ITEMS)).result()
    assert unread == {"storm"}
    assert {i.key: i.language for i in items} == {"storm": None, "claim": "de", "given": "fr"}
    assert local_calls == []


def test_the_topics_alone_decide_as_the_whole_rule_set_does() -> None:
    """The workers compile the topics only: `could_match` must agree with the full rule set on
    every labelled snippet we hold and on items about other things."""
    from monitor.rules import load_ruleset

    full = load_ruleset(REPO / "rules")
    light = load_ruleset(REPO / "rules", prefilter_only=True)
    heldout = Path(__file__).resolve().parent / "heldout"
    items = list(ITEMS)
    for path in sorted(heldout.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                record = json.loads(line)
                items.append(_item(f"{path.stem}-{n}", record.get("title") or "", record["text"]))
    assert len(items) > 500
    decided = [full.could_match(i) for i in items]
    assert [light.could_match(i) for i in items] == decided
    assert any(decided) and not all(decided)
    with pytest.raises(RuntimeError):
        light.evaluate(items[0])


def test_the_forkserver_compiles_the_rules_it_is_told_of_once_for_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor import prefilter as module

    shutil.copytree(REPO / "rules", tmp_path / "rules")
    monkeypatch.setenv(module.PRELOAD_ENV, "")  # restored after the test
    told = Prefilter(tmp_path / "rules", (("musk-v-openai.yaml", 1.5),))
    told.preload_in_workers()
    module._compiled.cache_clear()
    module._preload()  # what importing the module does in the forkserver
    assert module._compiled.cache_info().misses == 1
    worker = pickle.loads(pickle.dumps(told))  # a forked worker: same folder, same stamp
    assert worker.ruleset() is not None
    assert module._compiled.cache_info().misses == 1  # not compiled again

    monkeypatch.setenv(module.PRELOAD_ENV, "[not json")
    module._preload()  # never raises: it would stop the forkserver
