"""`sre-coach run`: the Slack app with its timer, over Socket Mode or the HTTP endpoint."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.clock import SystemClock
from bot.content import Content
from bot.db.uow import Database
from bot.ports import OneWorkspace
from bot.scheduling.timer import start_timer
from bot.settings import Settings
from bot.slack.app import build_app, make_client
from bot.slack.messenger import SlackMessenger
from bot.slack.server import web_app
from bot.wiring import backstage_reader, build

log = logging.getLogger(__name__)


async def _stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve(settings: Settings, content: Content) -> int:
    """Run until stopped; returns the process exit code."""
    bot = build(settings.database_url, SystemClock(), content)
    db = bot.db
    app, deps = build_app(settings, bot.router)
    try:
        identity = await app.client.auth_test()
    except (SlackApiError, OSError) as error:
        reason = (
            error.response["error"] if isinstance(error, SlackApiError) else type(error).__name__
        )
        print(f"sre-coach run: Slack refused the bot token ({reason})", file=sys.stderr)
        await db.dispose()
        return 1
    log.info("connected to workspace %s as %s", identity.get("team_id"), identity.get("user_id"))
    beat = OneWorkspace(SlackMessenger(make_client(settings, retries=False)))
    worker = f"{socket.gethostname()}-{os.getpid()}"
    timer = start_timer(bot.due_work(beat, worker, backstage_reader(settings)))
    try:
        if settings.socket_mode:
            await _socket_mode(app, settings)
        else:
            assert settings.slack_signing_secret is not None  # missing_for_slack() checked it
            await _http(app, db, settings.slack_signing_secret.get_secret_value(), settings.port)
    finally:
        timer.shutdown(wait=False)
        await deps.tasks.drain()
        await db.dispose()
    return 0


async def _http(app: AsyncApp, db: Database, signing_secret: str, port: int) -> None:
    runner = web.AppRunner(web_app(app, db, signing_secret), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()
    log.info("listening on :%d (POST /slack/events, GET /healthz)", port)
    try:
        await _stopped()
    finally:
        await runner.cleanup()


async def _socket_mode(app: AsyncApp, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    assert settings.slack_app_token is not None
    handler = AsyncSocketModeHandler(app, settings.slack_app_token.get_secret_value())
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected over Socket Mode")
    try:
        await _stopped()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
