"""The docket shows an order in the tracked case, then three outlets report
it: one alert, from the court record, with the three reports in its thread; entries of other
cases and entries that decide nothing raise nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conftest import REPO
from feedserver import FeedServer, Route
from sqlalchemy import text
from support import cli, feed

from monitor.storage.engine import make_engine

CASE = "4:24-cv-04722-YGR Musk v. Altman et al"


def docket(base: str, entries: list[tuple[str, str, int]]) -> bytes:
    """A CM/ECF RSS feed of (title, description, entry number)."""
    items = "".join(
        f"<item><title>{t}</title><link>{base}/cgi-bin/DktRpt.pl?433688</link>"
        f"<description>{d} (&lt;a href=&quot;{base}/doc1/0350{n:05d}?caseid=433688&amp;de_seq_num={n}&quot; &gt;{n}&lt;/a&gt;)</description>"
        f"<guid isPermaLink='true'>{base}/cgi-bin/DktRpt.pl?433688</guid>"
        f"<pubDate>Thu, 08 Jan 2026 0{n % 10}:00:00 GMT</pubDate></item>"
        for t, d, n in entries
    )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>Northern District of California - Recent Entries</title>"
        f"<link>{base}</link><description>entries</description>{items}</channel></rss>"
    ).encode("latin-1")


ORDER = (
    CASE,
    "[Order on Motion for Summary Judgment] ORDER by Judge Yvonne Gonzalez Rogers DENYING "
    "Defendants' Motions for Summary Judgment; the case will proceed to trial.",
    380,
)
NOISE = [
    (
        CASE,
        "[Stipulation] STIPULATION AND [PROPOSED] ORDER re briefing schedule filed by OpenAI, Inc.",
        381,
    ),
    (
        CASE,
        "[Motion for Leave to File Excess Pages] MOTION for Leave to File Excess Pages filed by Elon Musk.",
        382,
    ),
    (CASE, "[Transcript] Transcript of Proceedings held on 1/7/2026.", 383),
    (
        "3:25-cv-01111-JD Roe v. Example Corp",
        "[Order on Motion to Dismiss] ORDER GRANTING Motion to Dismiss.",
        12,
    ),
]
# The news reports the order the day after it was docketed.
REPORTED = "Fri, 09 Jan 2026"
REPORTS = [
    (
        "wire.example",
        "en",
        (
            "sj",
            "Judge denies OpenAI's summary judgment bid, Musk case goes to trial",
            "A federal judge denied OpenAI and Microsoft's motions for summary judgment in Elon Musk's lawsuit, sending the case to a jury.",
        ),
    ),
    (
        "lemonde.example",
        "fr",
        (
            "sj",
            "Procès Musk contre OpenAI : la juge rejette la demande de jugement sommaire",
            "La juge fédérale a rejeté la requête en jugement sommaire d'OpenAI et de Microsoft ; le procès intenté par Elon Musk aura lieu devant un jury.",
        ),
    ),
    (
        "spiegel.example",
        "de",
        (
            "sj",
            "Richterin lehnt Antrag von OpenAI ab: Musk-Klage geht vor Geschworene",
            "Eine Bundesrichterin hat den Antrag von OpenAI und Microsoft auf ein summarisches Urteil abgelehnt; die Klage von Elon Musk geht vor eine Jury.",
        ),
    ),
]


def _rows(db_url: str, sql: str) -> list[dict[str, Any]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text(sql))]
    engine.dispose()
    for row in rows:
        for key in ("payload",):
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
    return rows


def test_a_docket_order_reported_by_three_outlets_is_one_alert_from_the_court_record(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    base = feed_server.base
    feed_server.add("/rss_outside.pl", Route(body=docket(base, [*NOISE, ORDER]), etag=False))
    lines = [
        "sources:",
        f"  - name: cand-docket\n    kind: court-rss\n    court: cand\n    url: {base}/rss_outside.pl\n    cases: ['4:24-cv-04722']",
    ]
    for outlet, lang, _ in REPORTS:
        feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, lang, [])))
        lines.append(f"  - name: {outlet}\n    url: {base}/{outlet}.xml")
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    code, _, err = cli("poll")
    assert code == 0, err
    alerts = _rows(db_url, "select * from alert where severity = 'alert' order by id")
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["kind"] == "ruling"
    assert alert["payload"]["from_court"] is True
    assert alert["payload"]["document_url"].startswith(f"{base}/doc1/")
    assert "summary judgment" in alert["headline"].lower()

    for outlet, lang, entry in REPORTS:
        feed_server.routes[f"/{outlet}.xml"] = Route(body=feed(outlet, lang, [entry], day=REPORTED))
    code, _, err = cli("poll")
    assert code == 0, err
    alerts = _rows(db_url, "select * from alert where severity = 'alert' order by id")
    assert [a["id"] for a in alerts] == [alert["id"]]
    thread = _rows(db_url, f"select * from delivery where alert_id = {alert['id']} and seq > 0")
    notes = sorted(
        json.loads(d["payload"])["links"][0]["outlet"]
        if isinstance(d["payload"], str)
        else d["payload"]["links"][0]["outlet"]
        for d in thread
    )
    assert notes == sorted(o for o, _, _ in REPORTS)


def test_a_notice_of_appeal_on_the_docket_raises_one_appeal_alert(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    base = feed_server.base
    notice = (CASE, "[Notice of Appeal] NOTICE OF APPEAL to the 9th Circuit by Elon Musk.", 390)
    usca = (CASE, "[USCA Case Number] USCA Case Number 26-1234 for 390 Notice of Appeal.", 391)
    feed_server.add("/rss_outside.pl", Route(body=docket(base, [*NOISE, notice]), etag=False))
    (config_dir / "sources.yaml").write_text(
        f"sources:\n  - name: cand-docket\n    kind: court-rss\n    url: {base}/rss_outside.pl\n"
        "    cases: ['4:24-cv-04722']\n"
    )
    code, _, err = cli("poll")
    assert code == 0, err
    alerts = _rows(db_url, "select * from alert where severity = 'alert' order by id")
    assert [a["headline"] for a in alerts] == [
        "Appeal: notice of appeal filed (N.D. Cal., 8 Jan 2026)"
    ]
    assert alerts[0]["payload"]["from_court"] is True

    # The court of appeals docketing it is the same development: its thread, not a new alert.
    feed_server.routes["/rss_outside.pl"] = Route(
        body=docket(base, [*NOISE, notice, usca]), etag=False
    )
    code, _, err = cli("poll")
    assert code == 0, err
    assert len(_rows(db_url, "select * from alert where severity = 'alert'")) == 1
