"""Polling speed: `monitor poll` against rss2email 3.14 and feed2exec 0.23 on the same local feeds.

    .venv/bin/python bench/poll.py [--sizes 100,1000] [--quick] [--latency-ms 100]

Generates N feeds (RSS 2.0, 50 items of synthetic text each, ~55 KB) in a temporary directory:
half declare their language (in sources.yaml and in the feed), half declare none (as many real
feeds: a client that identifies languages must then detect them; `--declared none` or `all` for
every feed one way), and one item in a hundred is
about the dispute the shipped rules follow. Ours polls with the shipped `rules/` (`--no-rules`:
without). The feeds are serves them from a small asyncio HTTP server in its own process (ETag and 304,
Last-Modified, keep-alive; all on 127.0.0.1 with OS-assigned ports, the feeds spread over a few
ports as if over a few hosts), then times each client as a whole process: a cold cycle (first
poll, everything new) and a warm one (second poll, every feed answers 304). Peak memory is the
largest sum of the resident sets of the client's process tree (parse workers included), sampled
every 10 ms. The optional second scenario adds a delay to every response, as real origins have.
Each client's start-up is timed too (the same command with no feeds), and the warm cycles are
shown again without it: what a cycle costs a poller that keeps running (`monitor run`).

Prints a Markdown table for the README. Writes nothing into the repository but Python's bytecode
cache (`__pycache__`, ignored by git): everything lives in a temporary directory removed at the
end (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

ITEMS_PER_FEED = 50
LANGUAGES = ("en", "fr", "de", "es")
# Headlines about the dispute (the shipped rules read these further): the first item of every
# other feed, i.e. one item in a hundred, in the feed's language.
_TOPICAL = {
    "en": "Musk and OpenAI return to court over the nonprofit charter",
    "fr": "Musk et OpenAI de retour au tribunal à propos des statuts de l'association",
    "de": "Musk und OpenAI streiten vor Gericht erneut über die Satzung der Stiftung",
    "es": "Musk y OpenAI vuelven a los tribunales por los estatutos de la fundación",
}


DECLARED = "half"  # which feeds declare their language: "half", "none" or "all" (--declared)


def declares_language(index: int) -> bool:
    """Whether feed `index` declares its language (sources.yaml and <language>)."""
    return DECLARED == "all" or (DECLARED == "half" and index % 2 == 0)


BIN = Path(sys.executable).parent
# rss2email and feed2exec: in their own venv (`make bench` makes it; --peers DIR elsewhere).
PEERS = Path(__file__).resolve().parent.parent / ".venv-peers" / "bin"

# ----------------------------------------------------------------------------- synthetic feeds

_TEXT = {
    "en": (
        "the court judge filing motion hearing jury trial appeal claim damages billion settlement "
        "company board founder investors nonprofit charter dispute lawyers counsel evidence "
        "witness testimony ruling order schedule deadline discovery documents deposition "
        "agreement contract breach promise mission profit partnership shares valuation market "
        "said according reported statement filed week today late early new former public "
        "private major federal district northern california delaware and of to in for on with "
        "by from that which after before over under against about between during"
    ),
    "fr": (
        "le la les tribunal juge audience requête procès appel plainte dommages milliards accord "
        "société conseil fondateur investisseurs association statuts litige avocats preuves "
        "témoin témoignage décision ordonnance calendrier délai documents déposition contrat "
        "violation promesse mission profit partenariat actions valorisation marché selon a "
        "déclaré rapporté semaine aujourd'hui nouveau ancien public privé fédéral et de du des "
        "à en pour sur avec par dans après avant contre entre pendant"
    ),
    "de": (
        "der die das Gericht Richter Antrag Anhörung Prozess Berufung Klage Schadenersatz "
        "Milliarden Vergleich Unternehmen Vorstand Gründer Investoren gemeinnützig Satzung "
        "Streit Anwälte Beweise Zeuge Aussage Urteil Anordnung Zeitplan Frist Dokumente Vertrag "
        "Verletzung Versprechen Mission Gewinn Partnerschaft Anteile Bewertung Markt laut "
        "berichtet erklärte Woche heute neu ehemalig öffentlich privat Bundesgericht und von zu "
        "in für auf mit durch nach vor gegen über zwischen während"
    ),
    "es": (
        "el la los las tribunal juez audiencia moción juicio apelación demanda daños millones "
        "acuerdo empresa junta fundador inversores fundación estatutos disputa abogados pruebas "
        "testigo testimonio fallo orden calendario plazo documentos contrato incumplimiento "
        "promesa misión beneficio asociación acciones valoración mercado según informó declaró "
        "semana hoy nuevo antiguo público privado federal y de del a en para con por tras antes "
        "contra entre durante"
    ),
}
_WORDS = {lang: text.split() for lang, text in _TEXT.items()}


def _sentence(rng: random.Random, words: Sequence[str], lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def make_feed(index: int, base_url: str, *, items: int, now: datetime) -> tuple[str, bytes]:
    """One RSS 2.0 feed: (language, bytes). ~1.1 KB per item, deterministic per index."""
    # Feeds 0, 1, 2, 3 cycle through the languages; the declaring half then covers them all.
    lang = LANGUAGES[(index // 2 + index) % len(LANGUAGES)]
    rng = random.Random(index)
    words = _WORDS[lang]
    site = f"https://news{index:04d}.example.org"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>Outlet {index:04d}: {escape(_sentence(rng, words, 3, 6))}</title>\n"
        f"<link>{site}/</link>\n"
        f"<description>{escape(_sentence(rng, words, 8, 14))}</description>\n"
        + (f"<language>{lang}</language>\n" if declares_language(index) else "")
        + f"<lastBuildDate>{email.utils.format_datetime(now)}</lastBuildDate>\n"
        f'<atom:link href="{base_url}" rel="self" type="application/rss+xml"/>\n'
    ]
    for n in range(items):
        published = now - timedelta(minutes=37 * n + rng.randint(0, 30))
        slug = f"{published:%Y/%m/%d}/story-{index:04d}-{n:03d}"
        paragraphs = "".join(
            f"<p>{escape(_sentence(rng, words, 12, 21))} {escape(_sentence(rng, words, 8, 16))}</p>"
            for _ in range(3)
        )
        title = _sentence(rng, words, 7, 13)
        if n == 0 and index % 2 == 1:
            title = f"{_TOPICAL[lang]}: {title}"
        parts.append(
            "<item>\n"
            f"<title>{escape(title)}</title>\n"
            f"<link>{site}/{slug}?utm_source=rss&amp;utm_medium=feed</link>\n"
            f'<guid isPermaLink="false">{site}/id/{index:04d}-{n:03d}</guid>\n'
            f"<pubDate>{email.utils.format_datetime(published)}</pubDate>\n"
            f"<dc:creator>{escape(rng.choice(words).title())} {escape(rng.choice(words).title())}</dc:creator>\n"
            f"<category>{escape(rng.choice(words))}</category>\n"
            f"<description>{escape(paragraphs)}</description>\n"
            "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return lang, "".join(parts).encode("utf-8")


# ----------------------------------------------------------------------------- the feed server


def serve(feed_dir: Path, ports: int, latency: float) -> None:
    """Serve feed_dir/*.xml at /<name> on `ports` OS-assigned ports; print them as JSON."""
    bodies: dict[bytes, tuple[bytes, bytes, bytes]] = {}
    stamp = email.utils.formatdate(time.time() - 3600, usegmt=True).encode()
    for path in feed_dir.glob("*.xml"):
        body = path.read_bytes()
        etag = b'"' + hashlib.blake2b(body, digest_size=8).hexdigest().encode() + b'"'
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
            b"ETag: " + etag + b"\r\nLast-Modified: " + stamp + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        )
        bodies[b"/" + path.name.encode()] = (etag, head, body)
    not_found = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"

    class Http(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            # uvloop's transports (used when installed) are not asyncio.Transport subclasses.
            self.transport = cast(asyncio.Transport, transport)
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while True:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head, self.buf = self.buf[:end], self.buf[end + 4 :]
                self.answer(head)

        def answer(self, head: bytes) -> None:
            lines = head.split(b"\r\n")
            method, target, version = [*lines[0].split(b" ", 2), b"", b""][:3]
            hdrs: dict[bytes, bytes] = {}
            for line in lines[1:]:
                k, _, v = line.partition(b":")
                hdrs[k.strip().lower()] = v.strip()
            close = hdrs.get(b"connection", b"").lower() == b"close" or version == b"HTTP/1.0"
            found = bodies.get(target.split(b"?")[0])
            if found is None:
                out = not_found
                payload = b""
            else:
                etag, full, payload = found
                inm = hdrs.get(b"if-none-match")
                ims = hdrs.get(b"if-modified-since")
                fresh = (inm is not None and etag in inm) or (inm is None and ims == stamp)
                if fresh:
                    out = b"HTTP/1.1 304 Not Modified\r\nETag: " + etag + b"\r\n"
                    out += b"Last-Modified: " + stamp + b"\r\n"
                    payload = b""
                else:
                    out = full
                if method == b"HEAD":
                    payload = b""
            out += b"Connection: close\r\n\r\n" if close else b"\r\n"
            if latency:
                asyncio.get_running_loop().call_later(latency, self.send, out + payload, close)
            else:
                self.send(out + payload, close)

        def send(self, data: bytes, close: bool) -> None:
            if self.transport.is_closing():
                return
            self.transport.write(data)
            if close:
                self.transport.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        servers = [
            await loop.create_server(Http, "127.0.0.1", 0, backlog=4096) for _ in range(ports)
        ]
        numbers = [s.sockets[0].getsockname()[1] for s in servers]
        sys.stdout.write(json.dumps(numbers) + "\n")
        sys.stdout.flush()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()

    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


@dataclass
class Farm:
    """The generated feeds and the server answering for them (none: an empty farm)."""

    root: Path
    urls: list[str]
    languages: list[str]
    proc: subprocess.Popen[str] | None = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


def start_farm(root: Path, n: int, *, ports: int, latency: float) -> Farm:
    feed_dir = root / "feeds"
    feed_dir.mkdir(parents=True)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    languages = []
    for i in range(n):
        lang, body = make_feed(i, f"http://127.0.0.1/f{i:05d}.xml", items=ITEMS_PER_FEED, now=now)
        (feed_dir / f"f{i:05d}.xml").write_bytes(body)
        languages.append(lang)
    proc = subprocess.Popen(
        [
            *(sys.executable, __file__, "--serve", str(feed_dir)),
            *("--ports", str(ports), "--latency-ms", str(latency * 1000)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    numbers = json.loads(proc.stdout.readline())
    urls = [f"http://127.0.0.1:{numbers[i % len(numbers)]}/f{i:05d}.xml" for i in range(n)]
    return Farm(root, urls, languages, proc)


# ----------------------------------------------------------------------------- measuring


def _tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        out.append(p)
    return out


def _rss(pid: int) -> int:
    """Resident set (bytes): shared pages count in every process that maps them."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return 0


def _pss(pid: int) -> int:
    """Proportional set (bytes): a page shared by n processes counts 1/n in each."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0


@dataclass
class Run:
    seconds: float
    pss_mb: float  # peak of the sum over the process tree (what the tree really holds)
    rss_mb: float  # peak of the sum over the process tree (shared pages counted again)
    stdout: str
    stderr: str


def timed(cmd: Sequence[str], env: dict[str, str], *, cwd: Path, timeout: float = 900) -> Run:
    """Run cmd as a whole process; wall time and the peak memory of its process tree."""
    peak = {"pss": 0, "rss": 0}
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )

    def sample() -> None:
        n = 0
        while not done.is_set():
            pids = _tree(proc.pid)
            peak["rss"] = max(peak["rss"], sum(_rss(p) for p in pids))
            if n % 5 == 0:  # smaps_rollup costs more: every 50 ms
                peak["pss"] = max(peak["pss"], sum(_pss(p) for p in pids))
            n += 1
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=timeout)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {proc.returncode}:\n{err[-3000:]}")
    return Run(seconds, peak["pss"] / 2**20, peak["rss"] / 2**20, out, err)


@dataclass
class Client:
    """One poller under test: how to set it up in a fresh dir, poll, and count what it stored."""

    name: str
    setup: Callable[[Path, Farm], None]
    command: Callable[[Path], list[str]]
    stored: Callable[[Path], int]
    env: Callable[[Path], dict[str, str]] = lambda _d: {}
    rules: bool = False  # ours only: with the rules/ folder shipped in the repository


def _base_env(work: Path) -> dict[str, str]:
    # Without PYTHONDONTWRITEBYTECODE (set on some build machines): every client then reads its
    # modules' bytecode as on a user's machine, not compiles them again on each run.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MONITOR_", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env |= {
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),
        "XDG_DATA_HOME": str(work / "xdg-data"),
        "XDG_CACHE_HOME": str(work / "xdg-cache"),
    }
    return env


# ours: the real CLI, SQLite in the work dir (default location: storage/monitor.db)

REPO = Path(__file__).resolve().parent.parent


def _ours_setup(work: Path, farm: Farm, *, rules: bool = False) -> None:
    lines = ["sources:"]
    for i, (url, lang) in enumerate(zip(farm.urls, farm.languages, strict=True)):
        lines += [f"  - name: feed-{i:05d}", f"    url: {url}", "    interval: 10m"]
        if declares_language(i):
            lines.append(f"    language: {lang}")
    (work / "sources.yaml").write_text("\n".join(lines) + "\n")
    if rules:
        shutil.copytree(REPO / "rules", work / "rules")


def _ours_stored(work: Path) -> int:
    with sqlite3.connect(work / "storage" / "monitor.db") as db:
        return int(db.execute("select count(*) from item").fetchone()[0])


def ours_cycle_seconds(work: Path) -> float:
    """The last cycle as `monitor poll` recorded it: without interpreter start-up and imports."""
    with sqlite3.connect(work / "storage" / "monitor.db") as db:
        started, finished = db.execute(
            "select started_at, finished_at from cycle order by id desc limit 1"
        ).fetchone()
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


def _ours(rules: bool) -> Client:
    return Client(
        name="dispute-monitor + shipped rules/" if rules else "dispute-monitor",
        setup=lambda w, f: _ours_setup(w, f, rules=rules),
        command=lambda _w: [str(BIN / "monitor"), "poll"],
        stored=_ours_stored,
        env=lambda w: {"MONITOR_CONFIG_DIR": str(w), "MONITOR_LOG_LEVEL": "WARNING"},
        rules=rules,
    )


OURS = _ours(rules=True)  # main() makes it the one without rules for --no-rules

# rss2email 3.14: `r2e run --no-send` (fetches, parses, builds the messages, records what it saw)


def _r2e_setup(work: Path, farm: Farm) -> None:
    cfg, data = work / "r2e.cfg", work / "r2e.json"
    subprocess.run(
        [str(PEERS / "r2e"), "-c", str(cfg), "-d", str(data), "new", "bench@example.invalid"],
        check=True,
        env=_base_env(work),
        capture_output=True,
    )
    with cfg.open("a") as f:
        for i, url in enumerate(farm.urls):
            f.write(f"\n[feed.feed-{i:05d}]\nurl = {url}\n")


def _r2e_stored(work: Path) -> int:
    data = json.loads((work / "r2e.json").read_text())
    return sum(len(feed.get("seen", {})) for feed in data["feeds"])


R2E = Client(
    name="rss2email 3.14",
    setup=_r2e_setup,
    command=lambda w: [
        *(str(PEERS / "r2e"), "-c", str(w / "r2e.cfg"), "-d", str(w / "r2e.json")),
        *("run", "--no-send"),
    ],
    stored=_r2e_stored,
)

# feed2exec 0.23: `fetch --parallel`, the null output plugin (no mail written)


def _f2e_setup(work: Path, farm: Farm) -> None:
    with (work / "feed2exec.ini").open("w") as f:
        for i, url in enumerate(farm.urls):
            f.write(f"[feed-{i:05d}]\nurl = {url}\noutput = feed2exec.plugins.null\n\n")


def _f2e_stored(work: Path) -> int:
    with sqlite3.connect(work / "feed2exec.db") as db:
        return int(db.execute("select count(*) from feedcache").fetchone()[0])


F2E = Client(
    name="feed2exec 0.23",
    setup=_f2e_setup,
    command=lambda w: [
        *(str(PEERS / "feed2exec"), "--config", str(w / "feed2exec.ini")),
        *("--database", str(w / "feed2exec.db"), "fetch", "--parallel"),
    ],
    stored=_f2e_stored,
)

COMMANDS = {
    _ours(rules=True).name: "`monitor poll`",
    _ours(rules=False).name: "`monitor poll`",
    R2E.name: "`r2e run --no-send`",
    F2E.name: "`feed2exec fetch --parallel`, null output",
}


@dataclass
class Result:
    client: Client
    n: int
    scenario: str
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    cold_cycle: list[float] = field(default_factory=list)  # ours: in-process cycle
    warm_cycle: list[float] = field(default_factory=list)
    pss_mb: float = 0.0
    rss_mb: float = 0.0
    items: int = 0
    daemon_cycles: list[float] = field(default_factory=list)  # ours: `monitor run`'s ticks
    work: Path = Path()  # the directory of the last cold poll, polled again warm
    env: dict[str, str] = field(default_factory=dict)

    @property
    def cold_s(self) -> float:
        return statistics.median(self.cold)

    @property
    def warm_s(self) -> float:
        return statistics.median(self.warm)


def measure_cold(client: Client, farm: Farm, n: int, scenario: str, *, runs: int) -> Result:
    """`runs` first polls, each in a fresh directory; the last one's is kept for the warm runs."""
    result = Result(client, n, scenario)
    expected = n * ITEMS_PER_FEED
    ours = client is OURS
    for attempt in range(runs):
        work = farm.root / f"{client.name.split()[0]}{'-rules' if client.rules else ''}-{attempt}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        client.setup(work, farm)
        env = _base_env(work) | client.env(work)
        run = timed(client.command(work), env, cwd=work)
        result.cold.append(run.seconds)
        if ours:
            result.cold_cycle.append(ours_cycle_seconds(work))
        result.pss_mb = max(result.pss_mb, run.pss_mb)
        result.rss_mb = max(result.rss_mb, run.rss_mb)
        result.items = client.stored(work)
        if result.items != expected:
            print(f"  ! {client.name}: stored {result.items} items, expected {expected}")
        _progress(client, n, scenario, "cold", run)
        result.work, result.env = work, env
    return result


def measure_warm(result: Result) -> None:
    """One more poll where everything answers 304."""
    client, n = result.client, result.n
    run = timed(client.command(result.work), result.env, cwd=result.work)
    result.warm.append(run.seconds)
    if client is OURS:
        result.warm_cycle.append(ours_cycle_seconds(result.work))
        if f"{n} not modified" not in run.stdout:
            print(f"  ! warm cycle was not all 304: {run.stdout.strip()}")
    result.pss_mb = max(result.pss_mb, run.pss_mb)
    result.rss_mb = max(result.rss_mb, run.rss_mb)
    _progress(client, n, result.scenario, "warm", run)


def measure_daemon(result: Result, *, ticks: int) -> None:
    """`monitor run` on the warm directory: every source made due again after each tick (so
    the next finds them all due; written between ticks, not to hold the database during one),
    and each tick's cycle as the daemon records it (its `cycle` row). The web pages are on, as
    by default, on a port the OS picks. Its log goes to a file in the work directory (a pipe
    nobody reads would block the daemon once full)."""
    tick = 3
    db = result.work / "storage" / "monitor.db"

    def all_due() -> None:
        with sqlite3.connect(db, timeout=30) as conn:
            conn.execute("update source set next_check_at = '2000-01-01 00:00:00'")

    with sqlite3.connect(db) as conn:
        (last,) = conn.execute("select coalesce(max(id), 0) from cycle").fetchone()
    all_due()
    env = result.env | {"MONITOR_TICK_SECONDS": str(tick), "MONITOR_HTTP_ADDR": "127.0.0.1:0"}
    log_path = result.work / "monitor-run.log"
    with log_path.open("w") as log:
        # Its own process group: the forkserver and the parse workers go with it if it must be
        # killed.
        proc = subprocess.Popen(
            [str(BIN / "monitor"), "run"],
            env=env,
            cwd=result.work,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        seen = 0
        deadline = time.monotonic() + 60 + ticks * tick * 3
        while len(result.daemon_cycles) < ticks and time.monotonic() < deadline:
            if proc.poll() is not None:
                break  # it stopped by itself: reported below
            time.sleep(0.2)
            with sqlite3.connect(db, timeout=30) as conn:
                rows = conn.execute(
                    "select started_at, finished_at, not_modified from cycle"
                    " where id > ? and finished_at is not null order by id",
                    (last,),
                ).fetchall()
            if len(rows) > seen:
                seen = len(rows)
                all_due()
            result.daemon_cycles = [
                (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()
                for a, b, not_modified in rows
                if not_modified == result.n  # a tick that found every source due
            ]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            # Longer than the daemon's own wait for a running tick at a stop (its total
            # timeout, 60 s, and 5 more).
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.returncode != 0 or len(result.daemon_cycles) < ticks:
        print(f"  ! monitor run: {len(result.daemon_cycles)} full ticks, exit {proc.returncode}")
        print(log_path.read_text()[-3000:])
    ticks_text = " ".join(f"{c:.2f}" for c in result.daemon_cycles)
    print(
        f"  {result.client.name}, {result.n} feeds, monitor run: ticks {ticks_text} s",
        file=sys.stderr,
        flush=True,
    )


def startup(client: Client, root: Path, *, runs: int) -> float:
    """The client's whole process with no feeds (interpreter, imports, its own files): the
    median of `runs`, after one untimed run that creates its files (our database)."""
    work = root / f"startup-{client.name.split()[0]}"
    work.mkdir(parents=True)
    empty = Farm(root, [], [])
    client.setup(work, empty)
    env = _base_env(work) | client.env(work)
    timed(client.command(work), env, cwd=work)
    seconds = [timed(client.command(work), env, cwd=work).seconds for _ in range(runs)]
    print(
        f"  {client.name}, no feeds: start-up {statistics.median(seconds):.2f} s",
        file=sys.stderr,
        flush=True,
    )
    return statistics.median(seconds)


def _progress(client: Client, n: int, scenario: str, kind: str, run: Run) -> None:
    print(
        f"  {client.name}, {n} feeds, {scenario}: {kind} {run.seconds:.2f} s, "
        f"{run.pss_mb:.0f} MB PSS / {run.rss_mb:.0f} MB RSS",
        file=sys.stderr,
        flush=True,
    )


# ----------------------------------------------------------------------------- report


def machine() -> str:
    cpu = ""
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else ""
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable)"
        f"{', ' + cpu if cpu else ''}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}; load average at start {load}"
    )


def table(results: list[Result]) -> str:
    rows = [
        "| feeds | server | client | cold (s) | cold feeds/s | cold items/s | warm, all 304 (s) "
        "| warm feeds/s | peak MB (PSS / RSS) | cold: theirs ÷ ours | warm: theirs ÷ ours |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ours = {(r.n, r.scenario): r for r in results if r.client is OURS}
    for r in results:
        base = ours.get((r.n, r.scenario))
        if r.client is OURS or base is None:
            ratio_c = ratio_w = "—"
        else:
            ratio_c = f"**{r.cold_s / base.cold_s:.1f}x**"
            ratio_w = f"**{r.warm_s / base.warm_s:.1f}x**"
        name = f"{r.client.name} ({COMMANDS[r.client.name]})"
        if r.client is OURS:
            name = f"**{name}**"
        rows.append(
            f"| {r.n:,} | {r.scenario} | {name} | {r.cold_s:.2f} | {r.n / r.cold_s:,.0f} "
            f"| {r.items / r.cold_s:,.0f} | {r.warm_s:.2f} | {r.n / r.warm_s:,.0f} "
            f"| {r.pss_mb:.0f} / {r.rss_mb:.0f} | {ratio_c} | {ratio_w} |"
        )
    return "\n".join(rows)


def without_startup(results: list[Result], startups: dict[str, float]) -> str:
    """Warm cycles less each client's own start-up: what a long-running poller pays per cycle."""
    rows = [
        "| feeds | server | client | start-up, no feeds (s) | warm (s) | warm − start-up (s) "
        "| theirs ÷ ours |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    net = {
        (r.n, r.scenario, r.client.name): max(r.warm_s - startups[r.client.name], 0.001)
        for r in results
        if r.client.name in startups
    }
    for r in results:
        if r.client.name not in startups:
            continue
        ours = net.get((r.n, r.scenario, OURS.name))
        mine = net[(r.n, r.scenario, r.client.name)]
        ratio = "—" if r.client is OURS or ours is None else f"**{mine / ours:.1f}x**"
        rows.append(
            f"| {r.n:,} | {r.scenario} | {r.client.name} | {startups[r.client.name]:.2f} "
            f"| {r.warm_s:.2f} | {mine:.2f} | {ratio} |"
        )
    return "\n".join(rows)


def cycles(results: list[Result]) -> str:
    lines = []
    for r in results:
        if r.cold_cycle:
            lines.append(
                f"- {r.client.name}, {r.n:,} feeds, {r.scenario}: cold {r.cold_s:.2f} s "
                f"(cycle {statistics.median(r.cold_cycle):.2f} s), warm {r.warm_s:.2f} s "
                f"(cycle {statistics.median(r.warm_cycle):.2f} s)"
            )
        if r.daemon_cycles:
            first, *rest = r.daemon_cycles
            line = f"- `monitor run`, {r.n:,} feeds, every one due at each tick: first tick {first:.2f} s"
            if rest:
                line += (
                    f", then median {statistics.median(rest):.2f} s "
                    f"({min(rest):.2f}-{max(rest):.2f} s over {len(rest)} ticks)"
                )
            lines.append(line)
    return "\n".join(lines)


_DECLARED_WORDS = {
    "half": "half declare their language, half do not",
    "none": "none declares its language",
    "all": "every feed declares its language",
}


def main(argv: Sequence[str] | None = None) -> int:
    global PEERS, OURS, DECLARED  # the clients and feeds read them (--peers, --no-rules, --declared)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="100,1000", help="numbers of feeds (default 100,1000)")
    ap.add_argument(
        "--quick", action="store_true", help="100 feeds, one run each, no extra scenarios"
    )
    ap.add_argument("--ports", type=int, default=16, help="ports ('hosts') serving the feeds")
    ap.add_argument(
        "--latency-ms",
        type=float,
        default=100.0,
        help="second scenario: each response delayed this much (0: skip the scenario)",
    )
    ap.add_argument(
        "--latency-size", type=int, default=100, help="feeds in the latency scenario (100)"
    )
    ap.add_argument(
        "--no-rules", action="store_true", help="ours without the shipped rules/ (a plain archive)"
    )
    ap.add_argument(
        "--declared",
        choices=("half", "none", "all"),
        default="half",
        help="feeds declaring their language (default: half; none, as many real feeds)",
    )
    ap.add_argument("--runs", type=int, default=3, help="warm runs per client (median)")
    ap.add_argument("--clients", default="ours,rss2email,feed2exec")
    ap.add_argument(
        "--daemon-ticks",
        type=int,
        default=8,
        help="ours: warm ticks of `monitor run` to time after the warm polls (0: none)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument(
        "--peers", type=Path, default=PEERS, help="bin/ of the venv with rss2email and feed2exec"
    )
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs: at least 1")
    PEERS = args.peers.resolve()
    DECLARED = args.declared
    OURS = _ours(rules=not args.no_rules)
    if args.serve:
        serve(args.serve, args.ports, args.latency_ms / 1000)
        return 0

    sizes = [100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    runs = 1 if args.quick else args.runs
    chosen = {"ours": OURS, "rss2email": R2E, "feed2exec": F2E}
    clients = [chosen[c.strip()] for c in args.clients.split(",") if c.strip()]
    missing = [c.name for c in clients if not Path(c.command(Path())[0]).exists()]
    if missing:
        print(
            f"not installed: {', '.join(missing)} (`make bench` installs rss2email and "
            f"feed2exec in {PEERS.parent}; --peers DIR points elsewhere)"
        )
        return 2
    # (scenario, feeds, latency ms, clients)
    plan: list[tuple[str, int, float, list[Client]]] = [
        ("loopback", n, 0.0, list(clients)) for n in sizes
    ]
    if args.latency_ms > 0 and not args.quick:
        plan.append(
            (f"+{args.latency_ms:g} ms/response", args.latency_size, args.latency_ms, clients)
        )
    print(f"Machine: {machine()}.", file=sys.stderr)

    tmp = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    results: list[Result] = []
    startups: dict[str, float] = {}
    started = time.perf_counter()
    try:
        for client in clients:
            startups[client.name] = startup(client, tmp, runs=runs)
        for scenario, n, latency, who in plan:
            farm = start_farm(tmp / f"{n}-{latency:g}", n, ports=args.ports, latency=latency / 1000)
            try:
                # The others are slow: cold once at more than 100 feeds (ours: `runs`).
                here = [
                    measure_cold(
                        client,
                        farm,
                        n,
                        scenario,
                        runs=1 if client is not OURS and n > 100 else runs,
                    )
                    for client in who
                ]
                # Warm runs in rounds, one of each client in turn: a machine whose speed drifts
                # (shared hosts do, by up to 1.7x within minutes) then slows or speeds them alike.
                for _ in range(runs):
                    for result in here:
                        measure_warm(result)
                for result in here:
                    if result.client.stored(result.work) != result.items:
                        print(f"  ! {result.client.name}: the warm cycles stored something")
                    if result.client is OURS and latency == 0 and args.daemon_ticks:
                        measure_daemon(result, ticks=args.daemon_ticks)
                results.extend(here)
            finally:
                farm.stop()
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"Machine: {machine()}.")
    print(
        f"Feeds: RSS 2.0, {ITEMS_PER_FEED} items each (~57 KB, synthetic text; "
        f"{_DECLARED_WORDS[DECLARED]}; one item in a hundred about the dispute; ours "
        f"{'without rules' if args.no_rules else 'with the shipped rules/'}), "
        f"served from 127.0.0.1 over {args.ports} ports by an asyncio server with ETag/304 in "
        "its own process. Each client timed as a whole process, start-up included; medians of "
        f"{runs} runs (cold: once for the other clients above 100 feeds). Peak MB: the most the "
        "client's process tree held at once, as PSS (shared pages split between processes) and "
        "as the sum of RSS. Ratios: how many times longer the other client took."
    )
    print()
    print(table(results))
    print()
    print(
        "Warm cycles without start-up: each client's warm time less its own start-up (the same "
        "command with no feeds), i.e. what a cycle costs a poller that keeps running:"
    )
    print()
    print(without_startup(results, startups))
    print()
    print(
        "In-process cycles (the `cycle` row each records: no interpreter start-up, imports), of "
        "`monitor poll` and of the ticks of `monitor run`:"
    )
    print(cycles(results))
    print()
    print(f"(bench/poll.py ran {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
