"""Durations as people write them in the YAML files (`90s`, `10m`, `2h`, `1d`, or a bare number of
minutes) → timedelta, and back."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, None: 60}
MIN_INTERVAL = timedelta(minutes=1)  # the shortest polling interval a source may ask for


MAX_DURATION = timedelta(days=365)


def parse_duration(value: Any) -> timedelta:
    """`90s`, `10m`, `2h`, `1d`, or a bare number of minutes; a year at most."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) * 60
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 10m, 2h, 1d)")
        unit = m.group(2).lower() if m.group(2) else None
        seconds = float(m.group(1)) * _UNIT[unit]
    # .inf or 99999999999d would overflow timedelta (a traceback, not a message).
    if not math.isfinite(seconds) or abs(seconds) > MAX_DURATION.total_seconds():
        raise ValueError(f"not a duration: {value!r} (at most {format_duration(MAX_DURATION)})")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    secs = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs % size == 0:
            return f"{secs // size}{unit}"
    return f"{secs}s"


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
