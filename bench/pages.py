"""How fast the web pages answer with a year of history, measured over HTTP from outside the
process, as a browser, a feed reader or Prometheus would see them.

    .venv/bin/python bench/pages.py [--requests N] [--items N] [--alerts N] [--screenshot FILE]

Seeds a temporary SQLite database through the storage layer's tables (sources, 100,000 items,
stories with their reports, 1,000 alerts with their outbox rows and threads, the claim's
history, rulings, a cycle every 10 minutes, a digest a day), starts `monitor serve` on a free
loopback port, then times each page over N requests (after 3 to warm up) and prints p50 / p95
/ max. --screenshot also renders the dashboard in headless Chromium (the README's picture).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from monitor.domain import AlertDraft, Evidence, Link
from monitor.storage.engine import make_engine, upgrade
from monitor.storage.models import Alert, Fact, Story, StoryItem, table_of
from monitor.storage.tables import CYCLE, DELIVERY, DIGEST_RUN, ITEM, SOURCE

OUTLETS = [
    ("reuters.com", "en"),
    ("apnews.com", "en"),
    ("bloomberg.com", "en"),
    ("nytimes.com", "en"),
    ("theverge.com", "en"),
    ("techcrunch.com", "en"),
    ("ft.com", "en"),
    ("wsj.com", "en"),
    ("lemonde.fr", "fr"),
    ("lesechos.fr", "fr"),
    ("lefigaro.fr", "fr"),
    ("spiegel.de", "de"),
    ("faz.net", "de"),
    ("handelsblatt.com", "de"),
    ("elpais.com", "es"),
    ("expansion.com", "es"),
    ("corriere.it", "it"),
    ("nikkei.com", "ja"),
    ("caixin.com", "zh"),
    ("courtlistener.com", "en"),
]
CLAIMS = [  # (days before now, display, low, high): a made-up history, not the dispute's
    (300, "up to $79bn", None, "79000000000"),
    (140, "up to $134bn", None, "134000000000"),
    (60, "$79bn–$134bn", "79000000000", "134000000000"),
    (12, "$150bn", None, "150000000000"),
]
RULINGS = [
    "Judge denies OpenAI motion to dismiss Musk's fraud claims",
    "Court grants in part Microsoft's motion to dismiss",
    "Judge sets jury trial for spring in Musk v. Altman",
    "Court denies Musk's request for a preliminary injunction",
    "Judge rejects OpenAI bid to avoid trial in Musk lawsuit",
    "Court narrows Musk's claims against OpenAI before trial",
    "Judge admits expert testimony on damages",
    "Court rules on motions in limine ahead of trial",
]
HEADLINES = [
    "Musk's lawyers press OpenAI on nonprofit promises",
    "OpenAI says Musk wanted control of the company",
    "Microsoft tells court it had no duty to Musk",
    "Altman testifies about early funding talks",
    "Expert puts Musk's damages at up to $134 billion",
    "Jury hears from former OpenAI board member",
    "Musk's xAI cited in OpenAI's defence",
    "Closing arguments loom in Musk v. Altman",
]


def seed(url: str, *, items: int, alerts: int, rng: random.Random) -> dict[str, Any]:
    """A year of history, written with bulk inserts into the storage layer's tables."""
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(SOURCE),
            [
                {
                    "name": name,
                    "url": f"https://{name}/rss",
                    "kind": "court-rss" if name.startswith("court") else "rss",
                    "last_checked_at": now - timedelta(minutes=rng.randint(1, 9)),
                    "last_success_at": now - timedelta(minutes=rng.randint(1, 9)),
                    "last_status": "error" if i % 9 == 4 else "not_modified",
                    "last_http_status": 503 if i % 9 == 4 else 304,
                    "last_error": "HTTP 503 Service Unavailable" if i % 9 == 4 else None,
                    "consecutive_failures": 2 if i % 9 == 4 else 0,
                    "next_check_at": now + timedelta(minutes=rng.randint(1, 10)),
                    "health": "ok",
                    "created_at": start,
                }
                for i, (name, _) in enumerate(OUTLETS)
            ],
        )
        source_ids = [r[0] for r in conn.execute(select(SOURCE.c.id).order_by("id"))]
        rows = []
        for i in range(items):
            k = i % len(OUTLETS)
            at = start + timedelta(seconds=rng.randint(0, 365 * 86400))
            rows.append(
                {
                    "source_id": source_ids[k],
                    "key": f"item-{i}",
                    "url": f"https://{OUTLETS[k][0]}/2026/{i}",
                    "title": f"{rng.choice(HEADLINES)} ({i})",
                    "text": "Elon Musk and OpenAI in court. " * 8,
                    "language": OUTLETS[k][1],
                    "published_at": at,
                    "first_seen_at": at,
                    "updated_at": at,
                    "content_hash": f"{i:064x}",
                    "matched_hash": f"{i:064x}",
                }
            )
            if len(rows) == 10_000:
                conn.execute(insert(ITEM), rows)
                rows = []
        if rows:
            conn.execute(insert(ITEM), rows)

        # Stories: one per alert, each reported by 3 to 15 outlets' items.
        story_rows = []
        for i in range(alerts):
            at = start + timedelta(seconds=365 * 86400 * i / alerts)
            kind = "ruling" if i % 40 == 7 else ("claim" if i % 50 == 3 else "news")
            outlets = rng.sample(OUTLETS, rng.randint(3, 15))
            story_rows.append(
                {
                    "topic": "musk-v-openai",
                    "kind": kind,
                    "title": rng.choice(RULINGS if kind == "ruling" else HEADLINES),
                    "norm_title": "",
                    "first_item_id": rng.randint(1, items),
                    "first_seen_at": at,
                    "last_seen_at": min(now, at + timedelta(hours=rng.randint(0, 48))),
                    "outlets": [o for o, _ in outlets],
                    "languages": sorted({lg for _, lg in outlets}),
                    "from_court": kind == "ruling" and i % 3 == 0,
                }
            )
        conn.execute(insert(table_of(Story)), story_rows)
        links = [
            {"story_id": s + 1, "item_id": item_id, "added_at": now}
            for s, story in enumerate(story_rows)
            for item_id in rng.sample(range(1, items + 1), len(story["outlets"]))
        ]
        conn.execute(insert(table_of(StoryItem)), links)

        prev = None
        for n, (days, display, low, high) in enumerate(CLAIMS):
            at = now - timedelta(days=days)
            conn.execute(
                insert(table_of(Fact)),
                {
                    "subject": "claim:musk-v-openai",
                    "topic": "musk-v-openai",
                    "value_key": f"{low or ''}-{high}",
                    "value": {"low": low, "high": high, "currency": "USD"},
                    "display": display,
                    "status": "current" if n == len(CLAIMS) - 1 else "past",
                    "first_source": "reuters.com",
                    "first_seen_at": at - timedelta(hours=3),
                    "confirmed_at": at,
                    "outlets": ["reuters.com", "apnews.com", "lemonde.fr"],
                    "previous_display": prev,
                },
            )
            prev = display

        alert_rows = []
        for i, story in enumerate(story_rows):
            outlet = story["outlets"][0]
            draft = AlertDraft(
                kind=story["kind"] if story["kind"] != "news" else "match",
                headline=story["title"],
                severity="alert",
                topic="musk-v-openai",
                rule="musk-v-openai/coverage",
                summary=f"{story['title']}, first reported by {outlet}.",
                evidence=Evidence(f"{story['title']}, the filing shows.", ((0, 10),)),
                links=tuple(
                    Link(outlet=o, title=story["title"], url=f"https://{o}/story/{i}")
                    for o in story["outlets"][:10]
                ),
                first_reported_by=outlet,
                confirmed_by=len(story["outlets"]),
                story_id=i + 1,
            )
            alert_rows.append(
                {
                    "dedup_key": f"alert-{i}",
                    "story_id": i + 1,
                    "topic": "musk-v-openai",
                    "kind": draft.kind,
                    "rule": draft.rule,
                    "severity": "alert",
                    "headline": draft.headline,
                    "payload": draft.to_json(),
                    "created_at": story["first_seen_at"],
                }
            )
        conn.execute(insert(table_of(Alert)), alert_rows)
        deliveries = []
        for i, alert in enumerate(alert_rows):
            for channel in ("slack", "email"):
                for seq in range(rng.randint(1, 4)):
                    failed = i % 97 == 5 and seq == 0
                    pending = i >= alerts - 2
                    deliveries.append(
                        {
                            "alert_id": i + 1,
                            "channel": channel,
                            "seq": seq,
                            "payload": {"note": f"Also reported by {OUTLETS[seq][0]}"},
                            "status": "pending" if pending else ("failed" if failed else "sent"),
                            "attempts": 5 if failed else 1,
                            "next_attempt_at": alert["created_at"],
                            "last_error": "channel_not_found" if failed else None,
                            "created_at": alert["created_at"],
                            "sent_at": None if failed or pending else alert["created_at"],
                        }
                    )
        conn.execute(insert(DELIVERY), deliveries)
        cycles = []
        at = start
        while at < now:
            cycles.append(
                {
                    "started_at": at,
                    "finished_at": at + timedelta(seconds=rng.uniform(0.3, 4.0)),
                    "sources": 20,
                    "ok": 3,
                    "not_modified": 15,
                    "failed": 2,
                    "new_items": 2,
                    "updated_items": 0,
                    "alerts": 0,
                }
            )
            at += timedelta(minutes=10)
        conn.execute(insert(CYCLE), cycles)
        conn.execute(
            insert(DIGEST_RUN),
            [
                {
                    "day": (start + timedelta(days=d)).date(),
                    "recipient": "desk@example.org",
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": start + timedelta(days=d),
                    "created_at": start + timedelta(days=d),
                    "sent_at": start + timedelta(days=d),
                }
                for d in range(365)
            ],
        )
    engine.dispose()
    busiest = max(range(len(story_rows)), key=lambda s: len(story_rows[s]["outlets"])) + 1
    return {"cycles": len(cycles), "deliveries": len(deliveries), "busiest_story": busiest}


