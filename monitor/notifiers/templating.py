"""Jinja2 for emails: `*.html.j2` autoescaped, `*.txt.j2` plain, undefined names an error
(StrictUndefined); the user's templates in notifiers/templates/ override the packaged ones."""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from monitor.domain import Evidence
from monitor.notifiers.base import clean, cut, one_line, safe_url, shows_change


def make_env(override_dir: Path | None = None) -> Environment:
    loaders: list[BaseLoader] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(FileSystemLoader(str(override_dir)))
    loaders.append(PackageLoader("monitor.notifiers", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2"),
            default_for_string=False,
            default=False,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cut"] = _cut
    env.filters["one_line"] = one_line
    env.filters["safe_url"] = safe_url
    env.filters["marked_html"] = marked_html
    env.filters["marked_text"] = marked_text
    env.tests["showing_a_change"] = shows_change
    return env


def _cut(text: str | None, limit: int = 500) -> str:
    return cut(clean(text), limit)


def marked_html(evidence: Evidence | None, limit: int = 1000) -> Markup:
    """The evidence sentence escaped for HTML, each highlight in <strong>."""
    if evidence is None:
        return Markup("")
    sentence = evidence.sentence
    if len(sentence) > limit:
        return Markup(escape(cut(one_line(sentence), limit)))
    out = Markup("")
    pos = 0
    for start, end in sorted(evidence.highlights):
        if start < pos or end > len(sentence) or start >= end:
            continue
        out += escape(clean(sentence[pos:start]))
        out += Markup("<strong>") + escape(clean(sentence[start:end])) + Markup("</strong>")
        pos = end
    out += escape(clean(sentence[pos:]))
    return out


def marked_text(evidence: Evidence | None, limit: int = 1000) -> str:
    if evidence is None:
        return ""
    return cut(one_line(evidence.marked("**", "**")), limit)
