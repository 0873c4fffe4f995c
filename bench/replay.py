"""Replay labelled news snippets as feeds and count alerts per development.

    .venv/bin/python bench/replay.py [--data FILE.jsonl ...] [--events events.tsv]
                                     [--rules-dir DIR] [--json] [--keep DIR]

Serves the snippets (default ../shared/eval/dev.jsonl and dev2.jsonl) on 127.0.0.1 as one RSS
feed per outlet (the host of `source_url`), dated by `published` or, when null, by the date of
the development the snippet reports (../shared/eval/events.tsv). Runs `monitor poll` then
`monitor backtest --json` on a temporary config (those feeds, the repo's rules/, SQLite, the
console as the only notifier), maps every immediate alert back to the snippets it links to, and prints:
developments reported by 2+ outlets, alerted, missed, duplicate alerts, alerts about no
development, and one line per alert. The snippets are read from the shared folder and never
copied into this repository.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared/eval"
DEFAULT_DATA = (SHARED_EVAL / "dev.jsonl", SHARED_EVAL / "dev2.jsonl")
DEFAULT_EVENTS = SHARED_EVAL / "events.tsv"

# The day each development happened (or was first reported), for snippets with no date of
# their own. From the court record where it is known, else from the dated snippets that
# report it and the days their texts name.
EVENT_DATES: dict[str, date] = {
    "pi-hearing-moved-2025-01": date(2025, 1, 15),
    "pi-hearing-2025-02": date(2025, 2, 4),
    "pi-denied-2025-03": date(2025, 3, 4),
    "trial-set-2025-03": date(2025, 3, 14),
    "mtd-2025-05": date(2025, 5, 1),
    "defences-struck-2025-07": date(2025, 7, 29),
    "counterclaims-2025-08": date(2025, 8, 13),
    "sj-denied-2026-01": date(2026, 1, 7),
    # An order of a Tuesday, reported on January 13 and 15: Tuesday, January 13, 2026.
    "trial-moved-2026": date(2026, 1, 13),
    # The reports name the pretrial conference of March 13, 2026.
    "pretrial-2026-03": date(2026, 3, 13),
    "trial-rulings-2026-04": date(2026, 4, 30),
    "verdict-2026-05-18": date(2026, 5, 18),
    # A filing of a Friday, first reported on January 17: Friday, January 16, 2026.
    "claim-134": date(2026, 1, 16),
    "claim-150": date(2026, 5, 1),
}
# Snippets with neither a date nor a development (hard negatives, other cases): a day on which
# nothing in the case happened, so they neither join nor split a development's story.
NEUTRAL_DATE = date(2025, 10, 15)
TITLE_CHARS = 100
# The backtest keeps at most this many links per alert (monitor/developments/wording.py).
MAX_LINKS = 10
# A link's query parameter that makes it unique per snippet: several snippets quote one page,
# and the pipeline drops fragments when it canonicalises a link.
ID_PARAM = "replay-id"


@dataclass(frozen=True, slots=True)
class Snippet:
    id: str
    outlet: str
    title: str
    text: str
    link: str
    published: datetime
    lang: str | None
    events: tuple[str, ...]


@dataclass(slots=True)
class MappedAlert:
    at: str
    kind: str
    headline: str
    ids: list[str]
    outlets: list[str]
    development: str | None
    duplicate: bool = False


@dataclass(slots=True)
class Report:
    developments: dict[str, list[str]]  # development → outlets reporting it
    alerts: list[MappedAlert] = field(default_factory=list)
    other_severity: int = 0

    @property
    def reported_by_two(self) -> list[str]:
        return sorted(e for e, outlets in self.developments.items() if len(outlets) >= 2)

    @property
    def alerted(self) -> list[str]:
        return sorted({a.development for a in self.alerts if a.development is not None})

    @property
    def missed(self) -> list[str]:
        done = set(self.alerted)
        return [e for e in self.reported_by_two if e not in done]

    @property
    def duplicates(self) -> list[MappedAlert]:
        return [a for a in self.alerts if a.duplicate]

    @property
    def about_nothing(self) -> list[MappedAlert]:
        return [a for a in self.alerts if a.development is None]

    def alerts_per_development(self) -> Counter[str]:
        return Counter(a.development for a in self.alerts if a.development is not None)

    def to_json(self) -> dict[str, Any]:
        two = self.reported_by_two
        return {
            "developments": {e: sorted(o) for e, o in sorted(self.developments.items())},
            "alerts_per_development": dict(sorted(self.alerts_per_development().items())),
            "reported_by_2_outlets": two,
            "alerted_of_those": [e for e in two if e in set(self.alerted)],
            "missed": self.missed,
            "alerted_any": self.alerted,
            "alerts": len(self.alerts),
            "duplicate_alerts": len(self.duplicates),
            "alerts_about_no_development": len(self.about_nothing),
            "digest_alerts": self.other_severity,
            "per_alert": [
                {
                    "at": a.at,
                    "kind": a.kind,
                    "headline": a.headline,
                    "development": a.development,
                    "duplicate": a.duplicate,
                    "ids": a.ids,
                    "outlets": a.outlets,
                }
                for a in self.alerts
            ],
        }


# ---- reading the labelled sets ----


def outlet_of(url: str) -> str:
    """The host of a page without `www.`: one feed per outlet."""
    host = (urlsplit(url).hostname or "unknown").lower()
    return host.removeprefix("www.")


def source_name(outlet: str) -> str:
    """A source name the config accepts (letters, digits, spaces and . : @ / + -)."""
    return re.sub(r"[^\w .:@/+-]", "-", outlet)[:200] or "outlet"


def unique_link(url: str, snippet_id: str) -> str:
    parts = urlsplit(url.strip())
    query = f"{parts.query}&{ID_PARAM}={snippet_id}" if parts.query else f"{ID_PARAM}={snippet_id}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def read_events(path: Path) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            events = tuple(e.strip() for e in (row.get("events") or "").split(",") if e.strip())
            if row.get("id") and events:
                out[row["id"]] = events
    return out


def snippet_date(published: str | None, events: Sequence[str]) -> date:
    """The snippet's own day; for a month only, its development's day when it
    falls in that month (an article does not predate the decision it reports), else the
    first; with no date, its development's day (of two, the later: a report of the January
    ruling that quotes the claim filed nine days after it was written after both); else the
    neutral day."""
    known = [EVENT_DATES[e] for e in events if e in EVENT_DATES]
    event_day = max(known) if known else None
    day: date
    if published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        day = date.fromisoformat(published)
    elif published and re.fullmatch(r"\d{4}-\d{2}", published):
        year, month = (int(p) for p in published.split("-"))
        if event_day is not None and (event_day.year, event_day.month) == (year, month):
            day = event_day
        else:
            day = date(year, month, 1)
    elif event_day is not None:
        day = event_day
    else:
        day = NEUTRAL_DATE
    return day


def published_at(day: date, snippet_id: str) -> datetime:
    """Noon UTC plus a few seconds fixed per snippet: items of one day are replayed in the same
    order at every run (on equal times the order is the database's, i.e. the poll's)."""
    offset = zlib.crc32(snippet_id.encode("utf-8")) % 3600
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(seconds=offset)


def short_title(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= TITLE_CHARS:
        return flat
    cut = flat[:TITLE_CHARS].rsplit(" ", 1)[0]
    return (cut or flat[:TITLE_CHARS]) + "…"


def load_snippets(paths: Iterable[Path], events: Mapping[str, tuple[str, ...]]) -> list[Snippet]:
    out: list[Snippet] = []
    seen: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                    sid, url, text = r["id"], r["source_url"], r["text"]
                except (ValueError, KeyError, TypeError) as exc:
                    fail(f"{path}:{n}: not a labelled snippet ({exc!r})")
                if sid in seen:
                    continue
                seen.add(sid)
                ev = events.get(sid, ())
                out.append(
                    Snippet(
                        id=sid,
                        outlet=outlet_of(url),
                        title=(r.get("title") or "").strip() or short_title(text),
                        text=text,
                        link=unique_link(url, sid),
                        published=published_at(snippet_date(r.get("published"), ev), sid),
                        lang=r.get("lang") or None,
                        events=ev,
                    )
                )
    return out


# ---- serving them ----


def by_outlet(snippets: Iterable[Snippet]) -> dict[str, list[Snippet]]:
    groups: dict[str, list[Snippet]] = defaultdict(list)
    for s in snippets:
        groups[s.outlet].append(s)
    return dict(sorted(groups.items()))


def feed_language(items: Sequence[Snippet]) -> str | None:
    """Declared only when every item shares it; else each item's language is detected."""
    langs = {s.lang for s in items}
    return langs.pop() if len(langs) == 1 else None


