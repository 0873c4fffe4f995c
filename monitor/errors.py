"""The exception tree. Classify once, where the error enters; the CLI turns these into messages.

MonitorError                 anything we expect and can explain to the user
├── ConfigError              a file under the config dir is wrong (names file, line, key)
├── FetchError               a source could not be fetched
│     .transient: bool       True: timeouts, connection errors, 5xx, 429 (retry later)
│     .retry_after: float?   seconds the server asked us to wait (429/503)
├── ParseError               the body is not a feed we can read
├── StorageError             the database is unreachable, read-only, or its schema is wrong
│     .kind: str             "unreachable" (wait for it), "read-only" (fix the files), "other"
└── NotifyError              a channel refused or failed a delivery
      .transient: bool       False: bad token, channel not found (stop, keep the reason)
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error the user can act on."""


class ConfigError(MonitorError):
    """A configuration file or command-line value is invalid."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class FetchError(MonitorError):
    """A fetch failed. `transient` says whether trying again later may help."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


class ParseError(MonitorError):
    """The body could not be read as a feed (or a docket, or an API answer)."""


class StorageError(MonitorError):
    """The database cannot be used. `kind`: "unreachable" (down, restarting, refusing
    connections: waiting helps), "read-only" (files or folder not writable: an operator must
    fix it), "other" (wrong URL, schema mismatch)."""

    def __init__(self, message: str, *, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class NotifyError(MonitorError):
    """A channel did not accept a message. `transient` decides retry versus give up."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
