"""`sre-coach run`: the Slack app with its timer, over Socket Mode or the HTTP endpoint."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from datetime import timedelta

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.clock import SystemClock
from bot.commands.words import warm_dates
from bot.content import Content
from bot.db.uow import Database
from bot.scheduling.timer import start_timer
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.deps import SlackDeps
from bot.slack.installations import check_keys
from bot.slack.server import web_app
from bot.slack.workspaces import SingleWorkspace, TeamMessengers, TokenDirectory
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
    warm_dates()
    bot = build(settings.database_url, SystemClock(), content)
    db = bot.db
    app, deps = build_app(settings, bot.router)
    tokens = await _token_directory(app, deps, settings)
    if tokens is None:
        await db.dispose()
        return 1
    # The scheduler and the health jobs send with each nudge's own workspace's token.
    beat = TeamMessengers(tokens, settings.slack_api_base_url)
    grace = timedelta(days=settings.uninstall_grace_days)
    worker = f"{socket.gethostname()}-{os.getpid()}"
    catalog = backstage_reader(settings)
    timer = start_timer(bot.due_work(beat, worker=worker, grace=grace, catalog=catalog))
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


async def _token_directory(
    app: AsyncApp, deps: SlackDeps, settings: Settings
) -> TokenDirectory | None:
    """Where the senders outside a request find each workspace's token; None, after one line
    on stderr, when the bot cannot start (a key that cannot read the stored tokens, a refused
    SLACK_BOT_TOKEN)."""
    clock = deps.router.clock
    if deps.oauth is not None:
        problem = await check_keys(deps.router.db, settings.token_keys)
        if problem is not None:
            print(f"sre-coach run: {problem}", file=sys.stderr)
            return None
        log.info("OAuth mode: serving every workspace installed from /slack/install")
        return deps.oauth.tokens
    try:
        identity = await app.client.auth_test()
    except (SlackApiError, OSError) as error:
        reason = (
            error.response["error"] if isinstance(error, SlackApiError) else type(error).__name__
        )
        print(f"sre-coach run: Slack refused the bot token ({reason})", file=sys.stderr)
        return None
    team, enterprise = str(identity.get("team_id") or ""), identity.get("enterprise_id")
    log.info("connected to workspace %s as %s", team, identity.get("user_id"))
    # The token works: the workspace stands clear of an earlier uninstall or parking.
    await deps.lifecycle.installed(team, enterprise, clock.now())
    assert settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()
    return SingleWorkspace(token, team, deps.lifecycle, clock)


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
