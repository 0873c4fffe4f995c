"""Feeds that evolve over several real polls give exactly the expected
alerts (first claim, one ruling, one claim change) and nothing else; copies go to the thread."""

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

BID = (
    "bid",
    "Musk-led group offers $97.4 billion for OpenAI",
    "A consortium led by Elon Musk made an unsolicited $97.4 billion offer for the nonprofit that controls OpenAI.",
)
CLAIM_EN = (
    "claim",
    "Musk seeks up to $134 billion from OpenAI and Microsoft",
    "Elon Musk asks for as much as $134 billion in damages from OpenAI and Microsoft, a court filing in his lawsuit shows.",
)
COPIES = {
    "en": (
        "claim",
        "Elon Musk wants as much as $134 billion from OpenAI, Microsoft",
        "Musk is asking for as much as $134 billion in damages in his lawsuit against OpenAI and Microsoft.",
    ),
    "fr": (
        "claim",
        "Musk réclame jusqu'à 134 milliards de dollars à OpenAI et Microsoft",
        "Elon Musk réclame jusqu'à 134 milliards de dollars de dommages-intérêts à OpenAI et Microsoft.",
    ),
    "de": (
        "claim",
        "Musk fordert bis zu 134 Milliarden Dollar von OpenAI und Microsoft",
        "Elon Musk verlangt in seiner Klage bis zu 134 Milliarden Dollar Schadenersatz von OpenAI und Microsoft.",
    ),
    "es": (
        "claim",
        "Musk pide hasta 134.000 millones de dólares a OpenAI y Microsoft",
        "Elon Musk reclama hasta 134.000 millones de dólares en daños a OpenAI y Microsoft en su demanda.",
    ),
}
RULING = (
    "ruling",
    "Judge rejects OpenAI bid to avoid trial in Musk lawsuit",
    "A federal judge denied the motions for summary judgment filed by OpenAI and Microsoft, sending Elon Musk's lawsuit to a jury trial.",
)
RULING_COPY = (
    "ruling",
    "Musk v. OpenAI heads to jury after judge denies summary judgment",
    "U.S. District Judge Yvonne Gonzalez Rogers denied OpenAI's motion for summary judgment in the case brought by Elon Musk.",
)
NEW_CLAIM = (
    "claim150",
    "Musk now seeks $150 billion from OpenAI and Microsoft at trial",
    "Elon Musk's lawyers told the jury he is seeking $150 billion in damages from OpenAI and Microsoft.",
)
TESLA = (
    "tesla",
    "Delaware court rules on Tesla pay package",
    "The Delaware Supreme Court ruled on Elon Musk's Tesla pay package, reinstating the $56 billion award.",
)

OUTLETS = [
    ("wire.example", "en"),
    ("daily.example", "en"),
    ("tech.example", "en"),
    ("lemonde.example", "fr"),
    ("lesechos.example", "fr"),
    ("spiegel.example", "de"),
    ("faz.example", "de"),
    ("elpais.example", "es"),
    ("abc.example", "es"),
]


def _alerts(db_url: str) -> list[dict[str, Any]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text("select * from alert order by id"))]
    engine.dispose()
    for row in rows:  # a JSON column read through plain SQL is text on SQLite
        if isinstance(row["payload"], str):
            row["payload"] = json.loads(row["payload"])
    return rows


def _deliveries(db_url: str) -> list[dict[str, Any]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text("select * from delivery order by id"))]
    engine.dispose()
    return rows


def test_evolving_feeds_give_first_claim_one_ruling_one_change_and_nothing_else(
    feed_server: FeedServer, config_dir: Path, db_url: str
) -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    content: dict[str, list[tuple[str, str, str]]] = {o: [] for o, _ in OUTLETS}
    lang = dict(OUTLETS)

    def publish(outlet: str, entry: tuple[str, str, str]) -> None:
        content[outlet].insert(0, entry)
        feed_server.routes[f"/{outlet}.xml"] = Route(
            # The wire publishes first: it is the one "first reported by" must name.
            body=feed(
                outlet, lang[outlet], content[outlet], hour=9 if outlet == "wire.example" else 10
            )
        )

    for outlet, lg in OUTLETS:
        feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, lg, [])))
    lines = ["sources:"] + [
        f"  - name: {o}\n    url: {feed_server.url(f'/{o}.xml')}" for o, _ in OUTLETS
    ]
    (config_dir / "sources.yaml").write_text("\n".join(lines) + "\n")

    def poll() -> list[dict[str, Any]]:
        code, _, err = cli("poll")
        assert code == 0, err
        return [a for a in _alerts(db_url) if a["severity"] == "alert"]

    # 1. The takeover bid is a figure, not a claim.
    publish("wire.example", BID)
    assert poll() == []
    # 2. Two outlets report the claim: one alert, the first value of the claim.
    publish("wire.example", CLAIM_EN)
    publish("daily.example", CLAIM_EN)
    alerts = poll()
    assert [a["kind"] for a in alerts] == ["claim"]
    assert alerts[0]["headline"] == "Claimed amount: up to $134bn"
    assert alerts[0]["payload"]["confirmed_by"] == 2
    assert alerts[0]["payload"]["first_reported_by"] == "wire.example"
    # 3. Eight copies in four languages: the same development, no new alert.
    for outlet, lg in OUTLETS[2:]:
        publish(outlet, COPIES[lg])
    publish("wire.example", COPIES["en"])
    assert [a["kind"] for a in poll()] == ["claim"]
    # 4. A ruling and its copies: one alert.
    publish("wire.example", RULING)
    publish("tech.example", RULING_COPY)
    publish("lemonde.example", RULING_COPY)
    alerts = poll()
    assert [a["kind"] for a in alerts] == ["claim", "ruling"]
    assert alerts[1]["payload"]["evidence"]["sentence"]
    # 5. A new figure from two outlets: a claim change.
    publish("daily.example", NEW_CLAIM)
    publish("faz.example", NEW_CLAIM)
    # 6. A ruling in another case: nothing.
    publish("tech.example", TESLA)
    alerts = poll()
    assert [a["kind"] for a in alerts] == ["claim", "ruling", "claim_change"]
    change = alerts[2]
    assert change["headline"] == "Claimed amount: up to $134bn → $150bn"
    assert (
        change["payload"]["old_value"] == "up to $134bn"
        and change["payload"]["new_value"] == "$150bn"
    )
    # A last poll with nothing new adds nothing.
    assert len(poll()) == 3

    # Copies went to the alerts' threads, once per new outlet, never as a new alert.
    deliveries = _deliveries(db_url)
    claim_updates = [d for d in deliveries if d["alert_id"] == alerts[0]["id"] and d["seq"] > 0]
    assert len(claim_updates) == 7  # outlets 3..9 reported the $134bn claim after the alert
    assert all(d["status"] == "sent" for d in deliveries if d["channel"] == "console")


def test_a_ruling_one_outlet_reported_is_shown_by_poll_as_waiting(
    feed_server: FeedServer, config_dir: Path
) -> None:
    shutil.copytree(REPO / "rules", config_dir / "rules")
    url = feed_server.add("/wire.xml", Route(body=feed("wire.example", "en", [RULING])))
    (config_dir / "sources.yaml").write_text(f"sources:\n  - name: wire.example\n    url: {url}\n")
    code, out, err = cli("poll")
    assert code == 0, err
    assert "0 alerts" in out
    assert (
        "Ruling: summary judgment denied (N.D. Cal., reported 18 May 2026)"
        " — waiting for a second outlet: wire.example" in out
    )
