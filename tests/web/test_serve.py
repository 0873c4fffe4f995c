"""`monitor serve` alone on the database the workers wrote, and `monitor run` with its pages
in-process: each on a free loopback port, stopped by SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import httpx
from prometheus_client.parser import text_string_to_metric_families

LISTENING = re.compile(r"web listening url=(http://\S+)")


@contextmanager
def _process(*args: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `monitor ARGS` and wait for the line that says where it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        url = None
        seen = []
        while time.monotonic() < deadline and url is None:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            found = LISTENING.search(line)
            url = found.group(1) if found else None
        assert url, "".join(seen)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def test_serve_alone_answers_every_page_from_the_database_and_stops_on_sigterm(
    developments: str,
) -> None:
    # In the readers' language of the alerts.
    with _process("serve", "--addr", "127.0.0.1:0", env={"MONITOR_LANGUAGE": "fr"}) as (proc, url):
        assert httpx.get(url + "/healthz", timeout=30).text == "ok\n"
        metrics = httpx.get(url + "/metrics", timeout=30).text
        names = {f.name for f in text_string_to_metric_families(metrics)}
        assert {"monitor_alerts", "monitor_fetches", "monitor_cycle_duration_seconds"} <= names
        feed = feedparser.parse(httpx.get(url + "/feed.atom", timeout=30).content)
        assert feed.version == "atom10" and len(feed.entries) >= 3
        html = httpx.get(url + "/", timeout=30).text
        assert '<html lang="fr">' in html and "Où en est le litige" in html
        assert "<svg" in html
        with httpx.Client(timeout=30) as client:  # a connection kept open while it stops
            assert client.get(url + "/healthz").status_code == 200
            proc.send_signal(signal.SIGTERM)
            started = time.monotonic()
            _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert time.monotonic() - started < 15, err
        assert "Traceback" not in err and "web stopped" in err


def test_run_serves_its_pages_and_is_healthy_while_its_scheduler_ticks(
    config_dir: Path,
) -> None:
    (config_dir / "sources.yaml").write_text("sources: []\n")
    env = {"MONITOR_HTTP_ADDR": "127.0.0.1:0", "MONITOR_TICK_SECONDS": "1"}
    with _process("run", env=env) as (proc, url), httpx.Client(timeout=30) as client:
        time.sleep(2.5)  # a few ticks
        health = client.get(url + "/healthz")
        assert (health.status_code, health.text) == (200, "ok\n")
        assert client.get(url + "/").status_code == 200
        # A client keeping its connection open (a scraper, a browser) does not hold up the stop.
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert time.monotonic() - started < 15, err


def test_run_without_pages_when_the_address_is_off(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text("sources: []\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run"],
        env={**os.environ, "MONITOR_HTTP_ADDR": "off"},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    before = ""
    deadline = time.monotonic() + 60
    while "monitor running" not in before and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        before += line
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    err = before + err
    assert proc.returncode == 0, err
    assert "monitor running" in err and "web listening" not in err


def test_run_refuses_to_start_off_loopback_without_a_token(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text("sources: []\n")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "run"],
        env={**os.environ, "MONITOR_HTTP_ADDR": "0.0.0.0:0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "error: refusing to listen on 0.0.0.0:0 without MONITOR_HTTP_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
