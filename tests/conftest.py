"""Shared fixtures: real databases (SQLite in tmp_path and a throwaway PostgreSQL database per
test, cloned from a migrated template), the ../shared folder, and a clock."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from monitor.storage.engine import make_engine, upgrade

sys.path.insert(0, str(Path(__file__).parent))  # tests/feedserver.py and friends

from feedserver import FeedServer
from notifyservers import FakeSlack, SmtpSink

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "MONITOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test when absent, fails when CI=true."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing but CI=true: the tests need ../shared")
        pytest.skip(f"{path} not present")
    return path


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers at PG_ADMIN_URL, else why not."""
    engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()
    return None


_PG_MISSING: list[str] = []


def _params(item: pytest.Item) -> list[object]:
    callspec = getattr(item, "callspec", None)
    return list(callspec.params.values()) if callspec is not None else []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Outside CI, without PostgreSQL, its half of the tests is left out with one line; under
    CI=true they run, and fail."""
    if os.environ.get("CI") == "true":
        return
    on_pg = [i for i in items if "postgresql" in _params(i)]
    if not on_pg:
        return
    why = _pg_reachable()
    if why is None:
        return
    config.hook.pytest_deselected(items=on_pg)
    left_out = set(on_pg)
    items[:] = [i for i in items if i not in left_out]
    _PG_MISSING.append(
        f"PostgreSQL not reachable at {PG_ADMIN_URL} ({why}): its {len(on_pg)} tests were left out"
        " (CI=true makes this a failure)"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _PG_MISSING:
        terminalreporter.write_line(line, yellow=True)


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The commands keep parsed YAML in $XDG_CACHE_HOME: the tests' copies go in a temporary
    folder, not in the user's ~/.cache."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database that each test clones (CREATE DATABASE ... TEMPLATE)."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"monitor_tmpl_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the suite must fail, not skip, without PostgreSQL
        pytest.fail(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url, pool=False)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_clone(template: str) -> tuple[str, str]:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"monitor_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _pg_drop(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL: every storage test runs on both backends."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'monitor.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    template = request.getfixturevalue("_pg_template")
    name, url = _pg_clone(template)
    yield url
    _pg_drop(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def config_dir(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config dir whose database is `db_url` (both backends)."""
    monkeypatch.setenv("MONITOR_DATABASE_URL", db_url)
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(tmp_path / "cfg"))
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    return cfg


# Notifiers: the fake Slack server, the SMTP sink, a config dir with no notifiers/ (the
# environment decides) and a clean notifier environment.

NOTIFY_ENV = (
    "SLACK_WEBHOOK_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_CHANNEL",
    "SLACK_API_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_SECURITY",
    "DIGEST_TO",
    "DIGEST_FROM",
    "DIGEST_TIME",
    "DIGEST_TIMEZONE",
    "MONITOR_CONFIG_DIR",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NOTIFY_ENV:
        monkeypatch.delenv(name, raising=False)
    # `monitor run` serves its pages at 127.0.0.1:8080 by default: tests that start it must
    # not fight over a fixed port (tests/web asks for a free one).
    monkeypatch.setenv("MONITOR_HTTP_ADDR", "off")
    monkeypatch.delenv("MONITOR_HTTP_TOKEN", raising=False)
    monkeypatch.delenv("MONITOR_LANGUAGE", raising=False)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    root = tmp_path / "cfg"
    (root / "notifiers").mkdir(parents=True)
    return root
