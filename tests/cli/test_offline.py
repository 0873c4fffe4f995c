"""A machine that reaches no source: `monitor poll` and `monitor run` say so once, with a hint
and the next check; `monitor run` starts by saying what it runs with."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import pytest
from support import cli

from monitor.config.settings import resolve_paths
from monitor.context import Context
from monitor.pipeline import run_cycle
from monitor.scheduler import startup_summary


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unreachable_sources(cfg: Path) -> None:
    port = _closed_port()
    (cfg / "sources.yaml").write_text(
        "sources:\n"
        f"  - name: wire\n    url: http://127.0.0.1:{port}/wire.xml\n"
        f"  - name: daily\n    url: http://127.0.0.1:{port}/daily.xml\n"
        f"  - name: docket\n    kind: courtlistener\n    docket: 1\n"
        f"    url: http://127.0.0.1:{port}/api/\n",
        encoding="utf-8",
    )


def test_poll_offline_prints_each_failure_once_and_asks_whether_the_machine_is_offline(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURTLISTENER_TOKEN", raising=False)
    _unreachable_sources(config_dir)

    code, out, err = cli("poll")

    assert code == 0
    assert "3 failed" in out
    for name in ("wire", "daily", "docket"):
        assert err.count(f": {name}: connection error") + err.count(f"source={name} ") == 1, err
    assert "every source failed (3 of 3): is this machine offline, or is DNS failing?" in err
    assert "(next check " in err
    assert "warning: docket: $COURTLISTENER_TOKEN is not set" in err


def test_a_cycle_where_every_source_failed_logs_the_hint_and_one_that_partly_failed_does_not(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _unreachable_sources(config_dir)
    ctx = Context.open(resolve_paths(config_dir))
    try:
        with caplog.at_level(logging.WARNING, logger="monitor.pipeline"):
            report = asyncio.run(run_cycle(ctx))
    finally:
        ctx.close()
    hints = [r.getMessage() for r in caplog.records if "every source failed" in r.getMessage()]
    assert len(hints) == 1 and "is this machine offline" in hints[0]
    assert report.all_failed_hint() is not None

    report.sources[0].status = "ok"
    assert report.all_failed_hint() is None


def test_run_starts_with_a_summary_of_sources_rules_channels_and_database(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURTLISTENER_TOKEN", raising=False)
    _unreachable_sources(config_dir)
    ctx = Context.open(resolve_paths(config_dir))
    try:
        lines = startup_summary(ctx)
        (docket,) = [s for s in ctx.sources() if s.kind == "courtlistener"]
        assert docket.setup_warnings() == [
            "$COURTLISTENER_TOKEN is not set: CourtListener may refuse the docket entries "
            "(set it to an API token with RECAP access)"
        ]
        monkeypatch.setenv("COURTLISTENER_TOKEN", "t0ken")
        assert docket.setup_warnings() == []
    finally:
        ctx.close()
    text = "\n".join(lines)
    assert "sources=3 enabled of 3 (1 courtlistener, 2 rss)" in text
    assert "rules=0 in 0 files" in text
    assert "notifiers=console; digest off" in text
    assert "database=" in text and "t0ken" not in text
