"""Slack Block Kit for an alert or a thread update: headline, why it fired (the sentence with the
value in bold), old → new value, outlets with links, the court-record marker, and a plain-text
fallback. Every piece of text is escaped (`& < >`, Slack's formatting reference, "Escaping text"),
links are http(s) only, and Slack's limits hold: header 150 characters, section 3,000, 50 blocks,
and the undocumented ~13k aggregate (`msg_blocks_too_long`, which the SDK's models do not check)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.domain import AlertDraft, Evidence, Link
from monitor.notifiers.base import (
    Message,
    Update,
    clean,
    cut,
    one_line,
    safe_url,
    shows_change,
)

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
MAX_BLOCKS = 50
AGGREGATE_LIMIT = 11000  # below the ~13k Slack starts to refuse, with room for JSON keys
FALLBACK_LIMIT = 1000
MAX_OUTLETS = 10
SUMMARY_LIMIT = 1500

Block = dict[str, Any]


# mrkdwn has no escape for its formatting characters: from a feed, `*bold*`, `_it_`, `~strike~`
# and backticks would format (and an outlet named `*Daily*` would end our own bold early), so
# they are shown as look-alikes that Slack does not read as markup.
_MARKUP_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})


def esc(text: str) -> str:
    """Text for Slack: its three control characters escaped (nothing else is entity-encoded)
    and mrkdwn's formatting characters made inert."""
    return _esc_url(text).translate(_MARKUP_LOOKALIKES)


def _esc_url(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_cut(text: str, limit: int) -> str:
    """Escape, then keep the escaped text within `limit` without splitting an entity."""
    text = clean(text)
    out = esc(text)
    while len(out) > limit:
        excess = len(out) - limit
        text = cut(text, max(1, len(text) - excess - 1))
        out = esc(text)
    return out


def link(url: str | None, label: str) -> str:
    """`<url|label>` for a safe http(s) URL, else just the escaped label."""
    safe = safe_url(url)
    text = esc(one_line(label)).replace("|", "¦")
    if safe is None:
        return text
    href = _esc_url(safe).replace("|", "%7C")
    return f"<{href}|{text}>"


def marked_sentence(evidence: Evidence, limit: int) -> str:
    """The evidence sentence, escaped, with each highlight in bold (mrkdwn `*...*`)."""
    sentence = evidence.sentence
    parts: list[str] = []
    pos = 0
    for start, end in sorted(evidence.highlights):
        if start < pos or end > len(sentence) or start >= end:
            continue
        parts.append(esc(clean(sentence[pos:start])))
        parts.append(f"*{esc(clean(sentence[start:end]))}*")
        pos = end
    parts.append(esc(clean(sentence[pos:])))
    text = " ".join("".join(parts).split())
    if len(text) <= limit:
        return text
    return esc_cut(" ".join(evidence.sentence.split()), limit)


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn words into links or mentions on its own.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text[:SECTION_LIMIT])}


def _outlet_lines(links: Sequence[Link], limit: int = MAX_OUTLETS) -> list[str]:
    lines = []
    for lk in links[:limit]:
        label = one_line(lk.outlet)
        title = cut(one_line(lk.title), 200)
        lang = f" ({esc(one_line(lk.language))})" if lk.language else ""
        lines.append(f"• *{esc(label)}*: {link(lk.url, title or label)}{lang}")
    if len(links) > limit:
        lines.append(f"… and {len(links) - limit} more")
    return lines


def alert_blocks(alert_id: int, d: AlertDraft) -> tuple[list[Block], str]:
    """Blocks and the fallback `text` for the alert's own message."""
    summary_limit = SUMMARY_LIMIT
    while True:
        blocks = _alert_blocks(alert_id, d, summary_limit)
        if _size(blocks) <= AGGREGATE_LIMIT or summary_limit <= 200:
            break
        summary_limit //= 2
    return blocks[:MAX_BLOCKS], fallback_text(d)


