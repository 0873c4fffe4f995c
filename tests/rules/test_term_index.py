"""The term set finds a term exactly where the term's own regex (`term_pattern`, on the folded
text) finds it: its Set reads the term text of `termtext`, where the boundaries are small
classes. Our own sentences; each boundary case the term text could get wrong."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
import re2

from monitor.domain import Item
from monitor.parse.textnorm import fold_str
from monitor.rules import RuleSet, termtext
from monitor.rules.query import TermIndex, term_pattern

TERMS = [
    "OpenAI",
    "Musk",
    "Маск",
    "dismiss*",
    "motion to dismiss",
    "ungerechtfertigte* Bereicherung",
    "world's richest man",
    "马斯克",
    "오픈 AI",
    "ゴンザレス・ロジャーズ",
    "x·y",
    "naïve*",
    "ω*",
]


@pytest.fixture(scope="module")
def index() -> TermIndex:
    index = TermIndex()
    for term in TERMS:
        index.add(term)
    index.compile()
    return index


def found(index: TermIndex, text: str) -> set[str]:
    return {index.labels[i] for i in index.hits(fold_str(text))}


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("他在创立OpenAI时还很年轻", "OpenAI", True),
        ("OpenAIの新しいモデル", "OpenAI", True),
        ("OpenAIx released nothing", "OpenAI", False),
        ("the OpenAI2 draft", "OpenAI", False),
        ("Маск подал иск", "Маск", True),
        ("на нём была маска", "Маск", False),
        ("Маска не было", "Маск", False),
        ("Musk's lawyers spoke", "Musk", True),
        ("Musk’s lawyers spoke", "Musk", True),
        ("the Musks were away", "Musk", True),
        ("a muskrat swam by", "Musk", False),
        ("Musk-backed startup", "Musk", True),
        ("the judge dismissed it", "dismiss*", True),
        ("a Dismissal followed", "dismiss*", True),
        ("it stayed undismissed", "dismiss*", False),
        ("dismissal’s reasons", "dismiss*", True),
        ("a motion-to-dismiss ruling", "motion to dismiss", True),
        ("a motion  to\u00a0dismiss", "motion to dismiss", True),
        ("a motion \u2013 to dismiss", "motion to dismiss", True),
        ("a motion, to dismiss", "motion to dismiss", False),
        ("wegen ungerechtfertigter Bereicherung", "ungerechtfertigte* Bereicherung", True),
        ("ungerechtfertigteبلا Bereicherung", "ungerechtfertigte* Bereicherung", True),
        ("ungerechtfertigte· Bereicherung", "ungerechtfertigte* Bereicherung", False),
        ("the world’s richest man said", "world's richest man", True),
        ("据报道，马斯克周五表示", "马斯克", True),
        ("오픈 AI의 발표", "오픈 AI", True),
        ("ゴンザレス・ロジャーズ判事は", "ゴンザレス・ロジャーズ", True),
        ("ゴンザレス、ロジャーズ", "ゴンザレス・ロジャーズ", False),
        ("x·y", "x·y", True),
        ("x,y", "x·y", False),
        ("NAÏVETÉ", "naïve*", True),
        ("ωμέγα", "ω*", True),
        ("σω", "ω*", False),
    ],
)
def test_a_term_is_found_where_its_own_regex_finds_it(
    index: TermIndex, text: str, term: str, expected: bool
) -> None:
    assert (term in found(index, text)) is expected
    own = re2.compile(term_pattern(term)).search(fold_str(text)) is not None
    assert own is expected


# Characters each of which the boundary or a prefix term's tail tells apart from the others.
NEIGHBOURS = [
    *" \t\n-_'.,;:!?()\"",
    *"aZs0ézжωß",
    "'s",
    "’s",
    "ع",
    "ก",
    "中",
    "の",
    "・",
    "ー",
    "한",
    "\u0301",
    "\u00b7",
    "\u0387",
    "²",
    "٣",
    "ª",
    "\u2160",
    "\u3000",
    "\u00a0",
    "\ufffe",
    "\uffff",
    "\x01",
    "ǅ",
    "ℌ",
    "\U0001f600",
    "İ",
]


def test_the_set_agrees_with_each_terms_own_regex_around_every_kind_of_character(
    index: TermIndex,
) -> None:
    rng = random.Random(15)
    own = [re2.compile(term_pattern(t)) for t in index.labels]
    texts = []
    for term in TERMS:
        word = term.replace("*", "")
        for _ in range(150):
            around = [rng.choice(NEIGHBOURS) for _ in range(4)]
            middle = word.replace(" ", rng.choice([" ", "-", "\u00a0", "·", "\u2013"]))
            texts.append(f"{around[0]}{around[1]}{middle}{around[2]}{around[3]}")
            texts.append(f"{rng.choice(NEIGHBOURS)}{word.upper()}s{rng.choice(NEIGHBOURS)}")
    for text in texts:
        folded = fold_str(text)
        expected = {i for i, regex in enumerate(own) if regex.search(folded)}
        assert index.hits(folded) == expected, text
        assert index.hits_in(text) == expected, text


def test_the_term_text_keeps_every_offset() -> None:
    text = "Le 马斯克 a dit: « ωμέγα »\u00a0— ok ゴンザレス・ロジャーズ ع\U0001f600"
    folded = fold_str(text)
    assert len(termtext.reduce(folded)) == len(folded)
    assert termtext.fold_reduce(text) == termtext.reduce(folded)


def test_no_cjk_block_holds_a_letter_of_the_alphabetic_scripts() -> None:
    # The term text keeps the letters of these blocks and counts every one a boundary.
    word_like = re2.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{N}]")
    inside = [
        hex(code)
        for low, high in termtext._CJK_BLOCKS
        for code in range(low, high + 1)
        if word_like.fullmatch(chr(code))
    ]
    assert inside == []


def test_the_flat_check_agrees_with_the_topic_queries(shipped: RuleSet) -> None:
    index = shipped._index
    rng = random.Random(4)
    count = len(index.labels)
    for _ in range(3000):
        hits = frozenset(rng.sample(range(count), rng.randint(0, 6)))
        expected = any(
            not hits.isdisjoint(entry.topic.strong_ids) or entry.topic.relevance.could_match(hits)
            for entry in shipped._topics
        )
        assert shipped._could.verdict(hits) is expected, sorted(index.labels[i] for i in hits)


def test_a_name_beside_cjk_text_makes_an_item_one_to_read(
    shipped: RuleSet, make_item: Callable[..., Item]
) -> None:
    item = make_item("据报道，马斯克在创立OpenAI时曾承诺其为非营利组织，现起诉索赔。")
    assert shipped.could_match(item)
