"""Database engines: SQLite (one process, WAL + busy_timeout) or PostgreSQL (many workers), and
the schema brought up to date by Alembic."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import NullPool

from monitor.errors import ConfigError, StorageError
from monitor.storage.schema import MIGRATIONS, head_from_files

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SQLITE_BUSY_MS = 30000  # a writer waits this long for another one (see _sqlite_pragmas)

SECRET_QUERY_KEYS = ("password", "passwd", "pwd", "sslpassword", "token", "secret")


def _split_userinfo(url: str) -> tuple[str, str, str] | None:
    """(scheme://, userinfo, @host...) split at the last '@' before the query: a password
    with an unencoded '@' then stays whole in the userinfo. None without userinfo."""
    scheme, sep, rest = url.partition("://")
    head = rest.split("?", 1)[0]
    at = head.rfind("@")
    if not sep or at < 0:
        return None
    return scheme + sep, rest[:at], rest[at:]


def redact(url: str) -> str:
    """The URL without its password (in the userinfo, even holding an unencoded '@', or as a
    query parameter such as `?password=`), for messages and logs."""
    split = _split_userinfo(url)
    if split is not None and ":" in split[1]:
        user = split[1].split(":", 1)[0]
        url = f"{split[0]}{user}:***{split[2]}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<invalid database URL>"
    hidden = {k: "REDACTED" for k in parsed.query if any(s in k.lower() for s in SECRET_QUERY_KEYS)}
    return parsed.update_query_dict(hidden).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    text_ = str(exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def read_only_files(database: str) -> str:
    """The files SQLite must be able to write for `database`, those found read-only first
    (as root every file looks writable: then all of them are named)."""
    db = Path(database)
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    stuck = [str(p) for p in files if p.exists() and not os.access(p, os.W_OK)]
    if not os.access(db.parent, os.W_OK):
        stuck.append(f"the folder {db.parent}/")
    named = stuck or [*map(str, files), f"the folder {db.parent}/"]
    return ", ".join(named)


def classify(exc: BaseException, url: URL | str) -> StorageError | None:
    """The StorageError for a database that cannot be used right now (gone, restarting,
    refusing connections, read-only files), else None (a query's own error, a bug)."""
    if isinstance(exc, StorageError):
        return exc
    orig: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    invalidated = isinstance(exc, DBAPIError) and exc.connection_invalidated
    parsed = make_url(url) if isinstance(url, str) else url
    if isinstance(orig, sqlite3.OperationalError):
        name = getattr(orig, "sqlite_errorname", "")
        if name.startswith("SQLITE_READONLY") or "readonly database" in str(orig):
            database = parsed.database or ""
            return StorageError(
                f"database {database} is read-only: make {read_only_files(database)} writable "
                "by the user that runs monitor (SQLite writes the -wal and -shm files next to "
                "the database)",
                kind="read-only",
            )
        if name.startswith("SQLITE_CANTOPEN"):
            folder = Path(parsed.database or ".").parent
            return StorageError(
                f"cannot open database {parsed.database}: {_first_line(orig)} (check that it "
                f"and the folder {folder}/ exist and are readable and writable)"
            )
        return None
    # psycopg is only imported when PostgreSQL is used (not at every command's start-up).
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(orig, psycopg.errors.ReadOnlySqlTransaction):
        return StorageError(
            f"database {redact(str(parsed))} is read-only: {_first_line(orig)}", kind="read-only"
        )
    if invalidated or (psycopg is not None and _connection_lost(orig, psycopg)):
        return StorageError(
            f"database {redact(str(parsed))} unreachable: {_first_line(orig)}", kind="unreachable"
        )
    return None


# Server states that mean "not there right now" (SQLSTATE): shutting down, crashed, starting
# up, out of connection slots. Other OperationalErrors (a lock or statement timeout, a
# cancelled query) are a query's own failure, not an outage.
_GONE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def _connection_lost(orig: BaseException, psycopg: Any) -> bool:
    if isinstance(orig, psycopg.InterfaceError):  # "the connection is closed"
        return True
    if not isinstance(orig, psycopg.OperationalError):
        return False
    state = getattr(orig, "sqlstate", None)  # None: failed on the client side (connect, socket)
    return state is None or state.startswith("08") or state in _GONE_STATES


def _classify_on_error(context: ExceptionContext) -> None:
    # Classified once, where the error enters: callers see a one-line StorageError, never a
    # driver's traceback. A failed pre-ping is SQLAlchemy's to handle (it reconnects).
    if context.is_pre_ping or context.engine is None:
        return
    error = classify(context.original_exception, context.engine.url)
    if error is not None:
        raise error from context.original_exception


def make_engine(url: str, *, pool: bool = True) -> Engine:
    """An engine for `url`. A URL that cannot be right (unknown database or driver, unknown
    connection option, an '@' in the password) is a ConfigError that names it, redacted."""
    split = _split_userinfo(url)
    if split is not None and "@" in split[1]:
        raise ConfigError(
            f"database URL {redact(url)}: its user or password holds an '@': percent-encode it"
            " as %40"
        )
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "not a database URL (sqlite:///path or postgresql+psycopg://user@host/db)"
        ) from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 10}
    else:
        raise ConfigError(
            f"unsupported database: {parsed.get_backend_name()} (use sqlite or postgresql)"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.query:
        _check_pg_options(parsed.query, url)
    if not pool:
        kwargs["poolclass"] = NullPool
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"database URL {redact(url)}: unknown driver '{parsed.drivername}'"
            " (use sqlite or postgresql+psycopg)"
        ) from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise ConfigError(f"database URL {redact(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "handle_error", _classify_on_error)
    return engine


def _check_pg_options(query: Any, url: str) -> None:
    """libpq's own check of the connection options (`?sslmode=...`), before any connection."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import make_conninfo

    options = {k: (v if isinstance(v, str) else v[-1]) for k, v in query.items()}
    try:
        make_conninfo("", **options)
    except ProgrammingError as exc:
        raise ConfigError(f"database URL {redact(url)}: {str(exc).strip()}") from None


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers (the CLI) run while the scheduler writes; busy_timeout makes writers wait
    # instead of failing with "database is locked" (without it, most writes from a few processes fail at once).
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = None
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://")))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stored_revision(engine: Engine) -> str | None:
    """The revision the database is at, read with plain SQL (None: no or odd version table)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (a no-op when up to date)."""
    try:
        head = head_from_files()
        if head is not None and _stored_revision(engine) == head:
            return  # up to date: the usual case, decided without importing Alembic
        from alembic import command

        cfg = _alembic_config(engine)
        if current_revision(engine) == head_revision():
            return
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StorageError(f"database {redact(str(engine.url))} unreachable: {exc.orig}") from None
