"""The dashboard as headless Chromium renders it (Debian's /usr/bin/chromium, driven through
its own --dump-dom and --screenshot): the claim, the chart and the stories are there."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from liveweb import LiveWeb

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "chromium is missing but CI=true: .ci/run installs it (apt-get install chromium)"
            )
        pytest.skip("chromium not installed (apt-get install chromium): the browser test needs it")
    return found


def _run(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_chromium_renders_the_claim_the_chart_and_the_stories(
    developments: str, live_web: LiveWeb, tmp_path: Path
) -> None:
    binary = _chromium()
    url = live_web.start(developments) + "/"
    dom = _run(binary, tmp_path / "profile", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert '<div class="claim">$150bn</div>' in html
    # The chart is parsed as SVG (the DOM keeps its namespace and its drawn line).
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert 'class="claim-line"' in html and html.count('class="claim-point"') == 2
    assert "Musk now seeks $150 billion" in html
    assert "Judge rejects OpenAI bid to avoid trial" in html
    shot = tmp_path / "dashboard.png"
    rendered = _run(
        binary,
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,1600",
        "--hide-scrollbars",
        url,
    )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
