"""What a running command holds: the user's paths, the database engine (migrated), fetch
limits and a lease owner id. Opened once per command or per `monitor run`."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Engine

from monitor.fetch import Limits
from monitor.settings import Paths, database_url
from monitor.storage.engine import make_engine, upgrade


@dataclass(slots=True)
class Context:
    paths: Paths
    engine: Engine
    limits: Limits = field(default_factory=Limits.from_env)
    owner: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )

    @classmethod
    def open(cls, paths: Paths, *, limits: Limits | None = None, migrate: bool = True) -> Context:
        engine = make_engine(database_url(paths))
        if migrate:
            upgrade(engine)
        return cls(paths=paths, engine=engine, limits=limits or Limits.from_env())

    def close(self) -> None:
        self.engine.dispose()
