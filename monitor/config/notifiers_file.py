"""notifiers/*.yaml (or, without it, the environment) → a frozen NotifyConfig: the channels and
which alerts each gets, the SMTP server, the daily digest, template overrides. Secrets are only
ever *named* (`*_env` keys) and read from the environment when the notifiers are built.

    channels:
      - {name: legal, kind: slack, bot_token_env: SLACK_BOT_TOKEN, channel: "#legal"}
    smtp: {host: smtp.example.com, from: monitor@example.com, password_env: SMTP_PASSWORD}
    digest: {to: [counsel@example.com], time: "08:00", timezone: Europe/Paris, docket_grace: 24h}
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.config import yamlfile
from monitor.config.durations import Duration
from monitor.errors import ConfigError
from monitor.notifiers import NOTIFIER_KINDS, ChannelBase
from monitor.notifiers.base import BuildContext
from monitor.notifiers.console import ConsoleConfig
from monitor.notifiers.email import DEFAULT_PORTS, Recipients, SmtpConfig, SmtpSettings
from monitor.notifiers.slack import SlackConfig

# The digest lists rulings the news reported and the docket has not shown for this long.
NEWS_ONLY_MAX_AGE = timedelta(days=30)

ENVIRONMENT = "environment"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(value: str) -> time:
    m = _TIME.match(value.strip())
    if not m:
        raise ValueError(f"not a time of day: {value!r} (use HH:MM, e.g. 08:00)")
    return time(int(m.group(1)), int(m.group(2)))


def parse_zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use e.g. Europe/Paris, UTC)") from None


class DigestConfig(BaseModel):
    """The daily digest: one email per recipient at `time` in `timezone`."""

    # Built when a notifiers file first has a digest (see monitor.sources.SourceBase).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    to: Recipients = Field(min_length=1)
    time: str = "08:00"
    timezone: str = "UTC"
    # On a day without developments: true sends one line saying so, false sends nothing.
    send_on_empty_day: bool = True
    top_stories: int = Field(default=10, ge=1, le=50)
    # A digest missed (machine off, mail server down) is still sent up to this many days late.
    lookback_days: int = Field(default=3, ge=0, le=31)
    subject: str = Field(default="Dispute monitor", max_length=100)
    # A ruling the news reported is listed as "not yet in the court record" once its first
    # report is this old and no docket entry has shown it (only with a docket source).
    docket_grace: Duration = timedelta(hours=24)

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        parse_time(v)
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        parse_zone(v)
        return v

    @field_validator("docket_grace")
    @classmethod
    def _grace(cls, v: timedelta) -> timedelta:
        if v < timedelta(0) or v >= NEWS_ONLY_MAX_AGE:
            raise ValueError("must be at least 0 and less than 30 days (e.g. 24h, 2d)")
        return v


class HealthConfig(BaseModel):
    """Source-health alerts: a source is down after this many failed polls in a row."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    failure_threshold: int = Field(default=3, ge=1, le=1000)


