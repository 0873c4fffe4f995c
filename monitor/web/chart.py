"""The claimed amount over time as an SVG step chart, made on the server (no JavaScript).
Input: the confirmed values of a claim, oldest first; output: escaped SVG markup."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup, escape

from monitor.domain import as_utc

WIDTH = 1000
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 40
CHAR_WIDTH = 7.8  # of the 13 px labels, a little wide, so that labels never touch
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def amount(value: Mapping[str, Any]) -> float | None:
    """The amount a claim value stands for: its upper bound, else its lower bound."""
    for key in ("high", "low"):
        raw = value.get(key)
        if raw is None:
            continue
        try:
            number = float(Decimal(str(raw)))
        except (InvalidOperation, ValueError):
            continue
        if math.isfinite(number) and number >= 0:
            return number
    return None


def compact(number: float, currency: str | None) -> str:
    """150e9 → $150bn: the axis labels."""
    symbol = SYMBOLS.get((currency or "").upper(), "")
    suffix = "" if symbol or not currency else f" {currency}"
    for size, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(number) >= size:
            scaled = number / size
            text = f"{scaled:.0f}" if scaled == int(scaled) else f"{scaled:.1f}"
            return f"{symbol}{text}{unit}{suffix}"
    return f"{symbol}{number:.0f}{suffix}"


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _when(fact: Mapping[str, Any]) -> datetime:
    return as_utc(fact.get("confirmed_at") or fact["first_seen_at"])


def claim_chart(
    facts: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    label: str,
    format_day: Any,
) -> Markup | None:
    """A step line through each confirmed value from when it was confirmed until the next one
    (the last runs until `now`), a dot and a label per value; None without a plottable value."""
    points = [(_when(f), amount(f["value"]), str(f["display"]), f["value"]) for f in facts]
    steps = [(t, a, d, v) for t, a, d, v in points if a is not None]
    if not steps:
        return None
    currency = next((v.get("currency") for _, _, _, v in steps if v.get("currency")), None)
    start = steps[0][0]
    end = max(as_utc(now), steps[-1][0])
    if end - start < timedelta(days=1):
        end = start + timedelta(days=1)
    top = _nice_ceiling(max(a for _, a, _, _ in steps if a is not None) * 1.1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = (end - start).total_seconds()

    def x(t: datetime) -> float:
        return LEFT + plot_w * (t - start).total_seconds() / span

    def y(a: float) -> float:
        return TOP + plot_h * (1 - a / top)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    for i in range(5):
        value = top * i / 4
        gy = y(value)
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{gy:.1f}" x2="{LEFT + plot_w}" y2="{gy:.1f}"'
            ' stroke="#ddd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{gy + 4:.1f}" text-anchor="end" font-size="12"'
            f' fill="#555">{escape(compact(value, currency))}</text>'
        )
    base = y(0)
    out.append(
        f'<line x1="{LEFT}" y1="{base:.1f}" x2="{LEFT + plot_w}" y2="{base:.1f}" stroke="#888"/>'
    )
    path: list[str] = []
    for i, (t, a, _, _) in enumerate(steps):
        assert a is not None
        following = steps[i + 1][0] if i + 1 < len(steps) else end
        cmd = "M" if i == 0 else "L"
        path.append(f"{cmd}{x(t):.1f},{y(a):.1f} L{x(following):.1f},{y(a):.1f}")
    out.append(
        f'<path class="claim-line" d="{" ".join(path)}" fill="none" stroke="#b3261e"'
        ' stroke-width="3"/>'
    )
    placed: list[tuple[float, float, float]] = []  # left, right, baseline of each label
    for t, a, display, _ in steps:
        assert a is not None
        px, py = x(t), y(a)
        out.append(
            f'<circle class="claim-point" cx="{px:.1f}" cy="{py:.1f}" r="5" fill="#b3261e">'
            f"<title>{escape(display)} · {escape(format_day(t))}</title></circle>"
        )
        # Right of its dot, or left of it near the right edge; a label that would touch one
        # already placed (values confirmed close together) moves down a line until it does not.
        width = CHAR_WIDTH * len(display)
        right_side = px + 8 + width <= WIDTH - 4
        x0 = px + 8 if right_side else px - 8 - width
        ly = py - 8
        while any(
            x0 < right + 6 and left < x0 + width + 6 and abs(ly - base_y) < 15
            for left, right, base_y in placed
        ):
            ly += 16
        placed.append((x0, x0 + width, ly))
        out.append(
            f'<text x="{x0:.1f}" y="{ly:.1f}" font-size="13" fill="#222">{escape(display)}</text>'
        )
    for t in (start, end):
        anchor = "start" if t == start else "end"
        out.append(
            f'<text x="{x(t):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}" font-size="12"'
            f' fill="#555">{escape(format_day(t))}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))
