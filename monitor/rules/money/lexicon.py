"""Money vocabulary per language, in folded form (lower case, no accents): scale words with
their multipliers, currency symbols and words, range connectors and bound qualifiers."""

from __future__ import annotations

from decimal import Decimal

# Scale words → (multiplier, flag). A flag marks a reading worth a second look: the long-scale
# "billion" (10^12 in fr/de/es/it/pt-PT) is the classic false friend of the English billion.
LONG = "long-scale"
SCALES: dict[str, tuple[Decimal, str]] = {
    # multi-word first (the regex is built longest first)
    "mil millones": (Decimal(10) ** 9, ""),
    "mil milhoes": (Decimal(10) ** 9, ""),
    "mille milliards": (Decimal(10) ** 12, ""),
    "mille miliardi": (Decimal(10) ** 12, ""),
    "milliarden": (Decimal(10) ** 9, ""),
    "milliarde": (Decimal(10) ** 9, ""),
    "milliards": (Decimal(10) ** 9, ""),
    "milliard": (Decimal(10) ** 9, ""),
    "miliardi": (Decimal(10) ** 9, ""),
    "miliardo": (Decimal(10) ** 9, ""),
    "millardos": (Decimal(10) ** 9, ""),
    "millardo": (Decimal(10) ** 9, ""),
    "billionen": (Decimal(10) ** 12, LONG),
    "billones": (Decimal(10) ** 12, LONG),
    "billon": (Decimal(10) ** 12, LONG),
    "bilioni": (Decimal(10) ** 12, LONG),
    "bilione": (Decimal(10) ** 12, LONG),
    "bilioes": (Decimal(10) ** 12, LONG),
    "biliao": (Decimal(10) ** 12, LONG),
    "billions": (Decimal(10) ** 9, ""),  # reading depends on the language: see grammar
    "billion": (Decimal(10) ** 9, ""),
    "bilhoes": (Decimal(10) ** 9, ""),
    "bilhao": (Decimal(10) ** 9, ""),
    "trillions": (Decimal(10) ** 12, ""),
    "trillion": (Decimal(10) ** 12, ""),
    "trilhoes": (Decimal(10) ** 12, ""),
    "trilhao": (Decimal(10) ** 12, ""),
    "millionen": (Decimal(10) ** 6, ""),
    "millions": (Decimal(10) ** 6, ""),
    "million": (Decimal(10) ** 6, ""),
    "millones": (Decimal(10) ** 6, ""),
    "millon": (Decimal(10) ** 6, ""),
    "milioni": (Decimal(10) ** 6, ""),
    "milione": (Decimal(10) ** 6, ""),
    "milhoes": (Decimal(10) ** 6, ""),
    "milhao": (Decimal(10) ** 6, ""),
    # nl (biljoen is the long-scale 10^12, the false friend of "billion")
    "miljard": (Decimal(10) ** 9, ""),
    "miljoen": (Decimal(10) ** 6, ""),
    "biljoen": (Decimal(10) ** 12, LONG),
    # ru (folded: no accents; the inflected forms are listed, longest first in the regex)
    "миллиардов": (Decimal(10) ** 9, ""),
    "миллиарда": (Decimal(10) ** 9, ""),
    "миллиард": (Decimal(10) ** 9, ""),
    "млрд": (Decimal(10) ** 9, ""),
    "миллионов": (Decimal(10) ** 6, ""),
    "миллиона": (Decimal(10) ** 6, ""),
    "миллион": (Decimal(10) ** 6, ""),
    "млн": (Decimal(10) ** 6, ""),
    "триллионов": (Decimal(10) ** 12, ""),
    "триллиона": (Decimal(10) ** 12, ""),
    "триллион": (Decimal(10) ** 12, ""),
    "трлн": (Decimal(10) ** 12, ""),
    # vi (folded "tỷ", "triệu", "nghìn tỷ") and id
    "nghin ty": (Decimal(10) ** 12, ""),
    "ngan ty": (Decimal(10) ** 12, ""),
    "ty": (Decimal(10) ** 9, ""),
    "trieu": (Decimal(10) ** 6, ""),
    "miliar": (Decimal(10) ** 9, ""),
    "triliun": (Decimal(10) ** 12, ""),
    "juta": (Decimal(10) ** 6, ""),
    "thousand": (Decimal(10) ** 3, ""),
    "tausend": (Decimal(10) ** 3, ""),
    "mille": (Decimal(10) ** 3, ""),
    "mila": (Decimal(10) ** 3, ""),
    "mil": (Decimal(10) ** 3, ""),
    # abbreviations
    "bn": (Decimal(10) ** 9, ""),
    "bln": (Decimal(10) ** 9, ""),
    "mrd.": (Decimal(10) ** 9, ""),
    "mrd": (Decimal(10) ** 9, ""),
    "mrds": (Decimal(10) ** 9, ""),
    "mds": (Decimal(10) ** 9, ""),
    "md": (Decimal(10) ** 9, ""),
    "mia.": (Decimal(10) ** 9, ""),
    "mia": (Decimal(10) ** 9, ""),
    "mld.": (Decimal(10) ** 9, ""),
    "mld": (Decimal(10) ** 9, ""),
    "mln.": (Decimal(10) ** 6, ""),
    "mln": (Decimal(10) ** 6, ""),
    "mio.": (Decimal(10) ** 6, ""),
    "mio": (Decimal(10) ** 6, ""),
    "mn": (Decimal(10) ** 6, ""),
    "tn": (Decimal(10) ** 12, ""),
    "trn": (Decimal(10) ** 12, ""),
    "tsd.": (Decimal(10) ** 3, ""),
    "tsd": (Decimal(10) ** 3, ""),
    # CJK (10^4 based)
    "万亿": (Decimal(10) ** 12, ""),
    "萬億": (Decimal(10) ** 12, ""),
    "千亿": (Decimal(10) ** 11, ""),
    "千億": (Decimal(10) ** 11, ""),
    "百亿": (Decimal(10) ** 10, ""),
    "百億": (Decimal(10) ** 10, ""),
    "十亿": (Decimal(10) ** 9, ""),
    "十億": (Decimal(10) ** 9, ""),
    "亿": (Decimal(10) ** 8, ""),
    "億": (Decimal(10) ** 8, ""),
    "千万": (Decimal(10) ** 7, ""),
    "千萬": (Decimal(10) ** 7, ""),
    "百万": (Decimal(10) ** 6, ""),
    "百萬": (Decimal(10) ** 6, ""),
    "十万": (Decimal(10) ** 5, ""),
    "十萬": (Decimal(10) ** 5, ""),
    "万": (Decimal(10) ** 4, ""),
    "萬": (Decimal(10) ** 4, ""),
    "兆": (Decimal(10) ** 12, ""),
    # ko (10^4 based; "1천340억" is read as one figure by the grammar)
    "조": (Decimal(10) ** 12, ""),
    "억": (Decimal(10) ** 8, ""),
    "만": (Decimal(10) ** 4, ""),
    "千": (Decimal(10) ** 3, ""),
}
# One-letter (and "bi"/"mi") scales only count glued to a figure that has a currency symbol
# ("$134B", "$38m", "US$ 100 bi").
SHORT_SCALES: dict[str, Decimal] = {
    "k": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "b": Decimal(10) ** 9,
    "t": Decimal(10) ** 12,
    "bi": Decimal(10) ** 9,
    "mi": Decimal(10) ** 6,
}

