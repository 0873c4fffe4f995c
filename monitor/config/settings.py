"""Environment and paths, read once. Secrets stay here (as SecretStr-like values) and are never
logged: `repr()` of a Secret hides it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_CONFIG_DIR = "MONITOR_CONFIG_DIR"
ENV_DATABASE_URL = "MONITOR_DATABASE_URL"


class Secret:
    """A string that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def secret_env(name: str) -> Secret | None:
    value = os.environ.get(name, "").strip()
    return Secret(value) if value else None


@dataclass(frozen=True, slots=True)
class Paths:
    """Where the user's files are: sources.yaml, rules/, notifiers/, storage/."""

    root: Path

    @property
    def sources_file(self) -> Path:
        return self.root / "sources.yaml"

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def notifiers_dir(self) -> Path:
        return self.root / "notifiers"

    @property
    def storage_dir(self) -> Path:
        return self.root / "storage"

    @property
    def default_database_url(self) -> str:
        return f"sqlite:///{(self.storage_dir / 'monitor.db').resolve()}"


def resolve_paths(config_dir: Path | str | None = None) -> Paths:
    """--config-dir, else $MONITOR_CONFIG_DIR, else the current directory."""
    chosen = config_dir or os.environ.get(ENV_CONFIG_DIR) or "."
    return Paths(Path(chosen).expanduser().resolve())


def database_url(paths: Paths) -> str:
    return os.environ.get(ENV_DATABASE_URL, "").strip() or paths.default_database_url
