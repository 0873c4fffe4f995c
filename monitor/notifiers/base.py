"""What every notifier shares: the message it is handed (an alert or a thread update), what it
answers (`SendResult`), the channel options every kind has (routing filters), and text helpers
that keep what we post safe (control characters, length caps, http(s)-only links)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from monitor.domain import AlertDraft, Link
from monitor.errors import ConfigError
from monitor.parse.htmltext import without_controls

if TYPE_CHECKING:
    from jinja2 import Environment

    from monitor.notifiers.email import SmtpSettings

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# C0/C1 controls except tab and newline: a feed title must not drive a terminal (ANSI escapes) or
# break a header.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Update:
    """A thread update: later copies of the alert's story ("also reported by ...")."""

    links: tuple[Link, ...] = ()
    confirmed_by: int = 0
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "links": [
                {"outlet": lk.outlet, "title": lk.title, "url": lk.url, "language": lk.language}
                for lk in self.links
            ],
            "confirmed_by": self.confirmed_by,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Update:
        return cls(
            links=tuple(
                Link(
                    outlet=str(lk.get("outlet", "")),
                    title=str(lk.get("title", "")),
                    url=lk.get("url"),
                    language=lk.get("language"),
                )
                for lk in data.get("links", [])
            ),
            confirmed_by=int(data.get("confirmed_by", 0)),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True, slots=True)
class Message:
    """One outbox row to send: the alert (update is None) or an update in its thread."""

    alert_id: int
    draft: AlertDraft
    created_at: datetime
    update: Update | None = None
    # The channel's reference of the alert's own message (Slack ts), for thread updates.
    thread_ref: str | None = None


@dataclass(frozen=True, slots=True)
class SendResult:
    """The channel accepted the message; `external_ref` identifies it there (Slack ts)."""

    external_ref: str | None = None


@runtime_checkable
class Notifier(Protocol):
    """A channel. `send` returns once the channel accepted the message, or raises
    NotifyError(transient=True|False)."""

    name: str
    supports_threads: bool

    def send(self, message: Message) -> SendResult: ...


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What building a notifier from its options may read: environment, SMTP, templates."""

    environ: Mapping[str, str] = field(repr=False)  # holds the secrets
    # The file (or "environment") the channel came from, for error messages.
    source: str = "environment"
    line: int | None = None
    smtp: SmtpSettings | None = None
    templates: Environment | None = None
    stdout: IO[str] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def secret(self, env_name: str, key: str) -> str:
        """The value of the environment variable `env_name`, or a ConfigError naming `key`."""
        value = self.environ.get(env_name, "").strip()
        if not value:
            raise ConfigError(
                f"{key}: environment variable {env_name} is not set",
                path=self.source,
                line=self.line,
            )
        return value


class ChannelBase(BaseModel):
    """Options every channel has: its name and which alerts it gets."""

    # Built when a channel of its kind is first read (see SourceBase): a poll builds the
    # console's at most, not email's and Slack's.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: str
    # Which alerts this channel gets; an empty list means "all".
    severities: tuple[str, ...] = ("alert",)
    rules: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    # Whether `build` needs `BuildContext.templates`: Jinja2 is imported only when a channel
    # renders with it.
    uses_templates: ClassVar[bool] = False

    def wants(self, draft: AlertDraft) -> bool:
        """Does an alert with these properties go to this channel?"""
        checks: Sequence[tuple[tuple[str, ...], str | None]] = (
            (self.severities, draft.severity),
            (self.rules, draft.rule),
            (self.topics, draft.topic),
            (self.kinds, draft.kind),
        )
        return all(not allowed or value in allowed for allowed, value in checks)

    def build(self, ctx: BuildContext) -> Notifier:
        raise NotImplementedError


def check_env_name(value: str | None) -> str | None:
    """Validator for `*_env` keys: they name a variable, never hold the secret itself."""
    if value is None:
        return None
    if not _ENV_NAME.match(value):
        raise ValueError(
            "must name an environment variable (e.g. SLACK_BOT_TOKEN), not hold the secret"
        )
    return value


# --- text helpers ---------------------------------------------------------------------------


def clean(text: str | None) -> str:
    """Normalised text without escape sequences, control characters (keeps newlines and tabs)
    or zero-width characters (invisible, they hide words from the reader and split them)."""
    if not text:
        return ""
    return without_controls(unicodedata.normalize("NFC", text), zero_width=True)


def one_line(text: str | None) -> str:
    return " ".join(clean(text).split())


def cut(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """`text` shortened to at most `limit` characters, at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ellipsis))
    head = text[:room]
    space = head.rfind(" ")
    if space > room * 0.8:
        head = head[:space]
    return head.rstrip() + ellipsis


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link without spaces or controls, else None."""
    if not url:
        return None
    url = url.strip()
    if len(url) > 2000 or _CONTROLS.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def outlets_line(links: Sequence[Link], *, limit: int = 10) -> str:
    names = [one_line(lk.outlet) for lk in links[:limit]]
    more = len(links) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def shows_change(d: AlertDraft) -> bool:
    """Whether old → new needs a line of its own: not when the headline already says both (a
    reader should see "$134bn → $150bn" once), nor for a first value."""
    if not d.old_value:
        return False
    headline = one_line(d.headline)
    return not (one_line(d.old_value) in headline and one_line(d.new_value) in headline)