def start_serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--max-cycle-age",
            "1d",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    while True:
        line = proc.stderr.readline()
        if not line:
            raise SystemExit(f"monitor serve stopped (exit {proc.wait()})")
        found = re.search(r"web listening url=(http://\S+)", line)
        if found:
            return proc, found.group(1)


def time_page(client: httpx.Client, url: str, requests: int) -> list[float]:
    for _ in range(3):
        client.get(url).raise_for_status()
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        response.raise_for_status()
    return times


def screenshot(url: str, out: Path) -> None:
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={out}",
                "--window-size=1280,1600",
                "--hide-scrollbars",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=1_000)
    parser.add_argument("--screenshot", type=Path, help="also save the dashboard as a PNG")
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/monitor.db"
        t0 = time.perf_counter()
        seeded = seed(url, items=args.items, alerts=args.alerts, rng=rng)
        print(
            f"seeded {args.items:,} items, {args.alerts:,} alerts, {seeded['deliveries']:,}"
            f" deliveries, {seeded['cycles']:,} cycles in {time.perf_counter() - t0:.1f} s"
        )
        env = {
            **os.environ,
            "MONITOR_DATABASE_URL": url,
            "MONITOR_CONFIG_DIR": tmp,
            "MONITOR_LOG_LEVEL": "INFO",  # the line that says where it listens
        }
        env.pop("MONITOR_HTTP_TOKEN", None)
        proc, base = start_serve(env)
        try:
            pages = [
                "/",
                f"/story/{seeded['busiest_story']}",
                "/feed.atom",
                "/api/alerts",
                "/api/facts",
                "/metrics",
                "/healthz",
                "/readyz",
            ]
            print(f"\n{args.requests} requests per page, one keep-alive client, after 3 warm-up")
            print("| page | p50 ms | p95 ms | max ms | bytes |")
            print("|---|---|---|---|---|")
            with httpx.Client(timeout=30) as client:
                for page in pages:
                    times = time_page(client, base + page, args.requests)
                    size = len(client.get(base + page).content)
                    q = statistics.quantiles(times, n=20)
                    print(
                        f"| `{page}` | {statistics.median(times):.1f} | {q[18]:.1f}"
                        f" | {max(times):.1f} | {size:,} |"
                    )
            if args.screenshot:
                screenshot(base + "/", args.screenshot)
                print(f"\nscreenshot: {args.screenshot}")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)


if __name__ == "__main__":
    main()
