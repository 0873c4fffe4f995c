"""Notifier kinds: one module each, one line in the registry below. A kind is a pydantic model of
its options (docstring = the user's help) whose `build()` returns the Notifier that sends."""

from __future__ import annotations

from monitor.notifiers.base import (
    BuildContext,
    ChannelBase,
    Message,
    Notifier,
    SendResult,
    Update,
)
from monitor.notifiers.console import ConsoleConfig
from monitor.notifiers.email import EmailConfig
from monitor.notifiers.slack import SlackConfig

# kind → options model. The `kind` key of a channel in notifiers/*.yaml picks one.
NOTIFIER_KINDS: dict[str, type[ChannelBase]] = {
    "console": ConsoleConfig,
    "slack": SlackConfig,
    "email": EmailConfig,
}

__all__ = [
    "NOTIFIER_KINDS",
    "BuildContext",
    "ChannelBase",
    "Message",
    "Notifier",
    "SendResult",
    "Update",
]
