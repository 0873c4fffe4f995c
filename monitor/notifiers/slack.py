"""The Slack channel (slack-sdk): a bot token posts with `chat.postMessage`, so later copies of a
story go in the alert's thread (`thread_ts`); an incoming webhook posts alerts only.

Retries: the SDK's retry handlers are turned off on purpose. They sleep inside `send` (a 429's
Retry-After can be a minute, stalling the poll loop) and keep nothing across a restart; the outbox
retries instead, persisted, with jitter and the server's Retry-After."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

from pydantic import field_validator, model_validator

from monitor.errors import ConfigError, NotifyError
from monitor.notifiers.base import (
    BuildContext,
    ChannelBase,
    Message,
    SendResult,
    check_env_name,
    cut,
    safe_url,
)
from monitor.notifiers.slack_blocks import message_blocks

log = logging.getLogger(__name__)

# The SDK logs request URLs (a webhook URL is a secret) at DEBUG and failures at ERROR; we
# classify and log once ourselves, so it gets a logger of its own that stays quiet.
_sdk_log = logging.getLogger("monitor.notifiers.slack.sdk")
_sdk_log.setLevel(logging.CRITICAL + 1)
_sdk_log.propagate = False

DEFAULT_API_URL = "https://slack.com/api/"
# Slack error codes worth retrying; every other `ok: false` is permanent (bad token, channel
# not found, archived channel, invalid blocks: retrying cannot help).
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
MAX_RETRY_AFTER = 3600.0
# What to do about the common permanent errors (Slack's chat.postMessage "Errors" table).
HINTS = {
    "invalid_auth": "the bot token is wrong or was revoked",
    "not_authed": "no bot token was sent",
    "token_revoked": "the bot token was revoked",
    "account_inactive": "the bot's account is deactivated",
    "missing_scope": "the app lacks the chat:write scope",
    "channel_not_found": "check the channel name or ID",
    "not_in_channel": "invite the bot to the channel (/invite @yourbot)",
    "is_archived": "the channel is archived",
    "invalid_token": "the webhook URL is wrong or was revoked",
    "no_service": "the webhook was disabled or removed",
    "no_active_hooks": "the webhook was disabled or removed",
}


class SlackConfig(ChannelBase):
    """Post alerts to a Slack channel.

    Either `bot_token_env` + `channel` (chat.postMessage; "also reported by" updates go in the
    alert's thread) or `webhook_url_env` (incoming webhook; no threads, updates are skipped).
    Both keys name an environment variable; the secret itself never goes in a file.
    """

    kind: Literal["slack"] = "slack"
    name: str = "slack"
    bot_token_env: str | None = None
    channel: str | None = None
    webhook_url_env: str | None = None
    api_url: str | None = None
    timeout: float = 15.0

    @field_validator("bot_token_env", "webhook_url_env")
    @classmethod
    def _env_name(cls, v: str | None) -> str | None:
        return check_env_name(v)

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, v: str | None) -> str | None:
        if v is None:
            return None
        if safe_url(v) is None:
            raise ValueError("api_url must be an http(s) URL")
        return v if v.endswith("/") else v + "/"

    @model_validator(mode="after")
    def _mode(self) -> SlackConfig:
        if bool(self.bot_token_env) == bool(self.webhook_url_env):
            raise ValueError("set either bot_token_env (with channel) or webhook_url_env")
        if self.bot_token_env and not self.channel:
            raise ValueError("channel is required with bot_token_env")
        return self

    def build(self, ctx: BuildContext) -> SlackBotNotifier | SlackWebhookNotifier:
        if self.webhook_url_env:
            url = ctx.secret(self.webhook_url_env, "webhook_url_env")
            if safe_url(url) is None:  # never echo the value: it is the secret
                raise ConfigError(
                    f"webhook_url_env: {self.webhook_url_env} is not an http(s) URL",
                    path=ctx.source,
                    line=ctx.line,
                )
            return SlackWebhookNotifier(self.name, url, timeout=self.timeout)
        assert self.bot_token_env and self.channel
        token = ctx.secret(self.bot_token_env, "bot_token_env")
        return SlackBotNotifier(
            self.name,
            token,
            self.channel,
            api_url=self.api_url or DEFAULT_API_URL,
            timeout=self.timeout,
        )


class SlackBotNotifier:
    """chat.postMessage with a bot token; external_ref is the message `ts`."""

    supports_threads = True

    def __init__(
        self, name: str, token: str, channel: str, *, api_url: str, timeout: float = 15.0
    ) -> None:
        from slack_sdk import WebClient  # slack_sdk is imported once a Slack channel is made

        self.name = name
        self.channel = channel
        self._client = WebClient(
            token=token,
            base_url=api_url,
            timeout=int(timeout),
            logger=_sdk_log,
            retry_handlers=[],
        )

    def __repr__(self) -> str:
        return f"SlackBotNotifier(name={self.name!r}, channel={self.channel!r})"

    def send(self, message: Message) -> SendResult:
        blocks, text = message_blocks(message)
        kwargs: dict[str, Any] = {}
        if message.update is not None:
            if not message.thread_ref:
                raise NotifyError("update without the alert's message ts", transient=False)
            kwargs["thread_ts"] = message.thread_ref
        with _api_errors():
            resp = self._client.chat_postMessage(
                channel=self.channel,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
                **kwargs,
            )
        ts = resp.get("ts")
        return SendResult(external_ref=str(ts) if ts else None)

    def test(self) -> str:
        """auth.test: checks the token without posting anything; returns the bot's identity."""
        with _api_errors():
            resp = self._client.auth_test()
        return f"{resp.get('user', '?')} in {resp.get('team', '?')}"


def _unreachable() -> tuple[type[Exception], ...]:
    """What slack_sdk raises when Slack cannot be reached. Imported when Slack is called, as
    slack_sdk is: every command reads the notifiers' settings and few send (http.client, with
    ssl, ~6 ms of `monitor sources list`)."""
    import http.client
    from urllib.error import URLError

    return (URLError, OSError, http.client.HTTPException)


@contextmanager
def _api_errors() -> Iterator[None]:
    """Web API failures, classified once: Slack's error code, unreachable, or a client bug."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    unreachable = _unreachable()

    try:
        yield
    except SlackApiError as exc:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        raise classify(exc.response.status_code, data.get("error"), exc.response.headers) from None
    except unreachable as exc:
        raise NotifyError(f"slack unreachable: {_reason(exc)}", transient=True) from None
    except SlackClientError as exc:
        raise NotifyError(f"slack client error: {exc}", transient=False) from None


class SlackWebhookNotifier:
    """An incoming webhook: alerts only (a webhook cannot reply in a thread)."""

    supports_threads = False

    def __init__(self, name: str, url: str, *, timeout: float = 15.0) -> None:
        from slack_sdk import WebhookClient

        self.name = name
        self._client = WebhookClient(url, timeout=int(timeout), logger=_sdk_log, retry_handlers=[])

    def __repr__(self) -> str:  # the URL is the secret
        return f"SlackWebhookNotifier(name={self.name!r})"

    def send(self, message: Message) -> SendResult:
        from slack_sdk.errors import SlackClientError

        blocks, text = message_blocks(message)
        try:
            resp = self._client.send(text=text, blocks=blocks, unfurl_links=False)
        except _unreachable() as exc:
            raise NotifyError(
                f"slack webhook unreachable: {_reason(exc)}", transient=True
            ) from None
        except SlackClientError as exc:
            raise NotifyError(f"slack client error: {exc}", transient=False) from None
        if resp.status_code == 200:
            return SendResult(external_ref=None)
        raise classify(resp.status_code, cut(str(resp.body or "").strip(), 200), resp.headers)


def classify(status: int, error: Any, headers: Mapping[str, Any] | None) -> NotifyError:
    """One place that decides retry versus give up for Slack answers."""
    code = str(error) if error else f"HTTP {status}"
    retry_after = _retry_after(headers or {})
    if status == 429 or code == "ratelimited":
        return NotifyError(
            f"slack rate limited (retry after {retry_after or '?'} s)",
            transient=True,
            retry_after=retry_after,
        )
    if status >= 500 or status == 408 or code in TRANSIENT_ERRORS:
        return NotifyError(
            f"slack error {code} (HTTP {status})", transient=True, retry_after=retry_after
        )
    hint = HINTS.get(code)
    return NotifyError(
        f"slack refused: {code} (HTTP {status})" + (f": {hint}" if hint else ""), transient=False
    )


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return min(max(float(str(raw).strip()), 0.0), MAX_RETRY_AFTER)
            except ValueError:
                return None
    return None


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc.__class__.__name__)