def rss(outlet: str, items: Sequence[Snippet]) -> bytes:
    """RSS 2.0; title and description are HTML there, so the plain snippet text is HTML-escaped
    before it is XML-escaped (a "<" in a snippet stays text)."""
    lang = feed_language(items)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(outlet)}</title><link>https://{escape(outlet)}/</link>",
        "<description>replayed snippets</description>",
    ]
    if lang:
        parts.append(f"<language>{escape(lang)}</language>")
    for s in sorted(items, key=lambda s: s.published, reverse=True):
        parts.append(
            "<item>"
            f"<title>{escape(html.escape(s.title, quote=False))}</title>"
            f"<description>{escape(html.escape(s.text, quote=False))}</description>"
            f"<link>{escape(s.link)}</link>"
            f'<guid isPermaLink="false">{escape(s.id)}</guid>'
            f"<pubDate>{format_datetime(s.published, usegmt=True)}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


@contextmanager
def serve(feeds: Mapping[str, bytes]) -> Iterator[str]:
    """Serve `path → body` on 127.0.0.1 (OS-assigned port); yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = feeds.get(self.path.split("?")[0])
            status = 200 if body is not None else 404
            payload = body if body is not None else b"not found"
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def sources_yaml(outlets: Mapping[str, str]) -> str:
    """`outlet → feed URL` as sources.yaml (JSON strings are YAML strings)."""
    lines = ["sources:"]
    for outlet, url in outlets.items():
        lines += [
            f"  - name: {json.dumps(source_name(outlet))}",
            f"    url: {json.dumps(url)}",
            "    interval: 1h",
        ]
    return "\n".join(lines) + "\n"


# Console only: with no notifiers/*.yaml the environment's Slack or SMTP settings would be used.
CONSOLE_ONLY = "channels:\n  - name: console\n    kind: console\n"


def monitor(config_dir: Path, *args: str) -> str:
    """`monitor ARGS --config-dir DIR` with this interpreter; the environment is kept (reader
    language, fetch limits) except what would point it at another config or database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MONITOR_CONFIG_DIR", "MONITOR_DATABASE_URL")
    }
    env.setdefault("MONITOR_LOG_LEVEL", "WARNING")
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", *args, "--config-dir", str(config_dir)],
        capture_output=True,
        text=True,
        cwd=config_dir,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        fail(f"monitor {args[0]} failed ({proc.returncode}): {proc.stderr.strip()}", code=1)
    return proc.stdout