# Currency written before the figure (folded) → ISO code.
PREFIX_CURRENCIES: dict[str, str] = {
    "u.s.$": "USD",
    "u.s. $": "USD",
    "us$": "USD",
    "us $": "USD",
    "u$s": "USD",
    "usd$": "USD",
    "us-$": "USD",
    "usd": "USD",
    "hk$": "HKD",
    "nt$": "TWD",
    "a$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "r$": "BRL",
    "$": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "chf": "CHF",
    "cn¥": "CNY",
    "rmb": "CNY",
    "¥": "JPY",
    "新台幣": "TWD",
    "新台币": "TWD",
    "台幣": "TWD",
    "台币": "TWD",
    "港幣": "HKD",
    "港币": "HKD",
    "人民幣": "CNY",
    "人民币": "CNY",
    "美金": "USD",
}
# Currency written after the figure (folded) → ISO code.
SUFFIX_CURRENCIES: dict[str, str] = {
    "dollars americains": "USD",
    "dollars us": "USD",
    "dolares estadounidenses": "USD",
    "dolares americanos": "USD",
    "us-dollars": "USD",
    "us-dollar": "USD",
    "us dollars": "USD",
    "us dollar": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "dolares": "USD",
    "dolar": "USD",
    "dollari": "USD",
    "dollaro": "USD",
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "€": "EUR",
    "pounds": "GBP",
    "livres": "GBP",
    "sterline": "GBP",
    "£": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rand": "ZAR",
    "yen": "JPY",
    "francs": "CHF",
    "franken": "CHF",
    "美元": "USD",
    "美金": "USD",
    "米ドル": "USD",
    "ドル": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "港幣": "HKD",
    "日元": "JPY",
    "日圓": "JPY",
    "円": "JPY",
    "欧元": "EUR",
    "歐元": "EUR",
    "ユーロ": "EUR",
    "人民币": "CNY",
    "人民幣": "CNY",
    "新台幣": "TWD",
    "台幣": "TWD",
    "元": "CNY",
    # ko, ru, vi, nl
    "달러": "USD",
    "원": "KRW",
    "유로": "EUR",
    "엔": "JPY",
    "위안": "CNY",
    "долларов сша": "USD",
    "долларов": "USD",
    "доллара": "USD",
    "доллар": "USD",
    "долл.": "USD",
    "евро": "EUR",
    "рублей": "RUB",
    "рубля": "RUB",
    "đo la my": "USD",
    "đo la": "USD",
    "amerikaanse dollar": "USD",
    "dolar as": "USD",
}

