"""The HTTP front door: `POST /slack/events` into Bolt, `GET /healthz` that checks the database."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.db.uow import Database

EVENTS_PATH = "/slack/events"


def web_app(app: AsyncApp, db: Database) -> web.Application:
    """An aiohttp application serving Slack's requests and the health check."""

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_: web.Request) -> web.Response:
        if await db.healthy():
            return web.json_response({"ok": True, "database": "ok"})
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)

    server = web.Application()
    server.router.add_post(EVENTS_PATH, slack_events)
    server.router.add_get("/healthz", healthz)
    return server
