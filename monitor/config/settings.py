"""Environment and paths, read once. Secrets stay here (as SecretStr-like values) and are never
logged: `repr()` of a Secret hides it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import ConfigError

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


ENV_HTTP_ADDR = "MONITOR_HTTP_ADDR"
ENV_HTTP_TOKEN = "MONITOR_HTTP_TOKEN"
DEFAULT_HTTP_ADDR = "127.0.0.1:8080"


@dataclass(frozen=True, slots=True)
class HttpAddress:
    """Where the web pages listen: a host (name or IP) and a TCP port (0: any free port)."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_http_addr(value: str, *, origin: str = ENV_HTTP_ADDR) -> HttpAddress | None:
    """`host:port`, `[v6]:port`, or `off` (None). A bad value is a ConfigError naming `origin`."""
    text = value.strip()
    if text.lower() == "off":
        return None
    host, sep, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"{origin}: not an address: {value!r} (use HOST:PORT, or off)")
    return HttpAddress(host, int(port))


def http_addr() -> HttpAddress | None:
    """$MONITOR_HTTP_ADDR (default 127.0.0.1:8080; `off`: no web pages)."""
    return parse_http_addr(os.environ.get(ENV_HTTP_ADDR, "").strip() or DEFAULT_HTTP_ADDR)


def http_token() -> Secret | None:
    """$MONITOR_HTTP_TOKEN: the bearer token the pages demand (required off loopback)."""
    return secret_env(ENV_HTTP_TOKEN)
