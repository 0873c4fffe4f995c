"""Text normalisation: fold (and its map back to the original), sentences, language guess."""

from __future__ import annotations

import pytest

from monitor.parse.textnorm import _fold_char, fold, fold_str, guess_language, sentences

SAMPLES = [
    "",
    "Plain ASCII, Mixed Case.",
    "Le juge a rejeté l’appel déposé jeudi.",
    "Die Straße zum Gerichtsgebäude war gesperrt.",  # ß folds to two characters
    "El tribunal ordenó la suspensión — por ahora.",
    "ﬁnal ruling on ½ of the claim",  # ligature and fraction: one to several
    "İstanbul court ＡＢＣ１２３，全角",  # dotted capital I, full-width letters and comma
    "裁判所は請求を棄却した。",
]


def _reference(text: str) -> tuple[str, list[int]]:
    """The definition: each character folded on its own, each folded character mapped back."""
    parts = [_fold_char(ch) for ch in text]
    index = [i for i, part in enumerate(parts) for _ in part] + [len(text)]
    return "".join(parts), index


@pytest.mark.parametrize("text", SAMPLES)
def test_fold_matches_the_per_character_definition(text: str) -> None:
    folded = fold(text)
    expected_text, expected_index = _reference(text)
    assert folded.original == text
    assert folded.text == expected_text
    assert list(folded.index) == expected_index
    assert fold_str(text) == expected_text


def test_fold_maps_spans_back_when_lengths_differ() -> None:
    text = "Die Straße ist nass."
    folded = fold(text)
    assert folded.text == "die strasse ist nass."
    start = folded.text.index("strasse")
    o_start, o_end = folded.span(start, start + len("strasse"))
    assert text[o_start:o_end] == "Straße"
    assert folded.span(len(folded.text), len(folded.text) + 3) == (len(text), len(text))


def test_fold_keeps_one_to_one_offsets() -> None:
    text = "Décision rendue à Montréal."
    folded = fold(text)
    assert folded.text == "decision rendue a montreal."
    start = folded.text.index("montreal")
    assert folded.span(start, start + 8) == (start, start + 8)


def test_sentences_split_on_stops_but_not_abbreviations() -> None:
    text = "Dr. Weber spoke first. The panel agreed! Am 3. Mai folgt das Urteil. Fin."
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "Dr. Weber spoke first.",
        "The panel agreed!",
        "Am 3. Mai folgt das Urteil.",
        "Fin.",
    ]


def test_sentences_split_on_blank_lines_and_bullets() -> None:
    text = "Headline here\n\n- first point\n- second point • third point。次"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["Headline here", "first point", "second point", "third point。", "次"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The court said that the motion was denied.", "en"),
        ("Le tribunal a dit que la demande est rejetée pour des raisons de forme.", "fr"),
        ("Das Gericht hat die Klage nicht zugelassen und die Kosten auferlegt.", "de"),
        ("El juez dijo que los abogados de la empresa se retiraron.", "es"),
        ("xyz qwerty", None),
        ("", None),
        ("裁判所は請求を棄却した。", "ja"),
        ("De rechter heeft het verzoek van de advocaten niet toegewezen.", "nl"),
        ("Thẩm phán đã bác bỏ yêu cầu của các luật sư trong vụ kiện.", "vi"),
        ("Суд отклонил ходатайство адвокатов компании.", "ru"),
        ("Hakim menolak permintaan yang diajukan oleh pengacara dari perusahaan itu.", "id"),
        ("법원은 변호인단의 요청을 기각했다.", "ko"),
    ],
)
def test_guess_language(text: str, lang: str | None) -> None:
    assert guess_language(text) == lang
