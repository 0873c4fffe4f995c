"""The pages, read-only. Input: the database through monitor.storage.dashboard; output: HTML
(Jinja2, autoescaped), Atom, JSON and Prometheus text. Each page reads in a worker thread so
the event loop of `monitor run` keeps ticking."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy import Engine

from monitor.domain import AlertDraft, as_utc
from monitor.notifiers.base import clean, cut, one_line, safe_url
from monitor.notifiers.templating import marked_html
from monitor.storage import dashboard as q
from monitor.web import atom, i18n
from monitor.web.chart import claim_chart
from monitor.web.health import Probe
from monitor.web.metrics import make_registry, render

STORIES_SHOWN = 15
RULINGS_SHOWN = 20
ALERTS_SHOWN = 10
OUTBOX_SHOWN = 50
REPORTS_SHOWN = 500
FEED_ENTRIES = 100
API_DEFAULT = 100
API_MAX = 1000
FEED_ID = "tag:dispute-monitor,2026:alerts"
CSS = files("monitor.web").joinpath("templates/style.css").read_text(encoding="utf-8")


def make_env() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.web", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["one_line"] = one_line
    env.filters["cut"] = lambda text, limit=300: cut(one_line(text), limit)
    return env


@dataclass
class Pages:
    engine: Engine
    probe: Probe
    language: str
    env: Environment

    def __post_init__(self) -> None:
        self.registry = make_registry(self.engine)

    # ------------------------------------------------------------ helpers

    def _render(self, name: str, **values: Any) -> str:
        lang = self.language
        return self.env.get_template(name).render(
            t=i18n.words(lang),
            lang=lang,
            when=lambda v: i18n.format_when(v, lang),
            day=lambda v: i18n.format_day(v, lang),
            now=datetime.now(UTC),
            **values,
        )

    # ------------------------------------------------------------ probes and metrics

    async def healthz(self, request: web.Request) -> web.Response:
        problem = await asyncio.to_thread(self.probe.health)
        if problem:
            return web.Response(status=503, text=f"unhealthy: {problem}\n")
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        problem = await asyncio.to_thread(self.probe.readiness)
        if problem:
            return web.Response(status=503, text=f"not ready: {problem}\n")
        return web.Response(text="ready\n")

    async def metrics(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(render, self.registry)
        return web.Response(
            body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        )

    async def style(self, request: web.Request) -> web.Response:
        return web.Response(
            text=CSS, content_type="text/css", headers={"Cache-Control": "max-age=3600"}
        )

    # ------------------------------------------------------------ the dashboard

    def _dashboard(self) -> str:
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            claims = q.claim_facts(conn)
            rulings = q.rulings(conn, limit=RULINGS_SHOWN)
            stories = q.latest_stories(conn, limit=STORIES_SHOWN)
            alerts = q.alerts(conn, limit=ALERTS_SHOWN)
            sources = q.sources(conn)
            outbox = q.outbox(conn, limit=OUTBOX_SHOWN)
            counts = q.deliveries_by_status(conn)
        words = i18n.words(self.language)
        by_subject: dict[str, list[dict[str, Any]]] = {}
        for fact in claims:
            by_subject.setdefault(fact["subject"], []).append(fact)
        standing = []
        for subject, history in sorted(by_subject.items()):
            current = [f for f in history if f["status"] == "current"]
            now_fact = current[-1] if current else history[-1]
            standing.append(
                {
                    "subject": subject,
                    "topic": now_fact["topic"],
                    "fact": now_fact,
                    "history": list(reversed(history)),
                    "chart": claim_chart(
                        history,
                        now=now,
                        label=f"{words['chart_label']} ({now_fact['topic']})",
                        format_day=lambda v: i18n.format_day(v, self.language),
                    ),
                }
            )
        totals: dict[str, int] = {}
        for _, status, n in counts:
            totals[status] = totals.get(status, 0) + n
        return self._render(
            "dashboard.html.j2",
            standing=standing,
            rulings=rulings,
            stories=stories,
            alerts=[_alert_view(a) for a in alerts],
            sources=sources,
            outbox=outbox,
            totals=totals,
        )

    async def dashboard(self, request: web.Request) -> web.Response:
        html = await asyncio.to_thread(self._dashboard)
        return web.Response(text=html, content_type="text/html")

    def _story(self, story_id: int) -> str | None:
        with self.engine.connect() as conn:
            found = q.story(conn, story_id)
            if found is None:
                return None
            reports = q.story_reports(conn, story_id, limit=REPORTS_SHOWN)
            alerts = q.story_alerts(conn, story_id)
            messages = q.thread(conn, [a["id"] for a in alerts])
        return self._render(
            "story.html.j2",
            story=found,
            reports=[{**r, "outlet": _outlet(r)} for r in reports],
            alerts=[_alert_view(a) for a in alerts],
            messages=[{**m, "note": _note(m["payload"])} for m in messages],
        )

    async def story(self, request: web.Request) -> web.Response:
        raw = request.match_info["story_id"]
        html = (
            await asyncio.to_thread(self._story, int(raw))
            if raw.isdigit() and len(raw) < 12
            else None
        )
        if html is None:
            words = i18n.words(self.language)
            return web.Response(status=404, text=f"404: {words['not_found']}\n")
        return web.Response(text=html, content_type="text/html")

    # ------------------------------------------------------------ feed and API

    def _feed(self, base_url: str) -> bytes:
        with self.engine.connect() as conn:
            rows = q.alerts(conn, limit=FEED_ENTRIES)
        return atom.feed(
            rows,
            base_url=base_url,
            feed_id=FEED_ID,
            title=i18n.words(self.language)["title"],
            now=datetime.now(UTC),
        )

    async def feed(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(self._feed, str(request.url.origin()))
        return web.Response(
            body=body, headers={"Content-Type": "application/atom+xml; charset=utf-8"}
        )

    async def api_alerts(self, request: web.Request) -> web.Response:
        limit = _limit(request)

        def read() -> list[dict[str, Any]]:
            with self.engine.connect() as conn:
                return q.alerts(conn, limit=limit)

        rows = await asyncio.to_thread(read)
        return _json(
            {
                "alerts": [
                    {
                        "id": r["id"],
                        "kind": r["kind"],
                        "severity": r["severity"],
                        "topic": r["topic"],
                        "rule": r["rule"],
                        "headline": r["headline"],
                        "story_id": r["story_id"],
                        "created_at": r["created_at"],
                        "payload": r["payload"],
                    }
                    for r in rows
                ]
            }
        )

    async def api_facts(self, request: web.Request) -> web.Response:
        limit = _limit(request)

        def read() -> list[dict[str, Any]]:
            with self.engine.connect() as conn:
                return q.facts(conn, limit=limit)

        rows = await asyncio.to_thread(read)
        keys = (
            "id",
            "subject",
            "topic",
            "value_key",
            "value",
            "display",
            "status",
            "first_source",
            "first_seen_at",
            "confirmed_at",
            "outlets",
            "from_court",
            "previous_display",
        )
        return _json({"facts": [{k: r[k] for k in keys} for r in rows]})


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "")
    if not raw:
        return API_DEFAULT
    if not raw.isdigit() or not 1 <= int(raw) <= API_MAX:
        raise web.HTTPBadRequest(text=f"400: limit must be a number from 1 to {API_MAX}\n")
    return int(raw)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def _json(data: Any) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, default=_plain),
        content_type="application/json",
    )


def _alert_view(row: Mapping[str, Any]) -> dict[str, Any]:
    draft = AlertDraft.from_json(row["payload"])
    return {
        **row,
        "draft": draft,
        "evidence": marked_html(draft.evidence, 600) if draft.evidence else Markup(""),
        "why": atom.why(draft),
    }


def _outlet(report: Mapping[str, Any]) -> str:
    extra = report.get("extra") or {}
    outlet = extra.get("outlet") if isinstance(extra, dict) else None
    return clean(str(outlet)) if outlet else str(report["source"])


def _note(payload: Any) -> str:
    if isinstance(payload, dict):
        return one_line(str(payload.get("note") or ""))
    return ""