# Between the two ends of a range. OPEN connectors need an opener ("between X and Y").
RANGE_CONNECTORS = r"-to-|-|to|a|bis|through|ate|au|tot|至|到|~|〜|～|から|에서(?:\s*최대)?"
RANGE_CONNECTORS_NEED_OPENER = r"and|et|und|y|e|and up to|en|до|и|đen|toi|dan|hingga"
RANGE_OPENERS = (
    r"between|from|range of|ranging from|entre|de|d'|von|zwischen|desde|da|tra|fra|van|"
    r"compris entre|comprises entre|compreso tra|compresi tra|介于|介於|tussen|от|между|tu|khoang tu|"
    r"antara"
)

# Qualifiers right before a figure (folded).
UPPER = (
    r"up to|as much as|as high as|no more than|not more than|at most|a maximum of|maximum of|"
    r"capped at|jusqu'a|jusqu'au|pouvant aller jusqu'a|allant jusqu'a|au maximum|au plus|"
    r"bis zu|maximal|hochstens|von bis zu|hasta|de hasta|como maximo|un maximo de|fino a|sino a|"
    r"fino ad|al massimo|massimo|ate|no maximo|pode chegar a|podendo chegar a|puede llegar a|"
    r"pudiendo llegar a|could reach|could climb to|peut atteindre|pourrait atteindre|"
    r"potrebbe raggiungere|potrebbe arrivare a|puo arrivare a|"
    # nl, ru, vi
    r"tot wel|tot maar liefst|tot een maximum van|maximaal|hooguit|ten hoogste|tot|"
    r"вплоть до|не более|максимум|до|len toi|len đen|toi đa|toi|hingga|sampai|maksimal"
)
LOWER = (
    r"over|more than|above|in excess of|upwards of|at least|north of|plus de|au moins|"
    r"mehr als|uber|mindestens|mas de|al menos|por encima de|oltre|piu di|almeno|mais de|"
    r"pelo menos|acima de|meer dan|ruim|minstens|ten minste|более чем|более|свыше|больше|"
    r"не менее|как минимум|hon|tren|it nhat|toi thieu|lebih dari|setidaknya"
)
APPROX = (
    r"about|around|roughly|approximately|some|nearly|almost|close to|an estimated|estimated|"
    r"circa|environ|pres de|quelque|presque|rund|etwa|ca\.|knapp|fast|gut|unos|unas|"
    r"alrededor de|cerca de|aproximadamente|casi|quasi|intorno ai|intorno a|quase|ongeveer|"
    r"zo'n|bijna|rond de|около|примерно|порядка|почти|приблизительно|khoang|gan|xap xi|sekitar"
)
