"""The console channel: alerts printed readably to stdout. Always on, so a machine with nothing
configured still shows what the monitor found."""

from __future__ import annotations

import sys
from typing import IO, Literal

from monitor.errors import NotifyError
from monitor.notifiers.base import (
    BuildContext,
    ChannelBase,
    Message,
    SendResult,
    clean,
    cut,
    one_line,
    safe_url,
    shows_change,
)

SUMMARY_LIMIT = 600


class ConsoleConfig(ChannelBase):
    """Print alerts to standard output (always on; configure it only to filter what it prints)."""

    kind: Literal["console"] = "console"
    name: str = "console"

    def build(self, ctx: BuildContext) -> ConsoleNotifier:
        return ConsoleNotifier(self.name, stream=ctx.stdout)


class ConsoleNotifier:
    supports_threads = True

    def __init__(self, name: str = "console", *, stream: IO[str] | None = None) -> None:
        self.name = name
        self._stream = stream

    def send(self, message: Message) -> SendResult:
        stream = self._stream or sys.stdout
        try:
            stream.write(render(message) + "\n")
            stream.flush()
        except OSError as exc:  # a closed pipe: try again later rather than lose the alert
            raise NotifyError(f"cannot write to stdout: {exc}", transient=True) from None
        return SendResult(external_ref=f"alert-{message.alert_id}")


def render(message: Message) -> str:
    d = message.draft
    if message.update is not None:
        up = message.update
        lines = [f"[update to alert #{message.alert_id}] {one_line(d.headline)}"]
        # The note says "also reported by ... (N outlets)" once; without one, a heading does.
        lines.append(f"  {one_line(up.note)}" if up.note else "  also reported by:")
        for link in up.links:
            url = safe_url(link.url)
            lines.append(f"  - {one_line(link.outlet)}: {one_line(link.title)}")
            if url:
                lines.append(f"    {url}")
        if up.confirmed_by and not up.note:
            lines.append(f"  now reported by {up.confirmed_by} outlets")
        return clean("\n".join(lines))
    label = "DIGEST" if d.severity == "digest" else "ALERT"
    number = f" #{message.alert_id}" if message.alert_id > 0 else ""
    lines = [f"[{label}{number}] {one_line(d.headline)}"]
    meta = [f"{k}: {one_line(v)}" for k, v in (("topic", d.topic), ("rule", d.rule)) if v]
    if d.from_court:
        meta.append("from the court record")
    if meta:
        lines.append("  " + " · ".join(meta))
    if shows_change(d):
        lines.append(f"  {one_line(d.old_value) or '—'} → {one_line(d.new_value) or '—'}")
    if d.evidence is not None:
        lines.append("  why: " + cut(one_line(d.evidence.marked("**", "**")), SUMMARY_LIMIT))
    if d.summary:
        lines.append("  " + cut(one_line(d.summary), SUMMARY_LIMIT))
    for link in d.links[:10]:
        url = safe_url(link.url)
        lines.append(f"  - {one_line(link.outlet)}: {cut(one_line(link.title), 200)}")
        if url:
            lines.append(f"    {url}")
    if len(d.links) > 10:
        lines.append(f"  … and {len(d.links) - 10} more outlets")
    doc = safe_url(d.document_url)
    if doc:
        lines.append(f"  document: {doc}")
    return clean("\n".join(lines))
