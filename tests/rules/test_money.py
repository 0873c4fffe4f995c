"""The money grammar: separators per language, scale words, ranges, bounds, currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitor.rules.money import decimal_str, format_range, money_in

B = 10**9


@pytest.mark.parametrize(
    ("lang", "text", "low", "high", "currency"),
    [
        ("en", "up to $134 billion", None, 134 * B, "USD"),
        ("en", "$97.4bn", Decimal("97.4") * B, Decimal("97.4") * B, "USD"),
        ("fr", "97,4 milliards de dollars", Decimal("97.4") * B, Decimal("97.4") * B, "USD"),
        ("es", "134.000 millones de dólares", 134 * B, 134 * B, "USD"),
        ("es", "entre 79.000 y 134.000 millones de dólares", 79 * B, 134 * B, "USD"),
        ("de", "zwischen 79 und 134 Milliarden Dollar", 79 * B, 134 * B, "USD"),
        ("de", "bis zu 25,06 Mrd. US-Dollar", None, Decimal("25.06") * B, "USD"),
        ("it", "tra 79 e 134 miliardi di dollari", 79 * B, 134 * B, "USD"),
        ("pt", "até US$ 134 bilhões", None, 134 * B, "USD"),
        ("zh", "655億至1094.3億美元", Decimal("65.5") * B, Decimal("109.43") * B, "USD"),
        ("ja", "790億〜1,340億ドル", 79 * B, 134 * B, "USD"),
        ("en", "more than $100 billion", 100 * B, None, "USD"),
        ("en", "$800B+", 800 * B, None, "USD"),
        ("en", "$65.5–109.4bn", Decimal("65.5") * B, Decimal("109.4") * B, "USD"),
        ("fr", "de 79 à 134 milliards de dollars", 79 * B, 134 * B, "USD"),
        ("de", "134-Milliarden-Dollar-Klage", 134 * B, 134 * B, "USD"),
        ("en", "€23bn", 23 * B, 23 * B, "EUR"),
        ("fr", "une réclamation de 134 milliards", 134 * B, 134 * B, None),
        ("en", "a range of $79bn-$134bn", 79 * B, 134 * B, "USD"),
        ("en", "at least $79 billion, and perhaps as much as $134 billion", 79 * B, 134 * B, "USD"),
        ("de", "79.000 bis 134.000 Millionen Dollar", 79 * B, 134 * B, "USD"),
        ("es", "US$ 134.000 millones", 134 * B, 134 * B, "USD"),
        ("pt", "entre US$ 79 bilhões e US$ 134 bilhões", 79 * B, 134 * B, "USD"),
        ("zh", "最高1340亿美元", None, 134 * B, "USD"),
        ("es", "hasta 97,000 millones de dólares", None, 97 * B, "USD"),
        ("pt", "até **US$ 97 bilhões**", None, 97 * B, "USD"),
        ("pt", "que pode chegar à expressiva soma de US$ 97 bilhões", None, 97 * B, "USD"),
        ("en", "as much as the eye-watering sum of $97bn", None, 97 * B, "USD"),
        ("nl", "tot wel 97 miljard dollar", None, 97 * B, "USD"),
        ("nl", "tussen 60 en 97 miljard dollar", 60 * B, 97 * B, "USD"),
        ("nl", "ruim 2,5 miljard euro", Decimal("2.5") * B, None, "EUR"),
        ("ru", "до 97 млрд долларов", None, 97 * B, "USD"),
        ("ru", "от 60 до 97 миллиардов долларов", 60 * B, 97 * B, "USD"),
        ("ru", "более 2,5 млрд долл.", Decimal("2.5") * B, None, "USD"),
        ("vi", "từ 60 - 97 tỷ USD", 60 * B, 97 * B, "USD"),
        ("vi", "lên tới 97 tỷ USD", None, 97 * B, "USD"),
        ("ko", "최대 970억 달러", None, 97 * B, "USD"),
        ("ko", "최대 1천250억 달러", None, 125 * B, "USD"),
        ("ko", "최소 600억 달러에서 최대 1,250억 달러", 60 * B, 125 * B, "USD"),
        ("ko", "1천억 달러 이상", 100 * B, None, "USD"),
        ("ko", "50조 원", 50 * 10**12, 50 * 10**12, "KRW"),
        ("en", "a $60-to-$97 billion claim", 60 * B, 97 * B, "USD"),
        ("es", "hasta u$s 97.000 millones", None, 97 * B, "USD"),
    ],
)
def test_it_reads_money_in_each_language(
    lang: str, text: str, low: Decimal | None, high: Decimal | None, currency: str | None
) -> None:
    mentions = money_in(text, lang)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    assert (m.low, m.high, m.currency) == (low, high, currency)
    for value in (m.low, m.high):
        assert value is None or isinstance(value, Decimal)


def test_it_reads_the_long_scale_billion_as_a_trillion_and_flags_it() -> None:
    (de,) = money_in("bis zu 1,34 Billionen Dollar", "de")
    assert de.high == Decimal("1.34") * 10**12
    assert "long-scale" in de.flags
    (es,) = money_in("1,34 billones de dólares", "es")
    assert es.high == Decimal("1.34") * 10**12
    (en,) = money_in("$1.34 billion", "en")
    assert en.high == Decimal("1.34") * B and not en.flags


def test_it_flags_a_separator_against_the_language_habit() -> None:
    (m,) = money_in("$1,34 billion", "en")
    assert m.high == Decimal("1.34") * B
    assert "ambiguous-separator" in m.flags


def test_it_ignores_years_percentages_and_bare_numbers() -> None:
    assert money_in("Between 2015 and 2018 he gave 60 % of the 4:24-cv-04722 budget", "en") == []


def test_it_marks_conversions_in_brackets() -> None:
    mentions = money_in("$25bn (about €23bn)", "en")
    assert [m.parenthetical for m in mentions] == [False, True]


def test_it_keeps_chinese_list_commas_apart_from_figures() -> None:
    mentions = money_in("身家7000亿美元，3800万美元种子资金", "zh")
    assert [m.high for m in mentions] == [700 * B, 38 * 10**6]


def test_it_formats_ranges_and_bounds() -> None:
    assert format_range(Decimal(79 * B), Decimal(134 * B), "USD") == "$79bn–$134bn"
    assert format_range(None, Decimal(134 * B), "USD") == "up to $134bn"
    assert format_range(Decimal(100 * B), None, "USD") == "over $100bn"
    assert decimal_str(Decimal("65500000000.0")) == "65500000000"
    assert decimal_str(Decimal("13.750")) == "13.75"
