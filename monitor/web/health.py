"""What /healthz and /readyz answer. Input: the database and, inside `monitor run`, the
scheduler's heartbeat; output: (ok, reason). A web process alone judges the polling workers by
the age of the last cycle they recorded."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from monitor.domain import as_utc
from monitor.errors import StorageError
from monitor.storage import dashboard as q
from monitor.storage.engine import current_revision, head_revision
from monitor.storage.schema import head_from_files


@dataclass(slots=True)
class Heartbeat:
    """The scheduler's pulse: `beat()` when a tick starts and when it ends. Alive while the
    last beat is recent, or while a tick runs that has not overrun `stall` seconds."""

    tick_seconds: float
    stall: float
    last: float = field(default_factory=time.monotonic)
    running_since: float | None = None

    def start(self) -> None:
        self.last = self.running_since = time.monotonic()

    def done(self) -> None:
        self.last = time.monotonic()
        self.running_since = None

    def problem(self, now: float | None = None) -> str | None:
        now = time.monotonic() if now is None else now
        if self.running_since is not None:
            running = now - self.running_since
            if running > self.stall:
                return f"a polling cycle has been running for {running:.0f} s"
            return None
        quiet = now - self.last
        # Three missed ticks (APScheduler adds jitter and coalesces late runs).
        if quiet > 3 * self.tick_seconds + 5:
            return f"the scheduler has not ticked for {quiet:.0f} s"
        return None


@dataclass(frozen=True, slots=True)
class Probe:
    """How a process judges its own health: by its heartbeat (in `monitor run`), else by the
    last cycle row, which must be younger than `max_cycle_age` (None: not judged)."""

    engine: Engine
    heartbeat: Heartbeat | None = None
    max_cycle_age: timedelta | None = None

    def health(self) -> str | None:
        """None when healthy, else why not (one line)."""
        try:
            with self.engine.connect() as conn:
                q.ping(conn)
                last = q.last_cycle(conn) if self.heartbeat is None else None
        except (SQLAlchemyError, StorageError) as exc:
            return f"database not answering: {type(exc).__name__}"
        if self.heartbeat is not None:
            return self.heartbeat.problem()
        if self.max_cycle_age is None:
            return None
        if last is None:
            return "no polling cycle recorded yet"
        at = as_utc(last["finished_at"] or last["started_at"])
        age = datetime.now(UTC) - at
        if age > self.max_cycle_age:
            return f"the last polling cycle is {int(age.total_seconds())} s old"
        return None

    def readiness(self) -> str | None:
        """None when the database answers with the schema this version expects."""
        try:
            with self.engine.connect() as conn:
                q.ping(conn)
            stored = current_revision(self.engine)
        except (SQLAlchemyError, StorageError) as exc:
            return f"database not answering: {type(exc).__name__}"
        expected = head_from_files() or head_revision()
        if stored != expected:
            return f"database schema at {stored}, expected {expected} (run monitor db upgrade)"
        return None