@dataclass(frozen=True, slots=True)
class DigestSettings:
    recipients: tuple[str, ...]
    at: time = time(8, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    send_on_empty_day: bool = True
    top_stories: int = 10
    lookback_days: int = 3
    subject: str = "Dispute monitor"
    docket_grace: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ChannelEntry:
    options: ChannelBase
    source: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    channels: tuple[ChannelEntry, ...]
    smtp: SmtpConfig | None = None
    digest: DigestSettings | None = None
    templates_dir: Path | None = None
    failure_threshold: int = 3
    origin: str = ENVIRONMENT
    # The readers' language: alerts, the digest and the pages are worded in it.
    language: str = ""

    def smtp_settings(self, environ: Mapping[str, str]) -> SmtpSettings | None:
        if self.smtp is None:
            return None
        return self.smtp.settings(BuildContext(environ=environ, source=self.origin))


_TOP_KEYS = ("channels", "smtp", "digest", "templates", "health", "language")
# Languages the alerts can be worded in (monitor/developments/wording.py).
READER_LANGUAGES = ("en", "fr")


def reader_language(value: object, *, path: str, line: int | None = None) -> str:
    """`en` or `fr` (`language:` in notifiers/, else MONITOR_LANGUAGE); else a located error."""
    code = str(value).strip().lower()
    if code not in READER_LANGUAGES:
        raise ConfigError(
            f"language: {value!r} is not one of {', '.join(READER_LANGUAGES)}",
            path=path,
            line=line,
        )
    return code


def config_files(notifiers_dir: Path) -> list[Path]:
    """The files that configure notifiers (`*.yaml`, `*.yml`; `*.example` are not loaded)."""
    if not notifiers_dir.is_dir():
        return []
    return sorted(
        p for p in notifiers_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
    )


def load(notifiers_dir: Path, environ: Mapping[str, str] | None = None) -> NotifyConfig:
    """notifiers/*.yaml when there is any, else the environment (see `from_environment`)."""
    env = os.environ if environ is None else environ
    files = config_files(notifiers_dir)
    if not files:
        config = from_environment(env, templates_dir=notifiers_dir / "templates")
    else:
        config = from_files(files, templates_base=notifiers_dir)
    if config.language:
        return config
    given = env.get("MONITOR_LANGUAGE")
    language = reader_language(given, path="MONITOR_LANGUAGE") if given else "en"
    return dataclasses.replace(config, language=language)


def from_files(files: list[Path], *, templates_base: Path) -> NotifyConfig:
    channels: list[ChannelEntry] = []
    seen: dict[str, str] = {}
    single: dict[str, tuple[Any, str, Any]] = {}
    for path in files:
        name = str(path)
        data = yamlfile.load(path)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise ConfigError(
                f"expected a mapping with keys {', '.join(_TOP_KEYS)}", path=name, line=1
            )
        for key in data:
            if key not in _TOP_KEYS:
                raise ConfigError(
                    f"unknown key '{key}' (allowed: {', '.join(_TOP_KEYS)})",
                    path=name,
                    line=yamlfile.line_of(data, [key]),
                )
        for key in ("smtp", "digest", "templates", "health", "language"):
            if key in data:
                if key in single:
                    raise ConfigError(
                        f"{key}: already set in {single[key][1]}",
                        path=name,
                        line=yamlfile.line_of(data, [key]),
                    )
                single[key] = (data[key], name, data)
        for entry in _parse_channels(data, name):
            other = seen.get(entry.options.name)
            if other is not None:
                raise ConfigError(
                    f"channels: duplicate channel name '{entry.options.name}' (also in {other})",
                    path=name,
                    line=entry.line,
                )
            seen[entry.options.name] = f"{name}:{entry.line}"
            channels.append(entry)
    if not any(isinstance(c.options, ConsoleConfig) for c in channels):
        channels.insert(0, ChannelEntry(ConsoleConfig(), ENVIRONMENT))
    smtp = _section(single, "smtp", SmtpConfig)
    digest_cfg = _section(single, "digest", DigestConfig)
    health = _section(single, "health", HealthConfig) or HealthConfig()
    templates = templates_base / "templates"
    if "templates" in single:
        value, name, _ = single["templates"]
        if not isinstance(value, str):
            raise ConfigError("templates: expected a folder name", path=name)
        templates = (templates_base / value).resolve()
    if digest_cfg is not None and smtp is None:
        _, name, data = single["digest"]
        raise ConfigError(
            "digest: needs an smtp: section to send mail",
            path=name,
            line=yamlfile.line_of(data, ["digest"]),
        )
    language = ""  # not set in the files: the environment decides (see `load`)
    if "language" in single:
        value, name, data = single["language"]
        language = reader_language(value, path=name, line=yamlfile.line_of(data, ["language"]))
    return NotifyConfig(
        channels=tuple(channels),
        smtp=smtp,
        digest=_digest_settings(digest_cfg) if digest_cfg else None,
        templates_dir=templates,
        failure_threshold=health.failure_threshold,
        origin=", ".join(str(p) for p in files),
        language=language,
    )


def _section(single: dict[str, Any], key: str, model: type[Any]) -> Any:
    if key not in single:
        return None
    value, name, _ = single[key]
    return yamlfile.validate(model, value, path=name, root=[key]) if value is not None else None


def _parse_channels(data: Any, path: str) -> list[ChannelEntry]:
    entries = data.get("channels") or []
    if not isinstance(entries, list):
        raise ConfigError(
            "channels: expected a list", path=path, line=yamlfile.line_of(data, ["channels"])
        )
    out: list[ChannelEntry] = []
    for i, entry in enumerate(entries):
        loc: list[str | int] = ["channels", i]
        line = yamlfile.line_of(data, loc)
        if not isinstance(entry, dict):
            raise ConfigError(
                f"channels[{i}]: expected a mapping (name, kind, ...)", path=path, line=line
            )
        kind = entry.get("kind")
        model = yamlfile.kind_model(NOTIFIER_KINDS, kind, data=data, loc=loc, path=path)
        try:
            options = model.model_validate(dict(entry))
        except ValidationError as exc:
            raise yamlfile.error_from_validation(exc, entry, path=path, root=loc) from None
        out.append(ChannelEntry(options, path, line))
    return out


def _digest_settings(cfg: DigestConfig) -> DigestSettings:
    return DigestSettings(
        recipients=cfg.to,
        at=parse_time(cfg.time),
        zone=parse_zone(cfg.timezone),
        send_on_empty_day=cfg.send_on_empty_day,
        top_stories=cfg.top_stories,
        lookback_days=cfg.lookback_days,
        subject=cfg.subject,
        docket_grace=cfg.docket_grace,
    )


def from_environment(
    environ: Mapping[str, str], *, templates_dir: Path | None = None
) -> NotifyConfig:
    """No notifiers/*.yaml: console always; Slack from SLACK_BOT_TOKEN + SLACK_CHANNEL (threads)
    or SLACK_WEBHOOK_URL; the digest from SMTP_HOST + DIGEST_TO."""

    def get(name: str) -> str:
        return environ.get(name, "").strip()

    channels = [ChannelEntry(ConsoleConfig(), ENVIRONMENT)]
    api_url = get("SLACK_API_URL") or None
    try:
        if get("SLACK_BOT_TOKEN"):
            if not get("SLACK_CHANNEL"):
                raise ConfigError(
                    "SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not", path=ENVIRONMENT
                )
            slack = SlackConfig(
                bot_token_env="SLACK_BOT_TOKEN", channel=get("SLACK_CHANNEL"), api_url=api_url
            )
            channels.append(ChannelEntry(slack, ENVIRONMENT))
        elif get("SLACK_WEBHOOK_URL"):
            channels.append(
                ChannelEntry(SlackConfig(webhook_url_env="SLACK_WEBHOOK_URL"), ENVIRONMENT)
            )
    except ValidationError as exc:
        raise ConfigError(f"SLACK_API_URL: {exc.errors()[0]['msg']}", path=ENVIRONMENT) from None
    smtp: SmtpConfig | None = None
    digest: DigestSettings | None = None
    if get("SMTP_HOST"):
        security = (get("SMTP_SECURITY") or "starttls").lower()
        if security not in DEFAULT_PORTS:
            raise ConfigError(
                f"SMTP_SECURITY must be starttls, ssl or none, not {security!r}", path=ENVIRONMENT
            )
        port = get("SMTP_PORT") or str(DEFAULT_PORTS[security])
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"SMTP_PORT must be a port number, not {port!r}", path=ENVIRONMENT)
        values: dict[str, Any] = {
            "host": get("SMTP_HOST"),
            "port": int(port),
            "security": security,
            "from": get("DIGEST_FROM") or "dispute-monitor@localhost",
            "username": get("SMTP_USERNAME") or None,
            "password_env": "SMTP_PASSWORD" if get("SMTP_PASSWORD") else None,
        }
        smtp = _env_model(SmtpConfig, values, {"sender": "DIGEST_FROM", "from": "DIGEST_FROM"})
        if get("DIGEST_TO"):
            cfg = _env_model(
                DigestConfig,
                {
                    "to": [a.strip() for a in get("DIGEST_TO").split(",") if a.strip()],
                    "time": get("DIGEST_TIME") or "08:00",
                    "timezone": get("DIGEST_TIMEZONE") or "UTC",
                },
                {"to": "DIGEST_TO", "time": "DIGEST_TIME", "timezone": "DIGEST_TIMEZONE"},
            )
            digest = _digest_settings(cfg)
    return NotifyConfig(
        channels=tuple(channels),
        smtp=smtp,
        digest=digest,
        templates_dir=templates_dir,
        origin=ENVIRONMENT,
    )


def _env_model(model: type[Any], values: dict[str, Any], names: Mapping[str, str]) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{names.get(key, key.upper())}: {msg}", path=ENVIRONMENT) from None
