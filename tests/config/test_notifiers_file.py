"""Notifier configuration: notifiers/*.yaml validated with errors naming file, line and key; the
environment deciding when there is none; the console always on; the shipped example loads."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from notifyservers import T0, draft
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.config.settings import Paths
from monitor.deliver import channels as notify
from monitor.deliver import outbox
from monitor.errors import ConfigError
from monitor.notifiers.console import ConsoleNotifier
from monitor.notifiers.slack import SlackBotNotifier, SlackWebhookNotifier

REPO = Path(__file__).resolve().parents[2]


def load(cfg: Path, **env: str) -> notify.Channels:
    return notify.load_channels(Paths(cfg), environ=env)


def write(cfg: Path, text: str, name: str = "notifiers.yaml") -> Path:
    path = cfg / "notifiers" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_with_nothing_configured_only_the_console_is_on(cfg: Path) -> None:
    channels = load(cfg)
    assert list(channels.notifiers) == ["console"]
    assert isinstance(channels.notifiers["console"], ConsoleNotifier)
    assert channels.config.digest is None
    assert channels.route(draft()) == ["console"]
    assert channels.route(draft(severity="digest")) == []  # digest-only: told in the digest


def test_without_notifiers_files_the_environment_decides(cfg: Path) -> None:
    webhook = load(cfg, SLACK_WEBHOOK_URL="https://hooks.slack.com/services/T/B/x")
    assert isinstance(webhook.notifiers["slack"], SlackWebhookNotifier)

    bot = load(
        cfg, SLACK_BOT_TOKEN="xoxb-1", SLACK_CHANNEL="#c", SLACK_API_URL="http://127.0.0.1:9/api"
    )
    slack = bot.notifiers["slack"]
    assert isinstance(slack, SlackBotNotifier) and slack.channel == "#c"

    mail = load(
        cfg,
        SMTP_HOST="mail.example.org",
        DIGEST_TO="a@example.org, b@example.org",
        DIGEST_TIME="07:30",
        DIGEST_TIMEZONE="Europe/Paris",
        SMTP_SECURITY="ssl",
    )
    assert mail.config.digest is not None
    assert mail.config.digest.recipients == ("a@example.org", "b@example.org")
    assert str(mail.config.digest.zone) == "Europe/Paris" and mail.config.digest.at.hour == 7
    sender = mail.email_sender()
    assert sender is not None and sender.settings.port == 465


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not"),
        ({"SLACK_WEBHOOK_URL": "not a url"}, "SLACK_WEBHOOK_URL is not an http(s) URL"),
        (
            {"SMTP_HOST": "h", "DIGEST_TO": "a@b.c", "DIGEST_TIME": "25:00"},
            "DIGEST_TIME: not a time of day",
        ),
        (
            {"SMTP_HOST": "h", "DIGEST_TO": "a@b.c", "DIGEST_TIMEZONE": "Mars/Olympus"},
            "DIGEST_TIMEZONE: unknown time zone",
        ),
        ({"SMTP_HOST": "h", "SMTP_SECURITY": "tls"}, "SMTP_SECURITY must be starttls, ssl or none"),
        ({"SMTP_HOST": "h", "DIGEST_TO": "nobody"}, "DIGEST_TO: not an email address"),
    ],
)
def test_a_bad_environment_is_reported_by_variable_name(
    cfg: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load(cfg, **env)
    assert message in str(err.value)
    assert "not a url" not in str(err.value)  # a secret's value is never echoed


def test_config_errors_name_the_file_line_and_key(cfg: Path) -> None:
    path = write(
        cfg, "channels:\n  - name: a\n    kind: slack\n    bot_token_env: X\n    chanel: '#c'\n"
    )
    with pytest.raises(ConfigError) as err:
        load(cfg)
    assert str(err.value) == f"{path}:5: channels[0].chanel: unknown key 'chanel'"

    write(cfg, "channels:\n  - name: a\n    kind: pager\n")
    with pytest.raises(
        ConfigError, match=r"notifiers.yaml:3: channels\[0\].kind: unknown kind 'pager'"
    ):
        load(cfg)

    write(
        cfg,
        "channels:\n  - name: a\n    kind: slack\n    bot_token_env: xoxb-123-pasted-token\n    channel: c\n",
    )
    with pytest.raises(ConfigError) as err:
        load(cfg)
    assert "notifiers.yaml:4: channels[0].bot_token_env: must name an environment variable" in str(
        err.value
    )
    assert "xoxb-123" not in str(err.value)

    write(cfg, "digest:\n  to: [a@b.c]\n  timezone: Mars/Olympus\n")
    with pytest.raises(ConfigError, match=r"notifiers.yaml:3: digest.timezone: unknown time zone"):
        load(cfg)

    write(cfg, "chanels: []\n")
    with pytest.raises(ConfigError, match=r"notifiers.yaml:1: unknown key 'chanels'"):
        load(cfg)


def test_a_missing_secret_names_the_variable_and_the_line(cfg: Path) -> None:
    write(
        cfg,
        "channels:\n  - name: a\n    kind: slack\n    bot_token_env: LEGAL_SLACK_TOKEN\n    channel: c\n",
    )
    with pytest.raises(ConfigError) as err:
        load(cfg)
    assert (
        "notifiers.yaml:2: bot_token_env: environment variable LEGAL_SLACK_TOKEN is not set"
        in str(err.value)
    )


def test_channels_in_two_files_merge_and_duplicates_are_refused(cfg: Path) -> None:
    write(cfg, "channels:\n  - {name: a, kind: slack, webhook_url_env: HOOK_A}\n", "a.yaml")
    write(
        cfg,
        "channels:\n  - {name: b, kind: slack, webhook_url_env: HOOK_B, kinds: [ruling]}\n",
        "b.yaml",
    )
    channels = load(cfg, HOOK_A="https://h/a", HOOK_B="https://h/b")
    assert sorted(channels.notifiers) == ["a", "b", "console"]
    assert channels.route(draft()) == ["console", "a"]
    assert channels.route(draft(kind="ruling")) == ["console", "a", "b"]

    write(cfg, "channels:\n  - {name: a, kind: console}\n", "c.yaml")
    with pytest.raises(ConfigError, match="duplicate channel name 'a'"):
        load(cfg, HOOK_A="https://h/a", HOOK_B="https://h/b")


def test_the_shipped_example_loads(cfg: Path) -> None:
    shutil.copy(REPO / "notifiers" / "notifiers.yaml.example", cfg / "notifiers" / "notifiers.yaml")
    channels = load(cfg, SLACK_BOT_TOKEN="xoxb-1", SMTP_PASSWORD="pw")
    assert sorted(channels.notifiers) == ["console", "legal-alerts"]
    assert (
        channels.config.digest is not None
        and channels.config.digest.recipients[0] == "counsel@example.com"
    )
    assert channels.config.failure_threshold == 3
    # The example file itself (not *.yaml) is never loaded from the shipped folder.
    assert [p.name for p in (REPO / "notifiers").glob("*.yaml")] == []


def test_with_nothing_configured_alerts_print_readably_on_the_console(
    engine: Engine, cfg: Path
) -> None:
    out = io.StringIO()
    channels = notify.load_channels(Paths(cfg), environ={}, stdout=out)
    with Session(engine) as s, s.begin():
        alert = draft(20, summary="\x1b[31mred\x1b[0m")
        outbox.raise_alert(s, alert, dedup_key="a", channels=channels.route(alert), now=T0)

    assert notify.deliver(engine, channels, now=T0).sent == 1
    printed = out.getvalue()
    assert printed.startswith("[ALERT #1] Claimed amount: up to $134bn → up to $150bn\n")
    assert "why: Musk now seeks up to **$150bn** in damages" in printed
    assert "https://www.reuters.com/a?x=1&y=2" in printed
    assert "\x1b" not in printed  # no terminal escape from a feed reaches the console
