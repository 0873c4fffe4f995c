"""The web app served on a free loopback port from an event loop in a thread of its own, as
`monitor run` serves it beside the scheduler."""

from __future__ import annotations

import asyncio
import threading

from monitor.config.settings import HttpAddress, Secret
from monitor.storage.engine import make_engine
from monitor.web.app import Running, make_app, start
from monitor.web.health import Heartbeat, Probe


class LiveWeb:
    """The app on 127.0.0.1:0, its event loop in a daemon thread (as `monitor run` serves it
    beside the scheduler)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.running: Running | None = None

    def start(
        self,
        db_url: str,
        *,
        token: str | None = None,
        heartbeat: Heartbeat | None = None,
        language: str = "en",
        host: str = "127.0.0.1",
    ) -> str:
        engine = make_engine(db_url)
        self.engine = engine
        secret = Secret(token) if token else None
        app = make_app(engine, Probe(engine, heartbeat=heartbeat), token=secret, language=language)
        future = asyncio.run_coroutine_threadsafe(
            start(app, HttpAddress(host, 0), token=secret), self.loop
        )
        self.running = future.result(timeout=30)
        return self.running.url

    def stop(self) -> None:
        if self.running is not None:
            asyncio.run_coroutine_threadsafe(self.running.stop(), self.loop).result(timeout=30)
            self.engine.dispose()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()