def run_pipeline(
    snippets: Sequence[Snippet], *, rules_dir: Path, workdir: Path
) -> list[dict[str, Any]]:
    """Serve the feeds, poll them once, and return `monitor backtest --json`."""
    groups = by_outlet(snippets)
    paths = {outlet: f"/{i}.xml" for i, outlet in enumerate(groups)}
    feeds = {paths[o]: rss(o, items) for o, items in groups.items()}
    shutil.copytree(rules_dir, workdir / "rules")
    (workdir / "storage").mkdir()
    (workdir / "notifiers").mkdir()
    (workdir / "notifiers" / "console.yaml").write_text(CONSOLE_ONLY, encoding="utf-8")
    with serve(feeds) as base:
        (workdir / "sources.yaml").write_text(
            sources_yaml({o: base + p for o, p in paths.items()}), encoding="utf-8"
        )
        monitor(workdir, "poll")
    check_stored(json.loads(monitor(workdir, "status", "--json")), len(snippets))
    found = json.loads(monitor(workdir, "backtest", "--json"))
    if not isinstance(found, list):
        fail("monitor backtest --json did not print a list", code=1)
    return found


def check_stored(status: Mapping[str, Any], expected: int) -> None:
    """Every snippet must have become an item, or the counts below measure less than they say."""
    failing = status.get("failing") or []
    if status.get("items") != expected or failing:
        print(
            f"warning: {status.get('items')} items stored for {expected} snippets; "
            f"failing sources: {failing or 'none'}",
            file=sys.stderr,
        )


