"""The HTTP front door: `POST /slack/events` into Bolt, `GET /healthz` that checks the database,
in OAuth mode `GET /slack/install` and `GET /slack/oauth_redirect` (`add_oauth_routes`), and
with `Operations` `GET /readyz` and `GET /metrics` (bot/slack/operations.py).

A request is verified (signature, timestamp) and its body checked for a shape Slack sends before
Bolt parses any of it; Bolt's own verification stays on behind this as a second layer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_bolt.request.async_internals import build_async_context
from slack_sdk.signature import SignatureVerifier

from bot.db.uow import Database
from bot.logs import bound, request_id
from bot.slack.oauth import add_oauth_routes
from bot.slack.operations import Operations, add_operations, log_ids, surface
from bot.slack.verification import Refusal, slack_body, verified_text

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
VERIFIED = "sre_coach_verified"
"""Bolt context key set only on requests this door verified (Socket Mode needs none)."""

BODY_CAP = 512 * 1024
"""Largest request body read, in bytes; aiohttp's default is 1 MiB.

Slack's payloads are small except one: a message event at Slack's 40,000-character text limit,
with the rich_text block that repeats the text. That is 80 KB in ASCII, 240 KB for CJK text as
raw UTF-8, and 480 KB when Slack escapes each character as `\\uXXXX` (its JSON escapes freely:
`\\/` in every URL). The cap lets that largest event through, since refusing one makes Slack
retry and count failed deliveries, and still keeps an unsigned sender from making the bot
buffer and hash a megabyte per request. Commands, block actions and our few-field modals are
a few KB.
"""

REJECTION_LOG_EVERY = 60.0
"""Seconds between two log lines for the same kind of rejection (the rest are counted)."""


class RejectionLog:
    """One short line per rejection reason per interval, with how many were folded into it."""

    def __init__(
        self, every: float = REJECTION_LOG_EVERY, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.every, self.now = every, now
        self._last: dict[str, float] = {}
        self._folded: dict[str, int] = {}

    def note(self, status: int, reason: str, size: int | None) -> None:
        """Log this rejection unless one with the same reason was logged lately."""
        moment, last = self.now(), self._last.get(reason)
        if last is not None and moment - last < self.every:
            self._folded[reason] = self._folded.get(reason, 0) + 1
            return
        folded = self._folded.pop(reason, 0)
        self._last[reason] = moment
        more = f", and {folded} more since the last line" if folded else ""
        length = "unknown length" if size is None else f"{size} bytes"
        log.warning("refused a Slack request: %d %s (%s%s)", status, reason, length, more)


def web_app(
    app: AsyncApp, db: Database, signing_secret: str, ops: Operations | None = None
) -> web.Application:
    """An aiohttp application serving Slack's requests and the health check (and, with `ops`,
    the readiness probe and the metrics, each request's ack timed by surface)."""
    verifier, rejected = SignatureVerifier(signing_secret), RejectionLog()

    async def slack_events(request: web.Request) -> web.Response:
        started = time.perf_counter()
        try:
            bolt_request = await _verified_request(request, verifier)
        except Refusal as refusal:
            rejected.note(refusal.status, refusal.reason, request.content_length)
            if ops is not None:
                ops.metrics.refusal(refusal.status)
            return web.Response(status=refusal.status)
        with bound(request_id=request_id(), **log_ids(bolt_request.body)):
            response = await to_aiohttp_response(await app.async_dispatch(bolt_request))
        if ops is not None:
            ops.metrics.ack(surface(bolt_request.body), time.perf_counter() - started)
        return response

    async def healthz(_: web.Request) -> web.Response:
        if await db.healthy():
            return web.json_response({"ok": True, "database": "ok"})
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)

    server = web.Application(client_max_size=BODY_CAP)
    server.router.add_post(EVENTS_PATH, slack_events)
    server.router.add_get("/healthz", healthz)
    if app.oauth_flow is not None:
        # OAuth mode: the install page and the redirect are a browser's GETs, unsigned (the
        # redirect is checked by its one-time `state`); every POST still goes through the door.
        add_oauth_routes(server, app)
    if ops is not None:
        add_operations(server, ops)
    server.on_response_prepare.append(_without_server_banner)
    return server


async def _verified_request(request: web.Request, verifier: SignatureVerifier) -> AsyncBoltRequest:
    """Bolt's request for a verified, well-formed body; raises `Refusal` otherwise."""
    if request.content_length is not None and request.content_length > BODY_CAP:
        raise Refusal(413, "body over the cap")  # refused unread
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:  # a chunked body that grew past the cap
        raise Refusal(413, "body over the cap") from None
    headers = request.headers
    text = verified_text(
        raw,
        headers.getall("X-Slack-Request-Timestamp", []),
        headers.getall("X-Slack-Signature", []),
        verifier,
    )
    content_type = headers.get("Content-Type", "").split(";")[0] or None
    body = slack_body(text, content_type)
    return _bolt_request(text, body, request)


def _bolt_request(text: str, body: dict[str, Any], request: web.Request) -> AsyncBoltRequest:
    try:
        bolt_request = AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
            context={VERIFIED: True},
        )
        if bolt_request.body != body:
            # Bolt reads any form holding the word "payload" (`/sre guide what payload?`) as an
            # interaction and finds none: give it the body as Slack sent it.
            bolt_request.body = body
            bolt_request.context = build_async_context(AsyncBoltContext({VERIFIED: True}), body)
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        # Bolt's id extractors assume Slack's types (a dict `team`, a list `authorizations`).
        raise Refusal(400, "body Bolt cannot read") from None
    return bolt_request


async def _without_server_banner(_: web.Request, response: web.StreamResponse) -> None:
    """Answers do not name the server software and its version."""
    response.headers.pop("Server", None)
