"""Email over SMTP (smtplib; async callers run it in a thread): a multipart/alternative message
(text + HTML) through STARTTLS, SSL or a plain connection, logging in when a username is set.
Used by the daily digest and by `kind: email` alert channels."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from monitor.config.settings import Secret
from monitor.errors import ConfigError, NotifyError
from monitor.notifiers.base import (
    BuildContext,
    ChannelBase,
    Message,
    SendResult,
    check_env_name,
    one_line,
)

if TYPE_CHECKING:
    from jinja2 import Environment  # built by monitor.notifiers.templating when mail is sent

log = logging.getLogger(__name__)

Security = Literal["starttls", "ssl", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
_ADDRESS = r"^[^@\s<>,;]+@[^@\s<>,;]+$"


def check_addresses(addresses: tuple[str, ...]) -> tuple[str, ...]:
    """Validator for recipient lists: each must look like an address (no display names)."""
    for address in addresses:
        if not re.match(_ADDRESS, address):
            raise ValueError(f"not an email address: {address!r}")
    return addresses


Recipients = Annotated[tuple[str, ...], AfterValidator(check_addresses)]


class SmtpConfig(BaseModel):
    """The mail server: `security` starttls (default; refused if the server does not offer
    it), ssl, or none; `password_env` names the environment variable holding the password."""

    # Built when an email channel is first read (see ChannelBase).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security = "starttls"
    username: str | None = None
    username_env: str | None = None
    password_env: str | None = None
    sender: str = Field(alias="from", pattern=_ADDRESS)
    timeout: float = Field(default=30.0, gt=0)

    @field_validator("username_env", "password_env")
    @classmethod
    def _env_name(cls, v: str | None) -> str | None:
        return check_env_name(v)

    def settings(self, ctx: BuildContext) -> SmtpSettings:
        username = self.username
        if self.username_env:
            username = ctx.secret(self.username_env, "smtp.username_env")
        password = ctx.secret(self.password_env, "smtp.password_env") if self.password_env else None
        for key, env, value in (
            ("smtp.username_env", self.username_env, username if self.username_env else None),
            ("smtp.password_env", self.password_env, password),
        ):
            # Python's SMTP login sends ASCII only: said here, once, not as a traceback at
            # every delivery. The value itself is never shown.
            if value and not value.isascii():
                raise ConfigError(
                    f"{key}: environment variable {env} holds non-ASCII characters, which the"
                    " SMTP login cannot send (use an ASCII password or app password)",
                    path=ctx.source,
                    line=ctx.line,
                )
        return SmtpSettings(
            host=self.host,
            port=self.port or DEFAULT_PORTS[self.security],
            security=self.security,
            username=username or None,
            password=Secret(password) if password else None,
            sender=self.sender,
            timeout=self.timeout,
        )


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    sender: str
    username: str | None = None
    password: Secret | None = None
    timeout: float = 30.0


class EmailConfig(ChannelBase):
    """Send each alert as an email to `to` through the `smtp:` server (no threads: later
    copies of a story appear in the digest only)."""

    kind: Literal["email"] = "email"
    name: str = "email"
    to: Recipients = Field(min_length=1)
    uses_templates: ClassVar[bool] = True

    def build(self, ctx: BuildContext) -> EmailNotifier:
        if ctx.smtp is None:
            raise ConfigError(
                f"channel {self.name}: kind email needs an smtp: section",
                path=ctx.source,
                line=ctx.line,
            )
        if ctx.templates is None:
            raise ConfigError("templates unavailable", path=ctx.source)
        return EmailNotifier(self.name, EmailSender(ctx.smtp), self.to, ctx.templates)


class EmailSender:
    """Sends one message per call over a fresh SMTP connection."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def __repr__(self) -> str:
        s = self.settings
        return f"EmailSender(host={s.host!r}, port={s.port}, security={s.security!r})"

    def build(self, to: Sequence[str], subject: str, text: str, html: str) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = one_line(subject)[:250]  # one line: a newline would inject headers
        msg["From"] = self.settings.sender
        msg["To"] = ", ".join(to)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.settings.sender.rsplit("@", 1)[-1])
        msg.set_content(text, subtype="plain", charset="utf-8")
        msg.add_alternative(html, subtype="html", charset="utf-8")
        return msg

    def send(self, to: Sequence[str], subject: str, text: str, html: str) -> None:
        """Deliver or raise NotifyError: transient (connection, 4xx) or permanent (5xx, TLS)."""
        # Imported when mail is sent: every command reads the notifiers' settings, few send
        # mail, and smtplib with ssl was ~8 ms of `monitor sources list`'s start-up.
        import smtplib
        import ssl

        msg = self.build(to, subject, text, html)
        s = self.settings
        try:
            context = ssl.create_default_context()
            smtp: smtplib.SMTP
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with smtp:
                smtp.ehlo()
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        # Never fall back to plain text (a server that does not offer STARTTLS may be a downgrade attack).
                        raise NotifyError(
                            f"smtp {s.host}:{s.port} does not offer STARTTLS "
                            "(set SMTP_SECURITY=ssl or none if that is intended)",
                            transient=False,
                        )
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if s.username:
                    smtp.login(s.username, s.password.get() if s.password else "")
                refused = smtp.send_message(msg)
        except NotifyError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise NotifyError(f"smtp login refused ({exc.smtp_code})", transient=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            transient = all(400 <= c < 500 for c in codes)
            raise NotifyError(
                f"smtp refused recipients {sorted(exc.recipients)}", transient=transient
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise NotifyError(
                f"smtp error {exc.smtp_code}: {_text(exc.smtp_error)}",
                transient=400 <= exc.smtp_code < 500,
            ) from None
        except ssl.SSLError as exc:
            raise NotifyError(f"smtp TLS failed: {exc.reason}", transient=False) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise NotifyError(f"smtp: {exc}", transient=False) from None
        except UnicodeEncodeError:
            # A name or header smtplib can only send as ASCII: no retry makes it go through.
            raise NotifyError(
                f"smtp {s.host}:{s.port}: a login or address holds non-ASCII characters",
                transient=False,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise NotifyError(
                f"smtp {s.host}:{s.port} unreachable: {exc.__class__.__name__}: {exc}",
                transient=True,
            ) from None
        if refused:
            log.warning("email_recipients_refused count=%d", len(refused))


class EmailNotifier:
    supports_threads = False

    def __init__(
        self, name: str, sender: EmailSender, to: Sequence[str], templates: Environment
    ) -> None:
        self.name = name
        self.sender = sender
        self.to = tuple(to)
        self._templates = templates

    def send(self, message: Message) -> SendResult:
        ctx = {"alert_id": message.alert_id, "d": message.draft, "created_at": message.created_at}
        text = self._templates.get_template("alert.txt.j2").render(ctx)
        html = self._templates.get_template("alert.html.j2").render(ctx)
        self.sender.send(self.to, f"[monitor] {message.draft.headline}", text, html)
        return SendResult(external_ref=None)


def _text(raw: bytes | str) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")[:200]
    return str(raw)[:200]