# ---- mapping alerts to developments ----


def link_index(
    snippets: Iterable[Snippet],
) -> tuple[dict[str, str], dict[tuple[str, str], list[str]]]:
    """url → snippet id (as the pipeline writes links), and (outlet, published) → ids."""
    by_url: dict[str, str] = {}
    by_outlet_day: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in snippets:
        by_url[normal_url(s.link)] = s.id
        by_outlet_day[(bare_host(s.outlet), s.published.isoformat())].append(s.id)
    return by_url, by_outlet_day


def bare_host(outlet: str) -> str:
    """An outlet as the pipeline names it from a link (no `www.`, `amp.` or `m.`)."""
    return outlet.lower().removeprefix("www.").removeprefix("amp.").removeprefix("m.")


def normal_url(url: str) -> str:
    """Scheme and host lower-cased, no fragment, no default port: how links come back."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower().removesuffix(":443").removesuffix(":80")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def alert_ids(
    alert: Mapping[str, Any],
    by_url: Mapping[str, str],
    by_outlet_day: Mapping[tuple[str, str], list[str]],
) -> list[str]:
    """The snippets behind an alert: its links, plus its first reporter (found by outlet and
    publication time) when the links are capped or unknown."""
    ids: list[str] = []
    links = alert.get("links") or []
    for link in links:
        sid = by_url.get(normal_url(link.get("url") or ""))
        if sid is not None and sid not in ids:
            ids.append(sid)
    if len(links) >= MAX_LINKS or not ids:
        first, at = alert.get("first_reported_by"), alert.get("first_reported_at")
        if first and at:
            when = datetime.fromisoformat(at)
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
            for sid in by_outlet_day.get((bare_host(str(first)), when.isoformat()), []):
                if sid not in ids:
                    ids.append(sid)
    return ids


def development_of(
    ids: Sequence[str], events: Mapping[str, tuple[str, ...]], *, kind: str = ""
) -> str | None:
    """The development most of the alert's snippets report; on a tie, a ruling before a claim,
    then the first seen. A claim alert counts only claim developments and a ruling alert only
    the others, when its snippets report any: a report of the January ruling that quotes the
    amount claimed backs a claim alert as the claim, not as the ruling."""
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for sid in ids:
        for e in events.get(sid, ()):
            counts[e] += 1
            order.setdefault(e, len(order))
    wanted = {e for e in counts if e.startswith("claim-") == kind.startswith("claim")}
    if kind in ("claim", "claim_change", "ruling") and wanted:
        counts = Counter({e: n for e, n in counts.items() if e in wanted})
    if not counts:
        return None
    return min(counts, key=lambda e: (-counts[e], e.startswith("claim-"), order[e]))


def evaluate(found: Sequence[Mapping[str, Any]], snippets: Sequence[Snippet]) -> Report:
    events = {s.id: s.events for s in snippets}
    outlet_of_id = {s.id: s.outlet for s in snippets}
    developments: dict[str, set[str]] = defaultdict(set)
    for s in snippets:
        for e in s.events:
            developments[e].add(s.outlet)
    report = Report({e: sorted(o) for e, o in developments.items()})
    by_url, by_outlet_day = link_index(snippets)
    seen: set[str] = set()
    for alert in found:
        if alert.get("severity", "alert") != "alert":
            report.other_severity += 1
            continue
        ids = alert_ids(alert, by_url, by_outlet_day)
        dev = development_of(ids, events, kind=str(alert.get("kind", "")))
        outlets = sorted({outlet_of_id[i] for i in ids}) or sorted(
            {str(link.get("outlet")) for link in alert.get("links") or []}
        )
        mapped = MappedAlert(
            at=str(alert.get("at", ""))[:10],
            kind=str(alert.get("kind", "")),
            headline=str(alert.get("headline", "")),
            ids=ids,
            outlets=outlets,
            development=dev,
            duplicate=dev is not None and dev in seen,
        )
        if dev is not None:
            seen.add(dev)
        report.alerts.append(mapped)
    return report


# ---- output ----


def fail(message: str, *, code: int = 2) -> NoReturn:
    """One line on stderr: 2 for bad input or options, 1 when the pipeline failed."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def plain(text: str) -> str:
    """Headlines come from feeds: control characters (escape sequences) never reach the
    terminal, and a headline stays on one line."""
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)


