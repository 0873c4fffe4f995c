"""Real local servers for notifier tests: a Slack-compatible HTTP server (Web API and incoming
webhooks) that records what it receives and can be told to fail, answer 429 or be slow; an
aiosmtpd SMTP sink on a free port; and hand-made alert drafts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.domain import AlertDraft, Evidence, Link

Answer = tuple[int, dict[str, str], Any]  # status, headers, JSON body (or str)


@dataclass
class SlackRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    clock: datetime | None
    status: int = 0
    accepted: bool = False


class FakeSlack:
    """chat.postMessage, auth.test and /hooks/... on 127.0.0.1 with an OS-assigned port.

    `answer` decides each reply (default: ok with a new ts); `clock` is the test's injected time,
    recorded with every request; `delay` makes every answer slow."""

    def __init__(self) -> None:
        self.requests: list[SlackRequest] = []
        self.answer: Callable[[SlackRequest], Answer] | None = None
        self.clock: datetime | None = None
        self.delay = 0.0
        self._ts = 1700000000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                try:
                    body = json.loads(raw) if raw else {}
                except json.JSONDecodeError:
                    body = {"_raw": raw}
                req = SlackRequest(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body, fake.clock
                )
                with fake._lock:
                    fake.requests.append(req)
                if fake.delay:
                    time.sleep(fake.delay)
                status, headers, payload = fake._reply(req)
                req.status = status
                req.accepted = status == 200 and (
                    payload == "ok" or (isinstance(payload, dict) and payload.get("ok") is True)
                )
                data = payload if isinstance(payload, str) else json.dumps(payload)
                encoded = data.encode("utf-8")
                try:
                    self.send_response(status)
                    ctype = "text/plain" if isinstance(payload, str) else "application/json"
                    self.send_header("Content-Type", ctype + "; charset=utf-8")
                    self.send_header("Content-Length", str(len(encoded)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(encoded)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client died (the SIGKILL test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/T0000/B0000/XXXXsecretXXXX"

    def _reply(self, req: SlackRequest) -> Answer:
        if self.answer is not None:
            return self.answer(req)
        return self.ok(req)

    def ok(self, req: SlackRequest) -> Answer:
        if req.path.startswith("/hooks/"):
            return 200, {}, "ok"
        if req.path.endswith("auth.test"):
            return 200, {}, {"ok": True, "user": "monitor", "team": "legal"}
        with self._lock:
            self._ts += 1
            ts = f"{self._ts}.000100"
        return 200, {}, {"ok": True, "channel": "C1", "ts": ts, "message": {"ts": ts}}

    def posted(self) -> list[SlackRequest]:
        """Messages the server accepted (status 200)."""
        return [r for r in self.requests if r.accepted and not r.path.endswith("auth.test")]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """aiosmtpd on 127.0.0.1:`port` (picked free first: aiosmtpd cannot bind port 0)."""

    port: int = field(default_factory=free_port)
    messages: list[Received] = field(default_factory=list)
    delay: float = 0.0
    users: dict[str, str] | None = None
    controller: Controller | None = None

    def start(self) -> None:
        # aiosmtpd logs every connection at INFO from its own thread, possibly after a CliRunner
        # test closed the stream logging was pointed at ("Logging error"): keep it quiet.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                assert isinstance(msg, EmailMessage)
                sink.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
                return "250 OK"

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> AuthResult:
            ok = (
                isinstance(auth_data, LoginPassword)
                and sink.users is not None
                and sink.users.get(auth_data.login.decode()) == auth_data.password.decode()
            )
            return AuthResult(success=ok, handled=False)

        kwargs: dict[str, Any] = {}
        if self.users is not None:
            kwargs = {"authenticator": authenticator, "auth_require_tls": False}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "SMTP_SECURITY": "none",
            "DIGEST_FROM": "monitor@example.org",
            **extra,
        }


T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def draft(n: int = 1, **kw: Any) -> AlertDraft:
    sentence = f"Musk now seeks up to ${130 + n}bn in damages from OpenAI and Microsoft."
    start = sentence.index("$")
    end = sentence.index("bn") + 2
    values: dict[str, Any] = {
        "kind": "claim_change",
        "headline": f"Claimed amount: up to $134bn → up to ${130 + n}bn",
        "severity": "alert",
        "topic": "musk-v-openai",
        "rule": "musk-claim",
        "summary": "The amended complaint raises the damages claimed.",
        "old_value": "up to $134bn",
        "new_value": f"up to ${130 + n}bn",
        "evidence": Evidence(sentence, ((start, end),)),
        "links": (
            Link(
                "Reuters",
                "Musk raises claim against OpenAI",
                "https://www.reuters.com/a?x=1&y=2",
                language="en",
            ),
            Link("Le Monde", "Musk réclame davantage", "https://www.lemonde.fr/b", language="fr"),
        ),
        "first_reported_by": "Reuters",
        "first_reported_at": T0,
        "confirmed_by": 2,
    }
    values.update(kw)
    return AlertDraft(**values)


def hostile_draft() -> AlertDraft:
    title = "<script>alert(1)</script> Musk & OpenAI <@channel> <!here> settle?"
    return draft(
        headline=title,
        summary="S" * 4000 + " " + "<b>bold</b> & " * 10 + "x" * 6000,
        evidence=Evidence(title + " for $150bn", ((len(title) + 5, len(title) + 11),)),
        links=(
            Link("Evil <b>outlet</b>", title, "javascript:alert(1)"),
            Link("Good & Co", title, "https://example.org/a?b=1&c=<2>"),
        ),
        old_value="<i>$134bn</i>",
        new_value="$150bn & more",
    )
