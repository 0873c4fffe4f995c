"""Fixtures for notifier tests: the fake Slack server, the SMTP sink, a config dir in tmp_path
with no notifiers/ (the environment decides) and a clean notifier environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notifyservers import FakeSlack, SmtpSink

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