def _alert_blocks(alert_id: int, d: AlertDraft, summary_limit: int) -> list[Block]:
    headline = one_line(d.headline) or "Alert"
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": esc_cut(headline, HEADER_LIMIT), "emoji": True},
        }
    ]
    if shows_change(d):
        old = esc_cut(one_line(d.old_value or "") or "—", 900)
        new = esc_cut(one_line(d.new_value) or "—", 900)
        blocks.append(_section(f"*Was:* {old}   →   *Now:* {new}"))
    if d.evidence is not None and d.evidence.sentence.strip():
        blocks.append(_section("> " + marked_sentence(d.evidence, SECTION_LIMIT - 600)))
    if d.summary.strip():
        blocks.append(_section(esc_cut(one_line(d.summary), summary_limit)))
    if d.links:
        count = max(d.confirmed_by, len(d.links))
        lines = [
            f"*Reported by {count} outlet{'' if count == 1 else 's'}*",
            *_outlet_lines(d.links),
        ]
        if d.first_reported_at is not None:
            # The first line is the first reporter: when, said once, there.
            lines[1] += f" · first, {d.first_reported_at:%Y-%m-%d %H:%M %Z}"
        text = "\n".join(lines)
        while len(text) > SECTION_LIMIT and len(lines) > 2:
            lines = [*lines[:-2], f"… and {len(d.links) - (len(lines) - 2)} more"]
            text = "\n".join(lines)
        blocks.append(_section(text))
    context = []
    if d.from_court:
        doc = link(d.document_url, "document") if safe_url(d.document_url) else ""
        context.append("⚖️ *From the court record*" + (f" · {doc}" if doc else ""))
    if d.first_reported_by and not d.links:
        when = f" at {d.first_reported_at:%Y-%m-%d %H:%M %Z}" if d.first_reported_at else ""
        context.append(f"First reported by {esc_cut(one_line(d.first_reported_by), 200)}{when}")
    # For whoever tunes the rules: small print, at the end.
    if d.rule:
        context.append(f"why: rule {esc_cut(one_line(d.rule), 200)}")
    if alert_id > 0:  # a test message has no alert behind it
        context.append(f"alert #{alert_id}")
    if context:
        # Each part is escaped already (the court part holds a link): join, never escape again.
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(" · ".join(context)[:CONTEXT_LIMIT])]}
        )
    return blocks


def _size(blocks: Sequence[Block]) -> int:
    total = 0
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            total += len(str(text.get("text", "")))
        for el in block.get("elements", []):
            total += len(str(el.get("text", "")))
    return total


def fallback_text(d: AlertDraft) -> str:
    """Plain text for notifications and clients without blocks (escaped like everything else)."""
    parts = [one_line(d.headline)]
    if d.evidence is not None:
        parts.append(one_line(d.evidence.sentence))
    return esc_cut(" — ".join(p for p in parts if p), FALLBACK_LIMIT)


def update_blocks(update: Update) -> tuple[list[Block], str]:
    """Blocks and fallback text for a thread update: its note ("also reported by FT (3
    outlets)") or one "Also reported by" heading, then the outlets, each said once."""
    names = ", ".join(one_line(lk.outlet) for lk in update.links[:MAX_OUTLETS]) or "more outlets"
    text = esc_cut(one_line(update.note) or f"Also reported by {names}", FALLBACK_LIMIT)
    heading = esc_cut(one_line(update.note), 1000) if update.note else "*Also reported by*"
    body = "\n".join([heading, *_outlet_lines(update.links)])
    if len(body) > SECTION_LIMIT:
        body = "\n".join([heading, *_outlet_lines(update.links, 3)])
    blocks: list[Block] = [_section(body)]
    if update.confirmed_by and not update.note:  # a note carries its own count
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(f"now {update.confirmed_by} outlets")]}
        )
    return blocks, text


def message_blocks(message: Message) -> tuple[list[Block], str]:
    if message.update is not None:
        return update_blocks(message.update)
    return alert_blocks(message.alert_id, message.draft)