def print_report(report: Report, *, n_snippets: int, n_outlets: int) -> None:
    two = report.reported_by_two
    alerted = set(report.alerted)
    print(f"snippets: {n_snippets} in {n_outlets} feeds (one per outlet)")
    print(f"developments reported by 2+ outlets: {len(two)}")
    per = report.alerts_per_development()
    for e in two:
        mark = f"{per[e]} alert{'s' if per[e] > 1 else ''}" if e in alerted else "MISSED"
        print(f"  {e:<26} {len(report.developments[e]):>3} outlets  {mark}")
    print(f"  alerted: {len(two) - len(report.missed)} / {len(two)}")
    print(
        f"  missed:  {len(report.missed)}"
        + (f" ({', '.join(report.missed)})" if report.missed else "")
    )
    single = [e for e in report.alerted if e not in set(two)]
    if single:
        print(f"alerted developments reported by one outlet: {', '.join(single)}")
    print(
        f"alerts (immediate): {len(report.alerts)}  (digest-only, not counted: {report.other_severity})"
    )
    print(f"duplicate alerts: {len(report.duplicates)}")
    print(f"alerts about no development: {len(report.about_nothing)}")
    for a in report.about_nothing:
        print(f"  {a.at} {plain(a.headline)}  [{', '.join(a.ids) or 'no snippet found'}]")
    print()
    print("| date | kind | headline | development | outlets |")
    print("|---|---|---|---|---|")
    for a in report.alerts:
        dev = (a.development or "—") + (" (duplicate)" if a.duplicate else "")
        headline = plain(a.headline).replace("|", "\\|")
        print(f"| {a.at} | {a.kind} | {headline} | {dev} | {', '.join(a.outlets)} |")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument(
        "--data",
        type=Path,
        action="append",
        help="labelled snippets (JSON lines); repeat for more (default: dev.jsonl and dev2.jsonl)",
    )
    ap.add_argument("--events", type=Path, default=DEFAULT_EVENTS, help="id → developments (TSV)")
    ap.add_argument("--rules-dir", type=Path, default=REPO / "rules", help="rules to replay")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument(
        "--keep", type=Path, help="build the config in this (new) folder and leave it there"
    )
    args = ap.parse_args(argv)
    data = args.data or list(DEFAULT_DATA)
    for path in [*data, args.events, args.rules_dir]:
        if not path.exists():
            fail(f"{path}: not found")
    if args.keep is not None and args.keep.exists():
        fail(f"{args.keep}: already exists (--keep wants a new folder)")
    events = read_events(args.events)
    undated = sorted({e for evs in events.values() for e in evs} - set(EVENT_DATES))
    if undated:
        print(
            f"warning: no date known for {', '.join(undated)}: its undated snippets get the "
            "neutral day",
            file=sys.stderr,
        )
    snippets = load_snippets(data, events)
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        found = run_pipeline(snippets, rules_dir=args.rules_dir, workdir=args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
            found = run_pipeline(snippets, rules_dir=args.rules_dir, workdir=Path(tmp))
    report = evaluate(found, snippets)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print_report(report, n_snippets=len(snippets), n_outlets=len(by_outlet(snippets)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
