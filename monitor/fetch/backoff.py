"""When to check a source next: its interval with jitter when healthy; exponential backoff with
jitter after failures; never before a server's Retry-After (up to a day)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_BACKOFF = timedelta(hours=6)
MAX_RETRY_AFTER = timedelta(days=1)  # a server asking for longer is asked again after a day
JITTER = 0.1


def next_check(
    now: datetime,
    interval: timedelta,
    *,
    failures: int = 0,
    retry_after: float | None = None,
    permanent: bool = False,
    rng: random.Random | None = None,
) -> datetime:
    """The time of the next check. `failures` counts consecutive failures including this one."""
    r = rng or random
    if failures <= 0:
        delay = interval.total_seconds() * (1 + r.uniform(-JITTER, JITTER))
    else:
        base = interval.total_seconds() * (4 if permanent else 1)
        # The exponent is capped: a source failing for months must not overflow a float.
        delay = min(base * 2 ** min(failures - 1, 32), MAX_BACKOFF.total_seconds())
        delay *= r.uniform(1.0, 1.0 + 2 * JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER.total_seconds()))
    return now + timedelta(seconds=delay)
