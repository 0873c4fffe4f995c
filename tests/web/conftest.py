"""The web tests' fixtures: a database holding three developments polled from real feeds
through the shipped rules (the $134bn claim, a ruling, the $150bn claim), and the web app
served on a free loopback port from a thread of its own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from feedserver import FeedServer, Route
from liveweb import LiveWeb
from support import cli, feed

CLAIM = (
    "claim",
    "Musk seeks up to $134 billion from OpenAI and Microsoft",
    "Elon Musk asks for as much as $134 billion in damages from OpenAI and Microsoft, a court filing in his lawsuit shows.",
)
CLAIM_FR = (
    "claim",
    "Musk réclame jusqu'à 134 milliards de dollars à OpenAI et Microsoft",
    "Elon Musk réclame jusqu'à 134 milliards de dollars de dommages-intérêts à OpenAI et Microsoft.",
)
RULING = (
    "ruling",
    "Judge rejects OpenAI bid to avoid trial in Musk lawsuit",
    "A federal judge denied the motions for summary judgment filed by OpenAI and Microsoft, sending Elon Musk's lawsuit to a jury trial.",
)
NEW_CLAIM = (
    "claim150",
    "Musk now seeks $150 billion from OpenAI and Microsoft at trial",
    "Elon Musk's lawyers told the jury he is seeking $150 billion in damages from OpenAI and Microsoft.",
)
OUTLETS = {"wire.example": "en", "daily.example": "en", "lemonde.example": "fr"}


@pytest.fixture
def developments(feed_server: FeedServer, config_dir: Path, db_url: str) -> str:
    """Three polls, three alerts (claim, ruling, claim_change); the database URL."""
    shutil.copytree(REPO / "rules", config_dir / "rules")
    content: dict[str, list[tuple[str, str, str]]] = {o: [] for o in OUTLETS}

    def publish(outlet: str, entry: tuple[str, str, str]) -> None:
        content[outlet].insert(0, entry)
        feed_server.routes[f"/{outlet}.xml"] = Route(
            body=feed(
                outlet, OUTLETS[outlet], content[outlet], hour=9 if outlet == "wire.example" else 10
            )
        )

    for outlet, lang in OUTLETS.items():
        feed_server.add(f"/{outlet}.xml", Route(body=feed(outlet, lang, [])))
    (config_dir / "sources.yaml").write_text(
        "sources:\n"
        + "".join(f"  - name: {o}\n    url: {feed_server.url(f'/{o}.xml')}\n" for o in OUTLETS)
    )

    def poll() -> None:
        code, _, err = cli("poll")
        assert code == 0, err

    publish("wire.example", CLAIM)
    publish("daily.example", CLAIM)
    publish("lemonde.example", CLAIM_FR)
    poll()
    publish("wire.example", RULING)
    publish("daily.example", RULING)
    poll()
    publish("daily.example", NEW_CLAIM)
    publish("wire.example", NEW_CLAIM)
    poll()
    return db_url


@pytest.fixture
def live_web() -> Iterator[LiveWeb]:
    server = LiveWeb()
    yield server
    server.stop()


@pytest.fixture
def web_url(developments: str, live_web: LiveWeb) -> str:
    """The pages of the three developments' database."""
    return live_web.start(developments)
