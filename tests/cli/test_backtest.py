"""`monitor backtest` replays stored items and tells what would have been raised, without
claiming in its log that anything was raised or routed."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO
from feedserver import FeedServer, Route
from support import cli, count, feed

CLAIM = (
    "claim",
    "Musk seeks up to $134 billion from OpenAI and Microsoft",
    "Elon Musk asks for as much as $134 billion in damages from OpenAI and Microsoft, a court filing shows.",
)


def test_backtest_prints_what_would_be_raised_and_logs_no_alert_as_raised(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    lines = ["sources:"]
    for outlet in ("wire.example", "daily.example"):
        url = feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, "en", [CLAIM])))
        lines.append(f"  - name: {outlet}\n    url: {url}")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")
    code, _, err = cli("poll")
    assert code == 0, err
    alerts = count(db_url, "select count(*) from alert")

    code, out, err = cli("backtest")

    assert code == 0, err
    assert "would have been raised" in out and "0 alerts" not in out
    assert "alert_raised" not in err and "channels=" not in err
    assert count(db_url, "select count(*) from alert") == alerts
