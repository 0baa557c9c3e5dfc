"""What the people who run the bot look at: `GET /readyz`, `GET /metrics`, and the counting
hooks on the Slack side (acks by surface, Web API errors).

Both endpoints are unauthenticated, cheap (one small query; counters read from memory) and say
nothing sensitive: no ids, no revision names, no error messages. In HTTP mode they sit beside
`/healthz` on `PORT`; in Socket Mode a small server on `METRICS_PORT` serves the three.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.db.engine import UNREACHABLE
from bot.db.uow import Database
from bot.logs import bound, request_id
from bot.metrics import CONTENT_TYPE, Metrics

PROBE_TIMEOUT = 2.0
"""Seconds the readiness probe waits for the database before saying it does not answer."""

_SURFACES = {
    "event_callback": "event",
    "url_verification": "event",
    "block_actions": "action",
    "interactive_message": "action",
    "shortcut": "action",
    "message_action": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
}


def surface(body: dict[str, Any]) -> str:
    """Which Slack surface a request body is: command, event, action, view, options or other."""
    if body.get("command"):
        return "command"
    return _SURFACES.get(str(body.get("type") or ""), "other")


def log_ids(body: dict[str, Any]) -> dict[str, str | None]:
    """The ids a log line of this request carries: its team and event (never a user's id,
    never any text)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    event = body.get("event_id")
    return {
        "team_id": team if isinstance(team, str) else None,
        "event_id": event if isinstance(event, str) else None,
    }


@dataclass
class Readiness:
    """Ready when the database answers at this build's schema and the beat is alive."""

    db: Database
    head: str
    known: frozenset[str]
    beating: Callable[[], bool]
    stopping: bool = False
    timeout: float = PROBE_TIMEOUT

    async def check(self) -> tuple[bool, dict[str, str]]:
        """(ready, a short report of each check)."""
        if self.stopping:
            return False, {"status": "stopping"}
        try:
            revision = await asyncio.wait_for(self.db.schema_revision(), self.timeout)
        except TimeoutError:
            revision = UNREACHABLE
        report = {"database": "unreachable" if revision == UNREACHABLE else "ok"}
        if revision != UNREACHABLE:
            report["migrations"] = self._migrations(revision)
        report["scheduler"] = "ok" if self.beating() else "stale"
        ready = report["database"] == "ok" and report.get("migrations") != "pending"
        return ready and report["scheduler"] == "ok", report

    def _migrations(self, revision: str | None) -> str:
        if revision == self.head:
            return "at head"
        if revision is None or revision in self.known:
            return "pending"  # run `sre-coach db upgrade`
        # A newer build migrated the shared database (a rolling upgrade): this replica still
        # serves, as migrations are written to keep the previous release working.
        return "newer"


@dataclass
class Operations:
    """The metrics and the readiness the endpoints serve."""

    metrics: Metrics
    readiness: Readiness


def add_operations(server: web.Application, ops: Operations) -> None:
    """Serve `GET /readyz` and `GET /metrics` on `server`."""

    async def readyz(_: web.Request) -> web.Response:
        ready, report = await ops.readiness.check()
        return web.json_response({"ok": ready, **report}, status=200 if ready else 503)

    async def metrics(_: web.Request) -> web.Response:
        body = await asyncio.to_thread(ops.metrics.exposition)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    server.router.add_get("/readyz", readyz)
    server.router.add_get("/metrics", metrics)


def operations_app(db: Database, ops: Operations) -> web.Application:
    """The small server of Socket Mode: `/healthz`, `/readyz` and `/metrics` only."""

    async def healthz(_: web.Request) -> web.Response:
        if await db.healthy():
            return web.json_response({"ok": True, "database": "ok"})
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)

    server = web.Application(client_max_size=1024)
    server.router.add_get("/healthz", healthz)
    add_operations(server, ops)
    return server


class CountedErrors(AsyncRetryHandler):
    """Counts failed Web API calls by method and error; never asks for a retry.

    Put first in a client's `retry_handlers`: the client asks each handler about every
    response and error, and the first that says "retry" stops the asking.
    """

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Record the failure, if it is one; False, always."""
        method = request.url.rsplit("/", 1)[-1]
        if error is not None:
            self.metrics.api_error(method, type(error).__name__.lower())
        elif response is not None:
            failure = _failure(response)
            if failure is not None:
                self.metrics.api_error(method, failure)
        return False


def _failure(response: HttpResponse) -> str | None:
    if response.status_code == 429:
        return "ratelimited"
    if response.status_code >= 500:
        return f"http_{response.status_code}"
    body = response.body if isinstance(response.body, dict) else {}
    if body.get("ok") is False:
        return str(body.get("error") or "unknown")
    return None


def count_errors(client: AsyncWebClient, metrics: Metrics) -> AsyncWebClient:
    """`client`, counting its failed calls into `metrics`."""
    client.retry_handlers.insert(0, CountedErrors(metrics))
    return client


class TimedSocketModeHandler(AsyncSocketModeHandler):
    """Socket Mode, with each request timed from its arrival to its ack on the websocket."""

    metrics: Metrics

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        """Dispatch and ack, as Bolt does, and observe how long that took."""
        started = time.perf_counter()
        payload = req.payload if isinstance(req.payload, dict) else {}
        try:
            with bound(request_id=request_id(), **log_ids(payload)):
                await super().handle(client, req)  # type: ignore[arg-type]
        finally:
            self.metrics.ack(surface(payload), time.perf_counter() - started)
