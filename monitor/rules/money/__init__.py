"""Money mentions in news text (en, fr, de, es, it, pt, nl, ru, vi, id, zh, ja, ko): figures with
their currency as Decimal, ranges and bounds resolved, doubtful readings flagged. Input: text and
its language; output: MoneyMention values and their display ("$79bn–$134bn", "up to $134bn")."""

from __future__ import annotations

from decimal import Decimal

from monitor.parse.textnorm import fold
from monitor.rules.money.grammar import MoneyMention, find_money, parse_number

__all__ = [
    "MoneyMention",
    "decimal_str",
    "find_money",
    "format_amount",
    "format_range",
    "money_in",
    "parse_number",
]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money_in(text: str, lang: str | None = None) -> list[MoneyMention]:
    """Money mentions of a plain string (folds it first)."""
    return find_money(fold(text), lang)


def decimal_str(value: Decimal) -> str:
    """Canonical decimal string: "134000000000", "13.75" (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def format_amount(value: Decimal, currency: str | None) -> str:
    """A human figure: $134bn, $38m, €23bn, 1.34tn (no currency)."""
    symbol = _SYMBOLS.get(currency or "", "")
    suffix = "" if symbol or not currency else f" {currency}"
    for size, unit in (
        (Decimal(10) ** 12, "tn"),
        (Decimal(10) ** 9, "bn"),
        (Decimal(10) ** 6, "m"),
    ):
        if abs(value) >= size:
            return f"{symbol}{decimal_str((value / size).quantize(Decimal('0.01')).normalize())}{unit}{suffix}"
    return f"{symbol}{decimal_str(value)}{suffix}"


def format_range(low: Decimal | None, high: Decimal | None, currency: str | None) -> str:
    """ "$79bn–$134bn", "up to $134bn", "over $100bn", "$150bn"."""
    if low is not None and high is not None:
        if low == high:
            return format_amount(low, currency)
        return f"{format_amount(low, currency)}–{format_amount(high, currency)}"
    if high is not None:
        return f"up to {format_amount(high, currency)}"
    if low is not None:
        return f"over {format_amount(low, currency)}"
    return "unknown"
