"""Bad input on the command line or in the environment: one line naming what is wrong, exit 2,
no traceback, nothing written, no secret shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedserver import FeedServer, Route, rss
from support import runner

from monitor.cli import app


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr.strip()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.com:0/feed.xml", "no valid port"),
        ("http://example.com:99999/feed.xml", "no valid port"),
        ("http://example.com/a feed.xml", "a space or control character"),
        ("http://example.com/a\nfeed.xml", "a space or control character"),
        ("http://reader:s3cret@example.com/feed.xml", "holds credentials"),
    ],
)
def test_sources_add_refuses_a_url_that_cannot_be_fetched_or_holds_a_password(
    config_dir: Path, url: str, problem: str
) -> None:
    code, err = _run("sources", "add", url, "--name", "x", "--no-check")
    assert code == 2 and problem in err
    assert "s3cret" not in err
    assert not (config_dir / "sources.yaml").exists()


def test_a_header_value_with_a_line_break_is_refused_at_its_line(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(
        "sources:\n  - name: a\n    url: https://example.com/f.xml\n"
        '    headers: {X-Api-Key: "k\\r\\nX-Evil: 1"}\n',
        encoding="utf-8",
    )
    code, err = _run("sources", "list")
    assert code == 2
    assert "sources.yaml:4" in err and "line break" in err


def test_a_header_from_the_environment_is_sent_and_never_stored(
    feed_server: FeedServer, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.add("/feed.xml", Route(body=rss([("a", "One")])))
    (config_dir / "sources.yaml").write_text(
        f"sources:\n  - name: a\n    url: {url}\n    headers_env: {{X-Api-Key: FEED_KEY}}\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("FEED_KEY", raising=False)
    assert _run("poll")[0] == 0
    assert not feed_server.hits("/feed.xml")  # never fetched without its key
    assert "FEED_KEY is not set" in runner.invoke(app, ["sources", "list"]).stdout

    monkeypatch.setenv("FEED_KEY", "k3y-value")
    assert _run("poll")[0] == 0
    (hit,) = feed_server.hits("/feed.xml")
    assert hit.headers["x-api-key"] == "k3y-value"
    assert "k3y-value" not in runner.invoke(app, ["sources", "list", "--json"]).stdout
    assert "k3y-value" not in (config_dir / "sources.yaml").read_text()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql+psycopg://postgres:p@ss@127.0.0.1:1/x", "percent-encode it as %40"),
        ("postgresql+nodriver://postgres@127.0.0.1/x", "unknown driver 'postgresql+nodriver'"),
        (
            "postgresql+psycopg://postgres@127.0.0.1:5432/x?bogus=1",
            'invalid connection option "bogus"',
        ),
        ("mysql://u@db/x", "unsupported database: mysql"),
        ("not a url", "not a database URL"),
    ],
)
def test_a_database_url_that_cannot_work_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("MONITOR_DATABASE_URL", url)
    code, err = _run("status")
    assert code == 2 and problem in err
    assert "ss@" not in err  # the password with its '@' is hidden whole


def test_a_password_with_an_unencoded_at_sign_is_redacted_whole() -> None:
    from monitor.storage.engine import redact

    shown = redact("postgresql+psycopg://postgres:p@ss@word@db.example:5432/x")
    assert shown == "postgresql+psycopg://postgres:***@db.example:5432/x"
    assert "ss" not in shown.replace("postgres", "") and "word" not in shown


COMMANDS = [
    ["status"],
    ["poll"],
    ["items", "list"],
    ["outbox", "list"],
    ["digest", "send"],
    ["db", "upgrade"],
    ["sources", "list"],
    ["sources", "add", "https://example.com/feed.xml", "--name", "a", "--no-check"],
    ["rules", "validate"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_config_folder_that_does_not_exist_is_an_error_and_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.delenv("MONITOR_DATABASE_URL", raising=False)
    missing = tmp_path / "typo"
    code, err = _run(*command, "--config-dir", str(missing))
    assert code == 2 and f"config folder {missing} does not exist" in err
    assert "monitor init" in err
    assert not missing.exists()


@pytest.mark.parametrize("where", ["a-file", "/dev/null", "~no-such-user-here/cfg"])
def test_a_config_folder_that_is_a_file_or_cannot_be_expanded_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.delenv("MONITOR_DATABASE_URL", raising=False)
    if where == "a-file":
        (tmp_path / "a-file").write_text("x")
        where = str(tmp_path / "a-file")
    code, err = _run("status", "--config-dir", where)
    assert code == 2 and err.startswith("error: config folder")
    assert "not a folder" in err or "cannot expand ~" in err


def test_init_makes_a_config_folder_that_every_command_then_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONITOR_DATABASE_URL", raising=False)
    new = tmp_path / "new" / "cfg"
    code, _ = _run("init", str(new))
    assert code == 0
    assert (new / "sources.yaml").is_file() and (new / "rules").is_dir()
    assert (
        _run(
            "sources",
            "add",
            "https://example.com/f.xml",
            "--name",
            "a",
            "--no-check",
            "--config-dir",
            str(new),
        )[0]
        == 0
    )
    assert _run("init", str(new))[0] == 0  # again: what is there is kept
    assert "name: a" in (new / "sources.yaml").read_text()
    assert _run("status", "--config-dir", str(new))[0] == 0


def test_a_non_ascii_smtp_password_is_one_line_without_the_password(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": "1",
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": "user",
        "SMTP_PASSWORD": "pässwörd-s3cret",
        "DIGEST_TO": "counsel@example.org",
    }.items():
        monkeypatch.setenv(key, value)
    code, err = _run("notify", "test", "email")
    assert code == 2
    assert "SMTP_PASSWORD holds non-ASCII characters" in err
    assert "s3cret" not in err
